"""The operator core of trust and safety (issue #13): roles, 举报, the queue, actions with their
audit rows, appeals, 信用分 — through the services and over HTTP."""

from __future__ import annotations

from datetime import datetime, timedelta
from datetime import timezone as dt_timezone

import pytest
from django.contrib.auth.models import Group
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.urls import reverse

from openhao.accounts import services as account_services
from openhao.articles import services as article_services
from openhao.articles.models import Article
from openhao.articles.tests.factories import ArticleFactory, ChannelFactory
from openhao.creators.tests.factories import CreatorFactory, UserFactory
from openhao.engagement import services as engagement_services
from openhao.engagement.models import Comment, Notification
from openhao.moderation import actions, credit, queue, selectors
from openhao.moderation.models import (
    Appeal,
    CreditEvent,
    ModerationAction,
    Report,
    Suspension,
)
from openhao.moderation.roles import OPERATOR, REVIEWER, role_group

pytestmark = pytest.mark.django_db

T0 = datetime(2026, 1, 1, 8, 0, tzinfo=dt_timezone.utc)


def _op(name, role=OPERATOR):
    user = UserFactory(username=name, nickname=name)
    user.groups.add(role_group(role))
    return user


@pytest.fixture
def reviewer():
    return _op("shenhe", REVIEWER)


@pytest.fixture
def operator():
    return _op("yunying")


@pytest.fixture
def operator2():
    return _op("yunying2")


@pytest.fixture
def article():
    return ArticleFactory(creator=CreatorFactory(), view_count=500)


@pytest.fixture
def comment(article):
    return engagement_services.comment_create(
        user=UserFactory(username="troll"), article=article, body="一条骂人的跟贴"
    )


def _report(target, reporter=None, reason="abuse", text=""):
    target_type = "comment" if isinstance(target, Comment) else "article"
    report, _created = actions.report_create(
        reporter=reporter or UserFactory(),
        target_type=target_type,
        target_id=target.pk,
        reason=reason,
        text=text,
    )
    return report


# --- 信用分 -------------------------------------------------------------------------------------


def test_credit_starts_at_100_and_deducts_by_severity():
    assert credit.score([], T0) == 100
    events = [(T0, -20), (T0 + timedelta(hours=1), -10)]
    assert credit.score(events, T0 + timedelta(hours=2)) == 70


def test_credit_recovers_one_point_per_full_day_without_violation():
    events = [(T0, -20)]
    assert credit.score(events, T0 + timedelta(days=1) - timedelta(seconds=1)) == 80
    assert credit.score(events, T0 + timedelta(days=1)) == 81
    assert credit.score(events, T0 + timedelta(days=5, hours=23)) == 85
    assert credit.score(events, T0 + timedelta(days=400)) == 100  # capped


def test_a_violation_restarts_the_recovery_clock_and_partial_days_carry():
    events = [(T0, -20), (T0 + timedelta(days=2, hours=12), -10)]
    # +2 full days before the second violation, then the clock restarts at it.
    assert credit.score(events, T0 + timedelta(days=3)) == 72
    assert credit.score(events, T0 + timedelta(days=3, hours=12)) == 73


def test_a_refund_gives_the_points_back_without_restarting_the_clock():
    events = [(T0, -20), (T0 + timedelta(hours=12), +20)]
    assert credit.score(events, T0 + timedelta(hours=13)) == 100
    events = [(T0, -20), (T0 + timedelta(days=3), -10), (T0 + timedelta(days=3, hours=1), +10)]
    assert credit.score(events, T0 + timedelta(days=4)) == 84


def test_thresholds_are_settings(settings):
    assert credit.allowed(100, "original") and not credit.allowed(99, "original")
    assert credit.allowed(60, "publish") and not credit.allowed(59, "publish")
    settings.OPENHAO_CREDIT_THRESHOLDS = {"original": 90, "campaigns": 80, "publish": 50}
    assert credit.allowed(90, "original") and credit.allowed(55, "publish")


# --- roles --------------------------------------------------------------------------------------


