import threading
import time

from django.core.management.base import BaseCommand
from django.db import DatabaseError, close_old_connections, connections

from openhao.common.periodic import Claim, jobs, run, run_due


class Command(BaseCommand):
    help = (
        "Run periodic jobs (read flush, scheduled publishing, the nightly IDF/embedding "
        "refresh) when they are due; keep it running beside the web workers."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--once",
            action="store_true",
            help="run what is due now, one job after the other, and exit (for cron)",
        )
        parser.add_argument(
            "--tick", type=float, default=5.0, help="seconds between checks (default 5)"
        )

    def handle(self, *args, once: bool = False, tick: float = 5.0, **options):
        for job in jobs():
            when = f"every {job.every} s" if job.every else f"daily from {job.daily_hour}:00"
            self.stdout.write(f"{job.name}: {when}")
        if once:
            for name in run_due(start=self._run):
                self.stdout.write(f"ran {name}")
            return
        # With the immediate backend a job runs where it is enqueued: one thread per job keeps
        # a long one (the nightly refresh) from delaying the others, and ``busy`` keeps a job
        # from overlapping itself.
        running: dict[str, threading.Thread] = {}

        def busy(name: str) -> bool:
            thread = running.get(name)
            return thread is not None and thread.is_alive()

        def start(claim: Claim) -> None:
            thread = threading.Thread(
                target=self._run_in_thread, args=(claim,), name=claim.job.name, daemon=True
            )
            running[claim.job.name] = thread
            thread.start()

        while True:
            close_old_connections()  # drop a connection the database broke meanwhile
            try:
                for name in run_due(start=start, busy=busy):
                    self.stdout.write(f"started {name}")
            except DatabaseError as exc:  # the database is away: nothing can run, try later
                self.stderr.write(f"cannot claim due jobs: {exc}")
            time.sleep(tick)

    def _run(self, claim: Claim) -> None:
        try:
            run(claim)
        except Exception as exc:  # one failed run must not stop the clock (logged by run)
            self.stderr.write(f"{claim.job.name} failed: {exc!r}")

    def _run_in_thread(self, claim: Claim) -> None:
        try:
            self._run(claim)
        finally:
            connections.close_all()  # this thread's connections
