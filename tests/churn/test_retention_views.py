"""The retention pages in the staff console: the at-risk list, a customer's retention page and its
actions, the kept-and-lost report, Settings → Gemini; permissions checked in the views."""

from datetime import timedelta
from decimal import Decimal as D

import pytest
from django.urls import reverse
from django.utils import timezone

from churn.models import GeminiSettings, RetentionCallTask, RetentionFieldCheck, RetentionOffer
from churn.retention_selectors import kept_and_lost
from churn.retention_services import call_task_create, call_task_sms_send, field_check_create
from customers.models import Subscription
from ispbill.notify.models import Message
from tests.churn.retention_factories import score
from tests.dashboard.test_metrics import activate, cancel
from tests.factories import AreaFactory, BranchFactory, PackageFactory, UserFactory, admin_user, make_customer, make_subscription

pytestmark = pytest.mark.django_db


@pytest.fixture
def retention_views_world():
    high = make_customer(name="Habib High")
    medium = make_customer(name="Mina Medium")
    low = make_customer(name="Lutfa Low")
    score(high, "high", mrr="1500.00")
    score(medium, "medium", mrr="2500.00")
    score(low, "low")
    return {"high": high, "medium": medium, "low": low}


def test_at_risk_list_filters_by_band_sorts_and_shows_reasons(client, retention_views_world):
    client.force_login(admin_user())
    url = reverse("staff:churn-retention-list")
    page = client.get(url).content.decode()
    assert "Habib High" in page and "Mina Medium" in page and "Lutfa Low" not in page  # low is left out by default
    assert page.index("Habib High") < page.index("Mina Medium")  # highest risk first
    assert "Paid 18 days late twice" in page
    page = client.get(url, {"band": "high"}).content.decode()
    assert "Habib High" in page and "Mina Medium" not in page
    page = client.get(url, {"sort": "mrr"}).content.decode()
    assert page.index("Mina Medium") < page.index("Habib High")  # ৳2,500 at stake before ৳1,500
    page = client.get(url, {"band": "low"}).content.decode()
    assert "Lutfa Low" in page


def test_at_risk_list_is_scoped_to_the_users_branches(client, retention_views_world):
    other_branch = BranchFactory()
    outsider = make_customer(name="Other Branch", area=AreaFactory(branch=other_branch))
    score(outsider, "high")
    scoped = UserFactory(roles=["Manager"], branch_scope=[retention_views_world["high"].branch])
    client.force_login(scoped)
    page = client.get(reverse("staff:churn-retention-list")).content.decode()
    assert "Habib High" in page and "Other Branch" not in page
    assert client.get(reverse("staff:churn-retention-customer", args=[outsider.pk])).status_code == 404


def test_retention_page_gives_the_reasons_in_bangla_too_for_a_customer_who_speaks_bangla(client, retention_views_world):
    client.force_login(admin_user())
    page = client.get(reverse("staff:churn-retention-customer", args=[retention_views_world["high"].pk])).content.decode()
    assert "Paid 18 days late twice" in page and "দুইবার ১৮ দিন দেরিতে পরিশোধ" not in page
    retention_views_world["high"].language = "bn"
    retention_views_world["high"].save(update_fields=["language"])
    page = client.get(reverse("staff:churn-retention-customer", args=[retention_views_world["high"].pk])).content.decode()
    assert "Paid 18 days late twice" in page and "দুইবার ১৮ দিন দেরিতে পরিশোধ" in page


