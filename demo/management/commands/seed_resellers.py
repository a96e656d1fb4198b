"""Demo terms and history for the two demo resellers (run after seed_demo).

- each reseller's areas are served by a router (the one most of the area's connections are on), on
  which the reseller's new customers are connected;
- `reseller` (Pallabi Net Point) works on commission: 10% of what its customers pay, 12% from 50
  active customers; commissions accrued on its customers' past payments, past months closed by
  statements, one payout approved and one waiting for staff.
- `reseller.uttara` (Diabari Online) is prepaid: reseller price 70% of each package, a credit limit,
  top-ups, and customers renewed from the wallet as they fell due over the last three months (dated
  on their days).
- `reseller.uttara.sub` (Diabari Para Net) is its sub-reseller: one of its areas, prices at 80% of each
  package (above the parent's 70%), a transfer from the parent's wallet, and one customer renewed
  (both wallets charged).

Idempotent and deterministic: terms are set to the same values, history is posted only once
(renewals carry fixed idempotency keys; top-ups and payouts only when the wallet has none).
"""

from datetime import date, datetime, time, timedelta
from decimal import Decimal

from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand
from django.db import transaction
from django.db.models import Count, Q
from django.utils import timezone

from billing.ledger import wallets
from billing.wallet_models import CommissionEntry, ResellerWallet, WalletEntry
from customers import services as customer_services
from customers.models import Package, Subscription
from ispbill.core.money import to_money
from network import services as network_services
from network.models import Router
from payments.models import Payment
from resellers import commissions, renewals, services
from resellers.models import CommissionStatement, Renewal, Reseller, ResellerLogin, ResellerPackage
from usecases import reseller_renewal
from usecases.subscription_create import subscription_create as usecases_subscription_create

COMMISSION_LOGIN = "reseller"
PREPAID_LOGIN = "reseller.uttara"
SUB_LOGIN = "reseller.uttara.sub"
SUB_PASSWORD = "demo-reseller-2026"
RENEWALS = 6
MONTHS_BACK = 3


def _month_start(day: date) -> date:
    return day.replace(day=1)


