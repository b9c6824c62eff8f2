import factory

from openhao.articles.tests.factories import ArticleFactory
from openhao.creators.tests.factories import CreatorFactory, UserFactory
from openhao.engagement.models import Comment, Follow


class FollowFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Follow

    user = factory.SubFactory(UserFactory)
    creator = factory.SubFactory(CreatorFactory)


class CommentFactory(factory.django.DjangoModelFactory):
    """A visible comment; use services.comment_create where the counters matter."""

    class Meta:
        model = Comment

    article = factory.SubFactory(ArticleFactory)
    user = factory.SubFactory(UserFactory)
    body = factory.Sequence(lambda n: f"第{n}条跟贴")
    body_html = factory.LazyAttribute(lambda o: o.body)
