"""Every staff decision is an action: the staff check first, then the write and its audit row
in one transaction; a decision that fails half-way leaves neither."""

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse

from openhao.articles import hooks
from openhao.articles.models import Article
from openhao.articles.tests.factories import ArticleFactory
from openhao.creators.models import Creator, CreatorApplication
from openhao.creators.tests.factories import CreatorApplicationFactory, UserFactory
from openhao.moderation import selectors, services
from openhao.moderation.models import ReviewRecord

DECISIONS = {
    "application_approve": lambda subject, staff: services.application_approve(
        application=subject, staff=staff
    ),
    "application_reject": lambda subject, staff: services.application_reject(
        application=subject, staff=staff, reason="信息不全"
    ),
    "article_approve": lambda subject, staff: services.article_approve(
        article=subject, staff=staff
    ),
    "article_reject": lambda subject, staff: services.article_reject(
        article=subject, staff=staff, reason="标题党"
    ),
}


def _subject(name, creator):
    if name.startswith("application"):
        return CreatorApplicationFactory()
    return ArticleFactory(creator=creator, status=Article.Status.PENDING, published_at=None)


@pytest.mark.django_db
@pytest.mark.parametrize("name", sorted(DECISIONS))
@pytest.mark.parametrize(
    "who", [{}, {"is_staff": True, "is_active": False}], ids=["reader", "inactive staff"]
)
def test_only_active_staff_decide_and_a_refusal_writes_nothing(name, who, creator):
    subject = _subject(name, creator)
    with pytest.raises(PermissionDenied):
        DECISIONS[name](subject, UserFactory(**who))
    assert not ReviewRecord.objects.exists()
    subject.refresh_from_db()
    assert subject.status == "pending"


@pytest.mark.django_db
@pytest.mark.parametrize("name", sorted(DECISIONS))
def test_each_decision_leaves_one_audit_row_naming_who_and_what(name, creator, staff):
    subject = _subject(name, creator)
    DECISIONS[name](subject, staff)
    record = ReviewRecord.objects.get()
    assert record.staff == staff
    assert record.decision == name.split("_")[1]
    assert (record.application_id or record.article_id) == subject.pk
    # Decided once: the subject is no longer waiting, so a second decision is refused.
    with pytest.raises(ValidationError):
        DECISIONS[name](type(subject).objects.get(pk=subject.pk), staff)
    assert ReviewRecord.objects.count() == 1


@pytest.mark.django_db(transaction=True)
def test_a_decision_that_fails_after_its_audit_row_leaves_neither(creator, staff, monkeypatch):
    article = ArticleFactory(creator=creator, status=Article.Status.PENDING, published_at=None)

    def publish_fails(**kwargs):
        raise RuntimeError("a listener of the publish failed")

    monkeypatch.setattr(hooks.article_published, "_listeners", [])
    hooks.article_published.connect(publish_fails)
    with pytest.raises(RuntimeError):
        services.article_approve(article=article, staff=staff)
    assert not ReviewRecord.objects.exists()
    article.refresh_from_db()
    assert article.status == Article.Status.PENDING
    assert Creator.objects.get(pk=creator.pk).approved_article_count == 0


@pytest.mark.django_db
def test_the_queues_hold_what_waits_and_drop_what_is_decided(client, creator, staff):
    application = CreatorApplicationFactory()
    article = ArticleFactory(creator=creator, status=Article.Status.PENDING, published_at=None)
    assert list(selectors.applications_pending()) == [application]
    assert list(selectors.articles_pending_review()) == [article]
    client.force_login(staff)
    response = client.post(
        reverse("review:application", args=[application.pk]), {"decision": "approve"}
    )
    assert response.status_code == 302
    response = client.post(reverse("review:article", args=[article.pk]), {"reason": "配图无关"})
    assert response.status_code == 302
    assert not selectors.applications_pending().exists()
    assert not selectors.articles_pending_review().exists()
    assert CreatorApplication.objects.get().status == CreatorApplication.Status.APPROVED
    assert [r.decision for r in selectors.review_records()] == ["reject", "approve"]
