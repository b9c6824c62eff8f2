import time

from django.core.management.base import BaseCommand

from openhao.common.periodic import jobs, run_due


class Command(BaseCommand):
    help = (
        "Run periodic jobs (read flush, scheduled publishing, the nightly IDF/embedding "
        "refresh) when they are due; keep it running beside the web workers."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--once", action="store_true", help="enqueue what is due now and exit (for cron)"
        )
        parser.add_argument(
            "--tick", type=float, default=5.0, help="seconds between checks (default 5)"
        )

    def handle(self, *args, once: bool = False, tick: float = 5.0, **options):
        for job in jobs():
            when = f"every {job.every} s" if job.every else f"daily from {job.daily_hour}:00"
            self.stdout.write(f"{job.name}: {when}")
        while True:
            for name in run_due():
                self.stdout.write(f"started {name}")
            if once:
                return
            time.sleep(tick)
