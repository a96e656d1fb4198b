"""Contracts: templates, lifecycle, signing, evidence, tamper detection, renewals and termination fees."""

import re
from datetime import timedelta
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.core.management import call_command
from django.db import DatabaseError, connection, transaction
from django.utils import timezone, translation

from billing.models import Invoice, OneTimeCharge
from contracts import services, signing
from contracts.chain import chain_verify
from contracts.models import Contract, ContractEvent, ContractTemplate, Signature
from ispbill.accounts.models import OneTimeCode
from ispbill.notify.models import Message
from tests.contracts.conftest import BODY, CODE, sign, signature_png, start_signing
from tests.factories import make_subscription
from usecases.subscription_cancel import subscription_cancel

D = Decimal
pytestmark = pytest.mark.usefixtures("fixed_code")


def state(contract) -> tuple:
    contract.refresh_from_db()
    return (contract.status, contract.signed_at, Signature.objects.count(), ContractEvent.objects.filter(contract=contract).count())


# Templates ----------------------------------------------------------------------------------------


def test_a_template_with_an_unknown_variable_is_refused_and_nothing_is_saved(template):
    with pytest.raises(ValidationError) as refused:
        services.contract_template_save(actor=None, key="home", language="en", title="T", body="Hello {{ customer_nmae }}")
    assert "customer_nmae" in str(refused.value)
    with pytest.raises(ValidationError):
        services.contract_template_save(actor=None, key="home", language="en", title="T", body="Hello {% if x %}")
    assert ContractTemplate.objects.count() == 1


def test_saving_a_template_writes_a_new_version_and_a_contract_keeps_its_version(template, subscription):
    contract = services.contract_create(actor=None, subscription=subscription, template=template)
    newer = services.contract_template_save(actor=None, key="home", language="en", title="Home v2", body=BODY + "\n\nNew clause.")
    bangla = services.contract_template_save(actor=None, key="home", language="bn", title="চুক্তি", body="{{ customer_name }} এর চুক্তি।")

    assert (newer.version, bangla.version) == (2, 1)
    contract.refresh_from_db()
    assert contract.template == template and template.version == 1


# Sending and signing --------------------------------------------------------------------------------


def test_sending_freezes_the_text_stores_the_pdf_with_its_hash_and_tells_the_customer(sent, subscription):
    assert sent.status == Contract.Status.SENT
    assert "Rahim Uddin" in sent.body_text and "500.00 for each remaining month" in sent.body_text
    assert "1050.00 BDT" in sent.body_text  # price per cycle with 5 % VAT
    content = sent.document.read()
    assert content.startswith(b"%PDF") and services.sha256(content) == sent.document_sha256
    assert Message.objects.filter(event="contract_sent", customer=subscription.customer).exists()


def test_the_customer_signs_with_the_code_and_the_evidence_is_stored(sent):
    start_signing(sent)

    signature = sign(sent)

    sent.refresh_from_db()
    assert sent.status == Contract.Status.ACTIVE and sent.signed_at
    assert (signature.signer_name, signature.phone_verified, signature.ip_address) == ("Rahim Uddin", sent.customer.phone, "203.0.113.7")
    assert signature.latitude == D("23.810300") and signature.document_sha256 == sent.document_sha256
    assert signature.consent_sha256 == services.sha256(services.consent_text_for(sent).encode())
    signed = signature.signed_pdf.read()
    assert signed.startswith(b"%PDF") and services.sha256(signed) == signature.signed_pdf_sha256
    assert signing.verify_pdf(code=sent.verify_code, content=signed) == (sent, True)
    assert chain_verify(sent) == (True, "")
    assert [e.action for e in sent.events.order_by("seq")] == ["create", "send", "code_sent", "sign", "activate"]


def test_a_wrong_code_is_refused_counts_a_try_and_after_the_limit_even_the_right_code_fails(sent, settings):
    start_signing(sent)
    before = state(sent)
    for _ in range(settings.OTP_MAX_ATTEMPTS):
        with pytest.raises(ValidationError):
            sign(sent, code="000000")
        assert state(sent) == before

    with pytest.raises(ValidationError):
        sign(sent)
    assert state(sent) == before
    assert OneTimeCode.objects.get(purpose="contract_sign").attempts == settings.OTP_MAX_ATTEMPTS


