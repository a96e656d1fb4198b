"""Cancelling through the API follows the console's cancel dialog: the reason is required, a due
early-termination fee is charged or waived explicitly at the quoted total, charging needs billing
rights and waiving the waive permission; refusals change nothing (tests/contracts/test_cancel_dialog.py
is the console's side of the same scenario)."""

from decimal import Decimal
from unittest import mock

import pytest

from api.tokens import token_create
from billing.models import Invoice, OneTimeCharge
from contracts.models import Contract
from customers.models import Subscription
from ispbill.core.models import AuditLog, WebhookDelivery
from tests.api.conftest import ALL_WRITE, Api
from tests.contracts.test_termination_fee import CANCEL_DAY, under_contract
from tests.factories import UserFactory, make_subscription

GROSS = Decimal("2760.00")  # 30 % of 8 months × ৳1,000 + 15 % VAT (docs/billing.md)


def _state(subscription, contract=None):
    subscription.refresh_from_db()
    return (subscription.status, Invoice.objects.count(), OneTimeCharge.objects.count(), AuditLog.objects.count(),
            contract and Contract.objects.get(pk=contract.pk).status)


def test_cancel_without_a_fee_goes_through_the_use_case_and_tells_the_webhooks(api_as, north_customer, maker, settings):
    from api.webhooks import webhook_endpoint_create

    webhook_endpoint_create(actor=maker, name="ERP", url="https://erp.example.net/h", events=["subscription.cancelled"])
    subscription = make_subscription(customer=north_customer, activate=True)
    api = api_as({"customers": "write"}, name="CRM")
    quote = api.get(f"/api/v1/subscriptions/{subscription.pk}/cancel-quote/").json()
    assert quote["fee_due"] is False
    assert api.post(f"/api/v1/subscriptions/{subscription.pk}/cancel/", {}).status_code == 400  # no reason
    answer = api.post(f"/api/v1/subscriptions/{subscription.pk}/cancel/", {"reason": "Moving abroad"})
    assert answer.status_code == 200, answer.content
    assert answer.json()["status"] == Subscription.Status.CANCELLED
    assert AuditLog.objects.get(action="subscription.cancel").via == "api:CRM"
    delivery = WebhookDelivery.objects.get()
    assert delivery.event == "subscription.cancelled" and delivery.payload["data"]["previous_status"] == "active"
    assert api.post(f"/api/v1/subscriptions/{subscription.pk}/cancel/", {"reason": "again"}).status_code == 400


@pytest.fixture
def subscription_cancel_scenario(db):
    built = under_contract(price=Decimal("1000.00"))
    with mock.patch("django.utils.timezone.localdate", return_value=CANCEL_DAY):
        yield built


def test_a_due_fee_must_be_decided_at_the_quoted_total(client, subscription_cancel_scenario, maker):
    subscription, contract = subscription_cancel_scenario
    _token, raw = token_create(actor=maker, name="CRM", scopes=ALL_WRITE)
    api = Api(client, raw)
    quote = api.get(f"/api/v1/subscriptions/{subscription.pk}/cancel-quote/").json()
    assert quote["fee_due"] is True and Decimal(quote["fee"]) == GROSS
    before = _state(subscription, contract)
    url = f"/api/v1/subscriptions/{subscription.pk}/cancel/"
    for body in (
        {"reason": "r"},  # the fee is not decided
        {"reason": "r", "fee": "charge"},  # no quoted total
        {"reason": "r", "fee": "charge", "quoted_fee": "100.00"},  # not the quoted total
        {"reason": "r", "fee": "waive", "quoted_fee": str(GROSS)},  # waived without a reason
        {"reason": "r", "fee": "maybe", "quoted_fee": str(GROSS)},
        {"reason": "r", "fee": "charge", "quoted_fee": "NaN"},
    ):
        assert api.post(url, body).status_code == 400, body
        assert _state(subscription, contract) == before
    answer = api.post(url, {"reason": "Moving", "fee": "charge", "quoted_fee": str(GROSS)})
    assert answer.status_code == 200, answer.content
    assert OneTimeCharge.objects.get(kind=OneTimeCharge.Kind.TERMINATION).amount + 0 > 0


def test_charging_needs_billing_rights_and_waiving_the_waive_permission(client, subscription_cancel_scenario):
    subscription, contract = subscription_cancel_scenario
    supervisor = UserFactory(roles=["Technician supervisor"])  # may cancel connections, may not bill
    _token, raw = token_create(actor=supervisor, name="NOC", scopes=ALL_WRITE)
    before = _state(subscription, contract)
    url = f"/api/v1/subscriptions/{subscription.pk}/cancel/"
    assert Api(client, raw).post(url, {"reason": "r", "fee": "charge", "quoted_fee": str(GROSS)}).status_code == 403
    assert Api(client, raw).post(url, {"reason": "r", "fee": "waive", "fee_waive_reason": "goodwill", "quoted_fee": str(GROSS)}).status_code == 403
    assert _state(subscription, contract) == before
