"""The MikroTik hotspot pages we provide, built per Wi-Fi zone (docs/vouchers.md, "The hotspot login
pages"): login.html, alogin.html, status.html, logout.html, error.html, rlogin.html, redirect.html, md5.js
and the Bangla font, zipped for the router's hotspot directory (`/ip hotspot profile set html-directory=`).

The pages are rendered here from Django templates (the ISP's name, its logo as a data URI and the zone's
sign-up link baked in) and then served by the router, which fills in its own `$(variables)`
(`$(link-login-only)`, `$(username)`, `$(error)`, `$(chap-id)`, `$(session-time-left)` …) and keeps or drops
`$(if …)` … `$(endif)` blocks. Everything the ISP typed is HTML-escaped and its `$` written as `&#36;`,
so a name can never become a router variable.

Both languages are in every page, side by side, and a button switches between them in the browser (no
request: the client is not online yet). The words are kept here, in both languages, rather than in the
gettext catalogue: a page on a router cannot follow the staff member's language, it must carry both.
"""

from __future__ import annotations

import base64
import io
import mimetypes
import zipfile
from pathlib import Path

from django.conf import settings
from django.template.loader import render_to_string
from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe

from billing.selectors import current_billing_settings

from .codes import ALPHABET, LENGTH
from .documents import logo_file
from .models import WifiZone

FONT_DIR = Path(settings.BASE_DIR) / "static" / "vendor" / "noto-sans-bengali"
FONT_FILE = "noto-sans-bengali-5.3.0-bengali-400.woff2"
FONT_FILE_BOLD = "noto-sans-bengali-5.3.0-bengali-700.woff2"
FONT_LICENCE = "LICENSE-noto-sans-bengali-5.3.0"
MD5_JS = Path(__file__).resolve().parent / "templates" / "vouchers" / "hotspot" / "md5.js"
PAGES = ("login.html", "alogin.html", "status.html", "logout.html", "error.html", "rlogin.html", "redirect.html")
# RouterOS asks for rlogin.html (a login started from another page) and redirect.html by name; both
# only send the browser on, so one template serves both.
TEMPLATE_OF = {"rlogin.html": "redirect.html"}
MAX_LOGO_BYTES = 200_000  # the router's flash is small; a bigger logo is left out

# key: (English, Bangla)
TEXTS = {
    "title": ("Wi-Fi login", "ওয়াই-ফাই লগইন"),
    "lead": ("Enter the code on your Wi-Fi card.", "আপনার ওয়াই-ফাই কার্ডের কোডটি লিখুন।"),
    "code": ("Card code", "কার্ড কোড"),
    "code_hint": ("12 letters and digits, as printed: ABCD-EFGH-JKMN", "কার্ডে যেমন ছাপা আছে, ১২টি অক্ষর ও সংখ্যা: ABCD-EFGH-JKMN"),
    "connect": ("Connect", "সংযোগ করুন"),
    "buy": ("Buy a plan with your phone", "ফোন দিয়ে প্যাকেজ কিনুন"),
    "buy_hint": ("Pay with bKash or Nagad: no card needed.", "bKash বা Nagad দিয়ে পেমেন্ট করুন: কার্ড লাগবে না।"),
    "scan": ("Scanned the QR code on your card? The code is filled in: just tap Connect.",
             "কার্ডের কিউআর কোড স্ক্যান করেছেন? কোড বসানো আছে: শুধু সংযোগ করুন চাপুন।"),
    "connected": ("You are connected", "আপনি সংযুক্ত"),
    "continue": ("Continue to your page", "আপনার পেজে যান"),
    "see_status": ("Time and data left", "বাকি সময় ও ডেটা"),
    "status": ("Your Wi-Fi", "আপনার ওয়াই-ফাই"),
    "card": ("Card", "কার্ড"),
    "time_left": ("Time left", "বাকি সময়"),
    "data_left": ("Data left", "বাকি ডেটা"),
    "unlimited": ("Unlimited", "সীমাহীন"),
    "used": ("Used this session", "এই সেশনে ব্যবহার"),
    "online_for": ("Online for", "অনলাইনে আছেন"),
    "logout": ("Log out", "লগ আউট"),
    "logged_out": ("You are logged out", "আপনি লগ আউট করেছেন"),
    "login_again": ("Log in again", "আবার লগইন করুন"),
    "error": ("Something went wrong", "একটি সমস্যা হয়েছে"),
    "back": ("Back to the login page", "লগইন পেজে ফিরে যান"),
    "redirecting": ("Opening the login page…", "লগইন পেজ খোলা হচ্ছে…"),
}


