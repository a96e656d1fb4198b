"""Shared set-up for the contract tests: a template, a subscription, a contract sent for signature."""

import base64
import io
from decimal import Decimal
from unittest import mock

import pytest
from PIL import Image, ImageDraw

from contracts import services, signing
from tests.billing.test_run import configure
from tests.factories import PackageFactory, make_subscription

BODY = (
    "This agreement is between {{ isp_name }} and {{ customer_name }} ({{ account_number }}).\n\n"
    "Package {{ package_name }} at {{ price_per_cycle }} per billing cycle ({{ billing_cycle }}), for {{ term_months }} months "
    "from {{ start_date }} to {{ end_date }}. Early-termination fee: {{ termination_fee }}. Equipment: {{ equipment }}."
)
CODE = "123456"


def signature_png(*, blank: bool = False) -> str:
    image = Image.new("RGBA", (300, 120), (0, 0, 0, 0))
    if not blank:
        ImageDraw.Draw(image).line([(10, 100), (80, 20), (150, 90), (290, 30)], fill=(0, 0, 0, 255), width=4)
    buffer = io.BytesIO()
    image.save(buffer, format="PNG")
    return "data:image/png;base64," + base64.b64encode(buffer.getvalue()).decode()


@pytest.fixture
def fixed_code():
    """Every one-time code is 123456 (the real one is random and only its hash is stored)."""
    with mock.patch("ispbill.accounts.customer_security.secrets.randbelow", return_value=int(CODE)):
        yield CODE


@pytest.fixture
def template(db):
    configure(vat_rate=Decimal("5"))
    return services.contract_template_save(actor=None, key="home", language="en", title="Home internet agreement", body=BODY)


@pytest.fixture
def subscription(db):
    return make_subscription(package=PackageFactory(price=Decimal("1000.00"), minimum_term_months=12), activate=True)


@pytest.fixture
def sent(template, subscription):
    contract = services.contract_create(
        actor=None, subscription=subscription, template=template, fee_kind="per_month", fee_value=Decimal("500"),
        equipment="ONU ZTE F660",
    )
    return services.contract_send(actor=None, contract=contract)


def start_signing(contract, **session):
    """Ask for the signing code, as the portal's button does: a session for this contract only."""
    return signing.contract_signing_start(contract=contract, ip="203.0.113.7", **session)


def sign(contract, code=CODE, **overrides):
    """Sign in the contract's latest signing session (unless `session_key` is given)."""
    from contracts.models import SigningSession

    latest = SigningSession.objects.filter(contract=contract).order_by("-id").first()
    values = {
        "contract": contract, "session_key": latest.key if latest else "", "code": code, "signer_name": "Rahim Uddin", "signature_data_url": signature_png(),
        "consent": True, "consent_text": services.consent_text_for(contract), "ip": "203.0.113.7",
        "user_agent": "Mozilla/5.0 (Linux; Android 14)", "latitude": "23.8103", "longitude": "90.4125",
        "device_time": "Mon Nov 23 2026 20:10:00 GMT+0600",
    }
    values.update(overrides)
    return signing.contract_sign(**values)
