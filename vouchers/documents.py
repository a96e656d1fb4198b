"""A batch's cards for printing: an A4 PDF of cards (English or Bangla, the ISP's name and logo, a QR code
that opens the hotspot login with the code filled in) and a CSV for a card printer. Both read the
batch's sealed codes (`selectors.batch_codes`); nothing else ever shows a code."""

from __future__ import annotations

import io
import struct
import zlib
from pathlib import Path

import segno
from django.conf import settings
from django.template.loader import render_to_string
from django.utils import translation
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from billing.selectors import current_billing_settings
from ispbill.core import csvfiles
from ispbill.core.money import format_money
from ispbill.core.pdf import html_to_pdf

from . import codes as card_codes
from .models import VoucherBatch, format_serial
from .selectors import batch_codes

STYLESHEET = Path(__file__).resolve().parent / "templates" / "vouchers" / "documents" / "cards.css"
CARDS_PER_PAGE = 10
MAX_PRINT = 5_000
LANGUAGES = ("en", "bn")


def plan_terms(plan) -> str:
    """"1 day · 2048 MB · 1 device": what a card gives, in the active language."""
    duration = {
        "hours": ngettext("%(n)s hour", "%(n)s hours", plan.duration),
        "days": ngettext("%(n)s day", "%(n)s days", plan.duration),
        "months": ngettext("%(n)s month", "%(n)s months", plan.duration),
    }[plan.duration_unit] % {"n": plan.duration}
    data = _("%(mb)s MB") % {"mb": plan.data_mb} if plan.data_mb else _("Unlimited data")
    devices = ngettext("%(n)s device", "%(n)s devices", plan.devices) % {"n": plan.devices}
    speed = _("%(mbps)s Mbit/s") % {"mbps": f"{plan.download_kbps / 1024:.3g}"}
    return f"{duration} · {data} · {speed} · {devices}"


def login_url(code: str) -> str:
    return settings.VOUCHER_LOGIN_URL.replace("{code}", code)


def _png_chunk(tag: bytes, data: bytes) -> bytes:
    return struct.pack(">I", len(data)) + tag + data + struct.pack(">I", zlib.crc32(tag + data))


def _matrix_bits(qr) -> int:
    """A QR code's modules as one integer, row by row, the first module the highest bit (1 = dark)."""
    return int("".join("1" if module else "0" for row in qr.matrix for module in row), 2)


def _png(bits: int, size: int) -> bytes:
    """A 1-bit greyscale PNG of `size` × `size` modules from `_matrix_bits` (a dark module is black, 0)."""
    pad = -size % 8
    row_mask = (1 << size) - 1
    width = (size + pad) // 8
    raw = bytearray()
    for shift in range((size - 1) * size, -1, -size):
        raw.append(0)  # no filter
        raw += ((((bits >> shift) & row_mask) ^ row_mask) << pad).to_bytes(width, "big")
    return (b"\x89PNG\r\n\x1a\n" + _png_chunk(b"IHDR", struct.pack(">IIBBBBB", size, size, 1, 0, 0, 0, 0))
            + _png_chunk(b"IDAT", zlib.compress(bytes(raw), 6)) + _png_chunk(b"IEND", b""))


def _segno(content: bytes, version: int | None = None):
    return segno.make_qr(content, error="m", mask=0, version=version, mode="byte", boost_error=False)


class CardQR:
    """The QR codes of card links that differ only in the card's code, made by XOR instead of encoding.

    A QR code of fixed version, error level, mask and byte-mode length is affine in its data bits over
    GF(2): the data codewords are the bits themselves, Reed-Solomon error correction is linear over
    GF(256) (so over GF(2)), interleaving and placement move bits, the mask XORs a fixed pattern and the
    finder, timing and format patterns are fixed. So once the code of one link (`base`) and, for each
    bit a card's code can change, the modules that bit flips (`flips`) are known, any card's QR code is
    `base` XOR the flips of the bits where its link differs: a few dozen integer XORs instead of
    segno's encoding (about 4 ms a card, most of a thousand-card PDF's time). The table is built once
    per link template in a process (1 + 8 × characters of code links encoded by segno). Mask 0 rather
    than segno's search for the best of eight (any mask makes a valid code). tests/vouchers/
    test_documents.py checks the result against segno's own for random codes."""

    def __init__(self, template: str):
        first, second = (template.replace("{code}", ch * card_codes.LENGTH).encode() for ch in "23")
        self.positions = [i for i, (a, b) in enumerate(zip(first, second)) if a != b]
        base_qr = _segno(first)
        self.version, self.size = base_qr.version, len(base_qr.matrix)
        self.base_link, self.base = first, _matrix_bits(base_qr)
        self.flips: dict[tuple[int, int], int] = {}
        for position in self.positions:
            for bit in range(8):
                changed = bytearray(first)
                changed[position] ^= 1 << bit
                self.flips[(position, bit)] = _matrix_bits(_segno(bytes(changed), self.version)) ^ self.base

    def png(self, link: str) -> bytes:
        data = link.encode()
        if len(data) != len(self.base_link):
            raise ValueError("a link of another length than the template's")
        bits = self.base
        for position in self.positions:
            diff = data[position] ^ self.base_link[position]
            bit = 0
            while diff:
                if diff & 1:
                    bits ^= self.flips[(position, bit)]
                diff >>= 1
                bit += 1
        return _png(bits, self.size)


