"""Index each article's channel and topic names ("tags") beside its title and body.

SQLite: an FTS5 table cannot gain a column, so a new one with ``tags`` is filled from the old
one and takes its name. PostgreSQL: the body's words move from weight B to C and the tags take
B (ts_filter keeps each part's positions; nothing is re-segmented). Then the tags of every
entry already in the index are written: the names are short, so this costs one segmentation
per channel and topic, not per article."""

from django.db import migrations

SQLITE_FORWARD = [
    "CREATE VIRTUAL TABLE search_fts_new USING fts5("
    "title, body, tags, channel_id UNINDEXED, published UNINDEXED, "
    "tokenize = 'unicode61 remove_diacritics 0')",
    "INSERT INTO search_fts_new (rowid, title, body, tags, channel_id, published) "
    "SELECT rowid, title, body, '', channel_id, published FROM search_fts",
    "DROP TABLE search_fts",
    "ALTER TABLE search_fts_new RENAME TO search_fts",
]
SQLITE_BACKWARD = [
    "CREATE VIRTUAL TABLE search_fts_old USING fts5("
    "title, body, channel_id UNINDEXED, published UNINDEXED, "
    "tokenize = 'unicode61 remove_diacritics 0')",
    "INSERT INTO search_fts_old (rowid, title, body, channel_id, published) "
    "SELECT rowid, title, body, channel_id, published FROM search_fts",
    "DROP TABLE search_fts",
    "ALTER TABLE search_fts_old RENAME TO search_fts",
]
POSTGRES_FORWARD = [
    "UPDATE search_entry SET document = "
    "setweight(ts_filter(document, '{a}'), 'A') || setweight(ts_filter(document, '{b}'), 'C')",
]
POSTGRES_BACKWARD = [
    "UPDATE search_entry SET document = "
    "setweight(ts_filter(document, '{a}'), 'A') || setweight(ts_filter(document, '{c}'), 'B')",
]
BATCH = 1000


def _run(statements_by_vendor):
    def run(apps, schema_editor):
        for sql in statements_by_vendor.get(schema_editor.connection.vendor, []):
            schema_editor.execute(sql)

    return run


def fill_tags(apps, schema_editor):
    from openhao.search.services import tag_terms

    connection = schema_editor.connection
    if connection.vendor not in ("sqlite", "postgresql"):
        return
    Article = apps.get_model("articles", "Article")
    Channel = apps.get_model("articles", "Channel")
    Topic = apps.get_model("articles", "Topic")
    channels = dict(Channel.objects.values_list("id", "name"))
    topics = dict(Topic.objects.values_list("id", "name"))
    through = Article.topics.through
    with connection.cursor() as cursor:
        if connection.vendor == "sqlite":
            cursor.execute("SELECT rowid, channel_id FROM search_fts")
        else:
            cursor.execute("SELECT article_id, channel_id FROM search_entry")
        entries = cursor.fetchall()
    for start in range(0, len(entries), BATCH):
        batch = entries[start : start + BATCH]
        names: dict[int, list[str]] = {}
        for article_id, topic_id in through.objects.filter(
            article_id__in=[a for a, _ in batch]
        ).values_list("article_id", "topic_id"):
            names.setdefault(article_id, []).append(topics[topic_id])
        rows = []
        for article_id, channel_id in batch:
            terms = tag_terms(channels.get(int(channel_id), ""), names.get(article_id, []))
            rows.append((" ".join(terms), article_id))
        with connection.cursor() as cursor:
            if connection.vendor == "sqlite":
                cursor.executemany("UPDATE search_fts SET tags = %s WHERE rowid = %s", rows)
            else:
                cursor.executemany(
                    "UPDATE search_entry SET document = document || "
                    "setweight(to_tsvector('simple', %s), 'B') WHERE article_id = %s",
                    rows,
                )


class Migration(migrations.Migration):
    dependencies = [
        ("search", "0001_search_tables"),
        ("articles", "0004_trash"),
    ]

    operations = [
        migrations.RunPython(
            _run({"sqlite": SQLITE_FORWARD, "postgresql": POSTGRES_FORWARD}),
            _run({"sqlite": SQLITE_BACKWARD, "postgresql": POSTGRES_BACKWARD}),
        ),
        migrations.RunPython(fill_tags, migrations.RunPython.noop),
    ]
