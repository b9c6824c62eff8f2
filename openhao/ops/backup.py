"""One archive with the database and every media file (``manage.py backup`` / ``restore``).

The archive is a plain tar (its members are compressed already):

* ``manifest.json``: format, engine, time, and the media files with their sizes;
* ``database.pgdump``: ``pg_dump --format=custom`` of the PostgreSQL database (restored with
  ``pg_restore``, which can also pick single tables out of it), or ``database.sqlite3``: a
  copy made with SQLite's online backup API (``sqlite3.Connection.backup``), which is
  consistent while the site writes and keeps the file exactly as it was, where ``dumpdata``
  would be slow, lose nothing only by luck of serialisation, and need the same migrations
  to load;
* ``media/<name>``: every file of the default storage (``STORAGES["default"]``: the media
  directory, or the S3 bucket: both are read through Django's storage API).

The database is dumped first, then the media listed: an upload between the two is in the
archive without its row, which is harmless; the other order could leave a row without its file.
"""

from __future__ import annotations

import io
import json
import os
import shutil
import sqlite3
import subprocess
import tarfile
import tempfile
from dataclasses import dataclass
from pathlib import Path

import dj_database_url
from django.core.files.base import File
from django.core.files.storage import default_storage
from django.db import connections
from django.utils import timezone

FORMAT = 1
PG_DUMP = "database.pgdump"
SQLITE_DUMP = "database.sqlite3"
MEDIA = "media/"


class BackupError(Exception):
    pass


@dataclass
class Summary:
    path: Path
    engine: str
    media_files: int


def _engine(settings_dict: dict) -> str:
    engine = settings_dict["ENGINE"]
    if engine.endswith("postgresql"):
        return "postgresql"
    if engine.endswith("sqlite3"):
        return "sqlite"
    raise BackupError(f"backups support PostgreSQL and SQLite, not {engine}")


def _pg_env(settings_dict: dict) -> tuple[list[str], dict]:
    """libpq arguments and environment for one DATABASES entry (the password stays out of
    the command line, where ps would show it)."""
    env = dict(os.environ)
    args = ["--dbname", settings_dict["NAME"]]
    if settings_dict.get("HOST"):
        args += ["--host", settings_dict["HOST"]]
    if settings_dict.get("PORT"):
        args += ["--port", str(settings_dict["PORT"])]
    if settings_dict.get("USER"):
        args += ["--username", settings_dict["USER"]]
    if settings_dict.get("PASSWORD"):
        env["PGPASSWORD"] = settings_dict["PASSWORD"]
    env.setdefault("PGCONNECT_TIMEOUT", "10")
    return args, env


def _run(cmd: list[str], env: dict) -> None:
    result = subprocess.run(cmd, env=env, capture_output=True, text=True, check=False)  # noqa: S603
    if result.returncode != 0:
        raise BackupError(f"{cmd[0]} failed: {result.stderr.strip()}")


def _walk(storage, folder: str = ""):
    try:
        dirs, files = storage.listdir(folder)
    except FileNotFoundError:
        return
    for name in sorted(files):
        yield f"{folder}{name}"
    for name in sorted(dirs):
        yield from _walk(storage, f"{folder}{name}/")


def _add_bytes(tar: tarfile.TarFile, name: str, data: bytes) -> None:
    info = tarfile.TarInfo(name)
    info.size = len(data)
    info.mtime = int(timezone.now().timestamp())
    tar.addfile(info, io.BytesIO(data))


def backup_create(path: Path, *, alias: str = "default", storage=None) -> Summary:
    """Write the archive to ``path`` (a temporary name first, renamed when complete)."""
    storage = storage or default_storage
    settings_dict = connections[alias].settings_dict
    engine = _engine(settings_dict)
    path.parent.mkdir(parents=True, exist_ok=True)
    partial = path.with_name(path.name + ".partial")
    with tempfile.TemporaryDirectory(dir=path.parent) as work:
        if engine == "postgresql":
            dump, member = Path(work) / PG_DUMP, PG_DUMP
            args, env = _pg_env(settings_dict)
            _run(
                ["pg_dump", "--format=custom", "--no-owner", "--no-privileges", "--file", str(dump)]
                + args,
                env,
            )
        else:
            dump, member = Path(work) / SQLITE_DUMP, SQLITE_DUMP
            connection = connections[alias]
            connection.ensure_connection()
            target = sqlite3.connect(dump)
            try:
                connection.connection.backup(target)
            finally:
                target.close()
        media = []
        with tarfile.open(partial, "w") as tar:
            tar.add(dump, arcname=member)
            for name in _walk(storage):
                with storage.open(name, "rb") as fh:
                    data = fh.read()
                _add_bytes(tar, MEDIA + name, data)
                media.append({"name": name, "size": len(data)})
            manifest = {
                "format": FORMAT,
                "engine": engine,
                "database": member,
                "created": timezone.now().isoformat(),
                "media": media,
            }
            _add_bytes(tar, "manifest.json", json.dumps(manifest, indent=1).encode())
    partial.replace(path)
    return Summary(path=path, engine=engine, media_files=len(media))


def _target(database_url: str | None, alias: str) -> dict:
    if database_url:
        return dj_database_url.parse(database_url)
    return connections[alias].settings_dict


def backup_restore(
    path: Path, *, database_url: str | None = None, alias: str = "default", storage=None
) -> Summary:
    """Load the archive's database into ``database_url`` (or the ``alias`` database) and put
    its media files back into the default storage, replacing files of the same name.

    PostgreSQL: ``pg_restore --clean --if-exists`` in one transaction, so a failed restore
    leaves the database as it was; restore into an empty database (createdb) or over an
    existing OpenHao database. SQLite: the file is replaced page by page through the backup
    API."""
    storage = storage or default_storage
    target = _target(database_url, alias)
    engine = _engine(target)
    with tarfile.open(path, "r") as tar:
        manifest = json.load(tar.extractfile("manifest.json"))
        if manifest.get("format") != FORMAT:
            raise BackupError(f"unknown archive format {manifest.get('format')!r}")
        if manifest["engine"] != engine:
            raise BackupError(
                f"the archive holds a {manifest['engine']} database; the target is {engine}"
            )
        with tempfile.TemporaryDirectory() as work:
            dump = Path(work) / manifest["database"]
            with tar.extractfile(manifest["database"]) as src, open(dump, "wb") as dst:
                shutil.copyfileobj(src, dst)
            if engine == "postgresql":
                args, env = _pg_env(target)
                _run(
                    [
                        "pg_restore",
                        "--clean",
                        "--if-exists",
                        "--no-owner",
                        "--no-privileges",
                        "--single-transaction",
                        "--exit-on-error",
                    ]
                    + args
                    + [str(dump)],
                    env,
                )
            else:
                if not database_url:
                    connections[alias].close()
                source = sqlite3.connect(dump)
                dest = sqlite3.connect(target["NAME"])
                try:
                    source.backup(dest)
                finally:
                    source.close()
                    dest.close()
        for item in manifest["media"]:
            name = item["name"]
            if storage.exists(name):
                storage.delete(name)
            with tar.extractfile(MEDIA + name) as fh:
                saved = storage.save(name, File(fh, name=name))
            if saved != name:
                raise BackupError(f"the storage stored {name} as {saved}")
    return Summary(path=path, engine=engine, media_files=len(manifest["media"]))
