from collections import Counter
from datetime import timedelta
from decimal import Decimal
from io import StringIO

import pytest
from django.apps import apps
from django.conf import settings
from django.core.management import call_command
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from billing.models import BillingRun, Invoice, InvoiceLine
from customers.models import Area, Branch, Customer, Lead, Package, Subscription
from customers.selectors import customers_visible_to
from demo.management.commands._demo_history import history_start
from demo.management.commands.seed_demo import DemoData, direct_customers
from fieldservice.models import WorkOrder
from ispbill.accounts.models import User
from ispbill.core.models import AuditLog
from ispbill.core.phone import normalize_phone
from network.models import ProvisioningTask, Router
from payments.models import Payment
from resellers.models import Reseller

CUSTOMERS, LEADS = 30, 10
MONTHS = 2  # enough history for every plan to play out; the full year is tested once, below


def seed(customers=CUSTOMERS, leads=LEADS, months=MONTHS):
    call_command("seed_demo", customers=customers, leads=leads, months=months, quiet=True)


def every_row() -> dict[str, list[tuple]]:
    """All rows of every table, including many-to-many tables, as plain tuples in primary-key order."""
    rows = {}
    for model in apps.get_models(include_auto_created=True):
        columns = [f.attname for f in model._meta.concrete_fields]
        rows[model._meta.label] = list(model.objects.order_by("pk").values_list(*columns))
    return rows


def portal_customer() -> Customer:
    """The first demo customer: paid up, the one the tickets seed and the walkthrough start with."""
    return Customer.objects.filter(user__isnull=False).order_by("pk").first()


def sign_in(client, surface: str, username: str, password: str):
    return client.post(reverse(f"{surface}:login"), {"username": username, "password": password})


@pytest.mark.django_db
def test_seed_creates_the_catalogue_customers_and_leads_asked_for():
    seed()

    assert Branch.objects.count() == 3
    assert set(Branch.objects.values_list("name", flat=True)) == {"Mirpur", "Dhanmondi", "Uttara"}
    for branch in Branch.objects.all():
        assert 5 <= branch.areas.count() <= 8
        assert branch.routers.count() == 2
    assert Area.objects.filter(name="Mirpur 10", branch__code="MIR").exists()
    assert Router.objects.count() == 6
    assert len(set(Router.objects.values_list("api_port", flat=True))) == 6

    packages = Package.objects.all()
    assert min(p.download_mbps for p in packages) == 5 and max(p.download_mbps for p in packages) == 1000
    assert all(Decimal("500") <= p.price <= Decimal("3000") for p in packages)
    assert {p.type for p in packages} == set(Package.Type.values)
    assert packages.filter(is_active=False).count() == 2
    assert packages.exclude(ott_bundle="").exists() and packages.filter(data_cap_gb__isnull=False).exists()

    converted = Lead.objects.filter(status=Lead.Status.CONVERTED)
    assert converted.count() == 2
    assert Customer.objects.count() == CUSTOMERS  # the converted leads are counted in, not added on top
    assert Counter(Lead.objects.values_list("status", flat=True)) == {
        "new": 3, "contacted": 2, "site_survey": 2, "converted": 2, "lost": 1,
    }
    assert all(lead.converted_customer_id for lead in converted)

    statuses = set(Customer.objects.values_list("status", flat=True))
    assert statuses == {"active", "pending", "suspended", "closed"}
    assert Subscription.objects.count() > Customer.objects.count()  # every customer has one, a few have two
    assert not Customer.objects.filter(subscriptions__isnull=True).exists()


@pytest.mark.django_db
def test_seeded_customers_look_like_dhaka_customers():
    seed()
    today = timezone.localdate()

    for customer in Customer.objects.all():
        assert normalize_phone(customer.phone) == customer.phone
        assert customer.phone[:6] in {"+88013", "+88014", "+88015", "+88016", "+88017", "+88018", "+88019"}
        assert Decimal("23.70") < customer.latitude < Decimal("23.90")
        assert Decimal("90.34") < customer.longitude < Decimal("90.41")
        assert customer.address.endswith(("Dhaka-1205", "Dhaka-1207", "Dhaka-1209", "Dhaka-1216", "Dhaka-1230"))
        assert (today - customer.customer_since).days <= 3 * 366
    assert Customer.objects.exclude(email="").exists() and Customer.objects.exclude(national_id="").exists()


