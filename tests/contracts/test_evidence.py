"""The evidence of a signed contract covers what was agreed and the files we keep, not only the events:
the signing event chains the hash of the terms as signed, and `/verify/` (and the staff page)
recompute the terms' hash and the stored PDFs' hashes and say "altered" when any differs."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.urls import reverse

from contracts import chain, signing
from contracts.models import Contract
from tests.contracts.conftest import sign, start_signing

pytestmark = pytest.mark.usefixtures("fixed_code")


@pytest.fixture
def signed(sent):
    start_signing(sent)
    signature = sign(sent)
    sent.refresh_from_db()
    return sent, signature, signature.signed_pdf.read()


def _verify_page(client, contract, content=None):
    url = reverse("contract-verify", args=[contract.verify_code])
    if content is None:
        return client.get(url)
    return client.post(url, {"document": SimpleUploadedFile("c.pdf", content, "application/pdf")})


def test_the_signing_event_chains_the_terms_as_signed_and_an_untouched_contract_verifies(client, signed):
    contract, _signature, pdf = signed
    event = contract.events.get(action="sign")
    assert event.data["terms_sha256"] == chain.terms_sha256(contract)
    assert chain.evidence_verify(contract) == (True, "")
    page = _verify_page(client, contract).content.decode()
    assert "Altered" not in page
    assert "Verified" in _verify_page(client, contract, pdf).content.decode()


def test_terms_changed_after_signing_are_reported_altered(client, staff_client, signed):
    contract, _signature, pdf = signed
    Contract.objects.filter(pk=contract.pk).update(fee_value="9999.00")  # the database lets this field move

    assert chain.evidence_verify(contract) == (False, "the terms were altered after signing")
    assert 'id="verify-altered"' in _verify_page(client, contract).content.decode()
    checked = _verify_page(client, contract, pdf).content.decode()
    assert 'id="verify-altered"' in checked and "Verified:" not in checked
    assert signing.verify_pdf(code=contract.verify_code, content=pdf)[1] is False
    detail = staff_client.get(reverse("staff:contract-detail", args=[contract.pk])).content.decode()
    assert "hash chain broken" in detail and "terms were altered" in detail


@pytest.mark.skipif("connection.vendor == 'postgresql'", reason="PostgreSQL refuses to change a signed contract's text")
def test_the_text_changed_after_signing_is_reported_altered(signed):
    contract, _signature, _pdf = signed
    Contract.objects.filter(pk=contract.pk).update(body_text=contract.body_text.replace("Early-termination", "No"))
    assert chain.evidence_verify(Contract.objects.get(pk=contract.pk))[1] == "the terms were altered after signing"


def test_a_stored_signed_pdf_replaced_on_disk_is_reported_altered(client, signed):
    contract, signature, pdf = signed
    with open(signature.signed_pdf.path, "wb") as stored:
        stored.write(pdf.replace(b"Rahim", b"Rahin", 1) if b"Rahim" in pdf else pdf + b"%")

    assert chain.evidence_verify(contract) == (False, "the stored signed PDF was altered")
    page = _verify_page(client, contract, pdf).content.decode()
    assert 'id="verify-altered"' in page and "Verified:" not in page


def test_a_stored_signed_pdf_that_is_gone_is_reported_altered(signed):
    contract, signature, _pdf = signed
    signature.signed_pdf.storage.delete(signature.signed_pdf.name)
    assert chain.evidence_verify(contract) == (False, "the stored signed PDF was altered")


def test_the_stored_document_shown_to_the_signer_replaced_is_reported_altered(signed):
    contract, _signature, _pdf = signed
    with open(contract.document.path, "ab") as stored:
        stored.write(b"\n% an added page")
    assert chain.evidence_verify(contract) == (False, "the stored document shown to the signer was altered")


@pytest.mark.parametrize("data", [{}, {"document": "not a file"}])
def test_a_malformed_check_answers_400_and_says_nothing_verified(client, signed, data):
    contract, _signature, _pdf = signed
    response = client.post(reverse("contract-verify", args=[contract.verify_code]), data)
    assert response.status_code == 400 and "Verified:" not in response.content.decode()


def test_an_unknown_code_is_404(client, db):
    assert client.get(reverse("contract-verify", args=["no-such-code"])).status_code == 404
    assert connection.vendor in ("postgresql", "sqlite")
