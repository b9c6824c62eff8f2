"""The sentence diff of the change log on fixed texts."""

from openhao.corrections.diff import Segment, html_diff, html_to_lines, sentence_diff, sentences


def test_sentences_cut_after_chinese_end_marks_and_at_line_breaks():
    text = "我们在5月3日抵达杭州。第二天去了西湖！湖边的人很多；天气很好\n住在旅馆？是的。"
    assert sentences(text) == [
        "我们在5月3日抵达杭州。",
        "第二天去了西湖！",
        "湖边的人很多；",
        "天气很好",
        "住在旅馆？",
        "是的。",
    ]


def test_closing_quotes_stay_with_their_sentence_and_runs_of_marks_are_one_end():
    assert sentences("他说：“到了。”我们走吧！！") == ["他说：“到了。”", "我们走吧！！"]


def test_html_blocks_become_lines():
    html = "<h2>标题</h2><p>第一段&nbsp;文字。<br>换行</p><ul><li>一</li><li>二</li></ul>"
    assert html_to_lines(html) == "标题\n第一段 文字。\n换行\n一\n二"


def test_a_changed_sentence_is_one_deletion_and_one_insertion_in_context():
    old = "第一句。第二句。第三句。我们在5月3日抵达杭州。第四句。第五句。第六句。"
    new = "第一句。第二句。第三句。我们在5月4日抵达杭州。第四句。第五句。第六句。"
    assert sentence_diff(old, new) == [
        Segment("skip", count=2),
        Segment("equal", "第三句。"),
        Segment("delete", "我们在5月3日抵达杭州。"),
        Segment("insert", "我们在5月4日抵达杭州。"),
        Segment("equal", "第四句。"),
        Segment("skip", count=2),
    ]


def test_added_and_removed_sentences_and_equal_texts():
    assert sentence_diff("甲。乙。", "甲。乙。丙！") == [
        Segment("equal", "甲。"),
        Segment("equal", "乙。"),
        Segment("insert", "丙！"),
    ]
    assert sentence_diff("甲。乙；丙。", "甲。丙。") == [
        Segment("equal", "甲。"),
        Segment("delete", "乙；"),
        Segment("equal", "丙。"),
    ]
    assert sentence_diff("甲。乙。", "甲。乙。") == []


def test_html_diff_reads_the_bodies_by_sentence():
    old = "<p>西湖边人很多。天气晴。</p>"
    new = "<p>西湖边人很多。</p><p>天气阴。</p>"
    assert html_diff(old, new) == [
        Segment("equal", "西湖边人很多。"),
        Segment("delete", "天气晴。"),
        Segment("insert", "天气阴。"),
    ]
