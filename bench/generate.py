"""Fill the benchmark database with a large published corpus (default 100,000 articles).

Run by `make bench-pages` with DJANGO_SETTINGS_MODULE=openhao.settings.dev and the bench
DATABASE_URL. Idempotent: when the database already holds the requested number of published
articles it only prints the article to benchmark; when it holds fewer it adds the difference.

Speed matters more than fidelity to the write path: users and creators go in with
bulk_create, articles, topic links and references with PostgreSQL COPY. That skips
Article.save(), so bodies are not sanitised; they are trusted HTML built here from a bank of
sentences. The signals that bump cache tags are skipped too, which is why the benchmark flushes
its Redis database before each run.

The last line printed is ``rich-article: <id>``: a published article with topics, references and
a long body, in the channel that holds the most articles.
"""

from __future__ import annotations

import os
import random
import sys
import time
from datetime import timedelta
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "openhao.settings.dev")

BATCH = 5000
TITLE_MAX = 64

SENTENCES = [
    "这件事在过去几天里引发了不少讨论，支持和反对的声音几乎一样多。",
    "记者在现场看到，前来咨询的市民排起了长队，工作人员一直忙到深夜。",
    "业内人士认为，短期内的波动并不会改变长期向好的基本趋势。",
    "从公开数据来看，今年前三个季度的增速明显高于去年同期。",
    "不少网友在评论区留言，说自己也有过类似的经历。",
    "专家提醒，遇到这种情况时一定要保持冷静，先确认信息的来源。",
    "据了解，相关部门已经成立了专门的工作组，负责后续的跟进工作。",
    "这并不是第一次出现类似的问题，早在几年前就有人提出过担忧。",
    "对于普通家庭来说，最关心的还是价格会不会继续上涨。",
    "一位从业十多年的老师傅告诉我们，手艺的关键在于耐心和细节。",
    "如果把时间线拉长来看，就会发现其中有一条清晰的脉络。",
    "当地居民表示，这几年身边的变化是实实在在能感受到的。",
    "研究团队花了将近三年的时间，才收集到足够可靠的样本。",
    "有分析指出，新政策的落地还需要一段时间来观察实际效果。",
    "在采访中，他多次强调团队合作比个人能力更加重要。",
    "这个看似简单的问题，背后其实牵扯到很多复杂的因素。",
    "随着气温逐渐回升，周末出门游玩的人也越来越多。",
    "很多人并不知道，这个习惯其实是从几十年前流传下来的。",
    "从目前掌握的情况来看，事情的真相可能比想象中更加曲折。",
    "与去年相比，今年的参与人数增加了将近一倍。",
    "他笑着说，最困难的时候，是家人的支持让他坚持了下来。",
    "市场上的同类产品并不少，但真正做出口碑的只有少数几家。",
    "值得注意的是，这一变化在年轻人群体中表现得尤为明显。",
    "有读者来信询问具体的办理流程，我们整理了几个关键步骤。",
    "这一做法随后被多个城市借鉴，并根据本地情况做了调整。",
    "对此，有关负责人回应称，将在近期公布进一步的细节。",
    "比赛进行到最后几分钟时，场上的局势突然发生了逆转。",
    "不少家长反映，孩子在假期里最需要的是规律的作息。",
    "在这片土地上，传统与现代以一种奇妙的方式共存着。",
    "我们联系了几位当事人，他们对此事的说法不尽相同。",
    "从技术角度来说，这个方案并不复杂，难点在于推广。",
    "有关数据显示，该领域的从业人员数量在持续增长。",
    "一些细心的观众注意到，画面中隐藏着不少有意思的细节。",
    "这座城市的夜晚，总是比白天更有烟火气。",
    "其实早在去年年底，就已经有迹象表明会出现这样的局面。",
    "当被问到未来的打算时，她说最想做的是先把眼前的事情做好。",
    "这类问题往往没有标准答案，需要结合具体情况来判断。",
    "多位受访者表示，信息公开透明是赢得信任的前提。",
    "如果你也打算尝试，不妨先从最基础的部分开始。",
    "历史上类似的事件并不少见，每一次都留下了值得反思的教训。",
    "整个过程持续了大约两个小时，现场秩序总体良好。",
    "在很多人眼里，这只是一件小事，但对当事人来说意义重大。",
    "据不完全统计，目前全国已有超过两百个项目进入试点阶段。",
    "这款车型在设计上延续了家族式风格，内饰则有了明显升级。",
    "训练结束后，队员们又自发加练了半个小时。",
    "不少商家已经提前备货，希望抓住这一波消费热潮。",
    "从山脚到山顶，沿途的风景随着海拔的升高不断变化。",
    "厨房虽小，但只要收纳得当，也能显得井井有条。",
    "这位老人每天清晨都会来公园，一坚持就是二十年。",
    "研究人员提醒，相关结论还需要更大规模的实验来验证。",
    "面对突如其来的变化，很多企业选择了主动调整策略。",
    "有人把这种现象称为时代的缩影，也有人觉得言过其实。",
    "经过几轮讨论，大家最终达成了一个各方都能接受的方案。",
    "在社交平台上，相关话题的阅读量很快突破了千万。",
    "如何在效率和公平之间找到平衡，是一个长期的课题。",
    "他坦言，刚入行的时候也走过不少弯路。",
    "这份报告用大量的一手资料还原了事件的来龙去脉。",
    "对于消费者而言，选择更多了，辨别的难度也随之增加。",
    "傍晚时分，江边的步道上满是散步和跑步的人。",
    "按照计划，这项工程将在明年上半年全面完工。",
    "在他看来，好的作品一定要经得起时间的检验。",
    "村里的年轻人陆续回来了，带回了新的想法和技术。",
    "这一点，在很多国家的实践中都得到了印证。",
    "说到底，任何改变都需要从每个人的日常做起。",
]

