"""Contract PDFs through `ispbill.core.pdf`: the document the customer reads and signs, and the
signed copy — the same text with the drawn signature and a certificate page of the evidence.

The PDF shown is rendered once, when the contract is sent, and stored with its SHA-256: a later
render would differ in its timestamps, and the signature covers exactly the bytes shown.
"""

import hashlib
from pathlib import Path

from django.conf import settings
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation

from billing.selectors import current_billing_settings
from ispbill.core.pdf import html_to_pdf

STYLESHEET = Path(__file__).resolve().parent / "templates" / "contracts" / "documents" / "contract.css"


def sha256(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def _paragraphs(text: str) -> list[str]:
    return [block.strip() for block in text.replace("\r\n", "\n").split("\n\n") if block.strip()]


def contract_pdf(contract, *, signature=None, signature_file: str = "") -> bytes:
    """The contract as a PDF; with `signature` (and its image's file path) the signed copy."""
    files = [Path(signature_file).as_uri()] if signature_file else []
    with translation.override(contract.template.language):
        html = render_to_string("contracts/documents/contract.html", {
            "contract": contract, "customer": contract.customer, "cfg": current_billing_settings(),
            "paragraphs": _paragraphs(contract.body_text), "signature": signature,
            "signature_url": files[0] if files else "", "generated_at": timezone.localtime(),
            "verify_url": f"{settings.SITE_URL.rstrip('/')}{reverse('contract-verify', args=[contract.verify_code])}",
        })
    return html_to_pdf(html, files=files, stylesheet=STYLESHEET)