def test_the_roles_exist_with_least_privilege(reviewer, operator):
    assert set(Group.objects.filter(name__in=[REVIEWER, OPERATOR]).values_list("name", flat=True))
    assert reviewer.has_perm("moderation.review_content")
    assert not reviewer.has_perm("moderation.decide_appeal")
    assert not reviewer.has_perm("moderation.manage_wordlists")
    assert operator.has_perm("moderation.manage_wordlists")
    assert operator.has_perm("moderation.decide_appeal")
    for user in (reviewer, operator):
        assert not user.has_perm("moderation.change_moderationaction")
        assert not user.has_perm("moderation.delete_report")
        assert not user.has_perm("articles.change_article")


def test_staff_without_a_role_cannot_act(comment):
    staff = UserFactory(is_staff=True)
    with pytest.raises(PermissionDenied):
        actions.action_remove(
            actor=staff, target_type="comment", target_id=comment.pk, rule="abuse", reason="辱骂"
        )


def test_the_queue_needs_the_review_role(client, reviewer):
    client.force_login(UserFactory(is_staff=True))
    assert client.get(reverse("moderation:queue")).status_code == 403
    client.force_login(reviewer)
    assert client.get(reverse("moderation:queue")).status_code == 200


def test_a_reviewer_does_not_see_or_decide_appeals(client, reviewer, operator, comment):
    action = actions.action_remove(
        actor=operator, target_type="comment", target_id=comment.pk, rule="abuse", reason="辱骂"
    )
    appeal = actions.appeal_create(user=comment.user, action=action, text="我没有骂人")
    client.force_login(reviewer)
    assert "申诉" not in [str(s.source.label) for s in queue.queue_for(reviewer)]
    assert client.get(reverse("moderation:appeal", args=[appeal.pk])).status_code == 403
    with pytest.raises(PermissionDenied):
        actions.appeal_decide(actor=reviewer, appeal=appeal, grant=True, reason="可以")


# --- 举报 ---------------------------------------------------------------------------------------


def test_one_report_per_reader_and_item(comment):
    reader = UserFactory()
    first, created = actions.report_create(
        reporter=reader, target_type="comment", target_id=comment.pk, reason="abuse"
    )
    assert created
    again, created = actions.report_create(
        reporter=reader, target_type="comment", target_id=comment.pk, reason="ad"
    )
    assert not created and again.pk == first.pk
    with pytest.raises(IntegrityError), transaction.atomic():
        Report.objects.create(
            reporter=reader, target_type="comment", target_id=comment.pk, reason="porn"
        )
    assert Report.objects.count() == 1


def test_other_needs_a_text_and_nobody_reports_their_own(comment):
    with pytest.raises(ValidationError):
        actions.report_create(
            reporter=UserFactory(), target_type="comment", target_id=comment.pk, reason="other"
        )
    with pytest.raises(ValidationError):
        actions.report_create(
            reporter=comment.user, target_type="comment", target_id=comment.pk, reason="abuse"
        )
    with pytest.raises(ValidationError):
        actions.report_create(
            reporter=UserFactory(), target_type="comment", target_id=comment.pk, reason="nope"
        )
    report, _ = actions.report_create(
        reporter=UserFactory(),
        target_type="comment",
        target_id=comment.pk,
        reason="other",
        text="冒充官方",
    )
    assert report.text == "冒充官方"


def test_report_without_javascript_then_reported_state(client, article):
    reader = UserFactory()
    client.force_login(reader)
    url = reverse("moderation:report-article", args=[article.pk])
    page = client.get(url)
    assert page.status_code == 200 and "提交举报" in page.content.decode()
    assert "private" in page["Cache-Control"]
    response = client.post(url, {"reason": "rumor", "text": ""})
    assert response.status_code == 302
    assert "已举报" in client.get(url).content.decode()
    state = client.get(reverse("moderation:report-state-article", args=[article.pk]))
    assert "已举报" in state.content.decode() and "no-store" in state["Cache-Control"]
    assert Report.objects.get().reason == "rumor"


def test_report_with_htmx_answers_the_fragment(client, comment):
    client.force_login(UserFactory())
    url = reverse("moderation:report-comment", args=[comment.pk])
    form = client.get(url, HTTP_HX_REQUEST="true").content.decode()
    assert "<form" in form and "<html" not in form
    done = client.post(url, {"reason": "other", "text": ""}, HTTP_HX_REQUEST="true")
    assert done.status_code == 400 and "请说明" in done.content.decode()
    done = client.post(url, {"reason": "abuse"}, HTTP_HX_REQUEST="true")
    assert "已举报" in done.content.decode()


