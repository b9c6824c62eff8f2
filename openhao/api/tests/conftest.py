import pytest

from openhao.accounts import services as account_services
from openhao.articles.tests.factories import ArticleFactory
from openhao.creators.tests.factories import CreatorFactory, UserFactory


@pytest.fixture
def reader(db):
    return UserFactory(email="reader@example.com")


@pytest.fixture
def make_token():
    def make(user, *scopes):
        _token, raw = account_services.token_create(
            user=user, name="测试", scopes=scopes or ("read",)
        )
        return raw

    return make


@pytest.fixture
def bearer(make_token):
    def headers(user, *scopes):
        return {"Authorization": f"Bearer {make_token(user, *scopes)}"}

    return headers


@pytest.fixture
def article(db):
    return ArticleFactory(creator=CreatorFactory(user=UserFactory(email="creator@example.com")))
