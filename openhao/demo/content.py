"""Generators for the demo content: articles, comments, creator profiles, readers.

Everything here was written for this project. An article is one ``stories.Story``: its title and
body are filled from the same slot values (``Filler``), so the body is about the title's subject
— the city, show, car or question the title names — and never names another one. The same seed
always yields the same site.
"""

from __future__ import annotations

import random
import re
from collections import defaultdict
from dataclasses import dataclass, field
from html import escape

from .stories import (
    BANKS,
    CITIES,
    CLOSERS,
    COMMON_SLOTS,
    CONNECTORS,
    ENTITY_SLOTS,
    SECTION_SENTENCES,
    Slot,
    Story,
)

__all__ = ["CITIES", "ENTITY_SLOTS"]

TITLE_MIN, TITLE_MAX = 8, 30

NEWS_CHANNELS = ("toutiao", "sports", "ent", "money", "tech", "auto")

_SLOT_RE = re.compile(r"\{([a-z_]+?)(\d?)\}")


class Filler:
    """Fills ``{slot}`` placeholders for one article: a slot keeps its value across the title
    and every sentence of the body; ``{slot2}`` gets a value different from ``{slot}``."""

    def __init__(self, rng: random.Random, slots: dict[str, Slot] | None = None):
        self.rng = rng
        self.slots = slots or {}
        self.chosen: dict[str, str] = {}
        self._used: dict[str, set[str]] = defaultdict(set)

    def __call__(self, template: str) -> str:
        return _SLOT_RE.sub(self._replace, template)

    def _replace(self, match: re.Match) -> str:
        key, base = match.group(0)[1:-1], match.group(1)
        if key not in self.chosen:
            source = self.slots.get(base) or COMMON_SLOTS[base]
            value = ""
            for _ in range(12):
                value = source(self.rng) if callable(source) else self.rng.choice(source)
                if value not in self._used[base]:
                    break
            self._used[base].add(value)
            self.chosen[key] = value
        return self.chosen[key]


@dataclass
class Draft:
    """A generated article before it is stored."""

    channel: str
    title: str
    story: Story | None = None
    filler: Filler | None = None
    body_html: str = ""
    summary: str = ""
    paragraphs: list[str] = field(default_factory=list)

    def subject_values(self) -> list[str]:
        """What the title is about: the values of the story's subject slots."""
        if not self.story or not self.filler:
            return []
        return [self.filler.chosen[s] for s in self.story.subject if s in self.filler.chosen]


def draft_title(rng: random.Random, channel: str) -> Draft:
    bank = BANKS[channel]
    story = rng.choices(bank.stories, [len(s.titles) for s in bank.stories])[0]
    filler = Filler(rng, bank.slots)
    return Draft(channel, filler(rng.choice(story.titles)), story, filler)


def draft_titles(rng: random.Random, channel: str, count: int, used: set[str]) -> list[Draft]:
    """``count`` new articles' titles for the channel, none in ``used`` (which is updated). May
    return fewer when the templates run out of combinations."""
    drafts: list[Draft] = []
    for _ in range(count * 60):
        if len(drafts) >= count:
            break
        draft = draft_title(rng, channel)
        if TITLE_MIN <= len(draft.title) <= TITLE_MAX and draft.title not in used:
            used.add(draft.title)
            drafts.append(draft)
    return drafts


def _section(channel: str) -> str:
    return "news" if channel in NEWS_CHANNELS else "original"


