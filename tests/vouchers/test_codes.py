"""Card codes: unguessable, unambiguous, found by a keyed hash."""

import hashlib
import hmac

from django.test import override_settings

from vouchers import codes


def test_codes_are_distinct_of_the_unambiguous_alphabet_and_length():
    made = codes.new_codes(5000)
    assert len(made) == len(set(made)) == 5000
    assert all(len(code) == codes.LENGTH for code in made)
    letters = set("".join(made))
    assert letters <= set(codes.ALPHABET)
    assert not letters & set("01OIL5S")
    # Every letter of the alphabet turns up (rejection sampling, no letter left out).
    assert letters == set(codes.ALPHABET)


def test_typed_code_is_normalised_before_hashing():
    code = "ABCD2346EFGH"
    assert codes.normalise("abcd-2346 efgh") == code
    assert codes.code_hmac("abcd 2346-efgh") == codes.code_hmac(code)
    assert codes.display(code) == "ABCD-2346-EFGH"


@override_settings(VOUCHER_HMAC_KEY="k1")
def test_hmac_is_keyed_sha256_of_the_code():
    expected = hmac.new(b"k1", b"ABCD2346EFGH", hashlib.sha256).hexdigest()
    assert codes.code_hmac("ABCD2346EFGH") == expected
    assert codes.hmacs(["ABCD2346EFGH"]) == [expected]
    assert expected != hashlib.sha256(b"ABCD2346EFGH").hexdigest()
    with override_settings(VOUCHER_HMAC_KEY="k2"):
        assert codes.code_hmac("ABCD2346EFGH") != expected
