import unicodedata
from datetime import date
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError

from ispbill.notify.events import EVENTS, Event, event_spec
from ispbill.notify.rendering import Amount, prepare_context, render, sms_parts, validate_template

INVOICE_VARIABLES = event_spec(Event.INVOICE_ISSUED).variable_names


def problems(source: str) -> list[str]:
    with pytest.raises(ValidationError) as caught:
        validate_template(source, variables=INVOICE_VARIABLES)
    return caught.value.messages


def test_known_variables_conditions_and_filters_are_accepted():
    validate_template(
        "{{ customer_name|upper }} {% if amount_due %}{{ amount_due }}{% elif amount %}{{ amount|default:'0' }}{% else %}-{% endif %}",
        variables=INVOICE_VARIABLES,
    )


def test_unknown_variable_is_named_in_the_error():
    assert problems("Dear {{ customer_nmae }}") == ["Unknown variable {{ customer_nmae }}."]


def test_unknown_variable_inside_a_condition_is_found_too():
    assert problems("{% if not balance_owed %}x{% endif %}") == ["Unknown variable {{ balance_owed }}."]


def test_syntax_error_is_reported():
    (message,) = problems("{% if amount_due %}unterminated")
    assert message.startswith("Template syntax error")


def test_tags_other_than_if_are_refused():
    assert "{% include %}" in problems('{% include "secret.html" %}')[0]
    assert "{% load %}" in problems("{% load static %}")[0]
    assert "{% for %}" in problems("{% for x in amount %}{{ x }}{% endfor %}")[0]


def test_attribute_access_and_unlisted_filters_are_refused():
    assert problems("{{ customer_name.upper }}") == ["Use plain variable names: “customer_name.upper” reaches into a value."]
    assert problems("{{ customer_name|safe }}") == ["The filter “safe” is not allowed here."]


def test_unknown_variables_render_empty_at_send_time():
    assert render("Hi {{ customer_name }}{{ nothing }}!", {"customer_name": "Rina"}) == "Hi Rina!"


def test_sms_text_is_not_html_escaped():
    assert render("{{ customer_name }}", {"customer_name": "Tom & Jerry <ISP>"}) == "Tom & Jerry <ISP>"


def test_money_reads_formatted_and_tests_false_when_zero():
    context = prepare_context({"amount_due": Decimal("0.00"), "amount": Decimal("123456.5")}, "en")
    assert context["amount"] == "৳1,23,456.50"
    assert render("{% if amount_due %}pay {{ amount_due }}{% else %}nothing due{% endif %}", context) == "nothing due"
    assert bool(Amount("0.01"))


def test_dates_are_written_in_the_recipients_language():
    assert prepare_context({"due_date": date(2026, 3, 7)}, "en")["due_date"] == "7 March 2026"
    bangla = prepare_context({"due_date": date(2026, 3, 7)}, "bn")["due_date"]
    assert unicodedata.normalize("NFC", bangla) == unicodedata.normalize("NFC", "7 মার্চ 2026")


def test_every_shipped_default_is_valid_for_its_event():
    for spec in EVENTS.values():
        for text in spec.defaults.values():
            validate_template(text.body, variables=spec.variable_names)
            validate_template(text.subject, variables=spec.variable_names)


def test_shipped_invoice_sms_renders_in_english_and_bangla():
    spec = event_spec(Event.INVOICE_ISSUED)
    context = {
        "customer_name": "Rahim", "account_number": "CT-2026-00001", "isp_name": "Net", "invoice_number": "INV-2026-00009",
        "amount": Decimal("1150"), "amount_due": Decimal("1150"), "due_date": date(2026, 2, 7),
    }
    english = render(spec.defaults[("sms", "en")].body, prepare_context(context, "en"))
    bangla = render(spec.defaults[("sms", "bn")].body, prepare_context(context, "bn"))
    assert english == (
        "Dear Rahim, invoice INV-2026-00009 for ৳1,150.00 is issued. Please pay ৳1,150.00 by 7 February 2026. "
        "A/C CT-2026-00001. - Net"
    )
    # Django's Bangla month names use the precomposed য় (U+09DF): compare canonical forms.
    assert unicodedata.normalize("NFC", bangla) == unicodedata.normalize("NFC", (
        "প্রিয় Rahim, আপনার ৳1,150.00 মূল্যের বিল INV-2026-00009 ইস্যু হয়েছে। অনুগ্রহ করে 7 ফেব্রুয়ারি 2026 "
        "তারিখের মধ্যে ৳1,150.00 পরিশোধ করুন। অ্যাকাউন্ট CT-2026-00001। - Net"
    ))


def test_sms_parts_count_gsm_and_unicode_segments():
    assert sms_parts("a" * 160) == {"length": 160, "parts": 1, "encoding": "GSM-7"}
    assert sms_parts("a" * 161)["parts"] == 2
    assert sms_parts("€" * 80) == {"length": 160, "parts": 1, "encoding": "GSM-7"}
    assert sms_parts("ক" * 70) == {"length": 70, "parts": 1, "encoding": "Unicode"}
    assert sms_parts("ক" * 71)["parts"] == 2


def test_half_written_tags_are_refused_rather_than_sent_as_braces():
    assert problems("Pay {{ amount_due } now") == [
        "Unfinished tag near “Pay {{ amount_due } now”: variables are written {{ name }}, conditions {% if name %}."
    ]
