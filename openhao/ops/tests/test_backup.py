"""`manage.py backup` and `restore`: the archive restored into an empty database holds the same
articles and images, and the media come back byte for byte.

On PostgreSQL the empty database is created by this test on the same server, under a name of
its own, and dropped after; on SQLite it is a new file."""

import os
import sqlite3
import uuid

import pytest
from django.core.files.storage import default_storage
from django.core.management import call_command
from django.db import connection

from openhao.articles.models import Article, ArticleImage
from openhao.articles.tests.factories import ArticleFactory
from openhao.ops.backup import _walk

# Transactional: pg_dump and the SQLite backup read committed rows.
pytestmark = pytest.mark.django_db(transaction=True)

ARTICLES = "SELECT id, title, status, body_html FROM articles_article ORDER BY id"
IMAGES = "SELECT id, file, width, height, renditions FROM articles_articleimage ORDER BY id"


@pytest.fixture
def empty_database(tmp_path):
    """(URL, query function) of a new, empty database of the engine under test."""
    settings_dict = connection.settings_dict
    if connection.vendor == "sqlite":
        path = tmp_path / "restored.sqlite3"

        def query(sql):
            with sqlite3.connect(path) as db:
                return db.execute(sql).fetchall()

        yield f"sqlite:///{path}", query
        return
    import psycopg
    from psycopg import sql as pgsql

    name = f"h_restore_{os.getpid()}_{uuid.uuid4().hex[:8]}"
    params = {
        "host": settings_dict["HOST"] or "localhost",
        "port": settings_dict["PORT"] or 5432,
        "user": settings_dict["USER"] or None,
        "password": settings_dict["PASSWORD"] or None,
    }
    admin = psycopg.connect(dbname="postgres", autocommit=True, **params)
    admin.execute(pgsql.SQL("CREATE DATABASE {}").format(pgsql.Identifier(name)))

    def query(sql):
        with psycopg.connect(dbname=name, **params) as db:
            return db.execute(sql).fetchall()

    auth = settings_dict["USER"] or ""
    if settings_dict["PASSWORD"]:
        auth += f":{settings_dict['PASSWORD']}"
    url = f"postgres://{auth}@{params['host']}:{params['port']}/{name}"
    try:
        yield url, query
    finally:
        admin.execute(
            pgsql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(pgsql.Identifier(name))
        )
        admin.close()


def _normalise(rows):
    """Rows as plain values whichever driver read them (JSON comes back as text from SQLite)."""
    import json

    return [
        tuple(json.loads(v) if isinstance(v, str) and v.startswith("{") else v for v in row)
        for row in rows
    ]


def test_backup_restores_into_an_empty_database(tmp_path, empty_database, upload_image):
    url, query = empty_database
    image = upload_image()
    assert len(image.renditions) == 4
    cover = upload_image(creator=image.creator, width=900, height=600)
    articles = [ArticleFactory(creator=image.creator) for _ in range(3)]
    Article.objects.filter(pk=articles[0].pk).update(
        body_html=f'<p>图文</p><img src="{image.file.url}" alt="图">'
    )
    with connection.cursor() as cursor:
        cursor.execute(ARTICLES)
        expected_articles = _normalise(cursor.fetchall())
        cursor.execute(IMAGES)
        expected_images = _normalise(cursor.fetchall())
    media = {name: default_storage.open(name).read() for name in _walk(default_storage)}
    names = {image.file.name, cover.file.name, *image.renditions.values()}
    assert names <= set(media)

    archive = tmp_path / "site.tar"
    call_command("backup", str(archive))
    for name in media:  # the media are lost with the machine
        default_storage.delete(name)
    assert list(_walk(default_storage)) == []

    call_command("restore", str(archive), "--database-url", url)

    assert _normalise(query(ARTICLES)) == expected_articles
    assert _normalise(query(IMAGES)) == expected_images
    assert len(expected_articles) == 3 and len(expected_images) == 2
    restored = {name: default_storage.open(name).read() for name in _walk(default_storage)}
    assert restored == media
    # The restored rows point at the restored files, renditions included.
    for _pk, file, _w, _h, renditions in _normalise(query(IMAGES)):
        assert default_storage.exists(file)
        assert all(default_storage.exists(n) for n in renditions.values())
    assert ArticleImage.objects.count() == 2  # the site's own database was not touched