@pytest.mark.django_db
def test_seed_account_numbers_are_gap_free_and_every_transition_has_a_reason():
    seed()

    # One continuous counter (no yearly reset), shown with the year each customer joined.
    rows = sorted(Customer.objects.values_list("account_number", "customer_since"), key=lambda row: row[0][-5:])
    assert [number for number, _since in rows] == [
        f"{settings.ACCOUNT_NUMBER_PREFIX}-{since.year}-{n:05d}" for n, (_number, since) in enumerate(rows, start=1)
    ]

    suspended = Subscription.objects.filter(status=Subscription.Status.SUSPENDED)
    assert suspended.exists() and all(s.suspension_type for s in suspended)
    transitions = AuditLog.objects.filter(action__in=["subscription.suspend", "subscription.cancel", "subscription.activate"])
    assert transitions.count() >= Subscription.objects.exclude(status=Subscription.Status.PENDING).count()
    assert not transitions.filter(reason="").exists()
    assert AuditLog.objects.filter(action="customer.create").count() == Customer.objects.count()


@pytest.mark.django_db
def test_second_run_changes_nothing():
    seed()
    before = every_row()

    seed()

    after = every_row()
    assert {label: len(rows) for label, rows in after.items()} == {label: len(rows) for label, rows in before.items()}
    assert after == before


@pytest.mark.django_db
def test_bigger_run_keeps_the_first_customers_and_numbers_on():
    seed(customers=20, leads=0)
    first = list(Customer.objects.order_by("id").values_list("account_number", "name", "phone"))

    seed(customers=25, leads=0)

    customers = list(Customer.objects.order_by("id").values_list("account_number", "name", "phone", "customer_since"))
    assert [c[:3] for c in customers[:20]] == first
    assert len(customers) == 25
    assert [c[0] for c in customers] == [f"CT-{c[3].year}-{n:05d}" for n, c in enumerate(customers, start=1)]


DEMO_LOGINS = [
    ("staff", "admin", "demo-admin-2026"),
    ("staff", "manager", "demo-manager-2026"),
    ("staff", "cashier", "demo-cashier-2026"),
    ("staff", "support", "demo-support-2026"),
    ("staff", "supervisor", "demo-supervisor-2026"),
    ("staff", "mirpur.cashier", "demo-mirpur-2026"),
    ("technician", "tech", "demo-tech-2026"),
    ("reseller", "reseller", "demo-reseller-2026"),
    ("reseller", "reseller.uttara", "demo-reseller-2026"),
]


@pytest.mark.django_db
def test_each_demo_login_signs_in_to_its_surface():
    seed()

    for surface, username, password in DEMO_LOGINS:
        client = Client()
        response = sign_in(client, surface, username, password)

        assert response.status_code == 302, username
        assert response["Location"] == reverse(f"{surface}:home"), username
        assert client.get(reverse(f"{surface}:home")).status_code == 200, username


@pytest.mark.django_db
def test_demo_customer_signs_in_to_the_portal_by_account_number_and_by_phone(client):
    seed()
    customer = portal_customer()

    by_account = sign_in(client, "portal", customer.account_number, "demo-customer-2026")
    assert by_account.status_code == 302 and by_account["Location"] == reverse("portal:home")
    page = client.get(reverse("portal:home"))
    assert page.status_code == 200 and customer.name in page.content.decode()

    client.logout()
    national = "0" + customer.phone.removeprefix("+880")
    by_phone = sign_in(client, "portal", national, "demo-customer-2026")
    assert by_phone.status_code == 302


@pytest.mark.django_db
def test_a_demo_login_does_not_open_another_surface(client):
    seed()

    response = sign_in(client, "staff", "tech", "demo-tech-2026")

    assert response.status_code == 200  # the login form again, with its error
    assert "_auth_user_id" not in client.session


@pytest.mark.django_db
def test_roles_and_scopes_of_the_demo_logins():
    seed()

    admin = User.objects.get(username="admin")
    assert admin.is_superuser and admin.groups.filter(name="Admin").exists()
    assert User.objects.get(username="supervisor").groups.filter(name="Technician supervisor").exists()
    mirpur_cashier = User.objects.get(username="mirpur.cashier")
    assert mirpur_cashier.has_perm("customers.view_customer") and not mirpur_cashier.has_perm("customers.add_customer")
    visible = customers_visible_to(mirpur_cashier)
    assert visible.exists()
    assert set(visible.values_list("branch__code", flat=True)) == {"MIR"}
    assert Customer.objects.exclude(branch__code="MIR").exists()


