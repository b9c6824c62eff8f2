"""The 原创 check's fingerprints: a rewritten copy (paragraphs moved, phrases swapped,
Traditional characters) stays at or above the threshold and shares a band key, an unrelated
article does neither, and short texts are not judged."""

from openhao.moderation import originality

ORIGINAL = "\n".join(
    [
        (
            "城市的夜晚总是热闹的。下班以后，街边的小吃摊陆续亮起灯，烤串的香味飘满整条街道。"
            "很多年轻人喜欢在这个时候约上三五好友，坐在路边的小桌旁聊天，讲讲一天的工作，也讲讲各自的烦恼。"
        ),
        (
            "老张在这条街上卖了十二年的凉皮。"
            "他说，刚来的时候这里还是一片老旧的居民区，晚上九点以后就没什么人了。"
            "后来附近建起了写字楼和商场，人流一下子多了起来，他的生意也越来越好。"
            "每天晚上，他要准备两百多份凉皮，常常不到十一点就卖完了。"
        ),
        (
            "不过，热闹的背后也有问题。油烟、噪音和垃圾让附近的居民颇有怨言。"
            "社区多次组织商户开会，希望大家统一安装油烟净化设备，按时清理垃圾。"
            "老张第一个报了名，他说做生意要讲良心，不能只顾自己赚钱。"
        ),
        (
            "如今，这条街已经成为城市夜间经济的一张名片。"
            "政府规划了专门的摊位区域，统一了招牌和灯光，还设置了公共垃圾分类点。"
            "游客们来到这里，不仅能吃到地道的小吃，还能感受到这座城市独有的烟火气。"
        ),
        (
            "专家认为，夜间经济的发展需要在活力与秩序之间找到平衡。"
            "既要给小商户留出生存空间，也要照顾居民的正常生活。"
            "只有这样，城市的夜晚才能既热闹又和谐。"
        ),
    ]
)

UNRELATED = "\n".join(
    [
        (
            "今年的春季招聘会上，人工智能相关岗位的需求明显增加。"
            "记者走访发现，不少企业开出了高薪，希望吸引有经验的算法工程师。"
            "与此同时，传统制造业也在积极转型，对懂数据分析的技术工人需求旺盛。"
        ),
        (
            ""
            "一位人力资源负责人表示，现在的求职者更看重职业发展空间和工作氛围，单纯依靠薪资已经很难留住人才。"
            "很多公司开始提供弹性工作制和培训计划，帮助员工提升技能。"
        ),
        (
            "高校毕业生小李说，他投了三十多份简历，收到了五个面试邀请。"
            "他认为，除了专业知识，沟通能力和团队合作精神同样重要。"
            "专家建议，求职者应该提前做好职业规划，了解行业发展趋势，有针对性地提升自己。"
        ),
    ]
)


def rewritten(text: str) -> str:
    """A 洗稿 of text: paragraphs reordered, three phrases reworded, some characters in
    Traditional and full-width punctuation kept."""
    p = text.split("\n")
    copy = "\n".join([p[1], p[0], p[2], p[4], p[3]])
    for old, new in [("三五好友", "几个朋友"), ("颇有怨言", "意见不小"), ("十二年", "十多年")]:
        copy = copy.replace(old, new)
    return copy.replace("城市的夜晚总是热闹的", "城市的夜晚總是熱鬧的")


def test_a_rewritten_copy_is_at_least_ninety_percent_similar():
    original = originality.fingerprint(ORIGINAL)
    copy = originality.fingerprint(rewritten(ORIGINAL))
    assert originality.similarity(original.signature, copy.signature) >= originality.THRESHOLD
    assert set(original.keys) & set(copy.keys)  # found by the banded lookup


def test_an_unrelated_article_is_neither_similar_nor_a_candidate():
    original = originality.fingerprint(ORIGINAL)
    other = originality.fingerprint(UNRELATED)
    assert originality.similarity(original.signature, other.signature) < 0.2
    assert not set(original.keys) & set(other.keys)


def test_half_an_article_is_below_the_threshold():
    original = originality.fingerprint(ORIGINAL)
    half = originality.fingerprint(ORIGINAL[: len(ORIGINAL) // 2])
    assert originality.similarity(original.signature, half.signature) < originality.THRESHOLD


def test_html_bodies_are_read_as_text():
    html = "".join(f"<p>{para}</p>" for para in ORIGINAL.split("\n"))
    assert originality.fingerprint(html, html=True).signature == (
        originality.fingerprint(ORIGINAL).signature
    )


def test_fingerprints_are_stable_and_sized():
    fp = originality.fingerprint(ORIGINAL)
    assert fp == originality.fingerprint(ORIGINAL)
    assert len(fp.signature) == originality.NUM_PERM * 4
    assert len(fp.keys) == originality.BANDS == len(set(fp.keys))
    assert all(-(2**63) <= key < 2**63 for key in fp.keys)


def test_short_texts_are_not_judged():
    assert originality.fingerprint("今天天气很好，我们去公园散步。") is None


def test_best_match_picks_the_most_similar_candidate_above_the_threshold():
    fp = originality.fingerprint(ORIGINAL)
    copy = originality.fingerprint(rewritten(ORIGINAL))
    other = originality.fingerprint(UNRELATED)
    candidates = [(1, other.signature), (2, copy.signature), (3, fp.signature)]
    assert originality.best_match(fp, candidates) == (3, 1.0)
    assert originality.best_match(fp, candidates[:2])[0] == 2
    assert originality.best_match(fp, candidates[:1]) is None
