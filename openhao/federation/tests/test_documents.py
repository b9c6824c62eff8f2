"""Our actors, articles and collections as ActivityStreams JSON: their shapes (checked against
the vocabulary's required properties in ``vocabulary.py``), what they never show, and how the
HTML pages hand servers over to them."""

import json

import pytest
from django.test import override_settings

from openhao.articles.models import Article
from openhao.articles.tests.factories import ArticleFactory, TopicFactory
from openhao.creators.tests.factories import CreatorFactory
from openhao.federation import uris
from openhao.federation.models import ActorKey

from .vocabulary import check_activity, check_actor, check_collection, check_object

pytestmark = pytest.mark.django_db
AP = "application/activity+json"
LD = 'application/ld+json; profile="https://www.w3.org/ns/activitystreams"'


def _get(client, url, accept=AP):
    response = client.get(url, headers={"Accept": accept})
    assert response.status_code == 200, response.content
    assert response["Content-Type"].startswith(("application/activity+json", "application/jrd"))
    return json.loads(response.content)


def test_webfinger_finds_a_creator_by_handle():
    creator = CreatorFactory()
    from django.test import Client

    client = Client()
    name = uris.creator_username(creator.pk)
    jrd = _get(client, f"/.well-known/webfinger?resource=acct:{name}@{uris.host()}")
    assert jrd["subject"] == f"acct:{name}@{uris.host()}"
    links = {link["rel"]: link for link in jrd["links"]}
    assert links["self"]["type"] == AP
    assert links["self"]["href"] == uris.creator_actor(creator.pk)
    assert links["http://webfinger.net/rel/profile-page"]["href"].endswith(
        f"/creator/{creator.pk}/"
    )


def test_webfinger_unknown_or_foreign_names_are_404(client):
    creator = CreatorFactory()
    name = uris.creator_username(creator.pk)
    assert (
        client.get(f"/.well-known/webfinger?resource=acct:{name}@elsewhere.example").status_code
        == 404
    )
    assert (
        client.get(f"/.well-known/webfinger?resource=acct:hao999999@{uris.host()}").status_code
        == 404
    )
    assert (
        client.get("/.well-known/webfinger?resource=acct:admin@" + uris.host()).status_code == 404
    )
    assert client.get("/.well-known/webfinger").status_code == 400


def test_actor_document_has_the_vocabulary_and_never_the_private_key(client):
    creator = CreatorFactory(motto="写点江南", bio="十年旅行写作")
    creator.user.email = "secret@example.com"
    creator.user.save()
    assert not ActorKey.objects.exists()
    doc = _get(client, f"/ap/creators/{creator.pk}")
    check_actor(doc)
    assert doc["type"] == "Person"
    assert doc["preferredUsername"] == uris.creator_username(creator.pk)
    assert doc["name"] == creator.display_name
    assert "写点江南" in doc["summary"]
    assert doc["endpoints"]["sharedInbox"] == uris.shared_inbox()
    assert doc["publicKey"]["owner"] == doc["id"]
    assert "BEGIN PUBLIC KEY" in doc["publicKey"]["publicKeyPem"]
    raw = json.dumps(doc)
    assert "PRIVATE" not in raw
    assert "secret@example.com" not in raw
    assert creator.user.username not in raw
    # The key is made on first need, once, and stays.
    key = ActorKey.objects.get(creator=creator)
    assert _get(client, f"/ap/creators/{creator.pk}", accept=LD)["publicKey"]["publicKeyPem"] == (
        key.public_key_pem
    )
    assert ActorKey.objects.count() == 1


def test_outbox_pages_hold_create_activities_of_public_articles_only(client):
    creator = CreatorFactory()
    topic = TopicFactory(name="江南")
    public = ArticleFactory(
        creator=creator, topics=[topic], body_html='<p>雨<img src="/media/a.jpg" alt="x"></p>'
    )
    ArticleFactory(creator=creator, status=Article.Status.DRAFT, published_at=None)
    ArticleFactory(creator=creator, status=Article.Status.REMOVED)
    outbox = _get(client, f"/ap/creators/{creator.pk}/outbox")
    check_collection(outbox, ordered=True)
    assert outbox["totalItems"] == 1
    page = _get(client, outbox["first"].removeprefix(uris.base()))
    assert page["type"] == "OrderedCollectionPage"
    assert page["partOf"] == outbox["id"]
    [create] = page["orderedItems"]
    check_activity(create)
    article = create["object"]
    check_object(article, embedded=True)
    assert article["type"] == "Article"
    assert article["id"] == uris.article_object(public.pk)
    assert article["name"] == public.title
    assert article["attributedTo"] == uris.creator_actor(creator.pk)
    assert article["to"] == ["https://www.w3.org/ns/activitystreams#Public"]
    assert article["cc"] == [uris.creator_followers(creator.pk)]
    assert article["tag"] == [
        {"type": "Hashtag", "name": "#江南", "href": uris.absolute(topic.get_absolute_url())}
    ]
    assert f'src="{uris.base()}/media/a.jpg"' in article["content"]
    assert client.get(f"/ap/creators/{creator.pk}/outbox?page=9").status_code == 404
    assert client.get(f"/ap/creators/{creator.pk}/outbox?page=x").status_code == 404


