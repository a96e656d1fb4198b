"""Demo retention work (run last in `make seed`): call tasks in every state (to call, overdue, and done
with each outcome, one with a script and an SMS sent), offers (a running discount, a running free
upgrade, one ended and one withdrawn, their credits written by billing) and a technical check, for the
customers the churn model put in the high and medium bands.

Without scores (the prediction half has not scored the demo yet) a few customers are given
placeholder scores under a retired model version named as such, so every retention page has rows.

The offers change MRR from their first day, one of them 75 days back: the metric snapshots `seed`
wrote before this step are rewritten from that day on, so the dashboard counts the discounts.

Idempotent: once any call task exists nothing is written again; it all commits together or not at all.
"""

from datetime import timedelta
from decimal import Decimal

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand
from django.db import transaction
from django.db.models import Max, Min
from django.utils import timezone

from churn import offers, retention_services
from churn.models import ChurnModel, ChurnRisk, RetentionCallTask, RetentionOffer, RiskBand
from customers.models import Customer, Package, Subscription
from dashboard.models import DailyMetric
from dashboard.services import metrics_snapshot_backfill

PLACEHOLDER_REASONS = [
    [
        {"code": "late_payments", "en": "Paid 18 days late twice", "bn": "দুইবার ১৮ দিন দেরিতে পরিশোধ", "weight": 0.31},
        {"code": "usage_drop", "en": "Usage down 60% this month", "bn": "এই মাসে ব্যবহার ৬০% কম", "weight": 0.22},
        {"code": "tickets", "en": "3 support tickets in 30 days", "bn": "৩০ দিনে ৩টি সাপোর্ট টিকেট", "weight": 0.12},
    ],
    [
        {"code": "session_gap", "en": "No session for 9 days", "bn": "৯ দিন কোনো সেশন নেই", "weight": 0.24},
        {"code": "speed_tests", "en": "Speed tests below the package twice", "bn": "দুইবার প্যাকেজের চেয়ে কম গতি", "weight": 0.15},
    ],
]
OUTCOMES = [
    (RetentionCallTask.Outcome.REACHED, "Asked for a callback next week"),
    (RetentionCallTask.Outcome.NOT_REACHED, "Phone off twice"),
    (RetentionCallTask.Outcome.ACCEPTED_OFFER, "Took three months at 15% off"),
    (RetentionCallTask.Outcome.WILL_STAY, "Slow evenings fixed after the router swap"),
    (RetentionCallTask.Outcome.WILL_LEAVE, "Moving to another district"),
]


