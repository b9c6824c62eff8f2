import sys
import time

from django.core.management.base import BaseCommand

from openhao.ranking import embedders
from openhao.ranking.services import embeddings_rebuild


class Command(BaseCommand):
    help = (
        "Compute the sentence-model embedding of every public article that has none (or one of "
        "another model or text), in committed batches: an interrupted run resumes where it "
        "stopped. Then rebuilds the nearest-neighbour index."
    )

    def add_arguments(self, parser):
        parser.add_argument("--batch-size", type=int, default=64)
        parser.add_argument("--all", action="store_true", help="recompute every embedding")
        parser.add_argument("--limit", type=int, default=None, help="at most this many")

    def handle(self, *args, batch_size, all, limit, **options):
        backend = embedders.get_backend()
        self.stdout.write(f"embedding backend: {backend.name} ({embedders.backend_reason()})")
        if backend.name == "corpus":
            self.stdout.write(
                "the corpus embeddings are computed by the IDF refresh; nothing to embed"
            )
            return
        started = time.monotonic()
        tty = sys.stderr.isatty()

        def progress(done: int, total: int) -> None:
            elapsed = time.monotonic() - started
            rate = done / elapsed if elapsed else 0.0
            left = (total - done) / rate if rate else 0.0
            width = 30
            bar = "#" * (width * done // max(total, 1))
            line = f"[{bar:<{width}}] {done}/{total} {rate:.1f}/s, {left:.0f}s left"
            self.stderr.write(("\r" + line) if tty else line, ending="" if tty else "\n")

        done, public = embeddings_rebuild(
            batch_size=batch_size, everything=all, progress=progress, limit=limit
        )
        if tty and done:
            self.stderr.write("")
        self.stdout.write(
            f"embedded {done} of {public} public articles in {time.monotonic() - started:.1f}s"
        )
