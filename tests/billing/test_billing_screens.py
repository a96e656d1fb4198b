"""Settings → Billing, the invoices list and detail, void, the PDF downloads, the customer portal's
invoices and statement — permissions, branch scope, owner scope, and nothing changed on bad input."""

import io
from datetime import timedelta
from decimal import Decimal

import pytest
from django.contrib.auth.models import Group, Permission
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone
from PIL import Image
from pypdf import PdfReader

from billing.models import BillingSettings, Invoice, LedgerEntry
from billing.selectors import current_billing_settings
from billing.services import LineSpec, invoice_create
from customers.models import Subscription
from ispbill.core.models import AuditLog
from ispbill.core.money import format_money
from payments.services import payment_ledger_record
from tests.factories import AreaFactory, BranchFactory, UserFactory, admin_user, make_customer, make_subscription

D = Decimal
HTMX = {"HTTP_HX_REQUEST": "true"}


@pytest.fixture(autouse=True)
def billing_screens_billing_settings(db):
    current_billing_settings()
    BillingSettings.objects.filter(pk=1).update(
        mode="calendar", allowed_anchor_days=[1, 5, 25, 30], default_anchor_day=1, vat_rate=D("15"),
        prices_include_vat=False, due_days=7,
    )


def settings_row() -> dict:
    return {k: v for k, v in BillingSettings.objects.filter(pk=1).values()[0].items()}


def settings_post(**overrides) -> dict:
    data = {
        "mode": "calendar", "allowed_anchor_days": "1, 5, 25, 30", "default_anchor_day": "1", "issue_days_before": "7",
        "due_days": "10", "grace_days": "3", "vat_rate": "15", "vat_registration_number": "BIN-1", "late_fee": "50.00",
        "reconnection_fee": "0", "isp_name": "Padma Net", "isp_address": "Dhaka", "isp_phone": "", "isp_email": "",
        "currency": "BDT", "credit_unused_days_on_cancel": "on", "downgrade_at_next_cycle": "on",
        "blocked_access": "reject", "walled_garden_pool": "expired", "session_log_retention_months": "12",
        "card_guess_device_limit": "5", "card_guess_zone_limit": "50", "card_guess_window_minutes": "10", "card_lockout_minutes": "30",
    }
    data.update(overrides)
    return data


def charge(customer, amount="1000.00", *, days_ago=0):
    issue = timezone.localdate() - timedelta(days=days_ago)
    return invoice_create(
        actor=None, customer=customer, issue_date=issue, due_date=issue + timedelta(days=7),
        lines=[LineSpec(kind="one_time", description="Charge", amount=D(amount))],
    )


# Settings → Billing ---------------------------------------------------------------------------------


def test_admin_saves_billing_settings_and_the_change_is_audited(staff_client):
    response = staff_client.post(reverse("staff:billingsettings-edit"), settings_post(vat_rate="0", due_days="10"))
    assert response.status_code == 302
    cfg = current_billing_settings()
    assert cfg.vat_rate == D("0") and cfg.due_days == 10 and cfg.late_fee == D("50.00") and cfg.isp_name == "Padma Net"
    entry = AuditLog.objects.get(action="billing_settings.update")
    assert entry.before["vat_rate"] == "15.00" and entry.after["vat_rate"] == "0.00"


def test_the_settings_page_shows_every_field_its_form_requires(staff_client):
    """A field added to the form but not to its template makes every save fail in the browser."""
    from web.billing.forms import BillingSettingsForm

    page = staff_client.get(reverse("staff:billingsettings-edit")).content.decode()
    required = [name for name, field in BillingSettingsForm.base_fields.items() if field.required]
    assert required and [name for name in required if f'name="{name}"' not in page] == []


