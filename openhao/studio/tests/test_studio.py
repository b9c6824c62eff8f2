"""创作者中心: permissions, the editor form, references, review (先审后发), publishing,
scheduling, editing after publishing, unpublishing, deleting and autosave."""

from datetime import datetime, timedelta
from datetime import timezone as dt_timezone

import pytest
import time_machine
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone

from openhao.articles.models import Article, ArticleAutosave
from openhao.articles.services import article_create, article_submit
from openhao.articles.tests.factories import ArticleFactory
from openhao.creators.tests.factories import CreatorFactory
from openhao.moderation.models import ReviewRecord

pytestmark = pytest.mark.django_db

BODY = "<h2>清晨</h2><p>天刚亮，选手们已经聚在广场，呼出的白气在晨光里慢慢散开。</p>"


def article_data(channel_obj, **overrides):
    data = {
        "title": "跑进春天：一座城市的马拉松记忆",
        "channel": channel_obj.pk,
        "body_html": BODY,
        "summary": "",
        "cover_alt": "",
        "topics": "城市跑步 #春季图文激励计划#",
        "is_original": "on",
        "scheduled_at": "",
        "refs-TOTAL_FORMS": "2",
        "refs-INITIAL_FORMS": "0",
        "refs-MIN_NUM_FORMS": "0",
        "refs-MAX_NUM_FORMS": "20",
        "refs-0-title": "城市马拉松年度报告",
        "refs-0-source": "体育研究出版社",
        "refs-0-url": "https://example.com/report",
        "refs-1-title": "",
        "refs-1-source": "",
        "refs-1-url": "",
        "action": "save",
    }
    data.update(overrides)
    return data


def draft(creator, channel, **kwargs):
    kwargs.setdefault("title", "一篇正在写的文章标题")
    kwargs.setdefault("body_html", BODY)
    return article_create(creator=creator, channel=channel, **kwargs)


# --- permissions --------------------------------------------------------------------------


def test_reader_cannot_reach_the_studio(client, reader):
    urls = [reverse("studio:home"), reverse("studio:new"), reverse("studio:analytics")]
    for url in urls:
        response = client.get(url)
        assert response.status_code == 302
        assert response["Location"].startswith(reverse("accounts:login"))
    client.force_login(reader)
    for url in urls:
        response = client.get(url)
        assert response.status_code == 302
        assert response["Location"] == reverse("creators:apply")


def test_creator_cannot_touch_another_creators_article(client, creator, channel):
    other = CreatorFactory(display_name="别人")
    theirs = draft(other, channel, title="别人的草稿文章标题")
    client.force_login(creator.user)
    for name in ("edit", "preview"):
        assert client.get(reverse(f"studio:{name}", args=[theirs.pk])).status_code == 404
    for name in ("publish", "unpublish", "delete", "autosave"):
        assert client.post(reverse(f"studio:{name}", args=[theirs.pk])).status_code == 404
    response = client.post(reverse("studio:edit", args=[theirs.pk]), article_data(channel))
    assert response.status_code == 404
    assert client.get(reverse("studio:analytics_article", args=[theirs.pk])).status_code == 404
    theirs.refresh_from_db()
    assert theirs.title == "别人的草稿文章标题"
    assert theirs.status == Article.Status.DRAFT and theirs.deleted_at is None


# --- the editor ---------------------------------------------------------------------------


def test_create_draft_with_references_topics_and_original(client, creator, channel):
    client.force_login(creator.user)
    page = client.get(reverse("studio:new")).content.decode()
    assert "django_prose_editor/editor.js" in page  # served as a static file, no build step
    response = client.post(reverse("studio:new"), article_data(channel))
    article = Article.objects.get(creator=creator)
    assert response["Location"] == reverse("studio:edit", args=[article.pk])
    assert article.status == Article.Status.DRAFT
    assert article.is_original
    assert sorted(t.name for t in article.topics.all()) == ["城市跑步", "春季图文激励计划"]
    refs = list(article.references.values_list("title", "source", "url"))
    assert refs == [("城市马拉松年度报告", "体育研究出版社", "https://example.com/report")]
    assert article.summary.startswith("清晨")
    html = client.get(reverse("studio:home")).content.decode()
    assert "跑进春天" in html and "草稿" in html