def test_the_cached_article_page_carries_no_report_state(client, article):
    reader = UserFactory()
    _report(article, reporter=reader)
    client.force_login(reader)
    page = client.get(article.get_absolute_url()).content.decode()
    assert "已举报" not in page
    assert reverse("moderation:report-state-article", args=[article.pk]) in page


def test_reporting_needs_a_sign_in(client, article):
    response = client.post(reverse("moderation:report-article", args=[article.pk]), {})
    assert response.status_code == 302 and "login" in response["Location"]


# --- the queue ----------------------------------------------------------------------------------


def test_reports_are_grouped_per_item_and_ordered_by_weight():
    quiet = ArticleFactory(view_count=0)
    loud = ArticleFactory(view_count=100000)
    for _ in range(2):
        _report(quiet)
    _report(loud)
    old = UserFactory(date_joined=T0)
    _report(quiet, reporter=old)
    groups = selectors.report_groups()
    assert [(g.target_id, g.reporters, g.trusted) for g in groups] == [
        (loud.pk, 1, 0),
        (quiet.pk, 3, 1),
    ]
    assert groups[0].weight == selectors.report_weight(reporters=1, trusted=0, reach=100000)


def _fill_queue(n):
    creator = CreatorFactory()
    for i in range(n):
        article = ArticleFactory(creator=creator, view_count=i)
        comment = engagement_services.comment_create(
            user=UserFactory(), article=article, body=f"广告 {i}"
        )
        _report(article, reason="rumor")
        _report(comment, reason="ad", text="引流")
        _report(comment)
        # A held comment (the content checks' source) waits beside the reports.
        engagement_services.comment_create(
            user=UserFactory(), article=article, body=f"待审 {i}", held=True
        )
    actions.action_warn(
        actor=_op(f"w{n}"),
        target_type="article",
        target_id=article.pk,
        rule="notice",
        reason="注意",
    )


@pytest.mark.parametrize("n", [2, 12])
def test_queue_page_query_count_is_bounded(client, operator, n, django_assert_max_num_queries):
    _fill_queue(n)
    client.force_login(operator)
    # Session and user, permissions, 6 sources' counts and fetches (reports: groups, reach,
    # items, ledgers, history, earlier actions, reasons), messages: flat in n.
    with django_assert_max_num_queries(25):
        page = client.get(reverse("moderation:queue"))
    assert page.status_code == 200
    body = page.content.decode()
    assert "查看并处置" in body and "信用分" in body
    assert body.count("去审核") == min(n, queue.PAGE_SIZE)
    # Every reported item but the warned one (its reports closed), up to a page.
    assert body.count('name="targets"') == min(2 * n - 1, queue.PAGE_SIZE)


def test_registering_a_source_adds_it_to_the_queue(client, operator):
    queue.register_source(
        "test-held",
        "测试来源",
        lambda limit: [],
        lambda: 0,
        template="moderation/queue/appeal_entry.html",
    )
    try:
        client.force_login(operator)
        assert "测试来源" in client.get(reverse("moderation:queue")).content.decode()
    finally:
        queue._SOURCES.pop("test-held")


def test_bulk_removal_of_comments(client, operator, article):
    comments = [
        engagement_services.comment_create(user=UserFactory(), article=article, body=f"刷屏{i}")
        for i in range(3)
    ]
    for c in comments:
        _report(c, reason="ad")
    client.force_login(operator)
    response = client.post(
        reverse("moderation:bulk"),
        {
            "targets": [f"comment:{c.pk}" for c in comments[:2]],
            "kind": "remove",
            "rule": "ad",
            "reason": "广告引流",
        },
    )
    assert response.status_code == 302
    states = dict(Comment.objects.values_list("pk", "moderation_state"))
    assert [states[c.pk] for c in comments] == ["removed", "removed", "visible"]
    assert ModerationAction.objects.filter(kind="remove").count() == 2
    assert Report.objects.filter(status="open").count() == 1


# --- actions ------------------------------------------------------------------------------------


