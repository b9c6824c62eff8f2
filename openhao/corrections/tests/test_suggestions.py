"""Readers' 纠错: the form (with and without a selected passage), its checks, the rate limit,
the creator's list, accepting one as a correction and dismissing one, the reader's notices,
and the reader's data (export, erasure)."""

import json
from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from openhao.articles.models import Article, ArticleChange
from openhao.articles.tests.factories import ArticleFactory
from openhao.corrections.models import Suggestion
from openhao.corrections.services import suggestion_create
from openhao.creators.tests.factories import CreatorFactory, UserFactory
from openhao.engagement.models import Notification
from openhao.moderation.services import article_approve
from openhao.studio.tests.test_studio import article_data

from .conftest import BODY

pytestmark = pytest.mark.django_db

PASSAGE = "我们在5月3日抵达杭州。"


@pytest.fixture
def old_reader(db):
    """A reader whose account is old enough for the spam rules to let a link through."""
    return UserFactory(username="old-reader", date_joined=timezone.now() - timedelta(days=400))


def _suggest(client, article, passage=PASSAGE, text="日期应为5月4日，见当天的车票。"):
    return client.post(
        reverse("corrections:suggest", args=[article.pk]), {"passage": passage, "text": text}
    )


def test_signed_out_readers_are_sent_to_sign_in(client, article):
    response = client.get(reverse("corrections:suggest", args=[article.pk]))
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]


def test_the_article_page_links_the_form_and_loads_the_selection_script(client, article):
    html = client.get(article.get_absolute_url()).content.decode()
    assert f'href="{reverse("corrections:suggest", args=[article.pk])}"' in html
    assert "js/corrections" in html and "<script>" not in html


def test_the_form_takes_the_selected_passage_and_creates_one_suggestion(client, article, reader):
    client.force_login(reader)
    url = reverse("corrections:suggest", args=[article.pk])
    html = client.get(url, {"passage": PASSAGE}).content.decode()
    assert PASSAGE in html and "纠错意见" in html
    response = _suggest(client, article, passage="  我们在5月3日\n抵达杭州。 ")
    assert response.status_code == 302 and response["Location"] == article.get_absolute_url()
    suggestion = Suggestion.objects.get()
    assert suggestion.passage == "我们在5月3日 抵达杭州。" and suggestion.status == "open"
    # One open suggestion per reader per passage.
    again = _suggest(client, article, passage="我们在5月3日 抵达杭州。")
    assert again.status_code == 400 and "已对这段原文提交过纠错" in again.content.decode()
    # Another passage is another suggestion.
    assert _suggest(client, article, passage="第二天去了西湖！").status_code == 302
    assert Suggestion.objects.count() == 2


@pytest.mark.parametrize(
    "passage,text,message",
    [
        ("这句话不在文章里。", "应当删去。", "不在这篇文章里"),
        ("我", "应当删去。", "个字的原文"),
        (PASSAGE, "错", "纠错意见需要"),
        (PASSAGE, "", "请填写纠错意见"),
    ],
)
def test_invalid_suggestions_are_refused_with_the_reason(
    client, article, reader, passage, text, message
):
    client.force_login(reader)
    response = _suggest(client, article, passage=passage, text=text)
    assert response.status_code == 400 and message in response.content.decode()
    assert not Suggestion.objects.exists()


def test_the_spam_rules_and_the_creator_themself_are_refused(
    client, article, reader, old_reader, settings
):
    settings.OPENHAO_MODERATION_SPAM_RULES = json.dumps({"young_links": {"enabled": True}})
    client.force_login(reader)  # a new account posting a link: the comment spam rule holds it
    response = _suggest(client, article, text="见 https://spam.example.com/x 的说明")
    assert response.status_code == 400 and "未通过自动检查" in response.content.decode()
    client.force_login(old_reader)
    assert _suggest(client, article, text="见 https://example.com/x 的说明").status_code == 302
    client.force_login(article.creator.user)
    response = _suggest(client, article)
    assert response.status_code == 400 and "你自己的文章" in response.content.decode()
    assert Suggestion.objects.count() == 1


