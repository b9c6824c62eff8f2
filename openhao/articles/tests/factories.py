from datetime import timedelta

import factory
from django.utils import timezone

from openhao.articles.models import Article, Channel, Reference, Section, Topic
from openhao.creators.tests.factories import CreatorFactory


class SectionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Section
        django_get_or_create = ("slug",)

    slug = "news"
    name = "要闻"


class ChannelFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Channel
        django_get_or_create = ("slug",)

    slug = factory.Sequence(lambda n: f"channel{n}")
    name = factory.Sequence(lambda n: f"频道{n}")
    box_title = factory.LazyAttribute(lambda o: f"{o.name}要闻")
    section = factory.SubFactory(SectionFactory)


class TopicFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Topic
        django_get_or_create = ("name",)

    name = factory.Sequence(lambda n: f"话题{n}")


class ArticleFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Article
        skip_postgeneration_save = True

    creator = factory.SubFactory(CreatorFactory)
    channel = factory.SubFactory(ChannelFactory)
    title = factory.Sequence(lambda n: f"春天的第{n}场雨落在江南小城")
    summary = "一篇关于春雨和小城生活的文章。"
    body_html = "<h2>小标题</h2><p>第一段正文。</p><p>第二段正文。</p>"
    status = Article.Status.PUBLISHED
    published_at = factory.Sequence(lambda n: timezone.now() - timedelta(minutes=n + 1))
    view_count = 100

    @factory.post_generation
    def topics(self, create, extracted, **kwargs):
        if create and extracted:
            self.topics.set(extracted)

    @factory.post_generation
    def discovery(self, create, extracted, **kwargs):
        """What the publish service would do: score (and later index) the article."""
        if create:
            from openhao.ranking.services import article_content_changed

            article_content_changed(article_id=self.pk)


class ReferenceFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Reference

    article = factory.SubFactory(ArticleFactory)
    title = factory.Sequence(lambda n: f"参考书目{n}")
    source = "某某出版社"