@pytest.mark.parametrize("overrides, message", [
    ({"signature_data_url": ""}, "Draw your signature"),
    ({"signature_data_url": "data:image/png;base64,AAAA"}, "Draw your signature"),
    ({"consent": False}, "Tick the box"),
    ({"consent_text": "I agree to something else"}, "Tick the box"),
    ({"signer_name": "  "}, "full name"),
])
def test_bad_signing_input_is_refused_before_the_code_is_used(sent, overrides, message):
    start_signing(sent)
    before = state(sent)

    with pytest.raises(ValidationError) as refused:
        sign(sent, **overrides)

    assert message in str(refused.value) and state(sent) == before
    assert OneTimeCode.objects.get(purpose="contract_sign").used_at is None


def test_a_blank_drawing_is_refused(sent):
    with pytest.raises(ValidationError, match="Draw your signature"):
        sign(sent, signature_data_url=signature_png(blank=True))


def test_a_signed_or_voided_contract_cannot_be_signed_again(sent, template, subscription):
    start_signing(sent)
    sign(sent)
    sent.refresh_from_db()
    before = state(sent)
    with pytest.raises(ValidationError, match="cannot be signed"):
        sign(sent)
    assert state(sent) == before

    other = services.contract_send(actor=None, contract=services.contract_create(actor=None, subscription=subscription, template=template))
    services.contract_void(actor=None, contract=other, reason="Wrong package")
    other.refresh_from_db()
    with pytest.raises(ValidationError, match="cannot be signed"):
        sign(other)
    assert not hasattr(other, "signature") or not Signature.objects.filter(contract=other).exists()


# Tamper detection --------------------------------------------------------------------------------


def test_a_changed_pdf_does_not_verify(sent):
    start_signing(sent)
    signature = sign(sent)
    signed = signature.signed_pdf.read()
    tampered = signed.replace(b"Rahim", b"Rahin", 1) if b"Rahim" in signed else signed[:-10] + b"0000000000"

    assert signing.verify_pdf(code=sent.verify_code, content=tampered)[1] is False
    assert signing.verify_pdf(code=sent.verify_code, content=signed + b"\n")[1] is False
    assert signing.verify_pdf(code=sent.verify_code, content=signed)[1] is True


def _raw(sql: str, params) -> None:
    with connection.cursor() as cursor:
        cursor.execute(sql, params)


@pytest.mark.skipif("connection.vendor == 'postgresql'", reason="PostgreSQL refuses the edit itself: see the trigger test")
def test_an_edited_event_breaks_the_hash_chain_sqlite(sent):
    event = sent.events.get(action="send")
    _raw("UPDATE contracts_contractevent SET data = %s WHERE id = %s", ['{"document_sha256": "forged"}', event.pk])
    assert chain_verify(sent) == (False, "event 2 (send) was changed")


def test_the_hash_chain_detects_an_edit_a_removal_and_a_reordering(sent):
    """Checked on copies of the rows, so it runs on PostgreSQL too, where the table itself refuses changes."""
    events = list(sent.events.order_by("seq"))
    from contracts import chain

    def verify(rows):
        with pytest.MonkeyPatch.context() as patch:
            patch.setattr(chain.ContractEvent.objects, "filter", lambda **kw: _Rows(rows))
            return chain_verify(sent)

    assert verify(events) == (True, "")
    edited = [events[0], ContractEvent(**{**_fields(events[1]), "data": {"document_sha256": "forged"}})]
    assert verify(edited) == (False, "event 2 (send) was changed")
    assert verify(events[1:]) == (False, "event 1 is missing")
    assert verify([events[0], ContractEvent(**{**_fields(events[1]), "prev_hash": "f" * 64})])[0] is False


class _Rows(list):
    def order_by(self, *_):
        return self


def _fields(event):
    return {f.attname: getattr(event, f.attname) for f in ContractEvent._meta.concrete_fields}


@pytest.mark.skipif("connection.vendor != 'postgresql'", reason="the immutability triggers are PostgreSQL's")
def test_postgresql_refuses_to_change_signed_evidence(sent):
    start_signing(sent)
    signature = sign(sent)
    for sql, params in [
        ("UPDATE contracts_signature SET signer_name = %s WHERE id = %s", ["Someone else", signature.pk]),
        ("DELETE FROM contracts_signature WHERE id = %s", [signature.pk]),
        ("UPDATE contracts_contractevent SET data = '{}' WHERE contract_id = %s", [sent.pk]),
        ("DELETE FROM contracts_contractevent WHERE contract_id = %s", [sent.pk]),
        ("UPDATE contracts_contract SET body_text = %s WHERE id = %s", ["Other terms", sent.pk]),
        ("UPDATE contracts_contract SET document_sha256 = %s WHERE id = %s", ["0" * 64, sent.pk]),
    ]:
        with pytest.raises(DatabaseError, match="immutable|cannot change|cannot be deleted"), transaction.atomic():
            _raw(sql, params)
    assert Signature.objects.get(pk=signature.pk).signer_name == "Rahim Uddin"
    assert chain_verify(sent) == (True, "")