@pytest.mark.django_db
def test_technician_reseller_and_portal_owners_have_their_own_records():
    seed()

    # The technician's orders come from seed_fieldservice (tests/fieldservice/test_seed.py); here, every
    # pending subscription has the installation order its creation queued.
    assert User.objects.get(username="tech").kind == "technician"
    pending = Subscription.objects.filter(status=Subscription.Status.PENDING)
    assert pending.exists()
    for subscription in pending:
        assert WorkOrder.objects.filter(subscription=subscription, kind=WorkOrder.Kind.INSTALLATION).exists()

    reseller = Reseller.objects.get(user__username="reseller")
    assert reseller.customers.exists()
    assert set(reseller.customers.values_list("branch", flat=True)) == {reseller.branch_id}

    assert portal_customer().status == Customer.Status.ACTIVE


def test_default_size_is_500_customers_in_total_with_the_converted_leads_among_them():
    leads = DemoData(timezone.localdate()).leads(100)

    converted = [lead for lead in leads if lead.status == Lead.Status.CONVERTED]
    assert len(leads) == 100 and len(converted) == 20
    assert direct_customers(500, leads) == 480
    assert direct_customers(5, leads) == 0  # never negative: the converted leads are customers anyway


@pytest.mark.django_db
def test_second_run_writes_no_history():
    seed()
    runs, invoices, payments = BillingRun.objects.count(), Invoice.objects.count(), Payment.objects.count()

    seed()

    assert (BillingRun.objects.count(), Invoice.objects.count(), Payment.objects.count()) == (runs, invoices, payments)


@pytest.mark.django_db
def test_a_year_of_history_is_written_by_the_billing_engine():
    # One seed of a full year, checked at once: it is the slowest thing the demo does.
    seed(customers=30, leads=0, months=12)
    today = timezone.localdate()
    start = history_start(today)

    # One run for every day from go-live to today, each finished, none failed.
    runs = BillingRun.objects.filter(dry_run=False)
    assert runs.count() == (today - start).days + 1
    assert set(runs.values_list("status", flat=True)) == {BillingRun.Status.SUCCEEDED}
    assert min(runs.values_list("run_date", flat=True)) == start
    # Every invoice of the history was issued by a run, on its run's date, or — a connection's first
    # invoice, issued at its activation (Settings → Billing, on in the demo) — on its activation day from
    # that day; every active customer has twelve months of them. The one other exception is today's
    # one-time charge that gives the "amount due" portal login something to pay, when the history left
    # no active customer owing.
    by_hand = Invoice.objects.filter(billing_run__isnull=True)
    first_lines = InvoiceLine.objects.filter(invoice__in=by_hand, kind__in=InvoiceLine.PERIOD_KINDS).select_related("invoice", "subscription")
    assert first_lines.exists()
    for line in first_lines:
        assert line.invoice.issue_date == timezone.localdate(line.subscription.activated_at) == line.period_start, line
    others = by_hand.exclude(pk__in=first_lines.values("invoice_id"))
    assert set(others.values_list("lines__description", flat=True)) <= {"ONU replacement"} and others.count() <= 1
    assert all(
        invoice.issue_date == invoice.billing_run.run_date for invoice in Invoice.objects.select_related("billing_run").exclude(billing_run=None)
    )
    for customer in Customer.objects.filter(status=Customer.Status.ACTIVE, customer_since__lt=start):
        months = {(d.year, d.month) for d in customer.invoices.values_list("issue_date", flat=True)}
        assert len(months) >= 12, customer
    # Activations are spread over the year, so first invoices are prorated.
    activated = Subscription.objects.filter(activated_at__isnull=False)
    assert len({timezone.localdate(a) for a in activated.values_list("activated_at", flat=True)}) >= 10
    assert all(start <= timezone.localdate(a) < today for a in activated.values_list("activated_at", flat=True))
    assert InvoiceLine.objects.filter(kind=InvoiceLine.Kind.PRORATED).count() >= 5

    call_command("check_ledger", stdout=StringIO())

    # Payments by cash (taken by the cashiers), bKash, Nagad and bank, with their references.
    payments = Payment.objects.all()
    assert {"cash", "bkash", "nagad", "bank"} <= set(payments.values_list("method", flat=True))
    cash_takers = set(payments.filter(method="cash", reseller__isnull=True).values_list("received_by__username", flat=True))
    assert cash_takers <= {"cashier", "mirpur.cashier"} and "cashier" in cash_takers
    assert not payments.exclude(method="cash").filter(reference="").exists()
    # Receipts are numbered in the year they were received.
    for number, received_at in payments.values_list("receipt_number", "received_at"):
        assert number.split("-")[1] == str(timezone.localtime(received_at).year)

    # Most invoices were paid by their due date; some after it.
    paid = Invoice.objects.filter(status=Invoice.Status.PAID, total__gt=0)
    late = [i for i in paid if i.allocations.filter(payment__received_at__date__gt=i.due_date).exists()]
    assert 0 < len(late) < paid.count() / 4

    # The run suspended some for non-payment; a payment brought some of them back.
    suspensions = AuditLog.objects.filter(action="subscription.suspend", actor__isnull=True, reason__startswith="Non-payment:")
    reactivations = AuditLog.objects.filter(action="subscription.reactivate", reason__startswith="Payment received: RCPT-")
    assert suspensions.exists() and reactivations.exists()
    assert Subscription.objects.filter(status="suspended", suspension_type="non_payment").exists()
    # ...and each suspension queued the router change.
    assert ProvisioningTask.objects.filter(action="suspend").count() >= suspensions.count()

    reversed_payments = payments.filter(status=Payment.Status.REVERSED)
    assert 1 <= reversed_payments.count() <= 2
    assert all(p.reversal_reason for p in reversed_payments)