@pytest.mark.parametrize("overrides,field,message", [
    ({"vat_rate": "101"}, "vat_rate", "between 0 and 100"),
    ({"vat_rate": "-1"}, "vat_rate", "between 0 and 100"),
    ({"allowed_anchor_days": "1, 32"}, "allowed_anchor_days", "not a day of the month"),
    ({"allowed_anchor_days": "1, 5", "default_anchor_day": "25"}, "default_anchor_day", "one of the allowed anchor days"),
    ({"currency": "T1K"}, "currency", "three-letter"),
])
def test_bad_billing_settings_are_refused_with_a_field_message_and_nothing_changes(staff_client, overrides, field, message):
    before, audits = settings_row(), AuditLog.objects.count()
    response = staff_client.post(reverse("staff:billingsettings-edit"), settings_post(**overrides))
    assert response.status_code == 400
    assert message in " ".join(response.context["form"].errors[field])
    assert settings_row() == before and AuditLog.objects.count() == audits


def test_invoice_at_activation_is_turned_on_and_off_on_the_settings_page_and_audited(staff_client):
    BillingSettings.objects.filter(pk=1).update(invoice_at_activation=False)
    page = staff_client.get(reverse("staff:billingsettings-edit")).content.decode()
    assert 'name="invoice_at_activation"' in page and "Issue the first invoice at activation" in page

    assert staff_client.post(reverse("staff:billingsettings-edit"), settings_post(invoice_at_activation="on")).status_code == 302
    assert current_billing_settings().invoice_at_activation is True
    entry = AuditLog.objects.filter(action="billing_settings.update").latest("id")
    assert "invoice_at_activation" in entry.before and "invoice_at_activation" in entry.after

    assert staff_client.post(reverse("staff:billingsettings-edit"), settings_post()).status_code == 302  # unticked
    assert current_billing_settings().invoice_at_activation is False


@pytest.mark.parametrize("overrides", [
    {"issue_days_before": "seven"}, {"issue_days_before": "-1"}, {"due_days": ""}, {"mode": "whenever"},
    {"allowed_anchor_days": "1, 5", "default_anchor_day": "30"},
])
def test_a_malformed_post_turning_invoice_at_activation_on_is_refused_and_changes_nothing(staff_client, overrides):
    BillingSettings.objects.filter(pk=1).update(invoice_at_activation=False)
    before, audits = settings_row(), AuditLog.objects.count()
    response = staff_client.post(reverse("staff:billingsettings-edit"), settings_post(invoice_at_activation="on", **overrides))
    assert response.status_code == 400 and response.context["form"].errors
    assert settings_row() == before and AuditLog.objects.count() == audits
    assert current_billing_settings().invoice_at_activation is False


def test_the_activate_dialog_quotes_the_first_invoice_only_when_it_is_issued_at_activation(staff_client):
    from tests.billing.test_first_invoice import by_hand

    subscription = make_subscription()
    url = reverse("staff:subscription-activate", args=[subscription.pk])
    BillingSettings.objects.filter(pk=1).update(invoice_at_activation=False)
    assert 'id="first-invoice-quote"' not in staff_client.get(url, **HTMX).content.decode()

    BillingSettings.objects.filter(pk=1).update(invoice_at_activation=True)
    page = staff_client.get(url, **HTMX).content.decode()
    today = timezone.localdate()
    last = (today.replace(day=28) + timedelta(days=4)).replace(day=1) - timedelta(days=1)  # the month's end: anchor day 1
    expected = by_hand(1000, (last - today).days + 1, last.day)[2]
    assert 'id="first-invoice-quote"' in page and format_money(expected) in page
    assert not Invoice.objects.filter(customer=subscription.customer).exists()  # a quote writes nothing


