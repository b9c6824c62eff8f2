import csv
import io
from collections import defaultdict
from datetime import timedelta

import pytest
from django.utils import timezone

from openhao.campaigns import services
from openhao.campaigns.models import Campaign, Entry, LedgerEntry
from openhao.campaigns.permissions import operator_group
from openhao.campaigns.scoring import scores_apply
from openhao.engagement.hooks import Event

from .conftest import publish
from .factories import CampaignFactory, TierFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def ended():
    campaign = CampaignFactory()
    TierFactory(campaign=campaign, label="冠军", rank_from=1, rank_to=1, amount=100_000)
    TierFactory(campaign=campaign, label="前五", rank_from=2, rank_to=5, amount=20_000)
    TierFactory(campaign=campaign, label="参与奖", every=True, currency="points", amount=100)
    articles = [publish(campaign) for _ in range(8)]
    scores_apply([Event(a.pk, None, "read", 10 * (i + 1)) for i, a in enumerate(articles)])
    Campaign.objects.filter(pk=campaign.pk).update(
        ends_at=timezone.now() - timedelta(seconds=1), settles_at=timezone.now()
    )
    campaign.refresh_from_db()
    return campaign, articles


def paid(campaign):
    return sorted(
        LedgerEntry.objects.filter(campaign=campaign).values_list("tier__label", "rank", "amount")
    )


def test_settlement_pays_by_rank(ended):
    campaign, articles = ended
    assert services.campaign_settle(campaign=campaign) == 1 + 4 + 8
    best = LedgerEntry.objects.get(campaign=campaign, tier__label="冠军")
    assert best.entry.article_id == articles[-1].pk and best.rank == 1
    campaign.refresh_from_db()
    assert campaign.status == "settled"


def test_settling_twice_pays_once(ended):
    campaign, _ = ended
    services.campaign_settle(campaign=campaign)
    first = paid(campaign)
    Campaign.objects.filter(pk=campaign.pk).update(status="closed")  # force a second run
    assert services.campaign_settle(campaign=campaign) == 0
    assert paid(campaign) == first


def test_an_interrupted_settlement_resumed_pays_exactly_once(ended, monkeypatch):
    campaign, _ = ended
    real = services._ledger_write
    calls = {"n": 0}

    def crash_after_two_chunks(rows):
        calls["n"] += 1
        if calls["n"] == 3:
            raise RuntimeError("power cut")
        real(rows)

    monkeypatch.setattr(services, "_ledger_write", crash_after_two_chunks)
    with pytest.raises(RuntimeError):
        services.campaign_settle(campaign=campaign, chunk=2)
    partial = LedgerEntry.objects.filter(campaign=campaign).count()
    assert 0 < partial < 13
    campaign.refresh_from_db()
    assert campaign.status == "closed" and campaign.ranks_frozen_at
    # Scores moving after the freeze change nothing: the ranks are frozen.
    monkeypatch.setattr(services, "_ledger_write", real)
    services.campaign_settle(campaign=campaign, chunk=2)
    assert LedgerEntry.objects.filter(campaign=campaign).count() == 13
    ranks = list(
        LedgerEntry.objects.filter(campaign=campaign, tier__every=True).values_list(
            "rank", flat=True
        )
    )
    assert sorted(ranks) == list(range(1, 9))


def test_settlement_refuses_a_running_campaign():
    campaign = CampaignFactory()
    TierFactory(campaign=campaign)
    with pytest.raises(services.SettlementError):
        services.campaign_settle(campaign=campaign)


def test_settlement_refuses_to_exceed_the_budget(ended):
    campaign, _ = ended
    Campaign.objects.filter(pk=campaign.pk).update(budget_fen=100_000)
    with pytest.raises(services.SettlementError) as exc:
        services.campaign_settle(campaign=campaign)
    assert "超出预算" in exc.value.messages[0]
    assert not LedgerEntry.objects.exists()
    assert not Entry.objects.filter(final_rank__isnull=False).exists()


def test_a_correction_is_a_new_row(ended):
    campaign, _ = ended
    services.campaign_settle(campaign=campaign)
    row = LedgerEntry.objects.get(campaign=campaign, rank=1, tier__label="冠军")
    services.ledger_correct(row=row, amount=-50_000, note="重复计算的阅读")
    row.refresh_from_db()
    assert row.amount == 100_000
    total = sum(
        LedgerEntry.objects.filter(creator=row.creator, currency="fen").values_list(
            "amount", flat=True
        )
    )
    assert total == 50_000


def test_payouts_csv_equals_the_ledger(ended, client, django_user_model):
    campaign, _ = ended
    services.campaign_settle(campaign=campaign)
    row = LedgerEntry.objects.filter(campaign=campaign, tier__label="前五").first()
    services.ledger_correct(row=row, amount=1_000, note="补发")
    ops = django_user_model.objects.create_user("ops", password="x")
    ops.groups.add(operator_group())
    client.force_login(ops)
    response = client.get(f"/manage/campaigns/{campaign.pk}/?format=csv")
    assert response.status_code == 200
    rows = list(csv.DictReader(io.StringIO(response.content.decode("utf-8-sig"))))
    from_csv = defaultdict(int)
    for r in rows:
        from_csv[(int(r["creator_id"]), r["currency"])] += int(r["amount"])
        assert r["real_name"] and r["campaign"] == campaign.name
    ledger = defaultdict(int)
    for c, cur, a in LedgerEntry.objects.values_list("creator_id", "currency", "amount"):
        ledger[(c, cur)] += a
    assert dict(from_csv) == dict(ledger)
