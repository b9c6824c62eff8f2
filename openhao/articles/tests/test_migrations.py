"""The migrations after the first release apply on a database that already holds data: rows
are written with the historical models of the older schema, then the database is migrated to
the newest one and the current code works on those rows."""

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor
from django.utils import timezone

# The schema as it was released before the revisions, trash, comment pins and search tags.
BEFORE = [
    ("accounts", "0002_user_avatar_user_motto"),
    ("articles", "0002_studio"),
    ("creators", "0003_existing_creators_are_reviewed"),
    ("engagement", "0005_notification_application"),
    ("search", "0001_search_tables"),
]


@pytest.mark.django_db(transaction=True)
def test_migrations_apply_on_a_database_with_data():
    executor = MigrationExecutor(connection)
    executor.migrate(BEFORE)
    old = executor.loader.project_state(BEFORE).apps
    user = old.get_model("accounts", "User").objects.create(username="old-writer")
    staff = old.get_model("accounts", "User").objects.create(username="old-staff", is_staff=True)
    section = old.get_model("articles", "Section").objects.create(slug="news", name="要闻")
    channel = old.get_model("articles", "Channel").objects.create(
        slug="auto", name="汽车", section=section
    )
    creator = old.get_model("creators", "Creator").objects.create(
        user=user, display_name="老作者", article_count=1, approved_article_count=1
    )
    article = old.get_model("articles", "Article").objects.create(
        creator=creator,
        channel=channel,
        title="迁移之前发布的一篇文章",
        body_html="<p>迁移之前写好的正文，足够长。</p>",
        status="published",
        published_at=timezone.now(),
    )
    deleted = old.get_model("articles", "Article").objects.create(
        creator=creator,
        channel=channel,
        title="迁移之前删除的一篇文章",
        status="removed",
        deleted_at=timezone.now(),
    )
    old.get_model("creators", "ReviewRecord").objects.create(
        article=article, decision="approve", staff=staff
    )
    old.get_model("engagement", "Comment").objects.create(
        article=article, user=user, body="迁移前的跟贴", body_html="迁移前的跟贴"
    )

    # The article in the search index as the old code wrote it (title and body words only).
    with connection.cursor() as cursor:
        if connection.vendor == "sqlite":
            cursor.execute(
                "INSERT INTO search_fts (rowid, title, body, channel_id, published) "
                "VALUES (%s, %s, %s, %s, %s)",
                [
                    article.pk,
                    "迁移 之前 发布 文章",
                    "",
                    channel.pk,
                    article.published_at.timestamp(),
                ],
            )
        else:
            cursor.execute(
                "INSERT INTO search_entry (article_id, channel_id, published_at, document) "
                "VALUES (%s, %s, %s, setweight(to_tsvector('simple', %s), 'A'))",
                [article.pk, channel.pk, article.published_at, "迁移 之前 发布 文章"],
            )

    executor.loader.build_graph()
    executor.migrate(executor.loader.graph.leaf_nodes())

    from openhao.articles.models import Article, ArticleRevision
    from openhao.articles.services import article_restore, article_update
    from openhao.moderation.models import ReviewRecord
    from openhao.search.selectors import search_ids

    # The migrated index knows the channel's name (and still the title's words).
    assert search_ids("汽车") == [article.pk]
    assert search_ids("迁移") == [article.pk]
    migrated = Article.objects.select_related("creator").get(pk=article.pk)
    assert ReviewRecord.objects.get(article=migrated).revision is None
    article_update(
        article=migrated,
        channel=migrated.channel,
        title="迁移之后提交的修改",
        body_html="<p>迁移之后改写的正文。</p>",
    )
    assert ArticleRevision.objects.get(article=migrated).status == "pending"
    assert Article.objects.get(pk=article.pk).title == "迁移之前发布的一篇文章"
    # Deleted before the 回收站 existed: restorable, as a draft (its earlier state is unknown).
    assert article_restore(article=Article.objects.get(pk=deleted.pk)).status == "draft"