def test_support_plans_a_call_and_records_the_outcome_but_cannot_make_offers(client, retention_views_world):
    support = UserFactory(roles=["Support"])
    client.force_login(support)
    customer = retention_views_world["high"]
    due = timezone.localdate() + timedelta(days=1)
    response = client.post(reverse("staff:churn-retention-call-create", args=[customer.pk]), {"assignee": support.pk, "due_date": due.isoformat()})
    assert response.status_code == 302
    task = RetentionCallTask.objects.get(customer=customer)
    assert task.assignee == support and task.probability == pytest.approx(0.78)
    response = client.post(reverse("staff:churn-retention-call-outcome", args=[task.pk]), {f"outcome-{task.pk}-outcome": "will_stay"})
    task.refresh_from_db()
    assert response.status_code == 302 and task.status == "done" and task.outcome == "will_stay"

    subscription = make_subscription(customer=customer, activate=True)
    response = client.post(
        reverse("staff:churn-retention-offer-create", args=[customer.pk]),
        {"subscription": subscription.pk, "kind": "discount", "percent": "10", "months": "1"},
    )
    assert response.status_code == 403 and not RetentionOffer.objects.exists()
    assert client.get(reverse("staff:churn-gemini-settings")).status_code == 403


def test_cashier_sees_no_retention_page(client, retention_views_world):
    client.force_login(UserFactory(roles=["Cashier"]))
    assert client.get(reverse("staff:churn-retention-list")).status_code == 403
    before = RetentionCallTask.objects.count()
    response = client.post(reverse("staff:churn-retention-call-create", args=[retention_views_world["high"].pk]), {"due_date": "2030-01-01"})
    assert response.status_code == 403 and RetentionCallTask.objects.count() == before


def test_bad_call_form_says_why_and_writes_nothing(client, retention_views_world):
    client.force_login(admin_user())
    response = client.post(reverse("staff:churn-retention-call-create", args=[retention_views_world["high"].pk]), {"due_date": ""})
    assert response.status_code == 400 and not RetentionCallTask.objects.exists()
    assert "This field is required" in response.content.decode()


def test_offer_form_errors_come_back_on_the_page(client, retention_views_world):
    client.force_login(admin_user())
    customer = retention_views_world["high"]
    subscription = make_subscription(customer=customer, activate=True)
    response = client.post(
        reverse("staff:churn-retention-offer-create", args=[customer.pk]),
        {"subscription": subscription.pk, "kind": "free_upgrade", "months": "2"},
    )
    assert response.status_code == 400 and "Choose the package to upgrade to." in response.content.decode()
    assert not RetentionOffer.objects.exists()


def test_field_check_creates_a_repair_work_order(client, retention_views_world):
    client.force_login(admin_user())
    customer = retention_views_world["high"]
    response = client.post(reverse("staff:churn-retention-fieldcheck-create", args=[customer.pk]), {"description": "Signal drops every evening"})
    assert response.status_code == 302
    check = RetentionFieldCheck.objects.get(customer=customer)
    assert check.work_order.kind == "repair" and check.work_order.priority == "high"
    assert "Signal drops every evening" in check.work_order.description
    page = client.get(reverse("staff:churn-retention-customer", args=[customer.pk])).content.decode()
    assert f"Work order #{check.work_order.pk}" in page


def test_sms_draft_is_sent_through_notify_in_the_customers_language(client, retention_views_world):
    staff = admin_user()
    customer = make_customer(name="Rokeya Begum", language="bn")
    task = call_task_create(actor=staff, customer=customer, assignee=staff, due_date=timezone.localdate())
    client.force_login(staff)
    response = client.post(
        reverse("staff:churn-retention-call-drafts", args=[task.pk]),
        {f"drafts-{task.pk}-script": "...", f"drafts-{task.pk}-sms_draft": "প্রিয় রোকেয়া, আমরা আপনার সাথে কথা বলতে চাই।", "send": "1"},
    )
    assert response.status_code == 302
    message = Message.objects.get(to=customer.phone, event="retention_message")
    assert message.channel == "sms" and message.language == "bn"
    assert message.body.startswith("প্রিয় রোকেয়া, আমরা আপনার সাথে কথা বলতে চাই।")
    task.refresh_from_db()
    assert task.sms_sent_at is not None
    call_task_sms_send(actor=staff, task=task)  # sending again is a second message, not refused
    assert Message.objects.filter(to=customer.phone, event="retention_message").count() == 2


