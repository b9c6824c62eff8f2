from django.core.management.base import BaseCommand

from openhao.campaigns.models import Campaign
from openhao.campaigns.services import leaderboard_rebuild


class Command(BaseCommand):
    help = "Rewrite the campaign leaderboards (Redis sorted sets) from the entries table."

    def add_arguments(self, parser):
        parser.add_argument("--campaign", help="slug of one campaign (default: all)")

    def handle(self, *args, **options):
        campaign = None
        if options["campaign"]:
            campaign = Campaign.objects.get(slug=options["campaign"])
        n = leaderboard_rebuild(campaign=campaign)
        self.stdout.write(f"leaderboards rebuilt: {n} entries")