# Lifecycle: renewals, reminders, expiry ----------------------------------------------------------------


def _signed(sent):
    start_signing(sent)
    sign(sent)
    sent.refresh_from_db()
    return sent


def test_the_daily_job_reminds_before_the_end_then_renews_once(sent):
    contract = _signed(sent)
    end = contract.end_date

    assert services.contracts_daily(today=end - timedelta(days=31))["reminded"] == 0
    assert services.contracts_daily(today=end - timedelta(days=30))["reminded"] == 1
    assert services.contracts_daily(today=end - timedelta(days=29))["reminded"] == 0
    assert Message.objects.filter(event="contract_renewal_reminder").count() >= 1

    assert services.contracts_daily(today=end)["renewed"] == 1
    assert services.contracts_daily(today=end)["renewed"] == 0
    contract.refresh_from_db()
    renewal = contract.renewal
    assert contract.status == Contract.Status.RENEWED
    assert (renewal.status, renewal.start_date, renewal.term_months) == (Contract.Status.ACTIVE, end, 12)
    assert chain_verify(contract) == (True, "") and chain_verify(renewal) == (True, "")


def test_without_auto_renewal_the_contract_expires_and_stopping_renewal_respects_the_notice_window(sent):
    contract = _signed(sent)
    services.contract_auto_renew_stop(actor=None, contract=contract, reason="Customer moving abroad")
    services.contracts_daily(today=contract.end_date)
    contract.refresh_from_db()
    assert contract.status == Contract.Status.EXPIRED

    late = Contract.objects.create(
        number="CTR-T-1", customer=contract.customer, subscription=contract.subscription, template=contract.template,
        status=Contract.Status.ACTIVE, term_months=12, start_date=timezone.localdate() - timedelta(days=350),
        end_date=timezone.localdate() + timedelta(days=10), monthly_price=D("1050"),
    )
    with pytest.raises(ValidationError, match="notice window closed"):
        services.contract_auto_renew_stop(actor=None, contract=late, reason="Too late")
    late.refresh_from_db()
    assert late.auto_renew is True


# Early termination --------------------------------------------------------------------------------


def test_cancelling_under_term_charges_the_quoted_fee_and_check_ledger_stays_clean(sent):
    contract = _signed(sent)
    quote = services.fee_quote(contract)
    assert (quote.net, quote.vat, quote.gross) == (D("6000.00"), D("300.00"), D("6300.00"))  # 12 months left × 500, + 5 % VAT

    subscription_cancel(actor=None, subscription=contract.subscription, reason="Moving house")

    contract.refresh_from_db()
    charge = contract.fee_charge
    assert contract.status == Contract.Status.TERMINATED
    assert (charge.kind, charge.amount, charge.status) == (OneTimeCharge.Kind.TERMINATION, quote.net, "invoiced")
    assert charge.invoice.total == D("6300.00")  # + 5 % VAT
    call_command("check_ledger", stdout=open("/dev/null", "w"))

    services.contract_fee_waive(actor=None, contract=contract, reason="Customer hardship, approved by manager")
    invoice = Invoice.objects.get(pk=charge.invoice_id)
    assert invoice.amount_due == D("0.00") and invoice.credit_notes.count() == 1
    call_command("check_ledger", stdout=open("/dev/null", "w"))
    with pytest.raises(ValidationError, match="already waived"):
        services.contract_fee_waive(actor=None, contract=contract, reason="again")


def test_a_fee_waived_before_cancellation_is_never_charged(sent):
    contract = _signed(sent)
    with pytest.raises(ValidationError):
        services.contract_fee_waive(actor=None, contract=contract, reason=" ")
    services.contract_fee_waive(actor=None, contract=contract, reason="Loyal customer")

    subscription_cancel(actor=None, subscription=contract.subscription, reason="Moving")

    contract.refresh_from_db()
    assert contract.status == Contract.Status.TERMINATED and contract.fee_charge is None
    assert not OneTimeCharge.objects.filter(kind="termination").exists()


