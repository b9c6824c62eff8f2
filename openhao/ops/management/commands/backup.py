from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from openhao.ops.backup import BackupError, backup_create


class Command(BaseCommand):
    help = "Write the database (pg_dump, or SQLite's backup API) and all media to one archive."

    def add_arguments(self, parser):
        parser.add_argument(
            "path",
            nargs="?",
            help="archive to write (default: OPENHAO_BACKUP_DIR/openhao-<UTC time>.tar)",
        )

    def handle(self, *args, path=None, **options):
        if path is None:
            stamp = timezone.now().strftime("%Y%m%dT%H%M%SZ")
            path = Path(settings.OPENHAO_BACKUP_DIR) / f"openhao-{stamp}.tar"
        try:
            summary = backup_create(Path(path))
        except BackupError as exc:
            raise CommandError(str(exc)) from exc
        self.stdout.write(
            f"{summary.path}: {summary.engine} database and {summary.media_files} media files"
        )
