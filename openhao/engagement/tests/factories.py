import factory

from openhao.creators.tests.factories import CreatorFactory, UserFactory
from openhao.engagement.models import Follow


class FollowFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Follow

    user = factory.SubFactory(UserFactory)
    creator = factory.SubFactory(CreatorFactory)
