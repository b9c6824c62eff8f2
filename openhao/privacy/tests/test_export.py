"""个人信息副本: a ZIP built by a task with the reader's own data and nobody else's, a private URL
for its owner only, valid 7 days, rate limited."""

from __future__ import annotations

import io
import json
import zipfile
from datetime import timedelta

import pytest
import time_machine
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.urls import reverse
from django.utils import timezone
from PIL import Image

from openhao.articles.models import ArticleImage
from openhao.articles.tests.factories import ArticleFactory
from openhao.creators.tests.factories import CreatorFactory, UserFactory
from openhao.engagement import services as engagement
from openhao.privacy import services
from openhao.privacy.models import DataExport
from openhao.ranking import services as ranking

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _export_dir(tmp_path, settings):
    settings.OPENHAO_EXPORT_DIR = tmp_path / "exports"


def _zip(response) -> zipfile.ZipFile:
    return zipfile.ZipFile(io.BytesIO(b"".join(response.streaming_content)))


def _ask(client, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        assert client.post(reverse("privacy:export")).status_code == 302
    return DataExport.objects.latest("created_at")


def test_export_holds_the_readers_own_data_only(client, django_capture_on_commit_callbacks):
    reader, other = UserFactory(email="me@example.com"), UserFactory(email="other@example.com")
    creator = CreatorFactory()
    article = ArticleFactory(creator=creator, title="读过的文章")
    engagement.follow_create(user=reader, creator=creator)
    engagement.like_set(user=reader, article=article, liked=True)
    engagement.bookmark_set(user=reader, article=article, saved=True)
    engagement.comment_create(user=reader, article=article, body="我的跟贴内容")
    engagement.comment_create(user=other, article=article, body="别人的跟贴内容")
    engagement.bookmark_set(user=other, article=article, saved=True)
    ranking.read_history_record(entries=[(reader.pk, article.pk, timezone.now().timestamp())])
    client.force_login(reader)
    export = _ask(client, django_capture_on_commit_callbacks)
    assert export.status == "ready" and export.expires_at - export.created_at == timedelta(days=7)
    page = client.get(reverse("privacy:export")).content.decode()
    url = reverse("privacy:export-download", args=[export.token])
    assert url in page
    response = client.get(url)
    assert response.status_code == 200 and "private" in response["Cache-Control"]
    archive = _zip(response)
    names = set(archive.namelist())
    assert {
        "account.json", "comments.json", "likes.json", "follows.json", "bookmarks.json",
        "history.json",
    } <= names  # fmt: skip
    assert not any(n.startswith("articles/") for n in names)  # not a creator
    account = json.loads(archive.read("account.json"))
    assert account["email"] == "me@example.com"
    comments = json.loads(archive.read("comments.json"))
    assert [c["body"] for c in comments] == ["我的跟贴内容"]
    assert len(json.loads(archive.read("bookmarks.json"))) == 1
    assert json.loads(archive.read("history.json"))[0]["article_id"] == article.pk
    everything = b"".join(archive.read(n) for n in names).decode()
    assert "other@example.com" not in everything and "别人的跟贴内容" not in everything


def test_creator_export_has_articles_and_images(client, django_capture_on_commit_callbacks):
    creator = CreatorFactory()
    article = ArticleFactory(creator=creator, title="我写的文章")
    png = io.BytesIO()
    Image.new("RGB", (4, 4), "red").save(png, format="PNG")
    name = default_storage.save("images/photo.png", ContentFile(png.getvalue()))
    ArticleImage.objects.create(creator=creator, file=name, width=4, height=4)
    ArticleFactory(title="别人的文章")
    client.force_login(creator.user)
    export = _ask(client, django_capture_on_commit_callbacks)
    archive = _zip(client.get(reverse("privacy:export-download", args=[export.token])))
    names = set(archive.namelist())
    assert {f"articles/{article.pk}.json", f"articles/{article.pk}.html"} <= names
    assert any(n.startswith("images/") and n.endswith("photo.png") for n in names)
    assert "我写的文章" in archive.read(f"articles/{article.pk}.html").decode()
    texts = b"".join(archive.read(n) for n in names if not n.startswith("images/"))
    assert "别人的文章" not in texts.decode()


def test_the_link_is_for_its_owner_only_and_for_seven_days(
    client, django_capture_on_commit_callbacks
):
    owner = UserFactory()
    client.force_login(owner)
    export = _ask(client, django_capture_on_commit_callbacks)
    url = reverse("privacy:export-download", args=[export.token])
    client.force_login(UserFactory())
    assert client.get(url).status_code == 404
    client.logout()
    assert client.get(url).status_code == 302  # sign in first
    client.force_login(owner)
    assert client.get(reverse("privacy:export-download", args=["made-up"])).status_code == 404
    with time_machine.travel(timezone.now() + timedelta(days=7, minutes=1)):
        assert client.get(url).status_code == 404
        assert services.exports_expire() == 1
    assert services.export_file_path(DataExport.objects.get(pk=export.pk)) is None
    assert not list((services._export_dir()).rglob("*.zip"))


def test_exports_are_rate_limited(client, settings):
    settings.ACCOUNT_RATE_LIMITS = {**settings.ACCOUNT_RATE_LIMITS, "data_export": "2/d/user"}
    client.force_login(UserFactory())
    assert client.post(reverse("privacy:export")).status_code == 302
    assert client.post(reverse("privacy:export")).status_code == 302
    assert client.post(reverse("privacy:export")).status_code == 429
    assert DataExport.objects.count() == 2


def test_creator_export_has_campaign_entries_and_the_reward_ledger():
    from openhao.campaigns import services as campaign_services
    from openhao.campaigns.models import Campaign
    from openhao.campaigns.tests.conftest import publish
    from openhao.campaigns.tests.factories import CampaignFactory, TierFactory

    campaign = CampaignFactory(name="春季图文激励计划")
    TierFactory(campaign=campaign, label="冠军", currency="fen", amount=88_800)
    article = publish(campaign, title="春雨里的乌镇一日")
    other = publish(campaign, title="别人的参赛作品")
    Campaign.objects.filter(pk=campaign.pk).update(ends_at=timezone.now())
    campaign_services.campaign_settle(campaign=campaign)
    winner = campaign.ledger.get().creator
    data = json.loads(services.export_contents(winner.user)["campaigns.json"])
    [entry] = data["entries"]
    assert entry["campaign__name"] == "春季图文激励计划" and entry["final_rank"] == 1
    [row] = data["ledger"]
    assert (row["amount"], row["currency"], row["tier__label"]) == (88_800, "fen", "冠军")
    loser = other.creator if winner == article.creator else article.creator
    theirs = json.loads(services.export_contents(loser.user)["campaigns.json"])
    assert theirs["ledger"] == [] and len(theirs["entries"]) == 1
    assert "88800" not in json.dumps(theirs)
