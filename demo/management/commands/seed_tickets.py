"""Demo tickets for the demo customers (run after seed_demo): a couple of months of tickets with
replies, notes, waiting periods, resolutions, breaches and survey answers, written through the
services so numbers, deadlines and history are real.

Idempotent and deterministic: the same customers get the same tickets on every run; a ticket that
exists (same customer and subject) is skipped, whichever day the command runs.
"""

import random
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand
from django.db import transaction
from django.utils import timezone

from customers.models import Customer
from demo.messages import seeded_messages_delivered
from ispbill.accounts.roles import MANAGER, SUPPORT
from tickets import services, sla_policies
from tickets.models import Category, Holiday, Priority, SupportSettings, Ticket

SEED = 6
PROBLEMS = {
    Category.NO_CONNECTION: [
        ("No internet since morning", "The router shows a red LOS light. Nothing works."),
        ("Connection drops every few minutes", "It disconnects and reconnects all evening."),
    ],
    Category.SLOW_SPEED: [
        ("Very slow in the evening", "Speed falls to 2-3 Mbps after 8 pm on a 20 Mbps package."),
        ("YouTube buffers all the time", "Speed tests are fine but videos keep buffering."),
    ],
    Category.BILLING_DISPUTE: [
        ("Charged twice this month", "I paid by bKash and the bill still shows as due."),
        ("Wrong amount on my invoice", "The invoice has a late fee although I paid on time."),
    ],
    Category.PACKAGE_CHANGE: [("Want a faster package", "Please tell me the price of 40 Mbps and when it can start.")],
    Category.RELOCATION: [("Moving to a new flat", "We move next month; please shift the line to Road 12.")],
    Category.OTHER: [("Need a receipt for my office", "Please send receipts for the last three months.")],
}
REPLIES = [
    "Thank you for letting us know. A technician is checking your line now.",
    "We have reset your session on the router; please restart your ONU and tell us if it works.",
    "We checked the payment and corrected your account. Sorry for the trouble.",
    "Your request is noted; our team will call you to fix a time.",
]
NOTES = ["Fiber splitter at the pole looks damaged.", "Customer prefers a call after 5 pm.", "Checked RADIUS: session flapping."]
CUSTOMER_REPLIES = ["Restarted it, still the same.", "Yes, it works now, thank you.", "Please call me after 5 pm."]
COMMENTS = ["Quick and polite, thanks!", "", "Took too long to fix.", "Technician was very helpful.", ""]


@dataclass
class Plan:
    customer: Customer
    opened: datetime
    category: str
    subject: str
    description: str
    priority: str
    outcome: str  # open, in_progress, waiting, resolved, rated, closed, breached_open
    rating: int


def _event_time(message):
    """A reply's message went out with the reply, a resolution's with the resolution."""
    event = message.related
    return getattr(event, "resolved_at", None) or getattr(event, "created_at", None)


