"""Every demo login in one block: the last thing `manage.py seed` (and `make run`) prints.

The logins come from several seed steps (the staff, the first technician, the two resellers and
three portal customers from `seed_demo`; two more technicians from `seed_fieldservice`; a
sub-reseller from `seed_resellers`; the customers of the rare states from `demo.states`). The block
lists the ones the database holds now, so it is complete after any set of steps, and each portal
customer is labelled by what they show at the moment it is printed (paid up, amount due,
suspended), with what they owe now.
"""

from __future__ import annotations

from collections.abc import Callable
from decimal import Decimal

from django.conf import settings
from django.urls import reverse

from customers.models import Customer, Subscription
from ispbill.accounts.models import User
from ispbill.core.phone import display_phone
from resellers.models import Reseller

from . import states
from .management.commands import seed_demo, seed_fieldservice, seed_resellers, seed_vouchers

HEADING = "Demo logins (fixed demo passwords; change them before real use):"
SURFACES = ("staff", "technician", "reseller", "portal")
# The demo's portal customers made for the rare states (demo.states), by their phone.
STATE_CUSTOMERS = {phone: key for key, _name, phone, _address in states.CUSTOMERS}
STATE_NOTES = {
    "online": "online payments in every status",
    "suspended": "suspended for non-payment",
    "cancelled": "cancelled, account closed",
}
PORTAL_LIMIT = 8


def _staff_and_field_rows() -> list[tuple[str, str, str, str]]:
    """(surface, username, password, note) of the staff, technician and reseller logins present."""
    known: list[tuple[str, str, str, str]] = [
        ("staff", login.username, login.password, login.note) for login in seed_demo.STAFF_LOGINS
    ]
    known.append(("technician", seed_demo.TECHNICIAN_LOGIN.username, seed_demo.TECHNICIAN_LOGIN.password,
                  seed_demo.TECHNICIAN_LOGIN.note))
    known += [
        ("technician", username, seed_fieldservice.PASSWORD, f"Technician {first} {last}")
        for username, first, last, _phone in seed_fieldservice.TECHNICIANS
        if username != seed_demo.TECHNICIAN_LOGIN.username
    ]
    resellers = {
        reseller.user.username: reseller
        for reseller in Reseller.objects.filter(user__isnull=False).select_related("user", "parent")
    }
    reseller_logins = [(login.username, login.password) for login, *_rest in seed_demo.RESELLERS]
    reseller_logins.append((seed_resellers.SUB_LOGIN, seed_resellers.SUB_PASSWORD))
    reseller_logins.append((seed_vouchers.DISTRIBUTOR_LOGIN, seed_vouchers.DISTRIBUTOR_PASSWORD))
    for username, password in reseller_logins:
        reseller = resellers.get(username)
        if reseller is not None:
            parent = f"Sub-reseller of {reseller.parent.name}: " if reseller.parent_id else (
                "Card distributor, " if reseller.is_card_distributor else "Reseller, ")
            known.append(("reseller", username, password, f"{parent}{reseller.name}"))
    present = set(User.objects.filter(username__in=[row[1] for row in known], is_active=True).values_list("username", flat=True))
    return [row for row in known if row[1] in present]


def _portal_rows() -> list[tuple[str, str, str, str]]:
    """The demo customers with a portal password, each labelled by what they show now."""
    customers = list(
        Customer.objects.filter(user__isnull=False, user__is_active=True)
        .select_related("user", "account").order_by("pk")[: PORTAL_LIMIT * 4]
    )
    customers = [customer for customer in customers if customer.user.has_usable_password()][:PORTAL_LIMIT]
    live = Subscription.objects.filter(customer__in=customers).exclude(
        status__in=[Subscription.Status.PENDING, Subscription.Status.CANCELLED]
    )
    suspended = set(live.filter(status=Subscription.Status.SUSPENDED).values_list("customer_id", flat=True))
    rows = []
    for customer in customers:
        account = getattr(customer, "account", None)
        due = account.balance if account is not None else Decimal("0")
        state = STATE_CUSTOMERS.get(customer.phone)
        if state:
            label = STATE_NOTES[state]
        elif customer.pk in suspended:
            label = "suspended"
        elif due > 0:
            label = "amount due"
        else:
            label = "paid up"
        owes = f", owes {due:,.2f}" if due > 0 else ""
        rows.append((
            "portal", customer.account_number, seed_demo.CUSTOMER_PASSWORD,
            f"{label}{owes}: {customer.name}; or sign in with phone {display_phone(customer.phone)}",
        ))
    return rows


def logins_lines() -> list[str]:
    """The block: the home page, then each surface's sign-in URL with its logins, then /admin/."""
    base = settings.SITE_URL.rstrip("/")
    rows = _staff_and_field_rows() + _portal_rows()
    if not rows:
        return []
    width = max(len(row[1]) for row in rows)
    lines = [HEADING, f"  {'home':<10} {base}/  (links the four surfaces)"]
    for surface in SURFACES:
        surface_rows = [row for row in rows if row[0] == surface]
        if not surface_rows:
            continue
        lines.append(f"  {surface:<10} {base}{reverse(f'{surface}:login')}")
        lines += [f"      {username:<{width}}  {password:<20}  {note}" for _s, username, password, note in surface_rows]
    if settings.BKASH_PAYBILL_SANDBOX:
        lines.append(f"  {'bkash app':<10} {base}{reverse('bkash-paybill-sandbox:home')}  "
                     "(emulated bKash app: Pay Bill with a portal customer's account number or phone)")
    lines.append(f"  {'admin':<10} {base}{reverse('admin:index')}  (superuser admin only)")
    return lines


def write_logins(write: Callable[[str], object]) -> None:
    for line in logins_lines():
        write(line)