HEADINGS = [
    "事情的来龙去脉",
    "各方怎么看",
    "背后的原因",
    "数据说了什么",
    "专家的建议",
    "普通人该怎么做",
    "一线的声音",
    "历史上的类似事件",
    "未来可能的走向",
    "争议焦点在哪里",
    "几个常见的误区",
    "现场见闻",
    "值得关注的细节",
    "我们的观察",
    "还有哪些问题待解",
    "从细节看变化",
    "业内怎么说",
    "写在最后",
]

TOPICS_BY_CHANNEL = {
    "toutiao": ["国际观察", "一周热点", "深度解读", "人间故事", "读者来信"],
    "sports": ["世界杯", "中超联赛", "NBA", "全民健身", "马拉松"],
    "ent": ["新片速递", "综艺观察", "音乐现场", "明星动态"],
    "money": ["楼市观察", "理财课堂", "A股行情", "创业故事"],
    "tech": ["人工智能", "手机评测", "电子竞技", "新能源", "开源软件"],
    "auto": ["新车上市", "电动汽车", "用车指南", "试驾体验"],
    "home": ["家居收纳", "育儿经验", "养生之道", "穿搭指南", "家常菜谱"],
    "travel": ["周末去哪儿", "自驾游", "古镇", "旅行攻略"],
    "local": ["城市更新", "民生关注", "社区故事", "交通出行"],
    "open": ["历史今天", "科学探索", "冷知识", "读书笔记"],
    "mil": ["航空航天", "军事科技", "国防观察"],
}

SOURCES = ["新华社", "人民日报", "中国新闻网", "澎湃新闻", "财新网", "央视新闻", "科技日报"]

NAME_HEADS = (
    "财经 科技 旅行 美食 军事 体育 娱乐 汽车 家居 历史 城市 深海 山野 星空 都市 江南 北方 "
    "岭南 青年 数据 观察 读书 影像 原创 每日"
).split()
NAME_TAILS = (
    "观察者 笔记 日报 小站 研究所 老王 小李 说 周刊 频道 手记 侃侃 杂谈 前线 视界 实验室 "
    "工作室 茶馆 书房 漫游者 指南 速递 评论 档案 课堂"
).split()
MOTTOS = ["用心写好每一篇", "记录真实的生活", "只讲靠谱的事", "慢一点，看得更清楚"]
BADGES = [
    ("quality", "优质创作者", "★", "#c4302b"),
    ("original", "原创达人", "✎", "#2b6cb0"),
    ("rising", "新锐作者", "↑", "#2f855a"),
]


def log(msg: str) -> None:
    print(msg, flush=True)