def test_an_activation_posted_without_a_reason_issues_no_first_invoice_and_changes_nothing(staff_client):
    BillingSettings.objects.filter(pk=1).update(invoice_at_activation=True)
    subscription = make_subscription()
    url = reverse("staff:subscription-activate", args=[subscription.pk])
    response = staff_client.post(url, {"reason": "   "}, **HTMX)
    assert response.context["form"].errors["reason"]
    subscription.refresh_from_db()
    assert subscription.status == Subscription.Status.PENDING and subscription.billed_through is None
    assert not Invoice.objects.filter(customer=subscription.customer).exists()

    assert staff_client.post(url, {"reason": "New installation"}, **HTMX).status_code == 204
    assert Invoice.objects.filter(customer=subscription.customer).count() == 1
    assert staff_client.post(url, {"reason": "New installation"}, **HTMX).status_code < 500  # sent twice: refused
    assert Invoice.objects.filter(customer=subscription.customer).count() == 1


def test_logo_must_be_an_image(staff_client):
    bad = SimpleUploadedFile("logo.png", b"not an image at all", content_type="image/png")
    response = staff_client.post(reverse("staff:billingsettings-edit"), {**settings_post(), "logo": bad})
    assert response.status_code == 400 and not current_billing_settings().logo

    buffer = io.BytesIO()
    Image.new("RGB", (60, 20), "navy").save(buffer, format="PNG")
    good = SimpleUploadedFile("logo.png", buffer.getvalue(), content_type="image/png")
    assert staff_client.post(reverse("staff:billingsettings-edit"), {**settings_post(), "logo": good}).status_code == 302
    assert current_billing_settings().logo.name.startswith("branding/")
    assert "data:image/png;base64," in staff_client.get(reverse("staff:billingsettings-edit")).content.decode()


def test_billing_settings_need_the_permission(client, db):
    cashier_like = UserFactory(roles=["Support"])
    client.force_login(cashier_like)
    before = settings_row()
    assert client.post(reverse("staff:billingsettings-edit"), settings_post(vat_rate="5")).status_code == 403
    assert settings_row() == before


# Anchor day on a subscription -----------------------------------------------------------------------


def test_anchor_day_outside_the_allowed_set_is_refused_and_nothing_is_created(staff_client, customer):
    subscription = make_subscription(customer=customer)
    data = {"package": subscription.package.pk, "connection_type": "pppoe", "router": subscription.router.pk,
            "username": "new.login", "password": "pw-123456", "billing_anchor_day": "7"}
    count = Subscription.objects.count()
    response = staff_client.post(reverse("staff:subscription-create", args=[customer.pk]), data)
    assert response.status_code == 200
    assert "outside the allowed set (1, 5, 25, 30)" in " ".join(response.context["form"].errors["billing_anchor_day"])
    assert Subscription.objects.count() == count

    response = staff_client.post(reverse("staff:subscription-create", args=[customer.pk]), {**data, "billing_anchor_day": "25"})
    assert response.status_code == 302
    assert Subscription.objects.get(username="new.login").billing_anchor_day == 25


def test_service_refuses_an_anchor_day_outside_the_set_and_a_change_after_invoicing(customer):
    from django.core.exceptions import ValidationError

    from usecases.subscription_update import subscription_update

    with pytest.raises(ValidationError, match="outside the allowed set"):
        make_subscription(customer=customer, billing_anchor_day=7)
    subscription = make_subscription(customer=customer, billing_anchor_day=5)
    Subscription.objects.filter(pk=subscription.pk).update(billed_through=timezone.localdate())
    subscription.refresh_from_db()
    with pytest.raises(ValidationError, match="cannot change once"):
        subscription_update(actor=None, subscription=subscription, billing_anchor_day=25)
    subscription.refresh_from_db()
    assert subscription.billing_anchor_day == 5


# Invoices list, detail, void --------------------------------------------------------------------------


