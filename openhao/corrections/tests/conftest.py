from datetime import timedelta

import pytest
from django.utils import timezone

from openhao.articles.tests.factories import ArticleFactory
from openhao.creators.tests.conftest import (  # noqa: F401
    channel,
    creator,
    reader,
    staff,
    trusted_creator,
)

BODY = (
    "<h2>行程</h2><p>我们在5月3日抵达杭州。第二天去了西湖！湖边的人很多；天气很好。</p>"
    "<p>晚上住在河坊街附近的旅馆？是的。</p>"
)


@pytest.fixture
def article(trusted_creator, channel):  # noqa: F811 (fixtures)
    """A published article of a creator past 先审后发: edits go straight to the public page."""
    return ArticleFactory(
        creator=trusted_creator,
        channel=channel,
        title="杭州三日游的行程记录",
        summary="三天的杭州行程。",
        body_html=BODY,
        published_at=timezone.now() - timedelta(days=1),
    )
