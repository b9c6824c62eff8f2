"""Normalisation for the word filter: what is folded, what is removed, what is kept, and the
slow path with positions agrees with the fast one."""

import pytest

from openhao.moderation import normalize


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("網絡賭博", "网络赌博"),  # Traditional → Simplified
        ("ＡＢＣ１２３", "abc123"),  # full-width → half-width, case folded
        ("敏.感", "敏感"),
        ("敏 感", "敏感"),
        ("敏\u200b感", "敏感"),
        ("敏 . 感", "敏感"),
        ("这 是 敏 感 词", "这是敏感词"),
        ("f u c k", "fuck"),
    ],
)
def test_folds_and_removes(text, expected):
    assert normalize.normalize(text) == expected


@pytest.mark.parametrize(
    "text",
    [
        "春季过敏 感冒高发",  # a space between two words
        "过敏。感冒",  # sentence punctuation
        "过敏\n感冒",  # a line break (a paragraph or a heading ends there)
        "3.14 2024-01-01 10:30",  # fillers between digits
        "i am a cat",  # fewer than three single ASCII letters
        "“敏”感",  # quotes are breaks
    ],
)
def test_keeps_real_breaks(text):
    assert normalize.normalize(text) == text


def test_listed_words_drop_every_separator():
    assert normalize.normalize_word(" 敏 .感\u200b ") == "敏感"
    assert normalize.normalize_word("代開發票") == "代开发票"


@pytest.mark.parametrize(
    "text",
    [
        "網上賭.博 ＦＵＣＫ 𝐅𝐔𝐂𝐊 敏 感，赌 博 Ⅻ ① 3.14 e\u0301",
        "今天天气很好，我们去公园散步。" * 20,
        "f u c k and a b and 敏😀感 and 敏̶感",
        "",
    ],
)
def test_the_mapped_path_agrees_with_the_fast_one(text):
    mapped, origin = normalize.normalize_with_map(text)
    assert mapped == normalize.normalize(text)
    assert len(origin) == len(mapped)
    assert origin == sorted(origin)
    assert all(0 <= i < len(text) for i in origin)


@pytest.mark.parametrize(
    ("text", "word", "whole"),
    [
        ("牙刷单价", "刷单", False),
        ("过敏感冒", "敏感", False),
        ("这个话题很敏感", "敏感", True),
        ("这是敏感词", "敏感", True),
        ("sussex", "sex", False),
        ("sexy", "sex", True),
    ],
)
def test_whole_word(text, word, whole):
    start = text.index(word)
    assert normalize.is_whole_word(text, start, start + len(word)) is whole


def _segmented_whole_word(text: str, start: int, end: int) -> bool:
    """is_whole_word without its shortcut: always segment the window."""
    lo = max(0, start - normalize._WINDOW)
    window = text[lo : min(len(text), end + normalize._WINDOW)]
    s, e = start - lo, end - lo
    pos = 0
    for token in normalize._tokenizer().lcut(window, HMM=False):
        t_start, t_end = pos, pos + len(token)
        pos = t_end
        if len(token) < 2 or t_end <= s or t_start >= e:
            continue
        if not (t_start <= s and t_end >= e) and (t_start < s or t_end > e):
            return False
    return True


def test_the_segmentation_shortcut_never_changes_the_answer():
    # Skipping jieba when no dictionary word (or ASCII run) could straddle a match's edge is a
    # necessary condition only: over every span of a mixed text, the answer is the same.
    text = normalize.normalize(
        "牙刷单价，春季过敏感冒高发。这是敏感词ab vx号cd刷单返利3C数码AA制的全心全意"
        "狩猎者变奏曲，代开发票赌博网站t恤b超"
    )
    spans = [
        (start, start + size)
        for size in (2, 3, 4)
        for start in range(len(text) - size + 1)
        if not text[start : start + size].isascii()
    ]
    assert len(spans) > 150
    for start, end in spans:
        assert normalize.is_whole_word(text, start, end) is _segmented_whole_word(
            text, start, end
        ), text[start:end]
