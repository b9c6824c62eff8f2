"""schemathesis against the API's own OpenAPI schema, in process (WSGI), as anonymous and with
a token of every scope: no answer may be a server error or break the schema. Bounded in time by
``OPENHAO_SCHEMATHESIS_EXAMPLES`` examples per operation (10 here; more with the variable)."""

import os

import pytest
import schemathesis
from django.core.signals import request_finished, request_started
from django.core.wsgi import get_wsgi_application
from django.db import close_old_connections
from hypothesis import HealthCheck, settings
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import (
    response_schema_conformance,
    status_code_conformance,
)

from openhao.accounts import services as account_services
from openhao.api.api import api
from openhao.articles.tests.factories import ArticleFactory, TopicFactory
from openhao.creators.tests.factories import CreatorFactory
from openhao.engagement import services as engagement_services

EXAMPLES = int(os.environ.get("OPENHAO_SCHEMATHESIS_EXAMPLES", "10"))

schema = schemathesis.openapi.from_dict(api.get_openapi_schema(path_prefix="/api"))
schema.app = get_wsgi_application()


@pytest.fixture
def world(db, settings):
    # As Django's test client does: the WSGI handler must not close the test's connection
    # (inside the test transaction it would count as obsolete) at the end of each request.
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    yield _world(settings)
    request_started.connect(close_old_connections)
    request_finished.connect(close_old_connections)


def _world(settings):
    settings.OPENHAO_API_RATE_IP = "100000/m"
    settings.OPENHAO_API_RATE_TOKEN = "100000/m"
    settings.ACCOUNT_RATE_LIMITS = dict.fromkeys(settings.ACCOUNT_RATE_LIMITS, "")
    creator = CreatorFactory(approved_article_count=100)
    article = ArticleFactory(creator=creator, topics=[TopicFactory(name="话题")])
    engagement_services.comment_create(user=creator.user, article=article, body="一楼")
    _token, raw = account_services.token_create(
        user=creator.user, name="schemathesis", scopes=["read", "write", "studio"]
    )
    return {"Authorization": f"Bearer {raw}"}


@schema.parametrize()
@settings(
    max_examples=EXAMPLES,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
def test_api_answers_by_its_schema(case, world):
    for headers in (None, world):
        case.call_and_validate(
            headers=headers,
            checks=[not_a_server_error, response_schema_conformance, status_code_conformance],
        )