@pytest.mark.parametrize(
    ("override", "message"),
    [
        ({"title": "短标题"}, "标题至少 5 个字（现在 3 个）。"),
        ({"title": "长" * 65}, "标题最多 64 个字（现在 65 个）。"),
        ({"channel": ""}, "请选择频道。"),
        ({"body_html": "<p>太短</p>"}, "正文至少 20 个字（现在 2 个）。"),
        ({"refs-0-title": "", "refs-0-url": "https://example.com/x"}, "请同时填写资料标题"),
        ({"refs-0-url": "javascript:alert(1)"}, "请输入以 http:// 或 https:// 开头的有效网址。"),
        ({"topics": "一 二 三 四 五 六"}, "最多添加 5 个话题。"),
    ],
)
def test_validation_messages_and_nothing_lost(client, creator, channel, override, message):
    client.force_login(creator.user)
    response = client.post(reverse("studio:new"), article_data(channel, **override))
    assert response.status_code == 400
    html = response.content.decode()
    assert message in html
    assert "城市马拉松年度报告" in html or "refs-0-title" in override
    body = override.get("body_html", BODY)
    assert body.replace("<p>", "").replace("</p>", "")[-6:] in html
    assert not Article.objects.exists()


def test_body_length_limit(client, creator, channel, settings):
    settings.OPENHAO_BODY_MAX_CHARS = 100
    client.force_login(creator.user)
    response = client.post(
        reverse("studio:new"), article_data(channel, body_html="<p>" + "字" * 101 + "</p>")
    )
    assert "正文最多 100 个字（现在 101 个）。" in response.content.decode()


def test_pasted_html_is_sanitised_on_the_server(client, creator, channel):
    pasted = (
        '<p style="color:red" onclick="steal()">从网页粘贴的<span class="x">正文内容</span>'
        "比较长一些，足够通过字数检查。</p><script>alert(1)</script>"
        '<p><a href="javascript:alert(1)">恶意链接</a><img src="x" onerror="alert(1)" alt="图"></p>'
        '<iframe src="https://evil.example"></iframe><o:p>Word 的残留</o:p>'
    )
    client.force_login(creator.user)
    client.post(reverse("studio:new"), article_data(channel, body_html=pasted))
    body = Article.objects.get().body_html
    for bad in (
        "<script",
        "onclick",
        "onerror",
        "style=",
        "javascript:",
        "<iframe",
        "<span",
        "<o:p",
    ):
        assert bad not in body
    assert "从网页粘贴的正文内容" in body


def test_edit_after_publishing_keeps_url_and_records_time(client, trusted_creator, channel):
    article = ArticleFactory(creator=trusted_creator, channel=channel, title="已经发布的一篇文章")
    url = article.get_absolute_url()
    client.force_login(trusted_creator.user)
    response = client.post(
        reverse("studio:edit", args=[article.pk]), article_data(channel, title="修改后的文章标题")
    )
    assert response.status_code == 302
    article.refresh_from_db()
    assert article.get_absolute_url() == url
    assert article.status == Article.Status.PUBLISHED
    assert article.edited_at is not None
    assert "修改后的文章标题" in client.get(url).content.decode()


# --- review, publishing, scheduling --------------------------------------------------------


def test_new_creator_goes_through_review(client, creator, staff, channel, settings):
    settings.OPENHAO_PREREVIEW_ARTICLES = 1
    client.force_login(creator.user)
    client.post(reverse("studio:new"), article_data(channel, action="publish"))
    article = Article.objects.get()
    assert article.status == Article.Status.PENDING
    assert client.get(article.get_absolute_url()).status_code == 404

    client.force_login(staff)
    queue = client.get(reverse("review:articles")).content.decode()
    assert article.title in queue
    page = client.get(reverse("review:article", args=[article.pk])).content.decode()
    assert "天刚亮" in page
    client.post(reverse("review:article", args=[article.pk]), {"decision": "approve"})
    article.refresh_from_db()
    assert article.status == Article.Status.PUBLISHED
    assert ReviewRecord.objects.get(article=article).staff == staff
    creator.refresh_from_db()
    assert creator.approved_article_count == 1
    assert creator.article_count == 1
    assert client.get(article.get_absolute_url()).status_code == 200

    # Past the threshold: the next article is published straight away.
    second = draft(creator, channel, title="第二篇不需要审核的文章")
    assert article_submit(article=second).status == Article.Status.PUBLISHED


def test_staff_rejection_returns_to_drafts_with_reason(client, creator, staff, channel):
    article = draft(creator, channel)
    article_submit(article=article)
    client.force_login(staff)
    url = reverse("review:article", args=[article.pk])
    response = client.post(url, {"decision": "reject", "reason": ""})
    assert "驳回时请填写原因。" in response.content.decode()
    client.post(url, {"decision": "reject", "reason": "标题夸张，请修改。"})
    article.refresh_from_db()
    assert article.status == Article.Status.DRAFT
    assert article.review_note == "标题夸张，请修改。"
    client.force_login(creator.user)
    assert "标题夸张，请修改。" in client.get(reverse("studio:home")).content.decode()


