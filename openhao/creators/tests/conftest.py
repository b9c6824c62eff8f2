import pytest

from openhao.articles.tests.factories import ChannelFactory
from openhao.creators.tests.factories import CreatorFactory, UserFactory
from openhao.moderation.roles import REVIEWER, role_group


@pytest.fixture
def channel(db):
    return ChannelFactory(slug="sports", name="体育")


@pytest.fixture
def staff(db):
    user = UserFactory(username="editor", is_staff=True, email="editor@example.com")
    user.groups.add(role_group(REVIEWER))  # the review decisions need the 审核 role
    return user


@pytest.fixture
def reader(db):
    return UserFactory(username="reader", email="reader@example.com")


@pytest.fixture
def creator(db, channel):
    return CreatorFactory(display_name="山海旅行家", main_channel=channel)


@pytest.fixture
def trusted_creator(db, channel, settings):
    """A creator past the 先审后发 threshold."""
    return CreatorFactory(display_name="老作者", main_channel=channel, approved_article_count=99)