def test_hidden_articles_take_no_suggestion(client, reader, trusted_creator):
    draft = ArticleFactory(creator=trusted_creator, status=Article.Status.DRAFT, published_at=None)
    client.force_login(reader)
    assert client.get(reverse("corrections:suggest", args=[draft.pk])).status_code == 404


def test_suggestions_are_rate_limited(client, article, reader, settings):
    settings.ACCOUNT_RATE_LIMITS = {**settings.ACCOUNT_RATE_LIMITS, "correction": "2/m/user"}
    client.force_login(reader)
    assert _suggest(client, article, passage=PASSAGE).status_code == 302
    assert _suggest(client, article, passage="第二天去了西湖！").status_code == 302
    assert _suggest(client, article, passage="湖边的人很多；").status_code == 429
    assert Suggestion.objects.count() == 2


def test_the_creator_lists_them_with_counts_and_no_one_else_does(client, article, reader):
    suggestion_create(user=reader, article=article, passage=PASSAGE, text="应为5月4日。")
    suggestion_create(user=reader, article=article, passage="天气很好", text="那天下雨了。")
    client.force_login(article.creator.user)
    html = client.get(reverse("studio:corrections")).content.decode()
    assert PASSAGE in html and "那天下雨了。" in html and "2 条" in html
    other = CreatorFactory()
    client.force_login(other.user)
    html = client.get(reverse("studio:corrections")).content.decode()
    assert PASSAGE not in html
    # Another creator can neither dismiss it nor accept it.
    suggestion = Suggestion.objects.first()
    client.post(reverse("studio:corrections_dismiss", args=[suggestion.pk]))
    assert Suggestion.objects.get(pk=suggestion.pk).status == "open"


def test_dismissing_tells_the_reader(client, article, reader, django_capture_on_commit_callbacks):
    suggestion = suggestion_create(user=reader, article=article, passage=PASSAGE, text="应为4日。")
    client.force_login(article.creator.user)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("studio:corrections_dismiss", args=[suggestion.pk]))
    assert response.status_code == 302
    assert Suggestion.objects.get().status == "dismissed"
    notice = Notification.objects.get(user=reader)
    assert notice.kind == "correction" and "未采纳" in notice.message
    client.force_login(reader)
    assert "未采纳" in client.get(reverse("engagement:notifications")).content.decode()


def _accept_edit(client, article, suggestion, **overrides):
    data = article_data(
        article.channel,
        title=article.title,
        body_html=BODY.replace("5月3日", "5月4日"),
        suggestion=str(suggestion.pk),
        is_correction="on",
        correction_note="日期写错了，已更正为5月4日。",
        topics="",
        **overrides,
    )
    return client.post(reverse("studio:edit", args=[article.pk]), data)


def test_accepting_opens_the_edit_as_a_correction_and_links_it(
    client, article, reader, django_capture_on_commit_callbacks
):
    suggestion = suggestion_create(user=reader, article=article, passage=PASSAGE, text="应为4日。")
    client.force_login(article.creator.user)
    edit = reverse("studio:edit", args=[article.pk])
    html = client.get(edit, {"suggestion": suggestion.pk}).content.decode()
    assert 'id="correction-box"' in html
    assert 'name="is_correction" id="id_is_correction" checked' in html
    assert "根据读者纠错" in html and PASSAGE[:10] in html
    with django_capture_on_commit_callbacks(execute=True):
        response = _accept_edit(client, article, suggestion)
    assert response.status_code == 302
    suggestion.refresh_from_db()
    change = ArticleChange.objects.get(article=article)
    assert suggestion.status == "accepted" and suggestion.change == change
    assert change.kind == "correction" and change.note == "日期写错了，已更正为5月4日。"
    assert Article.objects.get(pk=article.pk).correction_count == 1
    notice = Notification.objects.get(user=reader)
    assert "已被作者采纳" in notice.message
    assert notice.link == reverse("corrections:log", args=[article.pk])