def test_remove_a_reported_comment(client, operator, comment):
    reporter = UserFactory()
    _report(comment, reporter=reporter)
    client.force_login(operator)
    response = client.post(
        reverse("moderation:item-comment", args=[comment.pk]),
        {"kind": "remove", "rule": "abuse", "reason": "人身攻击", "evidence": "截图见附件"},
    )
    assert response.status_code == 302
    comment.refresh_from_db()
    assert comment.moderation_state == Comment.State.REMOVED
    assert comment.body == "一条骂人的跟贴"  # nothing deleted
    action = ModerationAction.objects.get()
    assert (action.actor, action.kind, action.rule) == (operator, "remove", "abuse")
    assert action.before == {"moderation_state": "visible"}
    assert action.after == {"moderation_state": "removed"}
    assert action.subject_user_id == comment.user_id
    assert Report.objects.get().status == Report.Status.ACTIONED
    assert Notification.objects.filter(user=reporter, kind="report").exists()
    notice = Notification.objects.get(user=comment.user, kind="moderation")
    assert "人身攻击" in notice.message and notice.link == actions.action_url(action)
    assert actions.credit_score(comment.user_id) == 100 + credit.rule_points("abuse")


def test_dismiss_tells_the_reporters(operator, comment):
    reporter = UserFactory()
    _report(comment, reporter=reporter)
    actions.action_dismiss(actor=operator, target_type="comment", target_id=comment.pk)
    assert Report.objects.get().status == Report.Status.DISMISSED
    assert "未发现违规" in Notification.objects.get(user=reporter).message
    assert Comment.objects.get(pk=comment.pk).moderation_state == "visible"
    assert not CreditEvent.objects.exists()


def test_remove_an_article_then_restore(client, operator, article):
    creator_count = article_services.creator_recount_articles(creator=article.creator)
    action = actions.action_remove(
        actor=operator, target_type="article", target_id=article.pk, rule="rumor", reason="不实"
    )
    assert client.get(article.get_absolute_url()).status_code == 404
    restore = actions.action_restore(actor=operator, action=action, reason="复核无误")
    assert restore.reverts == action and restore.kind == "restore"
    article.refresh_from_db()
    assert article.status == Article.Status.PUBLISHED
    assert client.get(article.get_absolute_url()).status_code == 200
    article.creator.refresh_from_db()
    assert article.creator.article_count == creator_count
    assert actions.credit_score(article.creator.user_id) == 100
    with pytest.raises(ValidationError):
        actions.action_restore(actor=operator, action=action, reason="再来一次")


def test_label_shows_on_the_article_page(client, operator, article):
    client.get(article.get_absolute_url())  # cached
    actions.action_label(
        actor=operator,
        article_id=article.pk,
        label="rumor",
        url="/article/1/",
        rule="rumor",
        reason="与事实不符",
    )
    page = client.get(article.get_absolute_url()).content.decode()
    assert "moderation-label" in page and "查看辟谣" in page


def test_warn_changes_nothing_but_the_credit(operator, article):
    actions.action_warn(
        actor=operator, target_type="article", target_id=article.pk, rule="ad", reason="软广"
    )
    assert Article.objects.get(pk=article.pk).status == Article.Status.PUBLISHED
    assert actions.credit_score(article.creator.user_id) == 90


def test_suspension_stops_every_write_and_restore_brings_comments_back(operator, article):
    writer = UserFactory()
    kept = engagement_services.comment_create(user=writer, article=article, body="第一条")
    engagement_services.comment_create(user=writer, article=article, body="第二条")
    action = actions.action_suspend(
        actor=operator,
        user_id=writer.pk,
        days=7,
        hide_comments=True,
        rule="abuse",
        reason="多次辱骂",
    )
    assert not Comment.objects.filter(user=writer, moderation_state="visible").exists()
    with pytest.raises(ValidationError, match="封禁"):
        engagement_services.comment_create(user=writer, article=article, body="还想说")
    with pytest.raises(ValidationError, match="封禁"):
        account_services.profile_update(user=writer, nickname="新名字", motto="")
    creator = CreatorFactory(user=writer)
    with pytest.raises(ValidationError, match="封禁"):
        article_services.article_create(
            creator=creator, channel=ChannelFactory(), title="标题", body_html="<p>正文</p>"
        )
    actions.action_restore(actor=operator, action=action, reason="误封")
    assert Comment.objects.filter(user=writer, moderation_state="visible").count() == 2
    assert Suspension.objects.get().lifted_at is not None
    engagement_services.comment_create(user=writer, article=article, body="恢复了")
    assert Comment.objects.get(pk=kept.pk).is_shown


