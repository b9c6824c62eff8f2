from django.core.management.base import BaseCommand

from openhao.articles.services import articles_publish_due


class Command(BaseCommand):
    help = (
        "Publish scheduled articles whose time has come. Run it every minute from cron when "
        "the tasks backend cannot defer work (the default immediate backend cannot)."
    )

    def handle(self, *args, **options):
        count = articles_publish_due()
        self.stdout.write(f"published {count} scheduled article(s)")