def test_invoice_list_filters_by_status_overdue_and_search(staff_client):
    paid_customer, late_customer = make_customer(name="Karim Paid"), make_customer(name="Lina Late")
    paid = charge(paid_customer)
    payment_ledger_record(actor=None, customer=paid_customer, amount=D("1150.00"), method="cash")
    late = charge(late_customer, days_ago=20)
    url = reverse("staff:invoice-list")

    page = staff_client.get(url).content.decode()
    assert paid.number in page and late.number in page
    page = staff_client.get(url, {"status": "paid"}).content.decode()
    assert paid.number in page and late.number not in page
    page = staff_client.get(url, {"overdue": "on"}, **HTMX).content.decode()
    assert late.number in page and paid.number not in page and "<html" not in page
    page = staff_client.get(url, {"q": "Lina"}).content.decode()
    assert late.number in page and paid.number not in page
    page = staff_client.get(url, {"q": paid.number}).content.decode()
    assert paid.number in page and late.number not in page


def test_invoice_list_and_detail_are_branch_scoped(client):
    branch_a, branch_b = BranchFactory(code="IA"), BranchFactory(code="IB")
    ours = charge(make_customer(area=AreaFactory(branch=branch_a)))
    theirs = charge(make_customer(area=AreaFactory(branch=branch_b)))
    client.force_login(admin_user(branch_scope=[branch_a]))
    page = client.get(reverse("staff:invoice-list")).content.decode()
    assert ours.number in page and theirs.number not in page
    page = client.get(reverse("staff:invoice-list"), {"branch": branch_b.pk}).content.decode()
    assert theirs.number not in page
    assert client.get(reverse("staff:invoice-detail", args=[theirs.pk])).status_code == 404
    assert client.get(reverse("staff:invoice-pdf", args=[theirs.pk])).status_code == 404
    assert client.get(reverse("staff:invoice-detail", args=[ours.pk])).status_code == 200


def test_invoice_detail_shows_lines_totals_payments_and_ledger(staff_client, customer):
    invoice = charge(customer)
    payment = payment_ledger_record(actor=None, customer=customer, amount=D("400.00"), method="cash")
    page = staff_client.get(reverse("staff:invoice-detail", args=[invoice.pk])).content.decode()
    assert invoice.number in page and "One-time" in page
    assert "1,150.00" in page and "150.00" in page and "750.00" in page
    assert payment.receipt_number in page
    assert reverse("staff:invoice-pdf", args=[invoice.pk]) in page


def test_void_needs_a_reason_then_reverses_the_invoice(staff_client, customer):
    invoice = charge(customer)
    entries = LedgerEntry.objects.count()
    url = reverse("staff:invoice-void", args=[invoice.pk])
    response = staff_client.post(url, {"reason": "  "})
    assert response.status_code == 400
    invoice.refresh_from_db()
    assert invoice.status == "open" and LedgerEntry.objects.count() == entries

    response = staff_client.post(url, {"reason": "Issued by mistake"})
    assert response.status_code == 302
    invoice.refresh_from_db()
    assert invoice.status == "void" and invoice.void_reason == "Issued by mistake"
    reversal = LedgerEntry.objects.get(invoice=invoice, kind="reversal")
    assert reversal.amount == -invoice.total


def test_a_paid_invoice_is_not_voided(staff_client, customer):
    invoice = charge(customer)
    payment_ledger_record(actor=None, customer=customer, amount=D("1150.00"), method="cash")
    before = (LedgerEntry.objects.count(), Invoice.objects.get(pk=invoice.pk).status)
    response = staff_client.post(reverse("staff:invoice-void", args=[invoice.pk]), {"reason": "Try"})
    assert response.status_code == 400
    assert "Reverse those payments first" in response.content.decode()
    assert (LedgerEntry.objects.count(), Invoice.objects.get(pk=invoice.pk).status) == before == (before[0], "paid")


def test_void_needs_the_change_permission(client, customer):
    invoice = charge(customer)
    group = Group.objects.create(name="Invoice viewer")
    group.permissions.add(Permission.objects.get(content_type__app_label="billing", codename="view_invoice"))
    client.force_login(UserFactory(roles=["Invoice viewer"]))
    assert client.post(reverse("staff:invoice-void", args=[invoice.pk]), {"reason": "x"}).status_code == 403
    assert Invoice.objects.get(pk=invoice.pk).status == "open"


