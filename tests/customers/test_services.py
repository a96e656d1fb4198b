import pytest
from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import connection, transaction
from django.utils import timezone

from customers import services
from customers.models import Customer, Subscription
from ispbill.core.audit import audit_for_objects
from ispbill.core.models import AuditLog
from ispbill.core.numbering import format_number
from tests.factories import AreaFactory, RouterFactory, UserFactory, make_customer, make_subscription
from usecases.subscription_activate import subscription_activate as usecases_subscription_activate
from usecases.subscription_cancel import subscription_cancel
from usecases.subscription_reactivate import subscription_reactivate
from usecases.subscription_suspend import subscription_suspend
from usecases.subscription_update import subscription_update

pytestmark = pytest.mark.django_db

S = Subscription.Status


@pytest.fixture
def actor():
    return UserFactory(roles=["Manager"])


def lifecycle_state(subscription):
    subscription.refresh_from_db()
    return {name: getattr(subscription, name) for name in services.LIFECYCLE_FIELDS}


def subscription_in(status, actor):
    subscription = make_subscription(actor=actor)
    if status in (S.ACTIVE, S.SUSPENDED):
        subscription = usecases_subscription_activate(actor=actor, subscription=subscription, reason="installed")
    if status == S.SUSPENDED:
        subscription = subscription_suspend(
            actor=actor, subscription=subscription, reason="unpaid", suspension_type="non_payment"
        )
    if status == S.CANCELLED:
        subscription = subscription_cancel(actor=actor, subscription=subscription, reason="never installed")
    return subscription


def run(action, *, actor, subscription, reason="a reason"):
    if action == "suspend":
        return subscription_suspend(
            actor=actor, subscription=subscription, reason=reason, suspension_type="customer_request"
        )
    return getattr(services, f"subscription_status_{action}")(actor=actor, subscription=subscription, reason=reason)


# Lifecycle ---------------------------------------------------------------------------------------


def test_activate_makes_pending_subscription_and_its_customer_active(actor):
    subscription = make_subscription(actor=actor)

    usecases_subscription_activate(actor=actor, subscription=subscription, reason="installed on site")

    subscription.refresh_from_db()
    assert subscription.status == S.ACTIVE and subscription.activated_at is not None
    assert Customer.objects.get(pk=subscription.customer_id).status == Customer.Status.ACTIVE


def test_suspend_records_type_and_skip_billing_and_suspends_the_customer(actor):
    subscription = subscription_in(S.ACTIVE, actor)

    subscription_suspend(
        actor=actor, subscription=subscription, reason="asked to pause", suspension_type="customer_request", skip_billing=True
    )

    subscription.refresh_from_db()
    assert (subscription.status, subscription.suspension_type, subscription.skip_billing) == (S.SUSPENDED, "customer_request", True)
    assert subscription.suspended_at is not None
    assert subscription.customer.status == Customer.Status.SUSPENDED


def test_reactivate_clears_the_suspension(actor):
    subscription = subscription_in(S.SUSPENDED, actor)

    subscription_reactivate(actor=actor, subscription=subscription, reason="paid in cash")

    subscription.refresh_from_db()
    assert (subscription.status, subscription.suspension_type, subscription.suspended_at) == (S.ACTIVE, "", None)
    assert subscription.customer.status == Customer.Status.ACTIVE


@pytest.mark.parametrize("start", [S.PENDING, S.ACTIVE, S.SUSPENDED])
def test_cancel_from_any_open_status_closes_a_single_subscription_customer(actor, start):
    subscription = subscription_in(start, actor)

    subscription_cancel(actor=actor, subscription=subscription, reason="moved to Chattogram")

    subscription.refresh_from_db()
    assert subscription.status == S.CANCELLED and subscription.cancelled_at is not None
    assert subscription.customer.status == Customer.Status.CLOSED


REFUSED = [
    (S.PENDING, "suspend"),
    (S.PENDING, "reactivate"),
    (S.ACTIVE, "activate"),
    (S.ACTIVE, "reactivate"),
    (S.SUSPENDED, "suspend"),
    (S.CANCELLED, "activate"),
    (S.CANCELLED, "suspend"),
    (S.CANCELLED, "reactivate"),
    (S.CANCELLED, "cancel"),
]


