import pytest

from openhao.campaigns.models import Campaign, LedgerEntry
from openhao.campaigns.selectors import leaderboard
from openhao.demo.loader import load_demo

pytestmark = pytest.mark.django_db


def test_demo_has_a_running_and_a_settled_campaign(client):
    load_demo(articles=80, admin=False)
    spring = Campaign.objects.get(slug="spring-2026")
    assert spring.status == "published" and spring.topic.name == "春季图文激励计划"
    assert spring.entries.exists() and leaderboard(spring)
    winter = Campaign.objects.get(slug="winter-2025")
    assert winter.status == "settled"
    assert LedgerEntry.objects.filter(campaign=winter).exists()
    page = client.get(winter.get_absolute_url()).content.decode()
    assert "获奖结果" in page
    load_demo(articles=80, admin=False, reset=True)
    assert Campaign.objects.get(slug="winter-2025").status == "settled"
