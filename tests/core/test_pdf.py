import io
from pathlib import Path

from pypdf import PdfReader

from ispbill.core.pdf import html_to_pdf

PNG_1PX = bytes.fromhex(
    "89504e470d0a1a0a0000000d4948445200000001000000010806000000"
    "1f15c4890000000d49444154789c6360f8cfc0000003010100c9fe92ef0000000049454e44ae426082"
)


def _images(pdf: bytes) -> int:
    return sum(len(page.images) for page in PdfReader(io.BytesIO(pdf)).pages)


def test_a_document_loads_the_files_it_is_given_and_nothing_else(tmp_path: Path):
    logo, secret = tmp_path / "logo.png", tmp_path / "other.png"
    logo.write_bytes(PNG_1PX)
    secret.write_bytes(PNG_1PX)
    html = f'<p>Invoice</p><img src="{logo.as_uri()}"><img src="{secret.as_uri()}"><img src="http://127.0.0.1:9/x.png">'

    allowed = html_to_pdf(html, files=[logo.as_uri()])
    nothing = html_to_pdf(html)

    assert "Invoice" in PdfReader(io.BytesIO(allowed)).pages[0].extract_text()
    assert _images(allowed) == 1  # the named logo only: not the other file, not the network
    assert _images(nothing) == 0