def test_billing_tab_lists_every_invoice_with_links_and_statement_pdf(staff_client, customer):
    paid, open_ = charge(customer, "100.00"), charge(customer, "200.00")
    payment = payment_ledger_record(actor=None, customer=customer, amount=D("115.00"), method="cash")
    page = staff_client.get(reverse("staff:customer-detail", args=[customer.pk]), {"tab": "billing"}).content.decode()
    for invoice in (paid, open_):
        assert reverse("staff:invoice-detail", args=[invoice.pk]) in page
        assert reverse("staff:invoice-pdf", args=[invoice.pk]) in page
    assert reverse("staff:payment-receipt-pdf", args=[payment.pk]) in page
    today = timezone.localdate()
    response = staff_client.get(
        reverse("staff:customer-statement-pdf", args=[customer.pk]), {"start": today - timedelta(days=5), "end": today}
    )
    assert response["Content-Type"] == "application/pdf"
    text = PdfReader(io.BytesIO(response.content)).pages[0].extract_text()
    assert customer.account_number in text and paid.number in text


def test_staff_receipt_pdf_download(staff_client, customer):
    payment = payment_ledger_record(actor=None, customer=customer, amount=D("300.00"), method="cash")
    response = staff_client.get(reverse("staff:payment-receipt-pdf", args=[payment.pk]))
    assert response["Content-Type"] == "application/pdf"
    assert f'{payment.receipt_number}.pdf' in response["Content-Disposition"]
    assert payment.receipt_number in PdfReader(io.BytesIO(response.content)).pages[0].extract_text()


# Customer portal ------------------------------------------------------------------------------------------


@pytest.fixture
def billing_screens_two_customers(db):
    owner = make_customer(name="Owner Rahman", portal_password="portal-pass-1")
    other = make_customer(name="Other Hossain", portal_password="portal-pass-2")
    return owner, other


def test_portal_lists_own_invoices_with_pdfs_and_never_anothers(client, billing_screens_two_customers):
    owner, other = billing_screens_two_customers
    mine, theirs = charge(owner), charge(other)
    their_payment = payment_ledger_record(actor=None, customer=other, amount=D("10.00"), method="cash")
    client.force_login(owner.user)
    page = client.get(reverse("portal:invoice-list")).content.decode()
    assert mine.number in page and theirs.number not in page
    assert reverse("portal:invoice-pdf", args=[mine.pk]) in page

    response = client.get(reverse("portal:invoice-pdf", args=[mine.pk]))
    assert response["Content-Type"] == "application/pdf"
    text = PdfReader(io.BytesIO(response.content)).pages[0].extract_text()
    assert mine.number in text and "Owner Rahman" in text and "1,150.00" in text

    assert client.get(reverse("portal:invoice-pdf", args=[theirs.pk])).status_code == 404
    assert client.get(reverse("portal:receipt-pdf", args=[their_payment.pk])).status_code == 404


def test_portal_receipt_and_statement_downloads(client, billing_screens_two_customers):
    owner, _ = billing_screens_two_customers
    charge(owner)
    payment = payment_ledger_record(actor=None, customer=owner, amount=D("500.00"), method="cash")
    client.force_login(owner.user)
    response = client.get(reverse("portal:receipt-pdf", args=[payment.pk]))
    assert payment.receipt_number in PdfReader(io.BytesIO(response.content)).pages[0].extract_text()

    assert client.get(reverse("portal:statement")).status_code == 200
    today = timezone.localdate()
    response = client.get(reverse("portal:statement"), {"start": today - timedelta(days=30), "end": today})
    assert response["Content-Type"] == "application/pdf"
    response = client.get(reverse("portal:statement"), {"start": today, "end": today - timedelta(days=3)})
    assert response.status_code == 400 and "before the start date" in response.content.decode()