@pytest.mark.parametrize(("start", "action"), REFUSED)
def test_transition_the_table_forbids_is_refused_and_changes_nothing(actor, start, action):
    subscription = subscription_in(start, actor)
    before, customer_status, audit_count = lifecycle_state(subscription), subscription.customer.status, AuditLog.objects.count()

    with pytest.raises(ValidationError) as refused:
        run(action, actor=actor, subscription=subscription)

    assert refused.value.code == "invalid_transition"
    assert lifecycle_state(subscription) == before
    assert Customer.objects.get(pk=subscription.customer_id).status == customer_status
    assert AuditLog.objects.count() == audit_count


@pytest.mark.parametrize("action", ["activate", "suspend", "reactivate", "cancel"])
@pytest.mark.parametrize("reason", ["", "   "])
def test_missing_reason_changes_nothing(actor, action, reason):
    start = {"activate": S.PENDING, "suspend": S.ACTIVE, "reactivate": S.SUSPENDED, "cancel": S.ACTIVE}[action]
    subscription = subscription_in(start, actor)
    before, audit_count = lifecycle_state(subscription), AuditLog.objects.count()

    with pytest.raises(ValidationError) as refused:
        run(action, actor=actor, subscription=subscription, reason=reason)

    assert "reason" in refused.value.message_dict
    assert lifecycle_state(subscription) == before
    assert AuditLog.objects.count() == audit_count


def test_suspend_without_a_known_type_changes_nothing(actor):
    subscription = subscription_in(S.ACTIVE, actor)
    before = lifecycle_state(subscription)

    with pytest.raises(ValidationError) as refused:
        subscription_suspend(actor=actor, subscription=subscription, reason="why not", suspension_type="whim")

    assert "suspension_type" in refused.value.message_dict
    assert lifecycle_state(subscription) == before


def test_transition_audit_carries_actor_reason_before_and_after(actor):
    subscription = subscription_in(S.ACTIVE, actor)

    subscription_suspend(
        actor=actor, subscription=subscription, reason="three months unpaid", suspension_type="non_payment"
    )

    entry = AuditLog.objects.filter(action="subscription.suspend").get()
    assert (entry.actor, entry.reason, entry.object_id) == (actor, "three months unpaid", str(subscription.pk))
    assert entry.before["status"] == "active" and entry.after["status"] == "suspended"
    assert entry.before["suspension_type"] == "" and entry.after["suspension_type"] == "non_payment"


def test_customer_status_follows_all_its_subscriptions(actor):
    customer = make_customer(actor=actor)
    first = make_subscription(customer=customer, actor=actor, activate=True)
    second = make_subscription(customer=customer, actor=actor, activate=True)

    def status():
        customer.refresh_from_db()
        return customer.status

    run("suspend", actor=actor, subscription=first)
    assert status() == Customer.Status.ACTIVE  # the other one still runs
    run("suspend", actor=actor, subscription=second)
    assert status() == Customer.Status.SUSPENDED
    run("cancel", actor=actor, subscription=first)
    run("cancel", actor=actor, subscription=second)
    assert status() == Customer.Status.CLOSED
    make_subscription(customer=customer, actor=actor)
    assert status() == Customer.Status.PENDING


# Subscriptions -----------------------------------------------------------------------------------


def test_duplicate_username_on_the_same_router_is_refused_next_to_the_username(actor):
    existing = make_subscription(actor=actor, username="rahim01")
    other_customer = make_customer(area=AreaFactory(branch=existing.customer.branch))

    with pytest.raises(ValidationError) as refused:
        make_subscription(customer=other_customer, router=existing.router, username="rahim01", actor=actor)

    assert "rahim01" in refused.value.message_dict["username"][0]
    assert not other_customer.subscriptions.exists()


def test_same_username_on_another_router_is_fine(actor):
    existing = make_subscription(actor=actor, username="rahim01")

    elsewhere = make_subscription(router=RouterFactory(), username="rahim01", actor=actor)

    assert elsewhere.username == existing.username and elsewhere.router != existing.router


def test_update_to_a_username_taken_on_the_router_changes_nothing(actor):
    taken = make_subscription(actor=actor, username="salma")
    mine = make_subscription(router=taken.router, actor=actor, username="salma2")

    with pytest.raises(ValidationError) as refused:
        subscription_update(actor=actor, subscription=mine, username="salma")

    assert "username" in refused.value.message_dict
    mine.refresh_from_db()
    assert mine.username == "salma2"