def load_titles(rng: random.Random) -> list[tuple[str, str]]:
    """(channel slug, title) pairs from the NLPCC 2017 headlines, or synthesised."""
    # The demo loader's reader: same de-segmentation and category-to-channel mapping.
    from openhao.demo.loader import default_headlines_path, read_headlines

    titles: list[tuple[str, str]] = []
    path = default_headlines_path()
    if path.exists():
        for slug, channel_titles in read_headlines(path).items():
            titles.extend((slug, title) for title in channel_titles)
        log(f"titles: {len(titles)} headlines from {path}")
        return titles
    subjects = ["这座城市", "一位老人", "年轻人", "这家企业", "研究团队", "本地居民", "这支球队"]
    verbs = ["用十年时间", "悄悄地", "第一次", "终于", "意外地", "坚持"]
    objects = ["改变了一条街", "做成了一件大事", "赢得了掌声", "找到了答案", "走出了困境"]
    tails = ["，背后的故事让人感动", "，网友纷纷点赞", "，专家这样解读", "", "，原因很简单"]
    channels = list(TOPICS_BY_CHANNEL)
    for _ in range(20000):
        title = rng.choice(subjects) + rng.choice(verbs) + rng.choice(objects) + rng.choice(tails)
        titles.append((rng.choice(channels), title[:TITLE_MAX]))
    log("titles: headlines file not found, synthesised 20000 titles")
    return titles


def paragraph(rng: random.Random) -> str:
    return "<p>" + "".join(rng.choices(SENTENCES, k=rng.randint(7, 9))) + "</p>"


def build_body(rng: random.Random, paragraphs: list[str]) -> str:
    parts = rng.sample(paragraphs, 2)
    for heading in rng.sample(HEADINGS, 3):
        parts.append(f"<h2>{heading}</h2>")
        parts.extend(rng.sample(paragraphs, 4))
    return "\n".join(parts)


def copy_rows(model_or_table, columns: list[str], rows) -> None:
    from django.db import connection

    qn = connection.ops.quote_name
    table = model_or_table if isinstance(model_or_table, str) else model_or_table._meta.db_table
    sql = f"COPY {qn(table)} ({', '.join(qn(c) for c in columns)}) FROM STDIN"
    with connection.cursor() as cursor, cursor.cursor.copy(sql) as copy:
        for row in rows:
            copy.write_row(row)


def article_columns(provided: list[str]) -> tuple[list[str], list]:
    """Every concrete column of Article: the ones we provide, then the rest with their model
    defaults (so a field added later does not break the generator)."""
    from django.db import connection

    from openhao.articles.models import Article

    extra_cols, extra_vals = [], []
    for field in Article._meta.concrete_fields:
        if field.attname in provided:
            continue
        if field.has_default():
            value = field.get_db_prep_save(field.get_default(), connection)
        elif field.null:
            value = None
        elif field.blank and field.empty_strings_allowed:
            value = ""
        else:
            raise SystemExit(f"generate.py: no value for required field Article.{field.name}")
        extra_cols.append(field.column)
        extra_vals.append(value)
    return provided + extra_cols, extra_vals


def ensure_creators(rng: random.Random, wanted: int, channel_slugs: list[str]):
    from django.contrib.auth import get_user_model
    from django.contrib.auth.hashers import make_password

    from openhao.creators.models import Badge, Creator

    badges = [
        Badge.objects.get_or_create(slug=s, defaults={"name": n, "symbol": y, "color": c})[0]
        for s, n, y, c in BADGES
    ]
    existing = Creator.objects.count()
    if existing < wanted:
        User = get_user_model()
        taken = set(Creator.objects.values_list("display_name", flat=True))
        names = [h + t for h in NAME_HEADS for t in NAME_TAILS]
        rng.shuffle(names)
        i = 0
        while len(names) < wanted + len(taken):
            names.append(f"{rng.choice(NAME_HEADS)}{rng.choice(NAME_TAILS)}{i}")
            i += 1
        names = [n for n in names if n not in taken][: wanted - existing]
        password = make_password(None)  # unusable; nobody signs in as a bench creator
        start = User.objects.count()
        users = User.objects.bulk_create(
            [
                User(username=f"bench{start + k:06d}", nickname=name, password=password)
                for k, name in enumerate(names)
            ]
        )
        creators = Creator.objects.bulk_create(
            [
                Creator(
                    user=user,
                    display_name=name,
                    motto=rng.choice(MOTTOS),
                    bio=f"{name}，专注于自己热爱的领域，已在平台发表多篇文章。",
                    verified=rng.random() < 0.3,
                    follower_count=int(rng.paretovariate(1.1) * 100),
                )
                for user, name in zip(users, names, strict=True)
            ]
        )
        through = Creator.badges.through
        through.objects.bulk_create(
            [
                through(creator_id=c.pk, badge_id=b.pk)
                for c in creators
                if rng.random() < 0.15
                for b in rng.sample(badges, rng.randint(1, 2))
            ]
        )
        log(f"creators: created {len(creators)} (had {existing})")
    creator_ids = list(Creator.objects.order_by("pk").values_list("pk", flat=True))
    # Each creator writes mostly in one channel; a few are far more prolific than the rest.
    pools: dict[str, tuple[list[int], list[float]]] = {s: ([], []) for s in channel_slugs}
    weights = {}
    for cid in creator_ids:
        slug = rng.choice(channel_slugs)
        weights[cid] = min(rng.paretovariate(2.0), 10.0)
        pools[slug][0].append(cid)
        pools[slug][1].append(weights[cid])
    return creator_ids, [weights[c] for c in creator_ids], pools