@override_settings(OPENHAO_FEDERATION_OUTBOX_PAGE_SIZE=2)
def test_outbox_pages_link_to_each_other(client):
    creator = CreatorFactory()
    ArticleFactory.create_batch(3, creator=creator)
    outbox = _get(client, f"/ap/creators/{creator.pk}/outbox")
    assert outbox["last"].endswith("?page=2")
    first = _get(client, outbox["first"].removeprefix(uris.base()))
    assert len(first["orderedItems"]) == 2 and first["next"].endswith("page=2")
    second = _get(client, first["next"].removeprefix(uris.base()))
    assert len(second["orderedItems"]) == 1 and "next" not in second


def test_followers_collection_counts_only(client):
    creator = CreatorFactory(follower_count=5)
    doc = _get(client, f"/ap/creators/{creator.pk}/followers")
    check_collection(doc, ordered=True)
    assert doc["totalItems"] == 5
    assert "orderedItems" not in doc and "items" not in doc


def test_article_object_is_public_only(client):
    article = ArticleFactory()
    check_object(_get(client, f"/ap/articles/{article.pk}"))
    draft = ArticleFactory(status=Article.Status.DRAFT, published_at=None)
    assert client.get(f"/ap/articles/{draft.pk}", headers={"Accept": AP}).status_code == 404


@pytest.mark.parametrize("accept", [AP, LD, "application/activity+json, text/html;q=0.1"])
def test_html_pages_send_servers_to_the_json_ids(client, accept):
    article = ArticleFactory()
    response = client.get(f"/article/{article.pk}/", headers={"Accept": accept})
    assert response.status_code == 302
    assert response["Location"] == uris.article_object(article.pk)
    assert "Accept" in response["Vary"]
    assert "no-store" in response["Cache-Control"] and "private" in response["Cache-Control"]
    response = client.get(f"/creator/{article.creator_id}/", headers={"Accept": accept})
    assert response["Location"] == uris.creator_actor(article.creator_id)


def test_a_browser_still_gets_html_and_the_cache_never_mixes_them(client):
    """The same URL first asked by a server then by a browser (and the other way round): the
    page cache holds only HTML, the server always gets the redirect."""
    article = ArticleFactory()
    browser = "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8"
    for accept in (AP, browser, AP, browser):
        response = client.get(f"/article/{article.pk}/", headers={"Accept": accept})
        if accept == AP:
            assert response.status_code == 302
        else:
            assert response.status_code == 200
            assert response["Content-Type"].startswith("text/html")


def test_creator_page_shows_the_handle(client):
    creator = CreatorFactory()
    response = client.get(f"/creator/{creator.pk}/")
    html = response.content.decode()
    assert "在联邦宇宙关注：" in html
    assert f"@{uris.creator_username(creator.pk)}@{uris.host()}" in html
    assert 'type="application/activity+json"' in html


def test_article_page_links_its_activitypub_object(client):
    article = ArticleFactory()
    html = client.get(f"/article/{article.pk}/").content.decode()
    assert f'type="application/activity+json" href="/ap/articles/{article.pk}"' in html


def test_query_counts_of_the_documents(client, django_assert_max_num_queries):
    """Flat in the number of articles: the outbox page prefetches the topics."""
    creator = CreatorFactory()
    ArticleFactory.create_batch(5, creator=creator, topics=[TopicFactory()])
    client.get(f"/ap/creators/{creator.pk}")  # the key is made once, on first need
    with django_assert_max_num_queries(2):
        client.get(f"/ap/creators/{creator.pk}", headers={"Accept": AP})
    with django_assert_max_num_queries(4):
        client.get(f"/ap/creators/{creator.pk}/outbox?page=1", headers={"Accept": AP})
    with django_assert_max_num_queries(2):
        client.get(f"/.well-known/webfinger?resource=acct:hao{creator.pk}@{uris.host()}")