def test_publish_problems_are_explained(client, trusted_creator, channel):
    article = draft(
        trusted_creator,
        channel,
        body_html=BODY + '<figure><img src="/media/images/a.jpg" alt=""></figure>',
    )
    client.force_login(trusted_creator.user)
    response = client.post(reverse("studio:publish", args=[article.pk]), follow=True)
    assert "1 张图片没有填写图片说明" in response.content.decode()
    article.refresh_from_db()
    assert article.status == Article.Status.DRAFT


def test_publish_now_shows_on_channel_page(client, trusted_creator, channel):
    client.force_login(trusted_creator.user)
    client.post(reverse("studio:new"), article_data(channel, action="publish"))
    article = Article.objects.get()
    assert article.status == Article.Status.PUBLISHED
    client.logout()
    assert article.title in client.get(channel.get_absolute_url()).content.decode()


def test_scheduled_publishing_fires_at_the_time(client, trusted_creator, channel):
    start = datetime(2026, 5, 1, 2, 0, tzinfo=dt_timezone.utc)  # 10:00 in Beijing
    with time_machine.travel(start, tick=False):
        client.force_login(trusted_creator.user)
        client.post(
            reverse("studio:new"),
            article_data(channel, action="publish", scheduled_at="2026-05-01 12:30"),
        )
        article = Article.objects.get()
        assert article.status == Article.Status.SCHEDULED
        assert article.scheduled_at == datetime(2026, 5, 1, 4, 30, tzinfo=dt_timezone.utc)
        call_command("publish_scheduled", stdout=open("/dev/null", "w"))  # noqa: SIM115
        article.refresh_from_db()
        assert article.status == Article.Status.SCHEDULED
        assert client.get(article.get_absolute_url()).status_code == 404
    with time_machine.travel(datetime(2026, 5, 1, 4, 29, 59, tzinfo=dt_timezone.utc), tick=False):
        call_command("publish_scheduled", stdout=open("/dev/null", "w"))  # noqa: SIM115
        article.refresh_from_db()
        assert article.status == Article.Status.SCHEDULED
    with time_machine.travel(datetime(2026, 5, 1, 4, 30, 1, tzinfo=dt_timezone.utc), tick=False):
        call_command("publish_scheduled", stdout=open("/dev/null", "w"))  # noqa: SIM115
        article.refresh_from_db()
        assert article.status == Article.Status.PUBLISHED
        assert article.published_at == datetime(2026, 5, 1, 4, 30, tzinfo=dt_timezone.utc)
        assert client.get(article.get_absolute_url()).status_code == 200


def test_schedule_time_must_be_in_the_future(client, trusted_creator, channel):
    client.force_login(trusted_creator.user)
    past = timezone.localtime() - timedelta(hours=1)
    response = client.post(
        reverse("studio:new"),
        article_data(channel, action="publish", scheduled_at=past.strftime("%Y-%m-%d %H:%M")),
    )
    assert "定时发布时间必须晚于现在。" in response.content.decode()


def test_task_is_enqueued_for_the_time_when_the_backend_defers(
    trusted_creator, channel, monkeypatch, django_capture_on_commit_callbacks
):
    """With a backend that can defer, scheduling enqueues the task with run_after; the task
    publishes whatever is due when it runs."""
    from openhao.articles import tasks

    task = tasks.publish_due_articles
    enqueued = []

    class Deferred:
        def __init__(self, run_after):
            self.run_after = run_after

        def enqueue(self):
            enqueued.append(self.run_after)

    monkeypatch.setattr(type(task.get_backend()), "supports_defer", True)
    monkeypatch.setattr(type(task), "using", lambda self, run_after: Deferred(run_after))
    article = draft(trusted_creator, channel)
    at = timezone.now() + timedelta(hours=2)
    with django_capture_on_commit_callbacks(execute=True):
        article_submit(article=article, at=at)
    assert enqueued == [at]
    article.refresh_from_db()
    assert article.status == Article.Status.SCHEDULED
    assert task.call() == 0  # too early: nothing happens
    with time_machine.travel(at + timedelta(seconds=1)):
        assert task.call() == 1
    article.refresh_from_db()
    assert article.status == Article.Status.PUBLISHED


