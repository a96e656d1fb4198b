"""The cards' QR codes made by XOR (`documents.CardQR`) are exactly segno's, module for module, for any
code and login-link template; the PDF carries them from memory."""

import io
import subprocess

import pytest
from PIL import Image

from vouchers import codes, documents

pytestmark = pytest.mark.django_db

TEMPLATES = [
    "http://10.5.50.1/login?username={code}&password={code}",
    "https://wifi.example.net/c/{code}",
    "HTTP://HOTSPOT.LAN/LOGIN?DST=&USERNAME={code}&PASSWORD={code}&REMEMBER=1&X=" + "Y" * 40,
]


@pytest.mark.parametrize("template", TEMPLATES)
def test_card_qr_is_segnos_qr_code(template):
    table = documents.CardQR(template)
    for code in [*codes.new_codes(40), "2" * 12, "Z" * 12]:
        link = template.replace("{code}", code)
        assert table.png(link) == documents.qr_png(link), code


def test_the_png_is_the_qr_codes_modules():
    import segno

    link = "http://10.5.50.1/login?username=ABCDEFGHJKMN&password=ABCDEFGHJKMN"
    ours = Image.open(io.BytesIO(documents.card_qr("http://10.5.50.1/login?username={code}&password={code}").png(link))).convert("L")
    qr = segno.make_qr(link.encode(), error="m", mask=0, mode="byte", boost_error=False)
    assert ours.size == (len(qr.matrix), len(qr.matrix))
    assert all(ours.getpixel((x, y)) == (0 if dark else 255) for y, row in enumerate(qr.matrix) for x, dark in enumerate(row))


def test_a_link_of_another_length_is_refused():
    with pytest.raises(ValueError):
        documents.CardQR("http://a/{code}").png("http://a/TOO-LONG-FOR-THE-TEMPLATE")


def test_every_code_on_a_printed_sheet_copies_as_typed(monkeypatch):
    # Kerning pulled pairs such as "AJ" apart under the code's letter spacing, so a code copied from the
    # PDF (and pdftotext, which finds words by gaps) read "A J"; every pair of the alphabet is printed once.
    from tests.vouchers.helpers import make_batch

    pairs = "".join(a + b for a in codes.ALPHABET for b in codes.ALPHABET)
    every_pair = [pairs[i:i + codes.LENGTH] for i in range(0, len(pairs) - codes.LENGTH + 1, codes.LENGTH)]
    monkeypatch.setattr(codes, "new_codes", lambda count: every_pair[:count])
    batch = make_batch(count=len(every_pair))
    text = subprocess.run(["pdftotext", "-layout", "-", "-"], input=documents.cards_pdf(batch=batch),
                          capture_output=True, check=True).stdout.decode()
    unreadable = [codes.display(code) for code in every_pair if codes.display(code) not in text]
    assert not unreadable
