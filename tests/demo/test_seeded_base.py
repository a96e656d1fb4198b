"""What the demo's base step leaves, read by these tests from one seeding at the test size (each
test's own writes roll back). tests/demo/test_seed_base.py seeds afresh where a test needs a run of
its own: idempotency, sizes, the year of history."""

from collections import Counter
from datetime import timedelta
from decimal import Decimal
from io import StringIO

import pytest
from django.conf import settings
from django.core.management import call_command
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from customers.models import Area, Branch, Customer, Lead, Package, Subscription
from customers.selectors import customers_visible_to
from fieldservice.models import WorkOrder
from ispbill.accounts.models import User
from ispbill.core.models import AuditLog
from ispbill.core.phone import normalize_phone
from network.models import Router
from resellers.models import Reseller
from tests import fast_flush
from tests.demo.test_seed_base import CUSTOMERS, DEMO_LOGINS, portal_customer, seed, sign_in


@pytest.fixture(scope="module")
def seeded_base_demo(django_db_setup, django_db_blocker):
    """The base step, committed once for the module; removed at the end, so the rest of the suite finds
    the empty database it expects."""
    with django_db_blocker.unblock():
        seed()
    yield
    with django_db_blocker.unblock():
        fast_flush.flush()  # as after a committing test (tests/fast_flush.py)


pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("seeded_base_demo")]


def test_seed_creates_the_catalogue_customers_and_leads_asked_for():
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


def test_seeded_customers_look_like_dhaka_customers():
    today = timezone.localdate()

    for customer in Customer.objects.all():
        assert normalize_phone(customer.phone) == customer.phone
        assert customer.phone[:6] in {"+88013", "+88014", "+88015", "+88016", "+88017", "+88018", "+88019"}
        assert Decimal("23.70") < customer.latitude < Decimal("23.90")
        assert Decimal("90.34") < customer.longitude < Decimal("90.41")
        assert customer.address.endswith(("Dhaka-1205", "Dhaka-1207", "Dhaka-1209", "Dhaka-1216", "Dhaka-1230"))
        assert (today - customer.customer_since).days <= 3 * 366
    assert Customer.objects.exclude(email="").exists() and Customer.objects.exclude(national_id="").exists()


def test_seed_account_numbers_are_gap_free_and_every_transition_has_a_reason():
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


def test_each_demo_login_signs_in_to_its_surface():
    for surface, username, password in DEMO_LOGINS:
        client = Client()
        response = sign_in(client, surface, username, password)

        assert response.status_code == 302, username
        assert response["Location"] == reverse(f"{surface}:home"), username
        assert client.get(reverse(f"{surface}:home")).status_code == 200, username


def test_demo_customer_signs_in_to_the_portal_by_account_number_and_by_phone(client):
    customer = portal_customer()

    by_account = sign_in(client, "portal", customer.account_number, "demo-customer-2026")
    assert by_account.status_code == 302 and by_account["Location"] == reverse("portal:home")
    page = client.get(reverse("portal:home"))
    assert page.status_code == 200 and customer.name in page.content.decode()

    client.logout()
    national = "0" + customer.phone.removeprefix("+880")
    by_phone = sign_in(client, "portal", national, "demo-customer-2026")
    assert by_phone.status_code == 302


def test_a_demo_login_does_not_open_another_surface(client):
    response = sign_in(client, "staff", "tech", "demo-tech-2026")

    assert response.status_code == 200  # the login form again, with its error
    assert "_auth_user_id" not in client.session


def test_roles_and_scopes_of_the_demo_logins():
    admin = User.objects.get(username="admin")
    assert admin.is_superuser and admin.groups.filter(name="Admin").exists()
    assert User.objects.get(username="supervisor").groups.filter(name="Technician supervisor").exists()
    mirpur_cashier = User.objects.get(username="mirpur.cashier")
    assert mirpur_cashier.has_perm("customers.view_customer") and not mirpur_cashier.has_perm("customers.add_customer")
    visible = customers_visible_to(mirpur_cashier)
    assert visible.exists()
    assert set(visible.values_list("branch__code", flat=True)) == {"MIR"}
    assert Customer.objects.exclude(branch__code="MIR").exists()


def test_technician_reseller_and_portal_owners_have_their_own_records():
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


def test_three_portal_logins_paid_up_with_an_amount_due_and_suspended(client):
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


def test_with_the_addresses_step_the_demo_has_active_customers_of_every_service_model_and_ipv6():
    """Issue 56's "the demo has customers of each model": PPPoE, hotspot and static IP from the base
    step, IPoE (bound to a MAC) and delegated IPv6 prefixes from the addresses step."""
    from network.models import AddressAssignment

    call_command("seed_addresses", quiet=True)
    active = Subscription.objects.filter(status=Subscription.Status.ACTIVE)
    models = Counter(active.values_list("connection_type", flat=True))
    assert all(models[kind] > 0 for kind in Subscription.ConnectionType.values), models
    assert not active.filter(connection_type=Subscription.ConnectionType.IPOE, mac_address="").exists()
    assert not active.filter(connection_type__in=[Subscription.ConnectionType.IPOE, Subscription.ConnectionType.STATIC_IP],
                             static_ip__isnull=True).exists()
    prefixes = AddressAssignment.objects.filter(family=6, released_at__isnull=True)
    assert set(prefixes.values_list("subscription__connection_type", flat=True)) >= {
        Subscription.ConnectionType.PPPOE, Subscription.ConnectionType.STATIC_IP, Subscription.ConnectionType.IPOE,
    }


def test_seed_assigns_collectors_to_areas_and_a_few_customers_and_the_figures_are_real():
    from dashboard import performance
    from dashboard.metrics import Scope
    from demo.management.commands.seed_demo import AREA_COLLECTORS

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
