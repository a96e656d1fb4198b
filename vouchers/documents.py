"""A batch's cards for printing: an A4 PDF of cards (English or Bangla, the ISP's name and logo, a QR code
that opens the hotspot login with the code filled in) and a CSV for a card printer. Both read the
batch's sealed codes (`selectors.batch_codes`); nothing else ever shows a code."""

from __future__ import annotations

import io
import tempfile
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


def _qr_png(code: str, folder: Path) -> str:
    """The card's QR code as a small PNG file (one pixel per module; the CSS scales it, without smoothing)
    and its file URL. PNG rather than inline SVG: WeasyPrint parses an SVG path in Python, ten times the
    cost of placing an image. Mask 0 rather than segno's search for the best of eight (any mask is a
    valid code; the search was most of the encoding time)."""
    path = folder / f"{code}.png"
    segno.make(login_url(code), error="m", mask=0).save(str(path), kind="png", scale=1, border=0)
    return path.as_uri()


def _logo_url() -> str:
    cfg = current_billing_settings()
    if not cfg.logo:
        return ""
    try:
        path = Path(cfg.logo.path)
    except (ValueError, NotImplementedError):
        return ""
    return path.as_uri() if path.is_file() else ""


def cards_pdf(*, batch: VoucherBatch, language: str = "en", first_serial: int | None = None, last_serial: int | None = None) -> bytes:
    """The cards from `first_serial` to `last_serial` (default: the whole batch, at most MAX_PRINT),
    ten to an A4 page, in `language`."""
    language = language if language in LANGUAGES else "en"
    plan = batch.plan
    cfg = current_billing_settings()
    logo = _logo_url()
    with tempfile.TemporaryDirectory(prefix="cards-") as folder, translation.override(language):
        cards = [
            {"serial": format_serial(serial), "code": card_codes.display(code), "qr": _qr_png(code, Path(folder))}
            for serial, code in batch_codes(batch=batch, first_serial=first_serial, last_serial=last_serial)
        ]
        pages = [cards[i:i + CARDS_PER_PAGE] for i in range(0, len(cards), CARDS_PER_PAGE)]
        # The words every card repeats, translated once rather than per card.
        html = render_to_string("vouchers/documents/cards.html", {
            "batch": batch, "pages": pages, "cfg": cfg, "logo_url": logo, "language": language,
            "plan_name": (plan.name_bn or plan.name) if language == "bn" else plan.name,
            "terms": plan_terms(plan), "price": format_money(batch.unit_price),
            "code_label": _("Card code"), "serial_label": _("Serial"),
            "use_by": _("Use by %(day)s") % {"day": date_format(batch.unused_expires_on, "d.m.Y")},
            "how_to": _("Join the Wi-Fi, then scan the code or open %(host)s and type the card code.") % {
                "host": login_url("").split("//", 1)[-1].split("/", 1)[0]},
        })
        files = [card["qr"] for card in cards] + ([logo] if logo else [])
        return html_to_pdf(html, files=files, stylesheet=STYLESHEET)


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
