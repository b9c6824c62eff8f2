import time

from django.core.management.base import BaseCommand

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
            written = flush_reads()
            self.stdout.write(f"flushed {written} reads")
            if every <= 0:
                return
            time.sleep(every)
