"""Every string a customer can read is in Bangla when they chose Bangla.

Signed in as a demo customer who chose Bangla (and Bangla digits), the test walks every portal page
(tests/crawl.py follows the links from the overview), opens every invoice and receipt PDF it links
to, and the sign-in pages. Two things fail it:

- a string looked up in the catalogue while those pages rendered that has no Bangla translation
  (templates' {% translate %}, forms' labels and validation messages, navigation, the PDFs);
- text in a template those pages rendered that is not wrapped for translation at all (the text
  between tags, and the placeholder, title, aria-label and alt attributes a person reads or hears).
"""

import re
from datetime import timedelta
from pathlib import Path

import pytest
from django.test import Client
from django.utils import timezone, translation
from django.utils.translation import trans_real

from customers.models import Customer
from network import outages
from tests.crawl.pages import NOT_PAGES, crawl, links, seed_small_demo, url_names

# Words that are the same in a Bangla sentence: names of brands, units and codes.
SAME_IN_BANGLA = {"বাংলা", ":", "ispbill", "bKash", "Nagad", "Rocket", "Mbps", "GB", "MB", "PPPoE", "OTT", "PDF", "QR", "BIN", "VAT", "SSLCommerz", "BDT"}
PDF_LINKS = ("invoice-pdf", "receipt-pdf", "contract-document", "contract-signed-document")


class Untranslated:
    """Records each lookup in the Bangla catalogue that came back untranslated."""

    def __init__(self):
        self.missing: set[str] = set()

    def __enter__(self):
        self._gettext, self._ngettext = trans_real.DjangoTranslation.gettext, trans_real.DjangoTranslation.ngettext
        recorder = self

        def gettext(translation, message):
            result = recorder._gettext(translation, message)
            if translation.language() == "bn" and result == message and message.split("\x04")[-1] not in SAME_IN_BANGLA:
                recorder.missing.add(message.split("\x04")[-1])
            return result

        def ngettext(translation, singular, plural, number):
            result = recorder._ngettext(translation, singular, plural, number)
            if translation.language() == "bn" and result in (singular, plural):
                recorder.missing.add(singular.split("\x04")[-1])
            return result

        trans_real.DjangoTranslation.gettext, trans_real.DjangoTranslation.ngettext = gettext, ngettext
        return self

    def __exit__(self, *exc):
        trans_real.DjangoTranslation.gettext, trans_real.DjangoTranslation.ngettext = self._gettext, self._ngettext


TRANSLATED_BLOCK = re.compile(r"{%\s*(blocktranslate|blocktrans)\b.*?{%\s*end\1\s*%}", re.S)
COMMENT = re.compile(r"{#.*?#}|{%\s*comment\s*%}.*?{%\s*endcomment\s*%}|<!--.*?-->", re.S)
SCRIPT_STYLE = re.compile(r"<(script|style)\b.*?</\1>", re.S)
TAG = re.compile(r"{%.*?%}|{{.*?}}", re.S)
READ_ATTRIBUTES = re.compile(r'\b(?:placeholder|title|aria-label|alt)="([^"]*)"')
HTML_TAG = re.compile(r"<[^>]*>", re.S)
ENTITY = re.compile(r"&[a-z]+;|&#\d+;")
WORD = re.compile(r"[A-Za-z][A-Za-z']+")


def literal_text(source: str) -> list[str]:
    """The runs of English words a template shows that are not inside a translation tag."""
    source = COMMENT.sub(" ", source)
    source = SCRIPT_STYLE.sub(" ", source)
    source = TRANSLATED_BLOCK.sub(" ", source)
    source = TAG.sub(" ", source)
    attributes = READ_ATTRIBUTES.findall(source)
    text = ENTITY.sub(" ", HTML_TAG.sub("\n", source))
    found = []
    for chunk in [*text.split("\n"), *attributes]:
        words = [word for word in WORD.findall(chunk) if word not in SAME_IN_BANGLA]
        if words:
            found.append(chunk.strip())
    return found


def test_literal_text_finds_english_outside_translation_tags():
    source = (
        '{% load i18n %}<h1>{% translate "Pay" %}</h1><p>Total due</p><input placeholder="Search">'
        "{% blocktranslate %}Hello {{ name }}{% endblocktranslate %}{# a note #}<b>{{ amount }}</b> ৳ <i>bKash</i>"
    )
    assert literal_text(source) == ["Total due", "Search"]


