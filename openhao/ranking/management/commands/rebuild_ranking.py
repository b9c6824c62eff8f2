from django.core.management.base import BaseCommand

from openhao.ranking.services import scores_rebuild


class Command(BaseCommand):
    help = "Recompute every hot score from the article counters and rebuild the Redis hot sets."

    def handle(self, *args, **options):
        self.stdout.write(f"scored {scores_rebuild()} public articles")