def ensure_topics() -> dict[str, list[int]]:
    from openhao.articles.models import Topic

    by_channel = {}
    for slug, names in TOPICS_BY_CHANNEL.items():
        by_channel[slug] = [
            Topic.objects.get_or_create(name=n, defaults={"description": f"关于{n}的文章"})[0].pk
            for n in names
        ]
    return by_channel


def generate(count: int, seed: int) -> None:
    from django.core.management.color import no_style
    from django.db import connection, transaction
    from django.utils import timezone

    from openhao.articles.models import Article, Reference
    from openhao.articles.services import summary_from_html
    from openhao.demo.structure import ensure_channels

    rng = random.Random(seed)
    channels = ensure_channels()
    slugs = list(channels)
    original_slugs = {s for s, c in channels.items() if c.section.is_original}
    creator_ids, creator_weights, pools = ensure_creators(
        rng, int(os.environ.get("BENCH_CREATORS", "500")), slugs
    )
    topics = ensure_topics()
    titles = load_titles(rng)
    paragraphs = [paragraph(rng) for _ in range(3000)]

    provided = [
        "id",
        "creator_id",
        "channel_id",
        "title",
        "summary",
        "body_html",
        "status",
        "is_original",
        "is_pinned",
        "published_at",
        "created_at",
        "updated_at",
        "view_count",
        "comment_count",
        "like_count",
        "share_count",
    ]
    columns, defaults = article_columns(provided)
    through = Article.topics.through
    link_cols = [
        through._meta.get_field("article").column,
        through._meta.get_field("topic").column,
    ]
    ref_cols = ["article_id", "title", "source", "url", "order"]

    now = timezone.now()
    year = 365 * 24 * 3600
    recent = 72 * 3600
    next_id = (Article.objects.order_by("-pk").values_list("pk", flat=True).first() or 0) + 1
    started = time.monotonic()
    done = 0
    while done < count:
        n = min(BATCH, count - done)
        rows, links, refs = [], [], []
        for _ in range(n):
            slug, title = rng.choice(titles)
            pool_ids, pool_weights = pools[slug]
            if pool_ids and rng.random() < 0.85:
                creator_id = rng.choices(pool_ids, pool_weights)[0]
            else:
                creator_id = rng.choices(creator_ids, creator_weights)[0]
            # ~3% in the hot window (72 h), the rest spread over a year.
            age = rng.uniform(0, recent) if rng.random() < 0.03 else rng.uniform(0, year)
            published_at = now - timedelta(seconds=age)
            body = build_body(rng, paragraphs)
            views = min(int(rng.paretovariate(1.2) * 150), 5_000_000)
            rows.append(
                [
                    next_id,
                    creator_id,
                    channels[slug].pk,
                    title,
                    summary_from_html(body),
                    body,
                    Article.Status.PUBLISHED,
                    slug in original_slugs and rng.random() < 0.8,
                    age < recent and rng.random() < 0.01,
                    published_at,
                    published_at,
                    published_at,
                    views,
                    int(views * rng.uniform(0, 0.03)),
                    int(views * rng.uniform(0, 0.08)),
                    int(views * rng.uniform(0, 0.02)),
                    *defaults,
                ]
            )
            if rng.random() < 0.45:
                pool = topics.get(slug) or topics["toutiao"]
                for topic_id in rng.sample(pool, min(len(pool), rng.randint(1, 3))):
                    links.append((next_id, topic_id))
            if rng.random() < 0.1:
                for order in range(rng.randint(1, 3)):
                    ref_title = rng.choice(titles)[1]
                    refs.append(
                        (
                            next_id,
                            ref_title,
                            rng.choice(SOURCES),
                            f"https://example.com/ref/{next_id}-{order}",
                            order,
                        )
                    )
            next_id += 1
        with transaction.atomic():
            copy_rows(Article, columns, rows)
            copy_rows(through._meta.db_table, link_cols, links)
            copy_rows(Reference, ref_cols, refs)
        done += n
        log(f"articles: {done}/{count} ({time.monotonic() - started:.1f} s)")

    with connection.cursor() as cursor:
        for sql in connection.ops.sequence_reset_sql(no_style(), [Article]):
            cursor.execute(sql)