class Command(BaseCommand):
    help = "Give the demo resellers their models, prices, rules and a history (idempotent)."

    def handle(self, *args, **options):
        admin = get_user_model().objects.filter(is_superuser=True).order_by("pk").first()
        commission = Reseller.objects.filter(user__username=COMMISSION_LOGIN).first()
        prepaid = Reseller.objects.filter(user__username=PREPAID_LOGIN).first()
        if commission is None or prepaid is None:
            self.stdout.write("seed_resellers: run seed_demo first (demo resellers missing)")
            return
        for reseller in (commission, prepaid):
            self._owner_login(reseller)
            self._areas(reseller)
        self._commission(admin, commission)
        self._prepaid(admin, prepaid)
        sub = self._subreseller(prepaid)
        self.stdout.write(self.style.SUCCESS(
            f"resellers: {commission.name} (commission), {prepaid.name} (prepaid) with sub-reseller {sub.name if sub else '—'} ready"
        ))

    def _owner_login(self, reseller):
        ResellerLogin.objects.get_or_create(user=reseller.user, defaults={"reseller": reseller, "role": ResellerLogin.Role.OWNER})

    def _areas(self, reseller):
        if not reseller.areas.exists():
            areas = {c.area_id for c in reseller.customers.all().only("area_id")}
            reseller.areas.set(areas)
        # A reseller connects a new customer on the router that serves the area: each of its areas gets
        # the router most of the area's connections are on (its branch's first router when it has none).
        for area in reseller.areas.exclude(routers__is_active=True).select_related("branch"):
            busiest = (
                Subscription.objects.filter(customer__area=area, router__is_active=True).values("router")
                .annotate(n=Count("pk")).order_by("-n", "router").values_list("router", flat=True).first()
            )
            router = Router.objects.filter(pk=busiest).first() or Router.objects.filter(
                branch=area.branch, is_active=True).order_by("pk").first()
            if router is not None:
                network_services.router_update(actor=None, router=router, areas=[*router.areas.all(), area])

    def _packages(self, admin, reseller, *, share):
        for package in Package.objects.filter(is_active=True).order_by("pk"):
            price = to_money(package.price * share) if share else None
            row = ResellerPackage.objects.filter(reseller=reseller, package=package).first()
            if row is None or row.price != price:
                services.reseller_package_set(actor=admin, reseller=reseller, package=package, price=price)

    def _commission(self, admin, reseller):
        if reseller.model != Reseller.Model.COMMISSION:
            reseller = services.reseller_update(actor=admin, reseller=reseller, model=Reseller.Model.COMMISSION)
        self._packages(admin, reseller, share=None)
        if not reseller.commission_rules.exists():
            services.commission_rule_add(actor=admin, reseller=reseller, percent=Decimal("10"))
            services.commission_rule_add(actor=admin, reseller=reseller, percent=Decimal("12"), min_active_customers=50)
        # Accrue on the customers' past payments (recorded before the rules existed), month by month.
        payments = Payment.objects.filter(customer__reseller=reseller, status=Payment.Status.COMPLETED).order_by("received_at", "pk")
        accrued = set(CommissionEntry.objects.filter(kind="accrual", payment__in=payments).values_list("payment_id", flat=True))
        # Twenty payments a transaction, not all in one: `make run` loads this beside the web server,
        # which waits for SQLite's write lock while one is open (demo/yielding.py).
        pending = [payment for payment in payments if payment.pk not in accrued]
        for start in range(0, len(pending), 20):
            with transaction.atomic():
                for payment in pending[start:start + 20]:
                    commissions.commission_on_payment(actor=None, payment=payment)
        this_month = _month_start(timezone.localdate())
        months = sorted(set(CommissionEntry.objects.filter(wallet__reseller=reseller).values_list("period", flat=True)))
        past = [m for m in months if m < this_month]
        for period in past[:-1]:  # the last past month stays open for the reseller to see it move
            if not CommissionStatement.objects.filter(reseller=reseller, period=period).exists():
                commissions.statement_close(actor=admin, reseller=reseller, period=period)
        if not reseller.payouts.exists():
            wallet = ResellerWallet.objects.filter(reseller_id=reseller.pk).first()  # none until money moves
            owed = wallet.commission_owed if wallet else Decimal("0")
            if owed > Decimal("100"):
                first = commissions.payout_request(actor=reseller.user, reseller=reseller, amount=to_money(owed / 2), note="bKash 01711-402010")
                commissions.payout_decide(actor=admin, payout=first, approve=True, note="Paid by bKash")
                commissions.payout_request(actor=reseller.user, reseller=reseller, amount=to_money(owed / 4), note="Cash at the office")

    def _prepaid(self, admin, reseller):
        if reseller.model != Reseller.Model.PREPAID:
            reseller = services.reseller_update(actor=admin, reseller=reseller, model=Reseller.Model.PREPAID, credit_limit=Decimal("2000"))
        self._packages(admin, reseller, share=Decimal("0.70"))
        if not WalletEntry.objects.filter(wallet__reseller=reseller).exists():
            services.wallet_topup(actor=admin, reseller=reseller, amount=Decimal("10000"), method="bank", reference="DBBL-88213")
            services.wallet_topup(actor=admin, reseller=reseller, amount=Decimal("5000"), method="bkash", reference="8N7A2K")
        self._renewal_history(reseller)
        self._renewal_being_completed(reseller)

    def _renewal_history(self, reseller):
        """Customers renewed from the wallet as they fell due, month after month, from three months ago.
        Each renewal goes through the services as on its day; the wallet entry and the renewal row, written
        now, are then dated that day (the demo's story), before the customer's side is settled with it."""
        today = timezone.localdate()
        subscriptions = list(
            # The portal's demo logins keep the state the logins table shows (the suspended one owes).
            Subscription.objects.filter(customer__reseller=reseller, customer__user__isnull=True)
            .exclude(status=Subscription.Status.CANCELLED)
            .filter(Q(paid_through__isnull=True) | Q(paid_through__lt=today))
            .select_related("customer", "package").order_by("pk")[:RENEWALS]
        )
        for months_back in range(MONTHS_BACK, -1, -1):
            day = today - timedelta(days=30 * months_back)
            when = timezone.make_aware(datetime.combine(day, time(11, 0)))
            for n, subscription in enumerate(subscriptions):
                subscription.refresh_from_db()
                if renewals.renewal_period(subscription, today=day).start > day + timedelta(days=7):
                    continue  # paid well beyond this day: renewed when it falls due, not before
                try:
                    renewal, created, _level = renewals.renewal_debit(
                        actor=reseller.user, reseller=reseller, subscription=subscription,
                        idempotency_key=f"seed-renew-{subscription.pk}-{months_back}", today=day,
                    )
                except ValidationError as error:  # a package the reseller may not sell, or the wallet ran dry
                    self.stdout.write(f"  skipped renewal of {subscription}: {' '.join(error.messages)}")
                    continue
                if created and months_back:
                    when_n = when + timedelta(minutes=7 * n)
                    Renewal.objects.filter(pk=renewal.pk).update(created_at=when_n)
                    wallets.wallet_entry_backdate(entry_id=renewal.entry_id, when=when_n)
                if renewal.status == Renewal.Status.PENDING:
                    reseller_renewal.renewal_settle(actor=reseller.user, renewal_id=renewal.pk)

    def _renewal_being_completed(self, reseller):
        """One renewal debited today and not settled yet, as a burst leaves it for the worker: its
        connection says "being completed" and the staff reseller page lists it (the worker of `make
        run`, or the minute's sweep, completes it)."""
        if Renewal.objects.filter(reseller=reseller, idempotency_key="seed-being-completed").exists():
            return
        subscription = (
            Subscription.objects.filter(customer__reseller=reseller, reseller_renewals__status=Renewal.Status.SETTLED)
            .exclude(status=Subscription.Status.CANCELLED).order_by("pk").first()
        )
        if subscription is None:
            return
        try:
            renewals.renewal_debit(actor=reseller.user, reseller=reseller, subscription=subscription,
                                   idempotency_key="seed-being-completed")
        except ValidationError as error:
            self.stdout.write(f"  no renewal left being completed: {' '.join(error.messages)}")

    def _subreseller(self, parent):
        """The prepaid reseller's sub-reseller, its prices, a transfer and one customer renewed."""
        sub = Reseller.objects.filter(user__username=SUB_LOGIN).first()
        # An area of the parent where it has connections (their router serves the sub's customer too).
        served = Subscription.objects.filter(customer__reseller=parent, customer__area__in=parent.areas.all())
        first = served.select_related("customer", "router").order_by("pk").first()
        if first is None:
            self.stdout.write("  no sub-reseller: the prepaid reseller has no connections to share an area with")
            return None
        area = first.customer.area
        if sub is None:
            sub = services.subreseller_create(
                actor=parent.user, parent=parent, name="Diabari Para Net", phone="+8801711402099",
                contact_person="Rafiq Islam", username=SUB_LOGIN, password=SUB_PASSWORD, areas=[area],
            )
        for row in ResellerPackage.objects.filter(reseller=parent, price__isnull=False).select_related("package"):
            price = max(to_money(row.package.price * Decimal("0.80")), row.price)
            current = ResellerPackage.objects.filter(reseller=sub, package=row.package).first()
            if current is None or current.price != price:
                services.subreseller_price_set(actor=parent.user, parent=parent, sub=sub, package_id=row.package_id, price=price)
        if not WalletEntry.objects.filter(wallet__reseller=sub).exists():
            services.subreseller_transfer(actor=parent.user, parent=parent, sub=sub, amount=Decimal("3000"),
                                          idempotency_key=f"seed-sub-transfer-{sub.pk}")
        customer = sub.customers.order_by("pk").first()
        if customer is None:
            package = ResellerPackage.objects.filter(reseller=sub).order_by("price", "pk").first()
            if package is None:
                return sub
            # As `reseller_customer_create` does, on the router of the parent's connection in that area.
            customer = customer_services.customer_create(
                actor=sub.user, name="Nasrin Akter", phone="+8801711402098", area=area, address="House 9, Road 2, Diabari",
                reseller=sub,
            )
            usecases_subscription_create(
                actor=sub.user, customer=customer, package=package.package, router=first.router,
                username=f"para.nasrin.{sub.pk}", password="pppoe-nasrin-1",
            )
        subscription = customer.subscriptions.exclude(status=Subscription.Status.CANCELLED).order_by("pk").first()
        if subscription is not None:
            try:
                reseller_renewal.subscription_renew(actor=sub.user, reseller=sub, subscription=subscription,
                                            idempotency_key=f"seed-sub-renew-{subscription.pk}")
            except ValidationError as error:  # a wallet ran dry
                self.stdout.write(f"  skipped the sub-reseller's renewal: {' '.join(error.messages)}")
        return sub
