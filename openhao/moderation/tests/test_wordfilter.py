"""The sensitive-word filter over normalised text: variant spellings of listed words are
caught, innocent sentences holding the same characters across two words are not, actions
resolve by severity, replace-words are masked in the original spelling, and the process
shares one automaton per list version."""

import pytest

from openhao.moderation import normalize, wordfilter
from openhao.moderation.wordfilter import BLOCK, REPLACE, REVIEW, WordFilter

WORDS = [
    ("赌博", BLOCK),
    ("刷单", BLOCK),
    ("代开发票", BLOCK),
    ("办假证", BLOCK),
    ("裸聊", BLOCK),
    ("敏感", REVIEW),
    ("加微信", REVIEW),
    ("傻逼", REPLACE),
    ("fuck", REPLACE),
    ("porn", BLOCK),
]

# (text, the listed word it must be caught as)
VARIANTS = [
    ("網上賭博", "赌博"),  # Traditional
    ("在线赌.博平台", "赌博"),  # a dot
    ("赌 博", "赌博"),  # a space between single characters
    ("赌\u200b博网站", "赌博"),  # zero-width space
    ("赌\u200d\u200c博", "赌博"),  # zero-width joiners
    ("赌*博", "赌博"),
    ("赌😀博", "赌博"),  # an emoji
    ("赌̶博", "赌博"),  # a combining stroke
    ("赌．博", "赌博"),  # a full-width dot
    ("赌 . 博", "赌博"),
    ("我们做刷单兼职", "刷单"),
    ("刷-单返利", "刷单"),
    ("刷_单", "刷单"),
    ("代開發票", "代开发票"),
    ("代 开 发 票", "代开发票"),
    ("代/开/发/票", "代开发票"),
    ("代~開~發~票", "代开发票"),
    ("专业辦假證", "办假证"),
    ("办·假·证", "办假证"),
    ("视频裸聊", "裸聊"),
    ("裸|聊", "裸聊"),
    ("这个话题很敏感", "敏感"),
    ("敏.感", "敏感"),
    ("敏 感", "敏感"),
    ("敏\u200b感", "敏感"),
    ("这是敏感词", "敏感"),  # inside a longer word
    ("加微信领红包", "加微信"),
    ("加#微#信", "加微信"),
    ("你个傻逼", "傻逼"),
    ("你个傻.逼！", "傻逼"),
    ("FUCK you", "fuck"),
    ("f.u.c.k", "fuck"),
    ("ｆｕｃｋ", "fuck"),  # full-width
    ("Ｆ Ｕ Ｃ Ｋ", "fuck"),
    ("𝐅𝐔𝐂𝐊", "fuck"),  # mathematical bold
    ("fucking hell", "fuck"),
    ("free PoRn here", "porn"),
]

# Sentences holding the characters of a listed word next to each other, but across two words,
# a sentence break or a space between words.
INNOCENT = [
    "牙刷单价是多少",  # 牙刷|单价
    "这把牙刷单独包装",
    "过敏。感冒也没好",
    "春季过敏 感冒高发",
    "他过敏感冒了",  # 过敏|感冒
    "我对花粉过敏感到很烦",
    "增加微信好友的方法",  # 增加|微信
    "参加微信公开课",  # 参加|微信
    "打赌，博物馆见",
    "我们打赌博物馆几点开门",  # 打赌|博物馆
    "傻，逼真的画面",
    "他装傻逼真极了",  # 装傻|逼真
    "代开，发票已寄出",
    "请代开发布会的门",  # no 代开发票 at all
    "裸，聊天记录",
    "赤裸聊天记录截图",  # 赤裸|聊天
    "办假期出游计划",  # 办|假期
    "这门课很敏锐，感人至深",
    "灵敏感应器",  # 灵敏|感应器
    "价格一刷，单日销量翻倍",
    "网上刷\n单词卡片",  # a line break
    "赌\n博物馆的故事",
    "porridge and pork",
    "superporn",  # an ASCII match must start a word
    "刷卡单价",
    "代理开发票据系统",
    "微信加好友",
    "3.14 和 2024-01-01",
    "I am a cat",
    "a b c d",  # single ASCII letters: joined to "abcd", which is no listed word
    "敏捷开发，感谢大家",
    "他太傻了，逼得我没办法",
]


@pytest.fixture(scope="module")
def word_filter():
    return WordFilter(WORDS, version="test")


@pytest.mark.parametrize(("text", "word"), VARIANTS)
def test_variant_spellings_are_caught(word_filter, text, word):
    assert word in {hit.word for hit in word_filter.scan(text)}, normalize.normalize(text)


def test_at_least_thirty_variants_and_thirty_innocent_sentences():
    assert len(VARIANTS) >= 30
    assert len(INNOCENT) >= 30


@pytest.mark.parametrize("text", INNOCENT)
def test_innocent_sentences_are_not_caught(word_filter, text):
    assert word_filter.scan(text) == [], normalize.normalize(text)


def test_the_most_severe_action_decides(word_filter):
    assert word_filter.check("你个傻逼").action == REPLACE
    assert word_filter.check("你个傻逼，加微信").action == REVIEW
    assert word_filter.check("傻逼加微信，网上賭博").action == BLOCK
    assert word_filter.check("今天天气很好").action is None
    assert word_filter.check("今天天气很好").text == "今天天气很好"


def test_replace_masks_the_original_spelling_only(word_filter):
    verdict = word_filter.check("你个傻.逼！FUCK you，敏感")
    assert verdict.action == REVIEW  # 敏感 is review; the replace-words are masked anyway
    assert verdict.text == "你个＊＊！＊＊ you，敏感"
    assert word_filter.mask("Ｆ Ｕ Ｃ Ｋ and f.u.c.k") == "＊＊ and ＊＊"


def test_block_message_names_no_word():
    message = str(wordfilter.BLOCK_MESSAGE)
    assert all(word not in message for word, _action in WORDS)


def test_a_word_listed_twice_keeps_its_most_severe_action():
    f = WordFilter([("敏感", REPLACE), ("敏 感", BLOCK), ("敏感", REVIEW)])
    assert f.size == 1
    assert f.check("很敏感").action == BLOCK


def test_unknown_action_is_refused():
    with pytest.raises(ValueError):
        WordFilter([("敏感", "delete")])


def test_empty_list_matches_nothing():
    assert WordFilter([]).check("赌博").action is None


def test_the_process_shares_one_automaton_per_version():
    wordfilter.reset_shared_filter()
    loads = []

    def load():
        loads.append(1)
        return WORDS

    first = wordfilter.shared_filter("v1", load)
    assert wordfilter.shared_filter("v1", load) is first
    assert len(loads) == 1
    second = wordfilter.shared_filter("v2", lambda: [("新词", BLOCK)])
    assert second is not first
    assert second.check("新词").blocked
    assert not second.check("赌博").blocked
    wordfilter.reset_shared_filter()


def test_characters_outside_the_basic_plane_keep_their_positions():
    f = WordFilter([("𠮷野", REPLACE), ("赌博", BLOCK)])
    hits = f.scan("😀去𠮷野家，𠀀赌博")
    assert [(h.word, h.start, h.end) for h in hits] == [("𠮷野", 2, 4), ("赌博", 7, 9)]
    assert f.mask("去𠮷.野家") == "去＊＊家"