def _both(english: str, bangla: str) -> SafeString:
    return mark_safe(f'<span class="en">{escape(english)}</span><span class="bn" lang="bn">{escape(bangla)}</span>')


def _router_safe(text: str) -> SafeString:
    """Escaped for HTML, and `$` written as a character reference so the router never reads it as `$(…)`."""
    return mark_safe(escape(text).replace("$", "&#36;"))


def logo_data_uri() -> str:
    path = logo_file()
    if path is None or path.stat().st_size > MAX_LOGO_BYTES:
        return ""
    mime = mimetypes.guess_type(path.name)[0] or "image/png"
    if not mime.startswith("image/"):
        return ""
    return f"data:{mime};base64,{base64.b64encode(path.read_bytes()).decode()}"


# What the router fills in for the sign-up page (web/vouchers/wifi_views.py): the visitor's MAC, the
# router's login link (the page's Connect button posts the bought card's code there) and where the
# visitor was going, URL-escaped by the router (`-esc`); `&` written for HTML.
SIGNUP_QUERY = "?mac=$(mac-esc)&amp;login=$(link-login-only-esc)&amp;dst=$(link-orig-esc)"


def signup_url(zone: WifiZone) -> str:
    """The zone's phone sign-up page (docs/vouchers.md, "Sign-up at a Wi-Fi zone"), absolute: the visitor
    opens it through the hotspot's walled garden before logging in."""
    return f"{settings.SITE_URL.rstrip('/')}/wifi/{zone.pk}/"


def context_for(zone: WifiZone) -> dict:
    cfg = current_billing_settings()
    return {
        "zone_name": _router_safe(zone.name),
        "isp_name": _router_safe(cfg.isp_name or "Wi-Fi"),
        "logo": logo_data_uri(),
        "signup_url": mark_safe(_router_safe(signup_url(zone)) + SIGNUP_QUERY) if zone.sells_online else "",
        "t": {key: _both(*pair) for key, pair in TEXTS.items()},
        "alphabet": ALPHABET,
        "code_length": LENGTH,
        "font_file": FONT_FILE,
        "font_file_bold": FONT_FILE_BOLD,
    }


def pages(zone: WifiZone) -> dict[str, bytes]:
    """{file name in the hotspot directory: content} for `zone`."""
    context = context_for(zone)
    files = {name: render_to_string(f"vouchers/hotspot/{TEMPLATE_OF.get(name, name)}", context).encode() for name in PAGES}
    files["md5.js"] = MD5_JS.read_bytes()
    for font in (FONT_FILE, FONT_FILE_BOLD):
        files[f"fonts/{font}"] = (FONT_DIR / font).read_bytes()
    files[f"fonts/{FONT_LICENCE}"] = (FONT_DIR / FONT_LICENCE).read_bytes()
    return files


def hotspot_zip(zone: WifiZone) -> bytes:
    """The zone's pages as a zip whose top folder is `hotspot/`: upload that folder to the router."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, content in pages(zone).items():
            archive.writestr(f"hotspot/{name}", content)
    return buffer.getvalue()


def write_directory(zone: WifiZone, folder: Path) -> Path:
    """The pages written into `folder` (the demo's simulated router serves them from there)."""
    for name, content in pages(zone).items():
        target = folder / name
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_bytes(content)
    return folder
