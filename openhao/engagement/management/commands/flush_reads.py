import time

from django.core.management.base import BaseCommand
from django.db import DatabaseError, close_old_connections

from openhao.engagement.counters import flush_reads


class Command(BaseCommand):
    help = "Write buffered read counts (阅读数) to the articles, in batches."

    def add_arguments(self, parser):
        parser.add_argument(
            "--every",
            type=float,
            default=0,
            help="keep running, flushing every this many seconds (0: flush once and exit)",
        )

    def handle(self, *args, every: float = 0, **options):
        while True:
            if every <= 0:
                self.stdout.write(f"flushed {flush_reads()} reads")
                return
            close_old_connections()
            try:
                self.stdout.write(f"flushed {flush_reads()} reads")
            except DatabaseError as exc:  # the reads stay buffered; try again next time
                self.stderr.write(f"flush failed, reads kept: {exc}")
            time.sleep(every)
