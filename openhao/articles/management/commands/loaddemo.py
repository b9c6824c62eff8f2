import time
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from openhao.articles.demo import loader


class Command(BaseCommand):
    help = (
        "Load demo creators and articles for local development. Does nothing when the demo "
        "content is already there, unless --reset is given."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--reset",
            action="store_true",
            help="Delete the demo articles, creators and their users first, then reload.",
        )
        parser.add_argument(
            "--seed", type=int, default=loader.DEFAULT_SEED, help="Random seed (deterministic)."
        )
        parser.add_argument(
            "--articles",
            type=int,
            default=loader.DEFAULT_ARTICLES,
            help="Published articles besides the long-form one (default %(default)s).",
        )
        parser.add_argument(
            "--headlines",
            type=Path,
            default=None,
            metavar="PATH",
            help="NLPCC-style TSV (category<TAB>segmented title) to draw titles from; default "
            "<repo parent>/shared/data/nlpcc2017-headlines/headlines.tsv. Titles are "
            "generated when the file does not exist.",
        )
        parser.add_argument(
            "--no-admin",
            action="store_false",
            dest="admin",
            help="Do not create the local superuser admin/admin.",
        )

    def handle(self, *args, **options):
        if options["articles"] < 1:
            raise CommandError("--articles must be at least 1")
        started = time.monotonic()
        result = loader.load_demo(
            seed=options["seed"],
            articles=options["articles"],
            headlines=options["headlines"],
            reset=options["reset"],
            admin=options["admin"],
        )
        elapsed = time.monotonic() - started
        write = self.stdout.write
        if result.deleted:
            write(
                "Deleted demo content: {articles} articles, {creators} creators, "
                "{users} users.".format(**result.deleted)
            )
        if result.skipped:
            write(
                f"Demo content already present ({result.creators} creators, "
                f"{result.published} published articles); nothing to do. "
                "Use --reset to reload it."
            )
        else:
            write(
                self.style.SUCCESS(
                    f"Loaded demo content in {elapsed:.1f}s: {result.creators} creators, "
                    f"{result.published} published articles (+{result.unpublished} draft, "
                    f"pending or removed), {result.topics} topics, {result.badges} badges."
                )
            )
            if result.headlines_path:
                write(
                    f"Titles: {result.titles_from_headlines} from {result.headlines_path}, "
                    f"{result.published - 1 - result.titles_from_headlines} generated."
                )
            else:
                write("Titles: generated (no headlines file found).")
            if result.longform:
                write(
                    f"Long-form article: {result.longform.title} "
                    f"{result.longform.get_absolute_url()}"
                )
        if result.admin_created:
            write(
                self.style.WARNING(
                    f"Created superuser '{loader.ADMIN_USERNAME}' with password "
                    f"'{loader.ADMIN_PASSWORD}' for local use. Never keep it on a shared server."
                )
            )
        elif result.admin_exists:
            write(f"Superuser '{loader.ADMIN_USERNAME}' exists for local use (/admin/).")