def test_a_suspension_with_comments_kept_and_one_that_ran_out(operator, article):
    writer = UserFactory()
    engagement_services.comment_create(user=writer, article=article, body="留着")
    actions.action_suspend(
        actor=operator, user_id=writer.pk, days=1, hide_comments=False, rule="notice", reason="冷静"
    )
    assert Comment.objects.get(user=writer).is_shown
    assert actions.suspension_active(writer.pk) is not None
    assert actions.suspension_active(writer.pk, now=T0 + timedelta(days=3650)) is None


def test_publishing_and_original_need_enough_credit(operator, article):
    creator = CreatorFactory(approved_article_count=99)
    draft = ArticleFactory(creator=creator, status=Article.Status.DRAFT, published_at=None)
    actions.action_warn(
        actor=operator, target_type="article", target_id=draft.pk, rule="disorder", reason="灌水"
    )
    # 95: no 原创声明 any more, publishing still allowed.
    with pytest.raises(ValidationError, match="原创"):
        article_services.article_update(
            article=draft,
            channel=draft.channel,
            title=draft.title,
            body_html=draft.body_html,
            is_original=True,
        )
    for rule in ("illegal",):
        actions.action_warn(
            actor=_op("other"), target_type="article", target_id=draft.pk, rule=rule, reason="违法"
        )
    assert actions.credit_score(creator.user_id) == 55
    with pytest.raises(article_services.ArticleNotReady) as refused:
        article_services.article_submit(article=draft)
    assert any("信用分" in p for p in refused.value.problems)


def test_audit_rows_are_append_only(operator, comment):
    action = actions.action_warn(
        actor=operator, target_type="comment", target_id=comment.pk, rule="abuse", reason="注意"
    )
    action.reason = "改过"
    with pytest.raises(ValueError):
        action.save()
    with pytest.raises(ValueError):
        action.delete()
    event = CreditEvent.objects.get()
    with pytest.raises(ValueError):
        event.delete()


# --- 申诉 ---------------------------------------------------------------------------------------


def test_appeal_once_decided_by_another_operator_restores_exactly(operator, operator2, article):
    author = UserFactory()
    removed = engagement_services.comment_create(user=author, article=article, body="被误删的")
    author_deleted = engagement_services.comment_create(user=author, article=article, body="自删")
    engagement_services.comment_delete(user=author, comment=author_deleted)
    action = actions.action_remove(
        actor=operator, target_type="comment", target_id=removed.pk, rule="abuse", reason="辱骂"
    )
    assert actions.credit_score(author.pk) == 90
    with pytest.raises(PermissionDenied):
        actions.appeal_create(user=UserFactory(), action=action, text="不是我的")
    appeal = actions.appeal_create(user=author, action=action, text="这是正常讨论")
    with pytest.raises(ValidationError):
        actions.appeal_create(user=author, action=action, text="再申诉一次")
    with pytest.raises(PermissionDenied):
        actions.appeal_decide(actor=operator, appeal=appeal, grant=True, reason="我自己")
    decision = actions.appeal_decide(actor=operator2, appeal=appeal, grant=True, reason="误判")
    assert decision.kind == "appeal_grant" and decision.reverts == action
    assert Comment.objects.get(pk=removed.pk).moderation_state == "visible"
    assert Comment.objects.get(pk=author_deleted.pk).is_deleted  # not touched
    assert actions.credit_score(author.pk) == 100
    assert Appeal.objects.get().status == Appeal.Status.GRANTED
    assert Notification.objects.filter(user=author, kind="appeal").exists()


