from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from openhao.ops.backup import BackupError, backup_restore


class Command(BaseCommand):
    help = (
        "Restore an archive of `manage.py backup`: the database (into DATABASE_URL, or the "
        "database given) and the media files (into the default storage)."
    )

    def add_arguments(self, parser):
        parser.add_argument("path")
        parser.add_argument(
            "--database-url",
            help="restore into this database instead of the site's (e.g. a new, empty one)",
        )
        parser.add_argument(
            "--yes", action="store_true", help="replace the site's own database without asking"
        )

    def handle(self, *args, path, database_url=None, yes=False, **options):
        if not database_url and not yes:
            answer = input("This replaces the site's database and media. Type 'yes': ")
            if answer.strip() != "yes":
                raise CommandError("not restored")
        try:
            summary = backup_restore(Path(path), database_url=database_url)
        except BackupError as exc:
            raise CommandError(str(exc)) from exc
        self.stdout.write(
            f"restored {summary.engine} database and {summary.media_files} media files"
        )
