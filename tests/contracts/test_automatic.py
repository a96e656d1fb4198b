"""Contracts drafted by the rules with a new subscription and with a package change, and sent for
signature once the transaction commits."""

from decimal import Decimal

import pytest
from django.urls import reverse

from billing.models import OneTimeCharge
from contracts import services
from contracts.models import Contract, ContractRule
from tests.contracts.conftest import BODY, sign, start_signing
from tests.factories import PackageFactory, make_customer, make_subscription
from usecases.package_change_make import package_change_make
from usecases.subscription_cancel import subscription_cancel

pytestmark = pytest.mark.usefixtures("fixed_code", "eager_celery")


def rule(key="home", **fields) -> ContractRule:
    return services.contract_rule_save(actor=None, rule=ContractRule(template_key=key, **fields))


def test_without_a_rule_a_new_subscription_gets_no_contract(template):
    subscription = make_subscription()
    assert not Contract.objects.filter(subscription=subscription).exists()


def test_a_new_subscription_gets_a_draft_from_its_rule_and_it_is_sent_on_commit(template, django_capture_on_commit_callbacks):
    rule(fee_kind="fixed", fee_value=Decimal("1500"), auto_renew=False, notice_days=15)
    package = PackageFactory(price=Decimal("1000.00"), minimum_term_months=6)

    with django_capture_on_commit_callbacks(execute=True):
        subscription = make_subscription(package=package)

    contract = Contract.objects.get(subscription=subscription)
    assert contract.status == Contract.Status.SENT and contract.document_sha256
    assert (contract.term_months, contract.fee_kind, contract.fee_value, contract.auto_renew, contract.notice_days) == (
        6, "fixed", Decimal("1500.00"), False, 15)
    assert contract.events.filter(action="create", data__origin__startswith="new").exists()
    assert contract.template.key == "home"


def test_a_rule_that_does_not_send_leaves_a_draft(template, django_capture_on_commit_callbacks):
    rule(send_at_once=False)
    with django_capture_on_commit_callbacks(execute=True):
        subscription = make_subscription()
    assert Contract.objects.get(subscription=subscription).status == Contract.Status.DRAFT


def test_the_most_specific_rule_wins_package_then_connection_type_then_any(template):
    services.contract_template_save(actor=None, key="fiber", language="en", title="Fiber agreement", body=BODY)
    services.contract_template_save(actor=None, key="static", language="en", title="Static-IP agreement", body=BODY)
    fiber = PackageFactory(name="Fiber 100")
    rule("home")
    rule("static", connection_type="static")
    rule("fiber", package=fiber)
    rule("home", applies_to="change", package=fiber, connection_type="pppoe")  # only for package changes

    plain = make_subscription()
    on_fiber = make_subscription(package=fiber)
    static = make_subscription(connection_type="static", static_ip="10.9.8.7", username="")

    assert Contract.objects.get(subscription=plain).template.key == "home"
    assert Contract.objects.get(subscription=on_fiber).template.key == "fiber"
    assert Contract.objects.get(subscription=static).template.key == "static"


def test_the_template_is_taken_in_the_customers_language(template):
    services.contract_template_save(actor=None, key="home", language="bn", title="হোম ইন্টারনেট চুক্তি", body=BODY)
    rule()
    subscription = make_subscription(customer=make_customer(language="bn"))
    assert Contract.objects.get(subscription=subscription).template.language == "bn"


def test_a_package_change_drafts_a_replacement_that_ends_the_old_contract_when_signed(template, subscription, django_capture_on_commit_callbacks):
    rule(fee_kind="per_month", fee_value=Decimal("300"))
    old = services.contract_send(actor=None, contract=services.contract_create(
        actor=None, subscription=subscription, template=template, term_months=24, fee_kind="per_month", fee_value=Decimal("300")))
    start_signing(old)
    sign(old)
    stale = services.contract_create(actor=None, subscription=subscription, template=template)  # an unsigned draft

    with django_capture_on_commit_callbacks(execute=True):
        package_change_make(actor=None, subscription=subscription, to_package=PackageFactory(price=Decimal("2000.00"), minimum_term_months=12))

    stale.refresh_from_db()
    old.refresh_from_db()
    new = Contract.objects.get(subscription=subscription, replaces=old)
    assert stale.status == Contract.Status.VOID and "Package changed" in stale.end_reason
    assert old.status == Contract.Status.ACTIVE, "the old contract stays in force until the new one is signed"
    assert new.status == Contract.Status.SENT and new.term_months >= 23, "the months left on the old term are kept"
    assert new.monthly_price > old.monthly_price

    start_signing(new)
    sign(new)

    old.refresh_from_db()
    new.refresh_from_db()
    assert new.status == Contract.Status.ACTIVE
    assert old.status == Contract.Status.TERMINATED and new.number in old.end_reason
    assert old.fee_charge is None and not OneTimeCharge.objects.filter(kind="termination").exists(), "a replacement charges no fee"
    assert old.events.filter(action="replaced").exists()


def test_a_package_change_without_a_rule_voids_unsigned_contracts_only(template, subscription):
    draft = services.contract_create(actor=None, subscription=subscription, template=template)
    package_change_make(actor=None, subscription=subscription, to_package=PackageFactory(price=Decimal("2000.00")))
    draft.refresh_from_db()
    assert draft.status == Contract.Status.VOID
    assert Contract.objects.filter(subscription=subscription).count() == 1


def test_a_cancelled_subscription_voids_its_automatic_contract(template):
    rule()
    subscription = make_subscription(activate=True)
    subscription_cancel(actor=None, subscription=subscription, reason="Moved away")
    assert Contract.objects.get(subscription=subscription).status == Contract.Status.VOID


def test_staff_add_and_remove_a_rule_on_the_rules_screen(staff_client, template):
    url = reverse("staff:contracttemplate-rules")
    page = staff_client.get(url)
    assert page.status_code == 200 and "No rules yet" in page.content.decode()

    bad = staff_client.post(url, {"template_key": "home", "applies_to": "both", "fee_kind": "percent", "fee_value": "150",
                                  "notice_days": "30"})
    assert bad.status_code == 400 and not ContractRule.objects.exists()

    staff_client.post(url, {"template_key": "home", "applies_to": "new", "fee_kind": "fixed", "fee_value": "1000",
                            "notice_days": "30", "auto_renew": "on", "send_at_once": "on"})
    created = ContractRule.objects.get()
    assert (created.applies_to, created.fee_value, created.send_at_once) == ("new", Decimal("1000.00"), True)

    staff_client.post(reverse("staff:contracttemplate-rule-delete", args=[created.pk]))
    assert not ContractRule.objects.exists()


def test_a_cashier_cannot_add_rules_and_nothing_changes(client, template):
    from tests.factories import UserFactory

    client.force_login(UserFactory(roles=["Cashier"]))
    response = client.post(reverse("staff:contracttemplate-rules"), {"template_key": "home", "applies_to": "both",
                                                                     "fee_kind": "none", "notice_days": "30"})
    assert response.status_code == 403 and not ContractRule.objects.exists()