def test_a_correction_needs_its_note(client, article):
    client.force_login(article.creator.user)
    data = article_data(article.channel, is_correction="on", correction_note=" ")
    response = client.post(reverse("studio:edit", args=[article.pk]), data)
    assert response.status_code == 400 and "请填写更正说明" in response.content.decode()
    assert not ArticleChange.objects.exists()


def test_accepting_under_review_links_the_revision_then_its_correction(
    client, creator, channel, reader, staff
):
    creator.approved_article_count = 1  # 先审后发: the edit waits for review
    creator.save()
    article = ArticleFactory(creator=creator, channel=channel, body_html=BODY)
    suggestion = suggestion_create(user=reader, article=article, passage=PASSAGE, text="应为4日。")
    client.force_login(creator.user)
    assert _accept_edit(client, article, suggestion).status_code == 302
    suggestion.refresh_from_db()
    assert suggestion.status == "accepted" and suggestion.change is None
    assert suggestion.revision is not None
    assert suggestion.revision.correction_note == "日期写错了，已更正为5月4日。"
    article_approve(article=article, staff=staff)
    change = ArticleChange.objects.get(article=article)
    assert change.revision_id == suggestion.revision_id and change.kind == "correction"


def test_a_readers_suggestions_are_in_the_export_and_go_with_the_account(
    client, article, reader, settings, tmp_path, django_capture_on_commit_callbacks
):
    from openhao.privacy import services as privacy_services
    from openhao.privacy.models import AccountDeletion

    settings.OPENHAO_EXPORT_DIR = str(tmp_path)
    suggestion_create(user=reader, article=article, passage=PASSAGE, text="应为5月4日。")
    files = privacy_services.export_contents(reader)
    rows = json.loads(files["corrections.json"])
    assert rows[0]["passage"] == PASSAGE and rows[0]["article__title"] == article.title
    assert (
        json.loads(privacy_services.export_contents(article.creator.user)["corrections.json"]) == []
    )
    deletion = AccountDeletion.objects.create(user=reader, due_at=timezone.now())
    assert privacy_services.account_erase(deletion_id=deletion.pk)
    assert not Suggestion.objects.exists()


def test_block_words_refuse_and_replace_words_are_masked(client, article, reader):
    from openhao.moderation import content, wordfilter
    from openhao.moderation.roles import OPERATOR, role_group

    staff = UserFactory(username="yunying")
    staff.groups.add(role_group(OPERATOR))
    word_list = content.wordlist_create(user=staff, name="纠错词表")
    content.words_add(user=staff, word_list=word_list, words=["禁用词"], action=wordfilter.BLOCK)
    content.words_add(user=staff, word_list=word_list, words=["脏话"], action=wordfilter.REPLACE)
    client.force_login(reader)
    response = _suggest(client, article, text="这里有禁用词，应当删去。")
    assert response.status_code == 400 and not Suggestion.objects.exists()
    assert _suggest(client, article, text="脏话不该出现，日期应为4日。").status_code == 302
    assert "脏话" not in Suggestion.objects.get().text


def test_the_studio_list_query_count_is_flat(client, article, django_assert_max_num_queries):
    def queries() -> int:
        from django.db import connection
        from django.test.utils import CaptureQueriesContext

        with CaptureQueriesContext(connection) as ctx:
            assert client.get(reverse("studio:corrections")).status_code == 200
        return len(ctx.captured_queries)

    client.force_login(article.creator.user)
    suggestion_create(user=UserFactory(), article=article, passage=PASSAGE, text="应为4日。")
    few = queries()
    other = ArticleFactory(creator=article.creator, body_html=BODY)
    for _ in range(5):
        for target in (article, other):
            suggestion_create(user=UserFactory(), article=target, passage=PASSAGE, text="应为4日。")
    assert queries() == few
    with django_assert_max_num_queries(8):
        client.get(reverse("studio:corrections"))