_card_qr: dict[str, CardQR] = {}


def card_qr(template: str) -> CardQR:
    """The table of the login link template `template`, built on first use in this process."""
    found = _card_qr.get(template)
    if found is None:
        found = _card_qr[template] = CardQR(template)
    return found


def qr_png(link: str) -> bytes:
    """The QR code of any link, encoded by segno (the reference `CardQR` is checked against)."""
    qr = _segno(link.encode())
    return _png(_matrix_bits(qr), len(qr.matrix))


def logo_file() -> Path | None:
    """The ISP's logo (Settings → Billing) as a file on this machine, or None (none set, or kept where
    no local path reaches it)."""
    cfg = current_billing_settings()
    if not cfg.logo:
        return None
    try:
        path = Path(cfg.logo.path)
    except (ValueError, NotImplementedError):
        return None
    return path if path.is_file() else None


def _logo_url() -> str:
    path = logo_file()
    return path.as_uri() if path else ""


def cards_pdf(*, batch: VoucherBatch, language: str = "en", first_serial: int | None = None, last_serial: int | None = None) -> bytes:
    """The cards from `first_serial` to `last_serial` (default: the whole batch, at most MAX_PRINT),
    ten to an A4 page, in `language`."""
    language = language if language in LANGUAGES else "en"
    plan = batch.plan
    cfg = current_billing_settings()
    logo = _logo_url()
    images: dict[str, bytes] = {}
    cards = []
    qr = card_qr(settings.VOUCHER_LOGIN_URL)
    for serial, code in batch_codes(batch=batch, first_serial=first_serial, last_serial=last_serial):
        url = f"file:///cards/qr/{serial}.png"  # a name in `images`, never a file
        # PNG rather than inline SVG: WeasyPrint parses an SVG path in Python, ten times the cost of
        # placing an image; in memory rather than files written and read back.
        images[url] = qr.png(login_url(code))
        cards.append({"serial": format_serial(serial), "code": card_codes.display(code), "qr": url})
    with translation.override(language):
        pages = [cards[i:i + CARDS_PER_PAGE] for i in range(0, len(cards), CARDS_PER_PAGE)]
        # The words every card repeats, translated once rather than per card.
        html = render_to_string("vouchers/documents/cards.html", {
            "batch": batch, "pages": pages, "cfg": cfg, "logo_url": logo, "language": language,
            "plan_name": plan.name_in(language),
            "terms": plan_terms(plan), "price": format_money(batch.unit_price),
            "serial_label": _("Serial"),
            "use_by": _("Use by %(day)s") % {"day": date_format(batch.unused_expires_on, "d.m.Y")},
            "how_to": _("Join the Wi-Fi, then scan the code or open %(host)s and type the card code.") % {
                "host": login_url("").split("//", 1)[-1].split("/", 1)[0]},
        })
        return html_to_pdf(html, files=[logo] if logo else [], stylesheet=STYLESHEET, images=images)


def cards_csv(*, batch: VoucherBatch) -> str:
    """One line per card for a card printer: serial, code (grouped as printed), the login link with the
    code, the plan, the price, the last day to use it."""
    out = io.StringIO()
    write = csvfiles.writer(out)
    write.writerow(["serial", "code", "login_url", "plan", "price", "use_by", "batch"])
    plan, price, use_by = batch.plan.name, f"{batch.unit_price:.2f}", batch.unused_expires_on.isoformat()
    for serial, code in batch_codes(batch=batch):
        write.writerow([format_serial(serial), card_codes.display(code), login_url(code), plan, price, use_by, batch.number])
    return out.getvalue()
