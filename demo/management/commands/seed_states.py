"""`manage.py seed_states`: add to the demo every state a page can show (see demo.states)."""

from django.core.management.base import BaseCommand

from demo.states import CUSTOMERS, PASSWORD, seed_states


class Command(BaseCommand):
    help = "Add the states every page must show (breached tickets, online payments in every status, …); idempotent."

    def add_arguments(self, parser):
        parser.add_argument("--quiet", action="store_true")

    def handle(self, *args, quiet: bool, **options):
        report = seed_states()
        if quiet:
            return
        if report.made:
            self.stdout.write("Added to the demo: " + "; ".join(report.made) + ".")
        else:
            self.stdout.write("Every demo state is already there: nothing added.")
        logins = ", ".join(f"{name} ({phone})" for _key, name, phone, _address in CUSTOMERS)
        self.stdout.write(f"Portal logins for them (password {PASSWORD}): {logins}.")