def test_unpublish_and_soft_delete(client, trusted_creator, channel):
    article = ArticleFactory(creator=trusted_creator, channel=channel)
    trusted_creator.article_count = 1
    trusted_creator.save()
    client.force_login(trusted_creator.user)
    client.post(reverse("studio:unpublish", args=[article.pk]))
    article.refresh_from_db()
    assert article.status == Article.Status.DRAFT
    assert client.get(article.get_absolute_url()).status_code == 404
    trusted_creator.refresh_from_db()
    assert trusted_creator.article_count == 0
    client.post(reverse("studio:delete", args=[article.pk]))
    article.refresh_from_db()
    assert article.deleted_at is not None
    assert Article.objects.filter(pk=article.pk).exists()  # soft: still in the table
    client.get(reverse("studio:home"))  # shows (and uses up) the "deleted" message
    assert article.title not in client.get(reverse("studio:home")).content.decode()
    assert client.get(reverse("studio:edit", args=[article.pk])).status_code == 404


def test_preview_renders_the_reader_template(client, creator, channel):
    article = draft(creator, channel, title="预览中的草稿文章")
    client.force_login(creator.user)
    response = client.get(reverse("studio:preview", args=[article.pk]))
    assert response.status_code == 200
    names = [t.name for t in response.templates]
    assert "articles/detail.html" in names
    html = response.content.decode()
    assert 'id="article-title">预览中的草稿文章</h1>' in html
    assert "no-store" in response["Cache-Control"] or "no-cache" in response["Cache-Control"]


# --- autosave -----------------------------------------------------------------------------


def test_autosave_creates_a_draft_then_keeps_the_latest(client, creator, channel):
    client.force_login(creator.user)
    response = client.post(
        reverse("studio:autosave_new"),
        {"title": "还没写完", "body_html": "<p>第一版</p>", "channel": channel.pk},
    )
    data = response.json()
    article = Article.objects.get(pk=data["id"])
    assert article.status == Article.Status.DRAFT
    assert article.body_html == "<p>第一版</p>"
    assert data["autosave_url"] == reverse("studio:autosave", args=[article.pk])
    for text in ("第二版", "第三版<script>x</script>"):
        client.post(data["autosave_url"], {"title": "还没写完", "body_html": f"<p>{text}</p>"})
    saved = ArticleAutosave.objects.get(article=article)
    assert saved.body_html == "<p>第三版</p>"
    assert ArticleAutosave.objects.count() == 1
    # Reopening the editor restores the autosaved text.
    html = client.get(reverse("studio:edit", args=[article.pk])).content.decode()
    assert "第三版" in html and "自动保存的内容" in html


def test_autosave_never_changes_the_published_version(client, trusted_creator, channel):
    article = ArticleFactory(creator=trusted_creator, channel=channel, title="已发布的原始标题")
    client.force_login(trusted_creator.user)
    client.post(
        reverse("studio:autosave", args=[article.pk]),
        {"title": "改到一半的标题", "body_html": "<p>改到一半</p>"},
    )
    article.refresh_from_db()
    assert article.title == "已发布的原始标题"
    assert "改到一半" not in client.get(article.get_absolute_url()).content.decode()
    # Saving the form for real drops the autosave.
    client.post(reverse("studio:edit", args=[article.pk]), article_data(channel))
    assert not ArticleAutosave.objects.filter(article=article).exists()


@pytest.mark.parametrize("value", ["abc", "1e5", "1.0", "0x10", "1'", "-1", "99999999999999999999"])
def test_autosave_with_a_malformed_channel_is_a_400_with_a_message(client, creator, value):
    client.force_login(creator.user)
    response = client.post(
        reverse("studio:autosave_new"),
        {"title": "还没写完", "body_html": "<p>第一版</p>", "channel": value},
    )
    assert response.status_code == 400
    assert response.json()["error"] == "请选择有效的频道。"
    assert not Article.objects.filter(creator=creator).exists()


@pytest.mark.parametrize("field", ["title", "body_html"])
def test_autosave_with_a_nul_is_refused_and_the_last_autosave_is_kept(
    client, trusted_creator, channel, field
):
    article = ArticleFactory(creator=trusted_creator, channel=channel)
    client.force_login(trusted_creator.user)
    url = reverse("studio:autosave", args=[article.pk])
    client.post(url, {"title": "改到一半的标题", "body_html": "<p>改到一半</p>"})
    data = {"title": "新的标题", "body_html": "<p>新的正文</p>", field: "坏\x00字符"}
    response = client.post(url, data, HTTP_ACCEPT="application/json")
    assert response.status_code == 400
    assert "空字符" in response.json()["error"]
    saved = ArticleAutosave.objects.get(article=article)
    assert (saved.title, saved.body_html) == ("改到一半的标题", "<p>改到一半</p>")