@pytest.mark.django_db
def test_three_portal_logins_paid_up_with_an_amount_due_and_suspended(client):
    seed()
    logins = Customer.objects.filter(user__isnull=False).select_related("account").order_by("pk")
    balances = {c.account_number: c.account.balance for c in logins}
    statuses = {c.account_number: set(c.subscriptions.values_list("status", flat=True)) for c in logins}
    assert len(logins) == 3
    paid_up, *others = logins
    assert paid_up == portal_customer() and balances[paid_up.account_number] <= 0
    owing = [c for c in others if "active" in statuses[c.account_number] and balances[c.account_number] > 0]
    suspended = [c for c in others if "suspended" in statuses[c.account_number] and balances[c.account_number] > 0]
    assert owing and suspended and owing != suspended
    # The one who owes can pay: the pay page offers the amount due.
    assert sign_in(client, "portal", owing[0].account_number, "demo-customer-2026").status_code == 302
    page = client.get(reverse("portal:pay")).content.decode()
    assert f"{balances[owing[0].account_number]:,.2f}" in page
    call_command("check_ledger", stdout=StringIO())


@pytest.mark.django_db
def test_seed_assigns_collectors_to_areas_and_a_few_customers_and_the_figures_are_real():
    from dashboard import performance
    from dashboard.metrics import Scope
    from demo.management.commands.seed_demo import AREA_COLLECTORS

    seed()
    for code, (username, names) in AREA_COLLECTORS.items():
        assert set(Area.objects.filter(branch__code=code, name__in=names).values_list("collector__username", flat=True)) == {username}
    assert Area.objects.filter(collector=None).exists()  # some areas have nobody
    own = Customer.objects.exclude(collector=None)
    assert own.count() and set(own.values_list("collector__username", flat=True)) == {"cashier"}
    assert all(c.area.collector.username == "mirpur.cashier" for c in own)  # their own beats the area's
    assert AuditLog.objects.filter(action="area.update").count() == sum(len(n) for _u, n in AREA_COLLECTORS.values())
    # Every customer with a collector counts for that collector in last month's staff performance.
    month = (timezone.localdate().replace(day=1) - timedelta(days=1)).replace(day=1)
    rows = {r["name"]: r for r in performance.collectors(scope=Scope(), month=month)}
    assigned = Customer.objects.exclude(collector=None, area__collector=None).count()
    assert sum(r["assigned_customers"] for r in rows.values()) == assigned
    assert rows["Rakib Hossain"]["assigned_customers"] and rows["Jahid Hasan"]["assigned_customers"]
    assert sum(r["assigned_due"] for r in rows.values()) > 0
    seed()  # a second run leaves the assignments as they are
    assert Customer.objects.exclude(collector=None).count() == own.count()
