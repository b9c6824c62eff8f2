import time
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from openhao.demo import accounts, loader


class Command(BaseCommand):
    help = (
        "Load demo creators, readers, articles, 跟贴 and 数据中心 history for local development, "
        "with the demo accounts demo-creator, demo-operator and admin (published passwords). "
        "Does nothing when the demo content is already there, unless --reset is given. Refused "
        "by the production settings."
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
            help="Generated published articles, besides the hand-written ones and the long-form "
            "article (default %(default)s).",
        )
        parser.add_argument(
            "--headlines",
            type=Path,
            default=None,
            metavar="PATH",
            help="NLPCC-style TSV (category<TAB>segmented title) to take titles from instead of "
            "generating them; such articles get general commentary as their body. Off by "
            "default: generated titles come with bodies about their subject.",
        )
        parser.add_argument(
            "--save-vectors",
            action="store_true",
            help="After loading, write the sentence model's vectors of the demo articles to "
            "openhao/demo/data/demo-vectors.npz (shipped, so a fresh load need not embed them).",
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
        try:
            result = loader.load_demo(
                seed=options["seed"],
                articles=options["articles"],
                headlines=options["headlines"],
                reset=options["reset"],
                admin=options["admin"],
            )
        except accounts.DemoRefused as exc:
            raise CommandError(str(exc)) from exc
        elapsed = time.monotonic() - started
        write = self.stdout.write
        if result.replaced_outdated:
            write("Replacing demo content from an earlier version (it had no demo accounts).")
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
                    f"{result.readers} readers, {result.published} published articles "
                    f"({result.handwritten} hand-written; +{result.unpublished} draft, pending "
                    f"or removed), {result.comments} 跟贴, {result.topics} topics, "
                    f"{result.badges} badges."
                )
            )
            if result.headlines_path:
                write(
                    f"Titles: {result.titles_from_headlines} from {result.headlines_path}, "
                    "the others generated."
                )
            elif options["headlines"]:
                write(f"Titles: generated ({options['headlines']} not found).")
            if result.longform:
                write(
                    f"Long-form article: {result.longform.title} "
                    f"{result.longform.get_absolute_url()}"
                )
        if options["save_vectors"]:
            saved = loader.save_demo_vectors()
            write(f"Saved {saved} sentence-model vectors to {loader.DEMO_VECTORS}.")
        self.accounts()

    def accounts(self):
        # Only those that still sign in with their published password.
        names = set(accounts.accounts_with_demo_passwords())
        shown = [a for a in accounts.ACCOUNTS if a.username in names]
        if not shown:
            return
        self.stdout.write(
            self.style.WARNING(
                "Local demo accounts (sign in at /accounts/login/). Their passwords are public: "
                "never keep them on a shared server; production refuses them."
            )
        )
        for account in shown:
            self.stdout.write(f"  {account.role}: {account.username} / {account.password}")
