"""The full-text tables, one per database engine (openhao/search/backends.py).

SQLite: an FTS5 virtual table whose rowid is the article id. PostgreSQL: a table with a
tsvector over the jieba-segmented text and a GIN index. They are created with SQL because the
two have nothing in common that a Django model could describe."""

from django.db import migrations

SQLITE = [
    "CREATE VIRTUAL TABLE search_fts USING fts5("
    "title, body, channel_id UNINDEXED, published UNINDEXED, "
    "tokenize = 'unicode61 remove_diacritics 0')",
]
SQLITE_REVERSE = ["DROP TABLE IF EXISTS search_fts"]

POSTGRES = [
    "CREATE TABLE search_entry ("
    " article_id bigint PRIMARY KEY,"
    " channel_id bigint NOT NULL,"
    " published_at timestamptz NOT NULL,"
    " document tsvector NOT NULL)",
    # search_document_gin: the @@ match of every query.
    "CREATE INDEX search_document_gin ON search_entry USING gin (document)",
]
POSTGRES_REVERSE = ["DROP TABLE IF EXISTS search_entry"]


def _run(statements_by_vendor):
    def run(apps, schema_editor):
        for sql in statements_by_vendor.get(schema_editor.connection.vendor, []):
            schema_editor.execute(sql)

    return run


class Migration(migrations.Migration):
    initial = True
    dependencies = []

    operations = [
        migrations.RunPython(
            _run({"sqlite": SQLITE, "postgresql": POSTGRES}),
            _run({"sqlite": SQLITE_REVERSE, "postgresql": POSTGRES_REVERSE}),
        )
    ]
