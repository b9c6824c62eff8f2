"""The app split (studio, moderation and demo out of creators and articles) applies on a
database made by the release before it, with data in it: the audit trail, the applications
and the articles written then are read and decided on by the code after it."""

import pytest
from django.contrib.auth import get_user_model
from django.contrib.contenttypes.models import ContentType
from django.db import connection
from django.db.migrations.executor import MigrationExecutor
from django.utils import timezone

# The newest migration of every app in the release before the split (ReviewRecord was
# creators'; moderation did not exist).
BEFORE = [
    ("accounts", "0002_user_avatar_user_motto"),
    ("analytics", "0001_initial"),
    ("articles", "0005_topic_name_validator"),
    ("common", "0001_periodic_job"),
    ("creators", "0004_revisions"),
    ("engagement", "0007_read_flush"),
    ("moderation", None),
    ("ranking", "0005_related_embeddings"),
    ("search", "0002_tags"),
]


@pytest.fixture
def search_index_emptied_after():
    # The approval below indexes an article; the flush after a transactional test empties the
    # model tables only, and the search engine's own table would keep the entry for the tests
    # that follow (articles' migration test searches for the same words).
    from openhao.search.backends import get_backend

    yield
    get_backend().clear()


@pytest.mark.django_db(transaction=True)
def test_the_split_applies_on_a_database_with_data(mailoutbox, search_index_emptied_after):
    executor = MigrationExecutor(connection)
    executor.migrate(BEFORE)
    old = executor.loader.project_state([t for t in BEFORE if t[1]]).apps
    User = old.get_model("accounts", "User")
    writer = User.objects.create(username="old-writer")
    applicant = User.objects.create(username="old-applicant", email="a@example.com")
    staff = User.objects.create(username="old-staff", is_staff=True, is_active=True)
    section = old.get_model("articles", "Section").objects.create(slug="news", name="要闻")
    channel = old.get_model("articles", "Channel").objects.create(
        slug="auto", name="汽车", section=section
    )
    creator = old.get_model("creators", "Creator").objects.create(
        user=writer, display_name="老作者", main_channel=channel
    )
    Application = old.get_model("creators", "CreatorApplication")
    rejected = Application.objects.create(
        user=applicant,
        display_name="被驳回的号",
        channel=channel,
        intro="迁移之前的申请。",
        real_name_confirmed=True,
        rules_accepted=True,
        status="rejected",
        reason="信息不全",
        decided_at=timezone.now(),
        decided_by=staff,
    )
    pending_application = Application.objects.create(
        user=applicant,
        display_name="等待审核的号",
        channel=channel,
        intro="迁移之前提交、迁移之后审核的申请。",
        real_name_confirmed=True,
        rules_accepted=True,
    )
    Article = old.get_model("articles", "Article")
    passed = Article.objects.create(
        creator=creator,
        channel=channel,
        title="迁移之前审核通过的文章",
        body_html="<p>迁移之前写好的正文。</p>",
        status="published",
        published_at=timezone.now(),
    )
    waiting = Article.objects.create(
        creator=creator,
        channel=channel,
        title="迁移之前提交审核的文章",
        body_html="<p>迁移之前提交、迁移之后审核的正文，足够长。</p>",
        status="pending",
    )
    Record = old.get_model("creators", "ReviewRecord")
    Record.objects.create(application=rejected, decision="reject", reason="信息不全", staff=staff)
    Record.objects.create(article=passed, decision="approve", staff=staff)

    executor.loader.build_graph()
    executor.migrate(executor.loader.graph.leaf_nodes())

    from openhao.articles.models import Article as NewArticle
    from openhao.creators.models import Creator, CreatorApplication
    from openhao.moderation.models import ReviewRecord
    from openhao.moderation.selectors import applications_pending, articles_pending_review
    from openhao.moderation.services import application_approve, article_approve

    # The old audit rows are the new model's, with their subjects.
    assert ReviewRecord._meta.db_table == "creators_reviewrecord"
    by_subject = {(r.application_id, r.article_id): r for r in ReviewRecord.objects.all()}
    assert by_subject[(rejected.pk, None)].reason == "信息不全"
    assert by_subject[(rejected.pk, None)].staff_id == staff.pk
    assert by_subject[(None, passed.pk)].decision == ReviewRecord.Decision.APPROVE
    assert CreatorApplication.objects.get(pk=rejected.pk).reviews.count() == 1
    assert NewArticle.objects.get(pk=passed.pk).reviews.count() == 1
    # The audit trail's content type (and so the admin permissions on it) moved along.
    assert ContentType.objects.filter(app_label="creators", model="reviewrecord").count() == 0
    assert ContentType.objects.filter(app_label="moderation", model="reviewrecord").count() == 1

    # The queues hold what was waiting before, and the decisions of the new code work on it.
    assert [a.pk for a in applications_pending()] == [pending_application.pk]
    assert [a.pk for a in articles_pending_review()] == [waiting.pk]
    decider = get_user_model().objects.get(pk=staff.pk)
    made = application_approve(
        application=CreatorApplication.objects.get(pk=pending_application.pk), staff=decider
    )
    assert Creator.objects.get(user_id=applicant.pk) == made
    article_approve(article=NewArticle.objects.get(pk=waiting.pk), staff=decider)
    assert NewArticle.objects.get(pk=waiting.pk).status == NewArticle.Status.PUBLISHED
    # The first approval of the old creator's articles counts towards 先审后发 once.
    assert Creator.objects.get(pk=creator.pk).approved_article_count == 1
    assert ReviewRecord.objects.count() == 4