def write_body(rng: random.Random, draft: Draft) -> Draft:
    """Fill in the body (HTML) and summary of a drafted article.

    The lead names the title's subject; then the story's own sentences and one of its endings —
    nothing generic, so nothing that could be off the subject: 3-5 paragraphs of two to four
    sentences, 200-500 characters, like a short news item or note. (The long, structured pieces
    with sub-headings and 参考资料 are the hand-written ones, ``handwritten.py``.)"""
    story, fill = draft.story, draft.filler
    assert story is not None and fill is not None
    section = _section(draft.channel)
    # The story's sentences in their written order, which reads as a narrative, less one or two.
    drop = set(rng.sample(range(len(story.sentences)), rng.choice((0, 1, 1, 2))))
    own = [fill(s) for i, s in enumerate(story.sentences) if i not in drop]
    sentences = [fill(rng.choice(story.leads)), *own, fill(rng.choice(story.ends))]
    paragraph_count = max(3, min(5, round(len(sentences) / rng.uniform(2.4, 3.4))))
    paragraphs = ["".join(part) for part in _split(sentences, paragraph_count)]
    if rng.random() < 0.4:
        paragraphs[-1] += rng.choice(CLOSERS[section])

    draft.paragraphs = paragraphs
    draft.body_html = _html(paragraphs)
    draft.summary = _summary(paragraphs[0])
    return draft


def make_article(rng: random.Random, channel: str) -> Draft:
    return write_body(rng, draft_title(rng, channel))


# Leads for titles taken from a headlines file: we know nothing about such a story, so its body
# quotes the title and carries on with sentences that fit any article of the section.
HEADLINE_BODY_MIN = 300
HEADLINE_LEADS = {
    "news": ("“{title}”——这条消息近日引发了不少关注。", "近日，“{title}”一事受到关注。"),
    "original": ("看到“{title}”这个话题，我想说几句自己的看法。",),
}