@pytest.mark.slow(seconds=4)  # 4 s after the layout walk has seeded the small demo they share (tests/crawl/pages.py), 40 s if it seeds it
@pytest.mark.django_db
def test_every_portal_page_and_pdf_is_in_bangla_when_the_customer_chose_bangla(tmp_path_factory):
    """As each of the demo's portal logins (paid up, with an amount due, suspended): each sees
    other parts of the pages (what to pay, the suspension notice)."""
    seed_small_demo(tmp_path_factory)
    users = [c.user for c in Customer.objects.exclude(user=None).order_by("pk")]
    assert len(users) >= 3
    # An outage in the first customer's area now: the banner on every page.
    outages.outage_declare(
        actor=None, title="Fibre cut", description="Road works cut the feeder fibre.", areas=[users[0].customer.area],
        started_at=timezone.now() - timedelta(hours=2), estimated_restoration_at=timezone.now() + timedelta(hours=2),
    )
    templates: set[str] = set()
    pdfs: set[tuple[str, str]] = set()

    def seen(url, response):
        templates.update(t.origin.name for t in response.templates if t.origin and t.origin.name)
        for url_name, _tab, path in links(response.content.decode(), "portal"):
            if url_name in PDF_LINKS:
                pdfs.add((url_name, path))

    anonymous = Client(raise_request_exception=True)
    anonymous.cookies["django_language"] = "bn"
    pages: dict[str, str] = {}
    with Untranslated() as untranslated:
        for url in ("/", "/portal/login/", "/portal/login/code/"):
            response = anonymous.get(url)
            translation.deactivate()
            assert response.status_code == 200
            seen(url, response)
        for user in users:
            user.language, user.bangla_numerals = "bn", True
            user.save(update_fields=["language", "bangla_numerals"])
            client = Client()
            client.force_login(user)
            pages.update(crawl(client, "portal", "/portal/", per_kind=2, on_page=seen))
            for url_name in PDF_LINKS:
                for path in sorted(p for name, p in pdfs if name == url_name)[:1]:
                    response = client.get(path)
                    translation.deactivate()
                    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
                    templates.update(t.origin.name for t in response.templates if t.origin and t.origin.name)
            pdfs.clear()
    unvisited = url_names("portal") - NOT_PAGES["portal"] - {"login", "login-code"} - {k.split("?")[0] for k in pages}
    assert not unvisited, f"portal pages the crawl did not reach: {unvisited}"
    assert any(t.endswith("documents/invoice.html") for t in templates), "no invoice PDF was rendered"
    assert any(t.endswith("documents/receipt.html") for t in templates), "no receipt PDF was rendered"
    literals = {}
    root = Path(__file__).resolve().parents[2]
    for origin in sorted(templates):
        if not origin.endswith(".html") or "/site-packages/" in origin:
            continue
        found = literal_text(Path(origin).read_text())
        if found:
            literals[str(Path(origin).relative_to(root))] = found
    assert not untranslated.missing and not literals, (
        "no Bangla translation in locale/bn/LC_MESSAGES/django.po for:\n" + "\n".join(sorted(untranslated.missing))
        + "\n\ntext not wrapped for translation:\n" + "\n".join(f"{k}: {v}" for k, v in literals.items())
    )


def test_no_template_has_an_attribute_read_aloud_in_english_only():
    """Screen readers read aria-label, title, placeholder and alt: every template outside the demo's
    emulators (which copy a gateway's own English screens) wraps them for translation, on every surface,
    including pages the crawl above does not reach."""
    root = Path(__file__).resolve().parents[2]
    english = []
    for path in sorted(root.glob("*/**/templates/**/*.html")):
        relative = path.relative_to(root)
        if relative.parts[0] in {".venv", "node_modules", "demo"}:
            continue
        source = TAG.sub(" ", TRANSLATED_BLOCK.sub(" ", COMMENT.sub(" ", path.read_text())))
        english += [f"{relative}: {value}" for value in READ_ATTRIBUTES.findall(source)
                    if [word for word in WORD.findall(value) if word not in SAME_IN_BANGLA]]
    assert english == []