class Command(BaseCommand):
    help = "Demo retention work: call tasks in every state, offers, a technical check (after the other seeds). Safe to run again."

    def add_arguments(self, parser):
        parser.add_argument("--quiet", action="store_true", help="print nothing")

    def handle(self, *args, quiet=False, **options):
        if RetentionCallTask.objects.exists():
            if not quiet:
                self.stdout.write("Retention: already seeded.")
            return
        staff = get_user_model().objects.filter(kind="staff", is_active=True).order_by("-is_superuser", "id")
        actor = staff.first()
        if actor is None:
            if not quiet:
                self.stdout.write("Retention: no staff user yet (run seed_demo first).")
            return
        with transaction.atomic():
            self._placeholder_scores()
            counts = self.seed(actor, list(staff[:4]))
        self._restate_snapshots()
        if not quiet:
            self.stdout.write("Retention: " + ", ".join(f"{n} {what}" for what, n in counts.items()))

    @staticmethod
    def _restate_snapshots() -> None:
        """The offers change MRR from their first day (docs/metrics.md, "Retention discount"), and one
        of them starts 75 days ago: snapshots already written for those days (`seed` backfills the
        metrics before this step) are rewritten from then, as `backfill_metrics` restates a change
        dated into the past, so the dashboard counts the discounts the offers gave."""
        first = RetentionOffer.objects.aggregate(day=Min("starts_on"))["day"]
        if first is not None and DailyMetric.objects.filter(day__gte=first).exists():
            metrics_snapshot_backfill(start=first, end=timezone.localdate())

    def _placeholder_scores(self) -> None:
        if ChurnRisk.objects.exclude(band=RiskBand.LOW).exists():
            return
        version = (ChurnModel.objects.aggregate(v=Max("version"))["v"] or 0) + 1
        model = ChurnModel.objects.create(
            version=version, status=ChurnModel.Status.RETIRED, algorithm="placeholder (seed_retention)",
            refusal_reason="Demo scores written by seed_retention before the churn model scored anyone.",
        )
        active = Customer.objects.filter(subscriptions__status=Subscription.Status.ACTIVE).distinct().order_by("pk")[:14]
        for index, customer in enumerate(active):
            band = RiskBand.HIGH if index < 8 else RiskBand.MEDIUM
            ChurnRisk.objects.update_or_create(
                customer=customer,
                defaults={
                    "model": model, "scored_on": timezone.localdate(), "band": band,
                    "probability": round(0.9 - index * 0.045, 3), "reasons": PLACEHOLDER_REASONS[index % 2],
                    "mrr": Decimal("1000.00") + 100 * (index % 5),
                },
            )

    def seed(self, actor, staff: list) -> dict[str, int]:
        today = timezone.localdate()
        # The model's high band is often the non-payers already suspended: calls and checks go to them,
        # offers (which need an active connection) to the likeliest leavers still connected.
        live = ChurnRisk.objects.filter(
            customer__subscriptions__status__in=[Subscription.Status.ACTIVE, Subscription.Status.SUSPENDED]
        ).select_related("customer").distinct().order_by("-probability")
        customers = [risk.customer for risk in live.exclude(band=RiskBand.LOW)[:12]]
        connected = [
            risk.customer for risk in live.filter(customer__subscriptions__status=Subscription.Status.ACTIVE)[:12]
        ]
        counts = {"call tasks": 0, "offers": 0, "technical checks": 0}
        if not customers:
            return counts

        def assignee(index: int):
            return staff[index % len(staff)]

        with transaction.atomic():
            first = retention_services.call_task_create(actor=actor, customer=customers[0], assignee=assignee(0), due_date=today + timedelta(days=2))
            retention_services.call_task_drafts_save(
                actor=actor, task=first,
                script="Greet by name. Say we noticed the connection has been slow in the evenings and ask how it has been. "
                       "Offer a technician visit this week. Ask what would make them stay.",
                sms_draft="We noticed your connection has been slower lately. We would like to fix it: please call us or reply to this SMS.",
            )
            retention_services.call_task_sms_send(actor=actor, task=first)
            overdue = retention_services.call_task_create(actor=actor, customer=customers[1 % len(customers)], assignee=assignee(1), due_date=today)
            RetentionCallTask.objects.filter(pk=overdue.pk).update(due_date=today - timedelta(days=3))
            counts["call tasks"] += 2
            for index, (outcome, note) in enumerate(OUTCOMES):
                customer = customers[(index + 2) % len(customers)]
                task = retention_services.call_task_create(actor=actor, customer=customer, assignee=assignee(index), due_date=today - timedelta(days=index + 1))
                retention_services.call_task_complete(actor=actor, task=task, outcome=outcome, note=note)
                counts["call tasks"] += 1

        made = self._offers(actor, connected, today)
        counts["offers"] = made
        with transaction.atomic():
            retention_services.field_check_create(
                actor=actor, customer=customers[min(3, len(customers) - 1)], description="Evening speed drops; check the ONU power and the drop cable.",
                visit_on=today + timedelta(days=1),
            )
            counts["technical checks"] = 1
        return counts

    def _offers(self, actor, customers, today) -> int:
        made = 0
        plans = [
            ("discount", {"percent": Decimal("15"), "months": 3}, None),
            ("free_upgrade", {"months": 2}, None),
            ("discount", {"percent": Decimal("10"), "months": 1}, "ended"),
            ("discount", {"percent": Decimal("20"), "months": 2}, "withdrawn"),
        ]
        for customer in customers:
            if not plans:
                break
            subscription = customer.subscriptions.filter(status=Subscription.Status.ACTIVE).select_related("package").order_by("id").first()
            if subscription is None or subscription.retention_offers.filter(status="active").exists():
                continue
            kind, fields, then = plans[0]
            upgrade = None
            if kind == "free_upgrade":
                upgrade = Package.objects.filter(
                    is_active=True, billing_cycle=subscription.package.billing_cycle, price__gt=subscription.package.price
                ).order_by("price").first()
                if upgrade is None or subscription.package_changes.filter(status__in=["pending", "scheduled"]).exists():
                    continue
            starts = today - timedelta(days=75) if then == "ended" else today
            try:
                with transaction.atomic():
                    offer = offers.retention_offer_make(
                        actor=actor, customer=customer, subscription=subscription, kind=kind, upgrade_package=upgrade,
                        note="Demo offer", today=starts, **fields,
                    )
                    if then == "withdrawn":
                        offers.retention_offer_withdraw(actor=actor, offer=offer, reason="Customer chose to leave anyway")
            except Exception as error:  # noqa: BLE001 - a demo customer that does not fit is skipped, the next one tried
                self.stderr.write(f"Retention: offer for {customer.account_number} skipped: {error}")
                continue
            plans.pop(0)
            made += 1
        offers.retention_offers_daily(today=today)  # the ended one: credited for its window, then ended
        return made