def test_autosave_form_refuses_a_nul_even_without_the_middleware(creator):
    from openhao.studio.forms import AutosaveForm

    form = AutosaveForm({"title": "坏\x00字符", "body_html": "", "channel": ""})
    assert not form.is_valid()
    assert "title" in form.errors


def test_autosave_is_rate_limited(client, creator, channel):
    client.force_login(creator.user)
    url = reverse("studio:autosave_new")
    first = client.post(url, {"title": "t", "body_html": "<p>x</p>", "channel": channel.pk})
    autosave_url = first.json()["autosave_url"]
    codes = [
        client.post(autosave_url, {"title": "t", "body_html": "<p>x</p>"}).status_code
        for _ in range(25)
    ]
    assert 429 in codes
    response = client.post(autosave_url, {"title": "t"}, HTTP_ACCEPT="application/json")
    assert response.json()["error"] == "您的操作过于频繁，请稍后再试。"


def test_studio_home_query_count(client, creator, channel, django_assert_max_num_queries):
    for i in range(10):
        draft(creator, channel, title=f"第{i}篇草稿的标题")
    client.force_login(creator.user)
    with django_assert_max_num_queries(8):
        response = client.get(reverse("studio:home"))
    assert response.content.decode().count('class="status-draft"') == 10


def test_editor_and_preview_query_counts(client, creator, channel, django_assert_max_num_queries):
    article = draft(creator, channel, topic_names=["话题一", "话题二"])
    client.force_login(creator.user)
    with django_assert_max_num_queries(10):
        assert client.get(reverse("studio:edit", args=[article.pk])).status_code == 200
    with django_assert_max_num_queries(14):
        assert client.get(reverse("studio:preview", args=[article.pk])).status_code == 200


def test_status_tabs_filter_the_list(client, trusted_creator, channel):
    draft(trusted_creator, channel, title="还在写的草稿文章")
    ArticleFactory(creator=trusted_creator, channel=channel, title="已经发布的文章")
    client.force_login(trusted_creator.user)
    html = client.get(reverse("studio:home") + "?status=published").content.decode()
    assert "已经发布的文章" in html and "还在写的草稿文章" not in html
    assert "草稿（1）" in html and "已发布（1）" in html


# Edits of published articles under 先审后发: test_revisions.py.


# --- no phantom drafts ------------------------------------------------------------------


@pytest.mark.parametrize(
    ("title", "body"),
    [
        ("", ""),
        ("   ", "<p></p>"),
        # An image uploaded into an empty editor is no text yet: the editor holds it.
        ("", '<figure><img src="/media/images/a.jpg" alt="江边的晨跑者"></figure>'),
    ],
)
def test_autosave_of_an_empty_new_article_creates_no_draft(client, creator, channel, title, body):
    client.force_login(creator.user)
    response = client.post(
        reverse("studio:autosave_new"), {"title": title, "body_html": body, "channel": channel.pk}
    )
    assert response.status_code == 200
    assert response.json()["id"] is None
    assert not Article.objects.exists()


def test_an_image_upload_in_a_new_article_creates_no_draft(client, creator, channel):
    from openhao.creators.tests.helpers import jpeg_bytes, upload

    client.force_login(creator.user)
    client.get(reverse("studio:new"))
    response = client.post(
        reverse("studio:upload"),
        {"image": upload(jpeg_bytes(800, 600))},
        HTTP_ACCEPT="application/json",
    )
    assert response.status_code == 200
    body = f'<figure><img src="{response.json()["url"]}" alt="江边"></figure>'
    client.post(reverse("studio:autosave_new"), {"title": "", "body_html": body})
    assert not Article.objects.exists()
    assert "（无标题）" not in client.get(reverse("studio:home")).content.decode()
    # Once a title is typed the draft is made, with the image the editor held.
    data = client.post(reverse("studio:autosave_new"), {"title": "江边", "body_html": body}).json()
    article = Article.objects.get(pk=data["id"])
    assert article.title == "江边" and "<img" in article.body_html


def test_autosave_service_needs_a_title_or_text(creator, channel):
    from openhao.articles.services import article_autosave

    assert article_autosave(creator=creator, article=None, title=" ", body_html="<p> </p>") is None
    assert not Article.objects.exists()
    made = article_autosave(creator=creator, article=None, title="", body_html="<p>一句话</p>")
    assert made is not None and made.status == Article.Status.DRAFT