def test_subscription_password_is_encrypted_at_rest(actor):
    subscription = make_subscription(actor=actor, password="pppoe-secret-77")

    with connection.cursor() as cursor:
        cursor.execute("SELECT password FROM customers_subscription WHERE id = %s", [subscription.pk])
        stored = cursor.fetchone()[0]
    assert "pppoe-secret-77" not in stored
    assert Subscription.objects.get(pk=subscription.pk).password == "pppoe-secret-77"


def test_update_without_a_password_keeps_the_stored_one(actor):
    subscription = make_subscription(actor=actor, password="first-secret")

    subscription_update(actor=actor, subscription=subscription, password=None, mac_address="aa:bb:cc:dd:ee:ff")

    subscription.refresh_from_db()
    assert (subscription.password, subscription.mac_address) == ("first-secret", "AA:BB:CC:DD:EE:FF")


# Customers ---------------------------------------------------------------------------------------


def test_invalid_phone_is_refused_on_the_phone_field_and_creates_nothing(actor):
    with pytest.raises(ValidationError) as refused:
        make_customer(actor=actor, phone="12345")

    assert "phone" in refused.value.message_dict
    assert not Customer.objects.exists()


def test_phone_is_stored_in_e164(actor):
    assert make_customer(actor=actor, phone="01712-345678").phone == "+8801712345678"


def this_year_number(value: int) -> str:
    return format_number(settings.ACCOUNT_NUMBER_PREFIX, timezone.localdate().year, value)


def test_account_numbers_are_consecutive_and_a_refused_create_takes_none(actor):
    first = make_customer(actor=actor)
    with pytest.raises(ValidationError):
        make_customer(actor=actor, phone="not a phone")
    second = make_customer(actor=actor)

    assert first.account_number == this_year_number(1)
    assert second.account_number == this_year_number(2)


def test_a_rolled_back_create_leaves_no_gap(actor):
    first = make_customer(actor=actor)
    with pytest.raises(RuntimeError), transaction.atomic():
        make_customer(actor=actor)
        raise RuntimeError("the caller failed after the customer was saved")
    second = make_customer(actor=actor)

    assert (first.account_number, second.account_number) == (this_year_number(1), this_year_number(2))
    assert Customer.objects.count() == 2


def test_customer_update_audits_only_what_changed_and_moves_the_branch_with_the_area(actor):
    customer = make_customer(actor=actor, name="Old Name")
    old_area, new_area = customer.area, AreaFactory()

    services.customer_update(actor=actor, customer=customer, name="New Name", area=new_area, phone=customer.phone)

    customer.refresh_from_db()
    assert (customer.name, customer.area, customer.branch) == ("New Name", new_area, new_area.branch)
    entry = AuditLog.objects.get(action="customer.update")
    assert entry.before == {"name": "Old Name", "area": old_area.pk, "branch": old_area.branch_id}
    assert entry.after == {"name": "New Name", "area": new_area.pk, "branch": new_area.branch_id}


def test_portal_access_creates_one_login_and_later_changes_its_password(actor):
    customer = make_customer(actor=actor)

    user = services.customer_portal_access_set(actor=actor, customer=customer, password="first-pass-2026")
    again = services.customer_portal_access_set(actor=actor, customer=customer, password="second-pass-2026")

    customer.refresh_from_db()
    assert user.pk == again.pk == customer.user_id
    assert user.username == customer.account_number and user.kind == "customer"
    again.refresh_from_db()
    assert again.check_password("second-pass-2026") and not again.check_password("first-pass-2026")
    assert audit_for_objects([customer]).filter(action="customer.portal_password").count() == 2


def test_account_numbers_keep_counting_across_years_with_the_joining_year_shown(actor):
    """Defect 9: the counter restarted every year (CT-2027-00001). One continuous counter now; the
    year is the year the customer joined; numbers given before stay as they are."""
    from ispbill.core.models import NumberSequence

    prefix = settings.ACCOUNT_NUMBER_PREFIX
    NumberSequence.objects.create(key=f"{prefix}:2026", last_value=41)  # 41 customers numbered the old way in 2026
    this_year = timezone.localdate().year

    older = make_customer(actor=actor, customer_since=timezone.localdate().replace(year=this_year - 1, month=3, day=1))
    newer = make_customer(actor=actor)

    assert older.account_number == format_number(prefix, this_year - 1, 42)
    assert newer.account_number == format_number(prefix, this_year, 43)
    assert NumberSequence.objects.get(key=f"{prefix}:2026").last_value == 41  # the yearly counter is left alone
