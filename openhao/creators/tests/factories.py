import factory

from openhao.accounts.models import User
from openhao.creators.models import Badge, Creator, CreatorApplication


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = User
        django_get_or_create = ("username",)

    username = factory.Sequence(lambda n: f"user{n}")
    nickname = factory.Sequence(lambda n: f"读者{n}")
    password = factory.django.Password("correct horse battery")


class BadgeFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Badge

    slug = factory.Sequence(lambda n: f"badge-{n}")
    name = factory.Sequence(lambda n: f"优质创作者{n}")
    symbol = "★"


class CreatorFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Creator

    user = factory.SubFactory(UserFactory)
    display_name = factory.Sequence(lambda n: f"创作者{n}号")
    motto = "用心写好每一篇文章"
    follower_count = 16418


class CreatorApplicationFactory(factory.django.DjangoModelFactory):
    """A complete 申请入驻, waiting for review."""

    class Meta:
        model = CreatorApplication

    user = factory.SubFactory(UserFactory)
    display_name = factory.Sequence(lambda n: f"申请者{n}号")
    motto = "写点东西"
    channel = factory.SubFactory("openhao.articles.tests.factories.ChannelFactory")
    intro = "我想写旅行。"
    real_name_confirmed = True
    rules_accepted = True