def test_a_rejected_appeal_keeps_the_action(operator, operator2, comment):
    action = actions.action_remove(
        actor=operator, target_type="comment", target_id=comment.pk, rule="abuse", reason="辱骂"
    )
    appeal = actions.appeal_create(user=comment.user, action=action, text="冤枉")
    actions.appeal_decide(actor=operator2, appeal=appeal, grant=False, reason="证据充分")
    assert Comment.objects.get(pk=comment.pk).moderation_state == "removed"
    assert actions.credit_score(comment.user_id) == 90
    with pytest.raises(ValidationError):
        actions.appeal_decide(actor=operator2, appeal=appeal, grant=True, reason="改主意")


def test_the_author_pages(client, operator, operator2, comment):
    action = actions.action_remove(
        actor=operator, target_type="comment", target_id=comment.pk, rule="abuse", reason="辱骂"
    )
    client.force_login(comment.user)
    listing = client.get(reverse("moderation:my-actions")).content.decode()
    assert reverse("moderation:my-action", args=[action.pk]) in listing
    url = reverse("moderation:my-action", args=[action.pk])
    assert "人身攻击" in client.get(url).content.decode()
    assert client.post(url, {"text": "请复核"}).status_code == 302
    assert "待裁决" in client.get(url).content.decode()
    credit_page = client.get(reverse("moderation:credit")).content.decode()
    assert "90" in credit_page and "不低于 60" in credit_page and "不低于 100" in credit_page
    client.force_login(UserFactory())
    assert client.get(url).status_code == 404
    # The operator's side: one appeal waiting, the same operator cannot decide it.
    client.force_login(operator)
    appeal_url = reverse("moderation:appeal", args=[Appeal.objects.get().pk])
    assert "其他运营人员" in client.get(appeal_url).content.decode()
    client.force_login(operator2)
    assert client.post(appeal_url, {"grant": "yes", "reason": "误判"}).status_code == 302
    assert Comment.objects.get(pk=comment.pk).is_shown


@pytest.mark.parametrize("n", [3, 30])
def test_log_page_query_count_is_bounded(
    client, operator, comment, n, django_assert_max_num_queries
):
    for i in range(n):
        actions.action_warn(
            actor=_op(f"op{i}"),
            target_type="comment",
            target_id=comment.pk,
            rule="notice",
            reason=f"第{i}次",
        )
    client.force_login(operator)
    with django_assert_max_num_queries(6):
        page = client.get(reverse("moderation:log"))
    assert page.content.decode().count("第") >= n
    detail = client.get(reverse("moderation:action", args=[ModerationAction.objects.first().pk]))
    assert detail.status_code == 200 and "处置前" in detail.content.decode()


def test_the_data_export_holds_the_readers_moderation_data(operator, comment):
    import json

    from openhao.privacy.services import export_contents

    reporter = UserFactory()
    _report(comment, reporter=reporter, reason="other", text="冒充客服")
    actions.action_remove(
        actor=operator, target_type="comment", target_id=comment.pk, rule="abuse", reason="辱骂"
    )
    mine = json.loads(export_contents(reporter)["moderation.json"])
    assert [r["text"] for r in mine["reports"]] == ["冒充客服"]
    theirs = json.loads(export_contents(comment.user)["moderation.json"])
    assert theirs["reports"] == [] and [a["kind"] for a in theirs["actions_on_my_content"]] == [
        "remove"
    ]
    assert [e["points"] for e in theirs["credit"]] == [credit.rule_points("abuse")]
    assert "冒充客服" not in json.dumps(theirs, ensure_ascii=False)


def test_the_manage_pages_link_to_what_the_role_may_open(client, operator, reviewer):
    """From /manage/ an operator reaches every page of their role: the content checks for
    both roles, the word lists and campaigns for 运营 only."""
    client.force_login(reviewer)
    body = client.get(reverse("moderation:queue")).content.decode()
    assert reverse("modcontent:comments") in body and reverse("modcontent:flags") in body
    assert reverse("modcontent:word_lists") not in body
    # A flushed database may lack campaigns' permission row, which role_group cannot make
    # (moderation does not know campaigns' models): campaigns' own helper makes it.
    from openhao.campaigns.permissions import operator_group

    operator.groups.add(operator_group())
    client.force_login(operator)
    body = client.get(reverse("moderation:queue")).content.decode()
    for name in ("modcontent:word_lists", "campaigns_manage:list"):
        assert reverse(name) in body
        assert client.get(reverse(name)).status_code == 200