def finish() -> None:
    """Denormalised counters, then planner statistics (and the visibility map: VACUUM lets
    index-only scans work on freshly copied rows)."""
    from django.db import connection

    from openhao.articles.models import Article
    from openhao.creators.models import Creator

    qn = connection.ops.quote_name
    art, cre = qn(Article._meta.db_table), qn(Creator._meta.db_table)
    t = time.monotonic()
    with connection.cursor() as cursor:
        cursor.execute(
            f"UPDATE {cre} AS c SET article_count = s.n "  # noqa: S608 - table names only
            f"FROM (SELECT creator_id, count(*) AS n FROM {art} "
            "WHERE status = %s GROUP BY creator_id) AS s "
            "WHERE c.id = s.creator_id AND c.article_count <> s.n",
            [Article.Status.PUBLISHED],
        )
    # COPY bypasses the services: give every article its hot score (热点推荐, 要闻).
    from openhao.ranking.services import scores_rebuild

    log(f"hot scores: {scores_rebuild()} articles ({time.monotonic() - t:.1f} s)")
    with connection.cursor() as cursor:
        cursor.execute(f"VACUUM (ANALYZE) {art}")
        cursor.execute("ANALYZE")
    log(f"counters, scores, vacuum and analyze: {time.monotonic() - t:.1f} s")


def pick_rich_article() -> int:
    from django.db import connection

    from openhao.articles.models import Article, Reference

    qn = connection.ops.quote_name
    art = qn(Article._meta.db_table)
    links = qn(Article.topics.through._meta.db_table)
    refs = qn(Reference._meta.db_table)
    with connection.cursor() as cursor:
        # octet_length reads the TOAST header only, so this does not decompress every body.
        cursor.execute(
            f"""
            SELECT a.id FROM {art} AS a
            WHERE a.status = %s
              AND a.channel_id = (
                SELECT channel_id FROM {art} WHERE status = %s
                GROUP BY channel_id ORDER BY count(*) DESC LIMIT 1)
              AND EXISTS (SELECT 1 FROM {links} AS t WHERE t.article_id = a.id)
            ORDER BY EXISTS (SELECT 1 FROM {refs} AS r WHERE r.article_id = a.id) DESC,
                     octet_length(a.body_html) DESC, a.id
            LIMIT 1
            """,  # noqa: S608 - table names only
            [Article.Status.PUBLISHED, Article.Status.PUBLISHED],
        )
        row = cursor.fetchone()
    if row is None:
        raise SystemExit("generate.py: no published article with topics to benchmark")
    return row[0]


def main() -> None:
    import django

    django.setup()
    from openhao.articles.models import Article

    wanted = int(os.environ.get("BENCH_ARTICLES", "100000"))
    seed = int(os.environ.get("BENCH_SEED", "20240601"))
    have = Article.objects.filter(status=Article.Status.PUBLISHED).count()
    if have >= wanted:
        log(f"articles: database already holds {have} published articles (>= {wanted}), skipping")
    else:
        log(f"articles: database holds {have} published, generating {wanted - have}")
        t = time.monotonic()
        generate(wanted - have, seed + have)
        finish()
        log(f"generation took {time.monotonic() - t:.1f} s")
    log(f"rich-article: {pick_rich_article()}")


if __name__ == "__main__":
    main()
