"""MD4 against RFC 1320's test suite, and the NT hash against the values other systems compute."""

import pytest

from ispbill.core.nthash import md4, nt_password_hash


@pytest.mark.parametrize("message,digest", [
    (b"", "31d6cfe0d16ae931b73c59d7e0c089c0"),
    (b"a", "bde52cb31de33e46245e05fbdbd6fb24"),
    (b"abc", "a448017aaf21d8525fc10ae87aa6729d"),
    (b"message digest", "d9130a8164549fe818874806e1c7014b"),
    (b"abcdefghijklmnopqrstuvwxyz", "d79e1c308aa5bbcdeea8ed63df412da9"),
    (b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789", "043f8582f241db351ce627e153e7f0e4"),
    (b"1234567890" * 8, "e33b4ddc9c38f2199c3e7b164fcc0536"),
])
def test_md4_matches_rfc_1320_test_suite(message, digest):
    assert md4(message).hex() == digest


def test_nt_hash_matches_the_well_known_values():
    # "password" is the textbook NT hash; "SecREt01" is the example of the NTLM specification (MS-NLMP).
    assert nt_password_hash("password") == "8846F7EAEE8FB117AD06BDD830B7586C"
    assert nt_password_hash("SecREt01") == "CD06CA7C7E10C99B1D33B7485A2ED808"
    assert nt_password_hash("") == ""


def test_nt_hash_of_a_non_ascii_password_uses_utf16():
    assert nt_password_hash("পাসওয়ার্ড") == md4("পাসওয়ার্ড".encode("utf-16-le")).hex().upper()
    assert len(nt_password_hash("x" * 200)) == 32