def test_gemini_button_hidden_without_a_key_and_shown_with_one(client, retention_views_world, settings):
    settings.GEMINI_API_KEY = ""
    staff = admin_user()
    client.force_login(staff)
    task = call_task_create(actor=staff, customer=retention_views_world["high"], assignee=staff, due_date=timezone.localdate())
    url = reverse("staff:churn-retention-customer", args=[task.customer_id])
    assert "Draft with Gemini" not in client.get(url).content.decode()
    response = client.post(reverse("staff:churn-gemini-settings"), {"api_key": "abc-123", "model_name": "gemini-2.5-flash"})
    assert response.status_code == 302 and GeminiSettings.objects.get().api_key == "abc-123"
    assert "Draft with Gemini" in client.get(url).content.decode()
    # An empty key field keeps the saved key; the page never shows it.
    client.post(reverse("staff:churn-gemini-settings"), {"api_key": "", "model_name": "gemini-2.5-pro"})
    settings_page = client.get(reverse("staff:churn-gemini-settings")).content.decode()
    assert GeminiSettings.objects.get().api_key == "abc-123" and "abc-123" not in settings_page


def test_kept_and_lost_report_uses_the_analytics_churn_definition(client, retention_views_world):
    staff = admin_user()
    today = timezone.localdate()
    package = PackageFactory(price=D("1000.00"))
    kept, lost, recent = retention_views_world["high"], retention_views_world["medium"], retention_views_world["low"]
    for customer in (kept, lost, recent):
        activate(make_subscription(customer=customer, package=package), today - timedelta(days=200))
    for customer in (kept, lost):  # called 70 days ago: the 30-day check fell 40 days ago
        task = call_task_create(actor=staff, customer=customer, assignee=staff, due_date=today)
        RetentionCallTask.objects.filter(pk=task.pk).update(created_at=timezone.now() - timedelta(days=70))
    cancel(Subscription.objects.get(customer=lost), today - timedelta(days=50))  # left before the check date
    field_check_create(actor=staff, customer=recent, description="Check the ONU")  # today: too early to tell

    rows = {row.kind: row for row in kept_and_lost(user=staff, days=30)}
    assert (rows["call"].taken, rows["call"].kept, rows["call"].lost, rows["call"].too_early) == (2, 1, 1, 0)
    assert rows["call"].kept_percent == 50.0
    assert (rows["field_check"].taken, rows["field_check"].too_early) == (1, 1)
    assert rows["discount"].taken == 0
    # Measured 60 days after the call, the check date (10 days ago) is after the cancellation too.
    rows = {row.kind: row for row in kept_and_lost(user=staff, days=60)}
    assert (rows["call"].kept, rows["call"].lost) == (1, 1)
    client.force_login(staff)
    page = client.get(reverse("staff:churn-retention-report"), {"days": 30}).content.decode()
    assert 'id="report-call"' in page and "50.0%" in page


def test_at_risk_list_answers_htmx_with_the_list_region_only(client, retention_views_world):
    client.force_login(admin_user())
    response = client.get(reverse("staff:churn-retention-list"), {"band": "high"}, HTTP_HX_REQUEST="true")
    body = response.content.decode()
    assert body.lstrip().startswith('<div class="table-wrap" id="retention-list">')
    assert "Habib High" in body and "Mina Medium" not in body and "<html" not in body


def test_staff_working_in_bangla_read_the_churn_reasons_in_bangla(client, retention_views_world):
    """On the customer's page (the risk panel) and the retention page, once the staff member chose
    Bangla: the reasons are the Bangla ones the scoring stored, given once."""
    user = admin_user()
    user.language = "bn"
    user.save(update_fields=["language"])
    retention_views_world["high"].language = "bn"
    retention_views_world["high"].save(update_fields=["language"])
    client.force_login(user)
    for url in (reverse("staff:customer-detail", args=[retention_views_world["high"].pk]),
                reverse("staff:churn-retention-customer", args=[retention_views_world["high"].pk])):
        page = client.get(url).content.decode()
        assert "দুইবার ১৮ দিন দেরিতে পরিশোধ" in page and "Paid 18 days late twice" not in page, url
    assert page.count("দুইবার ১৮ দিন দেরিতে পরিশোধ") == 1