class Command(BaseCommand):
    help = "Give the demo customers tickets with history and surveys (idempotent; run after seed_demo)."

    def add_arguments(self, parser):
        parser.add_argument("--tickets", type=int, default=80, help="How many tickets to have (default 80)")
        parser.add_argument("--quiet", action="store_true")

    def handle(self, *args, tickets: int, quiet: bool, **options):
        User = get_user_model()
        agents = list(User.objects.filter(is_active=True, groups__name=SUPPORT).order_by("pk")) or list(
            User.objects.filter(is_active=True, is_superuser=True).order_by("pk")[:1]
        )
        manager = User.objects.filter(is_active=True, groups__name=MANAGER).order_by("pk").first() or (agents[0] if agents else None)
        technician = User.objects.filter(is_active=True, kind=User.Kind.TECHNICIAN).order_by("pk").first()
        if not agents:
            self.stderr.write("No staff users yet: run seed_demo first.")
            return
        today = timezone.localdate()
        created = 0
        # The customers were told about their tickets' replies and resolutions back then, not now.
        # A transaction per ticket: `make run` loads this beside the web server, which waits for
        # SQLite's write lock while one is open (demo/yielding.py).
        with seeded_messages_delivered(when=_event_time):
            with transaction.atomic():
                self.ensure_support_settings(today)
            for plan in self.plans(tickets, today):
                if Ticket.objects.filter(customer=plan.customer, subject=plan.subject).exists():
                    continue
                with transaction.atomic():
                    self.play(plan, agents=agents, manager=manager, technician=technician)
                created += 1
            sla_policies.sla_check()
        if not quiet:
            total = Ticket.objects.count()
            self.stdout.write(self.style.SUCCESS(f"Tickets ready: {created} created, {total} in all."))

    def ensure_support_settings(self, today: date) -> None:
        SupportSettings.objects.get_or_create(pk=1)
        for month, day, name in ((2, 21, "Language Martyrs' Day"), (3, 26, "Independence Day"), (12, 16, "Victory Day")):
            for year in (today.year - 1, today.year):
                Holiday.objects.get_or_create(date=date(year, month, day), defaults={"name": name})

    def plans(self, count: int, today: date) -> list[Plan]:
        rng = random.Random(SEED)
        # The demo portal login gets two tickets: one rated, one waiting for its rating.
        portal_login = list(Customer.objects.filter(user__isnull=False).order_by("pk")[:1])
        portal_first = portal_login * 2
        others = list(Customer.objects.exclude(pk__in=[c.pk for c in portal_login]).order_by("pk")[: max(count, 1) * 3])
        customers = portal_first + rng.sample(others, min(len(others), max(0, count - len(portal_first))))
        zone = timezone.get_current_timezone()
        plans = []
        for index, customer in enumerate(customers[:count]):
            days_ago = (rng.randint(1, 4) if rng.random() < 0.3 else rng.randint(5, 75)) if index >= len(portal_first) else (40 if index == 0 else 5)
            opened = datetime.combine(today - timedelta(days=days_ago), time(rng.randint(8, 21), rng.choice([0, 10, 25, 40, 55])), tzinfo=zone)
            category = [Category.SLOW_SPEED, Category.NO_CONNECTION][index] if index < len(portal_first) else rng.choice(list(PROBLEMS))
            subject, description = rng.choice(PROBLEMS[category])
            if days_ago <= 2:
                outcome = rng.choice(["open", "in_progress", "waiting"])
            elif days_ago <= 4:
                outcome = rng.choice(["in_progress", "waiting", "resolved", "breached_open"])
            else:
                outcome = rng.choice(["rated", "rated", "rated", "resolved", "closed", "rated"])
            if index == 0 and portal_first:
                outcome = "rated"
            elif index == 1 and portal_first:
                outcome = "resolved"  # the demo portal login has a survey waiting
            priority = rng.choice(["", "", "", Priority.HIGH, Priority.URGENT, Priority.LOW])
            plans.append(Plan(customer, opened, category, subject, description, priority, outcome, rng.choice([5, 5, 4, 4, 3, 2, 1])))
        return plans

    def play(self, plan: Plan, *, agents, manager, technician) -> None:
        rng = random.Random(f"{SEED}:{plan.customer.pk}:{plan.opened.isoformat()}")
        latest = timezone.now() - timedelta(minutes=1)

        def at(moment: datetime) -> datetime:
            return min(moment, latest)  # history never runs into the future

        agent = rng.choice(agents)
        assignee = technician if (plan.category == Category.NO_CONNECTION and technician and rng.random() < 0.4) else agent
        ticket = services.ticket_create(
            actor=plan.customer.user or agent, customer=plan.customer, category=plan.category, subject=plan.subject,
            description=plan.description, priority=plan.priority, now=plan.opened,
            source=Ticket.Source.PORTAL if rng.random() < 0.6 else Ticket.Source.CALL,
            assignee=None if plan.outcome == "open" else assignee,
        )
        if plan.outcome == "open":
            return
        moment = plan.opened + timedelta(minutes=rng.choice([20, 45, 90, 240, 600]))
        if plan.outcome == "breached_open":
            return  # never answered: the breach job records it
        services.ticket_change_status(actor=agent, ticket=ticket, status=Ticket.Status.IN_PROGRESS, now=at(moment))
        services.ticket_reply(actor=agent, ticket=ticket, body=rng.choice(REPLIES), now=at(moment + timedelta(minutes=5)))
        if rng.random() < 0.5:
            services.ticket_reply(actor=manager or agent, ticket=ticket, body=rng.choice(NOTES), internal=True, now=at(moment + timedelta(minutes=9)))
        if plan.outcome == "in_progress":
            return
        moment += timedelta(minutes=15)
        services.ticket_change_status(actor=agent, ticket=ticket, status=Ticket.Status.WAITING, reason="Asked the customer to restart the ONU", now=at(moment))
        if plan.outcome == "waiting":
            return
        moment += timedelta(hours=rng.choice([2, 5, 20]))
        services.ticket_customer_reply(customer=plan.customer, ticket=ticket, body=rng.choice(CUSTOMER_REPLIES), now=at(moment))
        moment += timedelta(hours=rng.choice([1, 3, 8, 30]))
        services.ticket_change_status(actor=agent, ticket=ticket, status=Ticket.Status.RESOLVED, reason="Fixed", now=at(moment))
        if plan.outcome in ("rated", "closed"):
            services.survey_submit(
                customer=plan.customer, ticket=ticket, rating=plan.rating, comment=rng.choice(COMMENTS), now=at(moment + timedelta(hours=2)),
            )
        if plan.outcome == "closed":
            services.ticket_change_status(actor=agent, ticket=ticket, status=Ticket.Status.CLOSED, now=at(moment + timedelta(days=3)))
