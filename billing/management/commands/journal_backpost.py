"""Post to the journal every money event that has none yet (docs/accounts.md, "Back-posting history").
Idempotent: a second run posts nothing."""

from django.core.management.base import BaseCommand

from billing.ledger.journal import journal_backpost


class Command(BaseCommand):
    help = "Post the customer ledger's history (and online card sales) to the journal; run it again and nothing is posted twice."

    def add_arguments(self, parser):
        parser.add_argument("--chunk", type=int, default=200_000, help="Ledger ids per transaction (default 200,000)")

    def handle(self, *args, chunk, **options):
        def progress(done, high, posted):
            self.stdout.write(f"ledger ids up to {min(done, high):,} of {high:,}: {posted:,} entries posted")

        posted = journal_backpost(chunk=max(1, chunk), progress=progress)
        self.stdout.write(self.style.SUCCESS(f"{posted:,} journal entries posted"))