def write_headline_body(rng: random.Random, draft: Draft) -> Draft:
    section = _section(draft.channel)
    lead = rng.choice(HEADLINE_LEADS[section]).format(title=draft.title)
    neutral = rng.sample(SECTION_SENTENCES[section], len(SECTION_SENTENCES[section]))
    neutral += rng.sample(CONNECTORS, len(CONNECTORS))
    sentences = [lead]
    while sum(map(len, sentences)) < HEADLINE_BODY_MIN and neutral:
        sentences.append(neutral.pop())
    sentences.append(rng.choice(CLOSERS[section]))
    third = max(1, len(sentences) // 3)
    paragraphs = [
        "".join(sentences[:third]),
        "".join(sentences[third : 2 * third]),
        "".join(sentences[2 * third :]),
    ]
    draft.paragraphs = paragraphs
    draft.body_html = _html(paragraphs)
    draft.summary = _summary(paragraphs[0])
    return draft


def _split(items: list[str], parts: int) -> list[list[str]]:
    """``items`` in ``parts`` consecutive runs of about equal length."""
    cuts = [round(i * len(items) / parts) for i in range(parts + 1)]
    return [items[a:b] for a, b in zip(cuts, cuts[1:], strict=False)]


def _html(paragraphs: list[str]) -> str:
    return "\n".join(f"<p>{escape(text, quote=False)}</p>" for text in paragraphs)


def _summary(first: str) -> str:
    return first if len(first) <= 110 else first[:109] + "…"


# --- creators ----------------------------------------------------------------------------------


@dataclass(frozen=True)
class CreatorProfile:
    display_name: str
    channels: tuple[str, ...]


# (display name, channels they mostly write for). The first one writes the long-form piece.
CREATORS: tuple[CreatorProfile, ...] = tuple(
    CreatorProfile(name, tuple(channels.split()))
    for name, channels in (
        ("山河旅行笔记", "travel local"),
        ("城市漫游者", "local travel"),
        ("老陈说车", "auto"),
        ("电动车研究所", "auto tech"),
        ("财经观察站", "money toutiao"),
        ("小鹿理财日记", "money home"),
        ("硬核科技控", "tech"),
        ("数码实验室", "tech auto"),
        ("球场边的记者", "sports"),
        ("跑步的阿杰", "sports local"),
        ("追剧小分队", "ent"),
        ("光影评论", "ent open"),
        ("时尚衣橱", "ent home"),
        ("蓝天航迹", "mil"),
        ("军史小讲堂", "mil open"),
        ("一起学历史", "open"),
        ("好奇心实验室", "open tech"),
        ("住进理想家", "home"),
        ("厨房里的时光", "home local"),
        ("育儿那些事", "home"),
        ("今日要闻速递", "toutiao"),
        ("环球视野", "toutiao mil"),
        ("街角新闻社", "local toutiao"),
        ("慢生活研究所", "travel home"),
        ("老城故事会", "local open"),
        ("周末去哪玩", "travel"),
    )
)

_NAME_HEADS = ("晴天", "山野", "星河", "南风", "北岛", "青柠", "半夏", "松间", "白露", "长亭")
_NAME_TAILS = ("笔记", "日记", "观察", "手记", "研究所", "工作室", "小站", "说")

MOTTOS = (
    "用脚步丈量世界，用文字记录生活。",
    "认真生活，慢慢发光。",
    "只写自己看过、试过、想清楚的东西。",
    "把复杂的事情讲简单。",
    "保持好奇，保持热爱。",
    "有态度，有温度，有深度。",
    "在平凡的日子里寻找不平凡。",
    "真诚是最好的写作技巧。",
    "不追热点，只讲常识。",
    "做时间的朋友。",
    "一边走，一边看，一边写。",
    "数据会说话，我们替它翻译。",
    "生活不止眼前，还有远方和厨房。",
    "好好吃饭，好好睡觉，好好写字。",
    "慢一点，才能看清楚。",
    "用镜头和文字留住时光。",
    "讲好每一个普通人的故事。",
    "科普不是板着脸讲课。",
    "少一点焦虑，多一点行动。",
    "日拱一卒，功不唐捐。",
    "所有的答案都在路上。",
    "每一篇都是写给未来的自己。",
)

BIO_FOCUS = {
    "toutiao": "关注每天的新闻现场，把重要的事讲清楚",
    "sports": "看球、跑步、聊比赛，记录赛场内外的故事",
    "ent": "追剧、看电影、聊穿搭，分享好作品与好生活",
    "money": "用普通人听得懂的话聊经济、聊理财",
    "tech": "关注新技术与新产品，提供靠谱的评测与解读",
    "auto": "试车、用车、聊车，帮你少走买车弯路",
    "home": "分享家居改造、收纳和家常菜的实用经验",
    "travel": "记录路上的风景与人情，分享不赶路的旅行方式",
    "local": "走街串巷，记录城市里的烟火气与普通人",
    "open": "把历史和科学讲成好听的故事",
    "mil": "航空与国防科普，带你走近蓝天和大海",
}
BIO_MIDDLES = (
    "坚持原创，用心写好每一篇",
    "已连续更新{n}年",
    "团队成员来自媒体与行业一线",
    "相信好内容值得被更多人看到",
    "所有内容均为实地采访或亲身体验",
)
BIO_ENDINGS = ("欢迎关注，一起交流。", "合作请私信。", "感谢每一位读者的陪伴。", "")


def creator_profiles(rng: random.Random, count: int) -> list[CreatorProfile]:
    """The curated creators first, then generated names (unique, at most 20 characters)."""
    profiles = list(CREATORS[:count])
    names = {p.display_name for p in profiles}
    channels = list(BIO_FOCUS)
    while len(profiles) < count:
        name = rng.choice(_NAME_HEADS) + rng.choice(_NAME_TAILS)
        if name in names:
            name += str(len(profiles) + 1)
        names.add(name)
        profiles.append(CreatorProfile(name[:20], tuple(rng.sample(channels, 2))))
    return profiles


def make_bio(rng: random.Random, profile: CreatorProfile) -> str:
    middle = Filler(rng)(rng.choice(BIO_MIDDLES))
    return f"{BIO_FOCUS[profile.channels[0]]}。{middle}。{rng.choice(BIO_ENDINGS)}".strip()


# --- topics and badges -------------------------------------------------------------------------

CAMPAIGN_TOPIC = "春季图文激励计划"

# (name, description, channels it is used in)
TOPICS: tuple[tuple[str, str, tuple[str, ...]], ...] = (
    (CAMPAIGN_TOPIC, "春季图文创作激励活动：优质原创图文可获得流量扶持与现金奖励",
     ("home", "travel", "local", "open", "mil")),
    ("周末去哪儿", "周边游、短途游和城市漫步灵感", ("travel", "local")),
    ("城市微更新", "老街巷、口袋公园和社区里的小变化", ("local", "toutiao", "home")),
    ("新能源汽车", "新车、充电与用车经验", ("auto", "tech", "money")),
    ("科技早知道", "新技术、新产品与数字生活", ("tech",)),
    ("理财小课堂", "普通人的家庭理财常识", ("money",)),
    ("全民健身", "跑步、球类和社区运动", ("sports", "local")),
    ("家的样子", "装修、收纳和家常菜", ("home",)),
    ("观影指南", "新片、新剧和值得一看的好作品", ("ent",)),
    ("航空科普", "飞机、航展和蓝天上的知识", ("mil", "open")),
    ("国际观察", "全球视野下的新闻解读", ("toutiao", "mil")),
)  # fmt: skip

# Hand-set badges, as operators give them: (slug, name, description, symbol, colour). 原创作者,
# 优质创作者, 新锐 and campaign winners are computed from data by the creator index
# (campaigns.creator_index), which the demo runs last; hand-setting them too showed them twice.
BADGES: tuple[tuple[str, str, str, str, str], ...] = (
    ("signed", "签约作者", "与平台签约的作者", "签", "#c4302b"),
    ("spring-campaign", CAMPAIGN_TOPIC, "参与春季图文激励计划的创作者", "✿", "#2e9d5b"),
)

# 申请入驻 waiting for the demo operator: (号名称, channel, 自我介绍).
APPLICATIONS = (
    (
        "山城慢食记",
        "home",
        "在重庆生活了十几年，想用图文记录家常菜和街头小吃，每周更新两到三篇。"
        "文中的菜都由我自己做过、拍过，步骤和用量写得清清楚楚。",
    ),
    (
        "晨跑观察员",
        "sports",
        "业余跑者，跑龄八年，完成过五次全程马拉松。"
        "想写一些适合上班族的跑步入门、训练计划和伤病预防内容。",
    ),
)


# --- readers and 跟贴 ----------------------------------------------------------------------------

_READER_HEADS = ("江南", "北方", "小城", "山间", "海边", "老街", "晚风", "清晨", "半山", "河畔")
_READER_TAILS = ("老王", "小陈", "阿杰", "一叶", "书生", "散人", "过客", "大叔", "阿姨", "少年")


def reader_nicknames(rng: random.Random, count: int) -> list[str]:
    """Unique reader nicknames such as 江南小陈 (at most 100)."""
    names = [head + tail for head in _READER_HEADS for tail in _READER_TAILS]
    return rng.sample(names, min(count, len(names)))


# Reader reactions that fit any article.
COMMENTS = (
    "写得很细致，收藏了。",
    "第二段说到点子上了，身边确实有这样的情况。",
    "看完涨知识了，希望作者多写写这个话题。",
    "我们这边也差不多，感同身受。",
    "标题有点夸张，不过内容还是挺实在的。",
    "这篇值得转给家里人看看。",
    "有不同看法：这件事恐怕没有文中说的那么简单。",
    "每天都来看看，作者更新好勤快。",
    "讲得通俗易懂，老人也能看明白。",
    "期待后续。",
    "上周刚经历过类似的事，深有体会。",
    "分析得挺客观，没有一边倒。",
    "收藏了，慢慢看。",
    "这个角度以前没想过。",
    "希望能有后续报道。",
    "说得在理。",
    "第一次看这个号的文章，关注了。",
    "排版很舒服，读起来不累。",
    "转给朋友了，他最近正好在纠结这件事。",
    "作者用心了。",
    "有几处说法我保留意见，不过整体写得不错。",
    "这类文章多来点。",
)
# Short ones that readers repeat under busy articles.
SHORT_COMMENTS = ("支持！", "好文。", "赞", "学习了", "顶一个", "说得好", "收藏", "mark一下")

CHANNEL_COMMENTS = {
    "toutiao": (
        "这件事确实关系到每个人。",
        "希望政策能落到实处，别只停在纸面上。",
        "我们那边上个月也开始了，确实方便了不少。",
        "办实事就该这样，点赞。",
        "具体怎么执行，还是要看细则。",
        "有没有本地的朋友说说实际情况？",
    ),
    "sports": (
        "这场我在现场，气氛太好了！",
        "下半场的调整很关键。",
        "年轻球员表现真不错。",
        "主教练这次换人换对了。",
        "防守还是有问题，得练。",
        "支持家乡队！",
    ),
    "ent": (
        "已经在追了，太好看了。",
        "演员的台词功底真不错。",
        "配乐绝了，单曲循环中。",
        "期待续集！",
        "后半段节奏有点拖。",
        "冲着这个演员去看的。",
    ),
    "money": (
        "收益越来越低，钱真不知道放哪儿。",
        "分散配置这个建议很实在。",
        "看完决定先把消费贷还了。",
        "数据要是能附上出处就更好了。",
        "普通人还是稳一点好。",
        "说得挺客观，没有乱推荐产品。",
    ),
    "tech": (
        "照着设置了一遍，真的流畅多了。",
        "技术进步太快了，有点跟不上。",
        "隐私问题还是要重视。",
        "等降价再入手。",
        "给爸妈的手机也这样弄了一下。",
        "求出一期详细的对比评测。",
    ),
    "auto": (
        "上周刚提了车，开着挺舒服。",
        "充电桩还是不够，小区里装不了。",
        "保养这些项目确实容易忽略。",
        "续航打个八折差不多是实际能跑的。",
        "想问问冬天续航掉得多吗？",
        "车机再好用，开车也别分心。",
    ),
    "home": (
        "收藏了，装修的时候用得上。",
        "插座留少了真的会后悔，亲身经历。",
        "照着整理了一下衣柜，清爽多了。",
        "这个季节就该吃这一口。",
        "小户型真的需要好好规划。",
        "说起来容易，坚持下来难。",
    ),
    "travel": (
        "去年去过，确实值得慢慢逛。",
        "收藏了，下次就按这条路线走。",
        "节假日估计也挤，还是错峰好。",
        "求推荐住的地方。",
        "带娃出游这几条太实用了。",
        "本地人表示，写得很地道。",
    ),
    "local": (
        "看得眼眶一热。",
        "城市的烟火气，就是这些人撑起来的。",
        "改造之后确实好多了，每天都去散步。",
        "向平凡岗位上的每一个人致敬。",
        "老街的味道，变不了。",
        "写得真好，想起了我的家乡。",
    ),
    "open": (
        "涨知识了。",
        "讲得通俗易懂，孩子也能看明白。",
        "小时候也问过这个问题，终于知道答案了。",
        "求推荐几本相关的书。",
        "这个系列请继续更新。",
        "转给孩子看了。",
    ),
    "mil": (
        "现场看过一次，震撼！",
        "向一线官兵致敬。",
        "孩子看完说长大了要当飞行员。",
        "科普得很清楚。",
        "开放日的名额太难抢了。",
        "每一次试飞背后都是无数人的努力。",
    ),
}
# Under articles with 参考资料.
REFERENCE_COMMENTS = ("文末的参考资料很有用，谢谢整理。", "参考资料列得很清楚，点赞。")

REPLIES = (
    "同意楼上。",
    "我也是这么想的。",
    "说得有道理，补充一点：还要看具体情况。",
    "哈哈，确实如此。",
    "不太认同，不过可以理解。",
    "谢谢分享经验。",
    "楼上说得好。",
    "一起加油！",
)
AUTHOR_REPLIES = (
    "谢谢支持！",
    "感谢指正，后面会补充。",
    "谢谢阅读，欢迎常来。",
    "这个问题下一篇会专门写。",
)


def comment_texts(
    rng: random.Random, channel: str, count: int, *, references: bool = False
) -> list[str]:
    """``count`` top-level 跟贴 for an article: distinct reactions while they last (the channel's
    own first in the mix), then the short ones readers repeat."""
    pool = list(CHANNEL_COMMENTS.get(channel, ())) + list(COMMENTS)
    if references:
        pool += REFERENCE_COMMENTS
    texts = rng.sample(pool, min(count, len(pool)))
    texts += [rng.choice(SHORT_COMMENTS) for _ in range(count - len(texts))]
    return texts
