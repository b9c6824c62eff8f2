"""Moderation answers the questions campaigns and the creator index ask through common.hooks:
信用分, flagged accounts, the 原创 check, upheld violations."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone

from openhao.articles.tests.factories import ArticleFactory
from openhao.common import hooks
from openhao.creators.tests.factories import UserFactory
from openhao.moderation import actions
from openhao.moderation.models import ArticleHold, RingMember, SpamFlag
from openhao.moderation.roles import OPERATOR, REVIEWER, role_group

pytestmark = pytest.mark.django_db


def _op(name, role=REVIEWER):
    user = UserFactory(username=name)
    user.groups.add(role_group(role))
    return user


def test_credit_and_violations_follow_the_actions_and_their_undoing():
    article = ArticleFactory()
    author = article.creator.user
    clean = UserFactory()
    since = timezone.now() - timedelta(days=1)
    warn = actions.action_warn(
        actor=_op("a"), target_type="article", target_id=article.pk, rule="ad", reason="导流"
    )
    credit = hooks.moderation_credit([author.pk, clean.pk])
    assert credit[clean.pk] == 100 and credit[author.pk] < 100
    assert hooks.moderation_violations([author.pk, clean.pk], since) == {author.pk: 1, clean.pk: 0}
    actions.action_restore(actor=_op("b", OPERATOR), action=warn, reason="误判")
    assert hooks.moderation_credit([author.pk])[author.pk] == 100
    assert hooks.moderation_violations([author.pk], since) == {author.pk: 0}


def test_spam_hits_and_rings_flag_accounts_but_review_words_do_not():
    spammer, ring, worded, old, clean = (UserFactory() for _ in range(5))
    SpamFlag.objects.create(rule="repeated_text", user=spammer, object_kind="comment")
    SpamFlag.objects.create(rule="sensitive_word", user=worded, object_kind="comment")
    stale = SpamFlag.objects.create(rule="domain_flood", user=old, object_kind="comment")
    SpamFlag.objects.filter(pk=stale.pk).update(created_at=timezone.now() - timedelta(days=200))
    RingMember.objects.create(user=ring, ring=1, ring_size=3)
    ids = [u.pk for u in (spammer, ring, worded, old, clean)]
    assert hooks.moderation_flagged(ids) == {spammer.pk, ring.pk}
    # Many ids (campaigns' scoring asks ~15,000): one array parameter on PostgreSQL.
    many = ids + list(range(10**9, 10**9 + 500))
    assert hooks.moderation_flagged(many) == {spammer.pk, ring.pk}


def test_an_article_held_as_a_copy_fails_the_originality_question():
    copy, original, word_held = ArticleFactory(), ArticleFactory(), ArticleFactory()
    ArticleHold.objects.create(
        article=copy, reason="originality", matched=original, similarity=0.95
    )
    ArticleHold.objects.create(article=word_held, reason="word")
    ids = [copy.pk, original.pk, word_held.pk]
    assert hooks.moderation_originality_failed(ids) == {copy.pk}