def test_cancelling_voids_an_unsigned_contract_and_charges_nothing(sent):
    subscription_cancel(actor=None, subscription=sent.subscription, reason="Changed mind")
    sent.refresh_from_db()
    assert sent.status == Contract.Status.VOID and not OneTimeCharge.objects.filter(kind="termination").exists()


def test_invalid_transitions_are_refused(sent):
    with pytest.raises(ValidationError):
        services.contract_void(actor=None, contract=sent, reason="")
    contract = _signed(sent)
    with pytest.raises(ValidationError, match="cannot become"):
        services.contract_void(actor=None, contract=contract, reason="Too late")
    assert state(contract)[0] == Contract.Status.ACTIVE


def test_resend_keeps_the_document_and_tells_the_customer_again(sent):
    digest = sent.document_sha256
    services.contract_send(actor=None, contract=sent)
    sent.refresh_from_db()
    assert sent.document_sha256 == digest and sent.status == Contract.Status.SENT
    assert Message.objects.filter(event="contract_sent", customer=sent.customer).count() >= 2


def test_starting_in_the_future_signs_now_and_activates_on_the_start_date(template, subscription):
    start = timezone.localdate() + timedelta(days=5)
    contract = services.contract_send(actor=None, contract=services.contract_create(
        actor=None, subscription=subscription, template=template, start_date=start))
    start_signing(contract)
    sign(contract, code=CODE)
    contract.refresh_from_db()
    assert contract.status == Contract.Status.SIGNED
    services.contracts_daily(today=start)
    contract.refresh_from_db()
    assert contract.status == Contract.Status.ACTIVE


# The Bangla contract's wording -------------------------------------------------------------------

BN_BODY = (
    "{{ customer_name }}: প্যাকেজ {{ package_name }}, বিলিং চক্র {{ billing_cycle }}, দাম {{ price_per_cycle }}, {{ start_date }} থেকে {{ end_date }}। "
    "স্বয়ংক্রিয় নবায়ন: {{ auto_renewal }}। আগাম সমাপ্তি ফি: {{ termination_fee }}। সরঞ্জাম: {{ equipment }}।"
)


def test_a_bangla_contract_sent_from_the_english_console_has_its_terms_in_bangla(template, subscription):
    """Staff work in English; the customer reads Bangla: the values filled into the Bangla template
    (renewal, billing cycle, dates, the fee's wording) are Bangla, not the console's English."""
    subscription.customer.language = "bn"
    subscription.customer.save(update_fields=["language"])
    services.contract_template_save(actor=None, key="home", language="bn", title="চুক্তি", body=BN_BODY)
    contract = services.contract_create(
        actor=None, subscription=subscription, template=template, fee_kind="per_month", fee_value=D("300"), auto_renew=True,
    )
    with translation.override("en"):
        sent = services.contract_send(actor=None, contract=contract)

    assert sent.template.language == "bn"
    assert "স্বয়ংক্রিয় নবায়ন: হ্যাঁ" in sent.body_text
    assert "বিলিং চক্র মাসিক" in sent.body_text
    assert "দাম ৳1,050.00" in sent.body_text  # 1000 + 5 % VAT, with the taka sign
    assert "বাকি প্রতি মাসের জন্য 300.00" in sent.body_text
    assert "সরঞ্জাম: নেই" in sent.body_text  # no equipment given
    words = re.findall(r"[A-Za-z]{2,}", sent.body_text.replace(subscription.package.name, "").replace(sent.customer.name, ""))
    assert not words, f"English left in the Bangla contract: {words}"
    # The English template, sent from a Bangla session, stays English.
    with translation.override("bn"):
        english = services.contract_send(actor=None, contract=services.contract_create(
            actor=None, subscription=make_subscription(package=subscription.package, activate=True), template=template))
    assert "per billing cycle (Monthly)" in english.body_text


def test_a_percentage_fee_reads_50_percent_not_in_exponent_form(template, subscription):
    contract = services.contract_create(
        actor=None, subscription=subscription, template=template, fee_kind="percent", fee_value=D("50"),
    )
    sent = services.contract_send(actor=None, contract=contract)
    assert "50% of the remaining value" in sent.body_text and "E+" not in sent.body_text
