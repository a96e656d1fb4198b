"""verify_ipn_signature against an independent oracle: sslcommerz-lib's hash_validate_ipn (a dev-only
dependency) must agree with us on every payload where both signatures are consistent."""

import pytest
from hypothesis import given
from hypothesis import settings as hsettings
from hypothesis import strategies as st
from sslcommerz_lib import SSLCOMMERZ

from payments.sslcommerz import parse_amount, redact, sign, verify_ipn_signature

PASSWORD = "store-pass@ssl"
keys = st.text(alphabet="abcdefghijklmnopqrstuvwxyz_", min_size=1, max_size=12).filter(
    lambda k: k not in ("verify_key", "verify_sign", "verify_sign_sha2", "store_passwd")
)
payloads = st.dictionaries(keys, st.text(max_size=30), min_size=1, max_size=12)


def oracle(payload: dict, password: str = PASSWORD) -> bool:
    return SSLCOMMERZ({"store_id": "x", "store_pass": password, "issandbox": True}).hash_validate_ipn(dict(payload))


def signed(payload: dict, password: str = PASSWORD) -> dict:
    return {**payload, **sign(payload, password)}


IPN = {
    "tran_id": "ISP261122ABCDEF", "val_id": "2611221234ABCDE", "amount": "1150.00", "card_type": "BKASH-BKash",
    "store_amount": "1121.25", "bank_tran_id": "26112212345", "status": "VALID", "currency": "BDT",
    "store_id": "ispbilldemo", "risk_level": "0", "risk_title": "Safe", "value_a": "CT-2026-00042",
}


@hsettings(max_examples=150, deadline=None)
@given(payloads)
def test_a_correctly_signed_payload_is_accepted_by_us_and_by_the_oracle(payload):
    data = signed(payload)
    assert verify_ipn_signature(data, PASSWORD) is True
    assert oracle(data) is True


@hsettings(max_examples=150, deadline=None)
@given(payloads, st.data())
def test_a_tampered_value_is_refused_by_us_and_by_the_oracle(payload, data):
    message = signed(payload)
    key = data.draw(st.sampled_from(sorted(payload)))
    message[key] = message[key] + "1"
    assert verify_ipn_signature(message, PASSWORD) is False
    assert oracle(message) is False


@pytest.mark.parametrize("password", ["", "wrong", PASSWORD.upper()])
def test_a_payload_signed_with_another_stores_password_is_refused_by_both(password):
    data = signed(IPN, "another-merchant")
    assert verify_ipn_signature(data, password or PASSWORD) is False
    assert oracle(data, password or PASSWORD) is False


def test_missing_signature_fields_are_refused_by_both():
    for missing in ("verify_sign", "verify_key"):
        data = signed(IPN)
        del data[missing]
        assert verify_ipn_signature(data, PASSWORD) is False
        assert oracle(data) is False


def test_we_also_require_the_sha2_signature_which_the_oracle_ignores():
    data = signed(IPN)
    data["verify_sign_sha2"] = "0" * 64
    assert oracle(data) is True  # the library checks MD5 only
    assert verify_ipn_signature(data, PASSWORD) is False
    del data["verify_sign_sha2"]
    assert verify_ipn_signature(data, PASSWORD) is False


@pytest.mark.parametrize(
    "change",
    [
        {"verify_key": "tran_id,no_such_field"},
        {"verify_key": ""},
        {"verify_key": ",,,"},
        {"verify_sign": "ZZ" * 16},
        {"verify_sign": "é" * 32},
        {"verify_sign": None},
        {"verify_sign_sha2": "short"},
        {"verify_key": ["tran_id"]},
    ],
)
def test_malformed_signatures_give_false_never_an_exception(change):
    data = {**signed(IPN), **change}
    assert verify_ipn_signature(data, PASSWORD) is False


def test_a_verify_key_naming_an_absent_field_makes_the_oracle_crash_but_not_us():
    data = {**signed(IPN), "verify_key": "tran_id,absent"}
    with pytest.raises(KeyError):
        oracle(data)
    assert verify_ipn_signature(data, PASSWORD) is False


def test_store_passwd_in_the_payload_cannot_replace_the_real_one():
    forged = {**IPN, "store_passwd": "attacker"}
    data = {**forged, **sign(forged, "attacker")}
    data["verify_key"] = ",".join([*IPN, "store_passwd"])
    assert verify_ipn_signature(data, PASSWORD) is False


def test_amounts_are_parsed_exactly_and_secrets_redacted():
    assert parse_amount("1150.00") == parse_amount("1150") and parse_amount("1150.001") != parse_amount("1150.00")
    assert parse_amount("abc") is None and parse_amount("NaN") is None and parse_amount(1.5) is None
    cleaned = redact({"store_passwd": "p", "verify_sign": "s", "element": [{"verify_sign_sha2": "x", "amount": "1"}]})
    assert cleaned == {"store_passwd": "•••", "verify_sign": "•••", "element": [{"verify_sign_sha2": "•••", "amount": "1"}]}
