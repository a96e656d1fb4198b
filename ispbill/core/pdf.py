"""HTML to PDF with WeasyPrint, the one way every document and report in ispbill is rendered.

A document is our own template with customer-typed text escaped, and it still never reaches the
network or the file system: WeasyPrint may load only the files the caller names (an ISP's logo).

Every document is set in the Noto Sans Bengali we ship (static/vendor/noto-sans-bengali/: its Latin
and Bengali halves), named by `@font-face` in a stylesheet that comes before the document's own, so a
PDF looks the same whatever fonts the machine has: a contract signed on a server without Bangla fonts
is not frozen with boxes. `FONT_STACK` is the family list for a document's own CSS to name.

WeasyPrint is imported when the first document is rendered, not with this module: importing it costs
about 1.4 s of CPU, and every process that loads the apps (each Celery worker, each `manage.py`
command, each test worker) imported it through the modules that render documents.
"""

from __future__ import annotations

import atexit
import functools
import threading
from collections.abc import Collection, Mapping
from pathlib import Path
from typing import TYPE_CHECKING

from django.conf import settings

if TYPE_CHECKING:
    from weasyprint import CSS
    from weasyprint.text.fonts import FontConfiguration


@functools.cache
def _only_these_files_class():
    from weasyprint.urls import URLFetcher, URLFetcherResponse

    class OnlyTheseFiles(URLFetcher):
        def __init__(self, allowed: Collection[str], images: Mapping[str, bytes] | None = None):
            super().__init__(allowed_protocols={"file"})
            self._allowed = set(allowed)
            self._images = images or {}

        def fetch(self, url, headers=None):
            image = self._images.get(url)
            if image is not None:  # made in memory by the caller: no file written and read back
                return URLFetcherResponse(url, image, {"Content-Type": "image/png"})
            if url not in self._allowed:
                raise ValueError(f"not loading {url!r} into a document")
            return super().fetch(url, headers)

    return OnlyTheseFiles


def _only_these_files(allowed: Collection[str], images: Mapping[str, bytes] | None = None):
    """A URL fetcher that loads only `allowed` file:// URLs and the in-memory `images`."""
    return _only_these_files_class()(allowed, images)


_per_thread = threading.local()

FONT_VERSION = "5.3.0"
FONT_DIR = Path(settings.BASE_DIR) / "static" / "vendor" / "noto-sans-bengali"
# (family, subset of the font): each subset a family of its own. WeasyPrint embeds each @font-face
# file as one PDF font named by its family, so two files under one family name would share a name and
# mix up their glyphs; fontconfig falls back along the list per character instead.
FONT_FAMILIES = (
    ("Document Sans", "latin"), ("Document Sans Extended", "latin-ext"), ("Document Sans Bengali", "bengali"),
)
FONT_WEIGHTS = (400, 700)
FONT_STACK = ", ".join(f'"{family}"' for family, _subset in FONT_FAMILIES) + ", sans-serif"


def font_files() -> list[Path]:
    return [
        FONT_DIR / f"noto-sans-bengali-{FONT_VERSION}-{subset}-{weight}.woff2"
        for _family, subset in FONT_FAMILIES for weight in FONT_WEIGHTS
    ]


def _font_faces() -> CSS:
    """The shipped fonts' @font-face rules and the default family, parsed once per thread."""
    faces = getattr(_per_thread, "faces", None)
    if faces is None:
        rules = [
            f'@font-face {{ font-family: "{family}"; font-weight: {weight}; font-style: normal;'
            f' src: url("{(FONT_DIR / f"noto-sans-bengali-{FONT_VERSION}-{subset}-{weight}.woff2").as_uri()}"); }}'
            for family, subset in FONT_FAMILIES for weight in FONT_WEIGHTS
        ]
        rules.append(f"html {{ font-family: {FONT_STACK}; }}")
        from weasyprint import CSS

        faces = _per_thread.faces = CSS(
            string="\n".join(rules), font_config=_font_config(),
            url_fetcher=_only_these_files([path.as_uri() for path in font_files()]),
        )
    return faces


def _forget_fonts() -> None:
    """At exit, before modules are torn down: WeasyPrint is imported after this module, so it is torn
    down first, and a FontConfiguration still kept here would then fail in its __del__ ("'NoneType'
    object is not callable" printed at every exit)."""
    global _per_thread
    _per_thread = threading.local()


def _font_config() -> FontConfiguration:
    """One font configuration per thread, kept between documents.

    Building one reads the system's fontconfig set and costs about 100 ms, which was the larger
    part of rendering a one-page invoice. Pango's font map is not thread-safe, so threads of one
    process (gunicorn --threads) each keep their own.
    """
    fonts = getattr(_per_thread, "fonts", None)
    if fonts is None:
        from weasyprint.text.fonts import FontConfiguration

        fonts = _per_thread.fonts = FontConfiguration()
        atexit.register(_forget_fonts)
    return fonts


def _stylesheet(path: Path) -> CSS:
    """A stylesheet parsed once per thread (with that thread's fonts), not with every document."""
    sheets = getattr(_per_thread, "sheets", None)
    if sheets is None:
        sheets = _per_thread.sheets = {}
    sheet = sheets.get(path)
    if sheet is None:
        from weasyprint import CSS

        sheet = sheets[path] = CSS(filename=str(path), font_config=_font_config())
    return sheet


def html_to_pdf(html: str, *, files: Collection[str] = (), stylesheet: Path | None = None,
                images: Mapping[str, bytes] | None = None) -> bytes:
    """The PDF of `html`, styled also by the CSS file `stylesheet` (a file of ours, read once per
    thread); `files` are the file:// URLs it may load (nothing else is fetched); `images` are PNGs made
    in memory, by the URL the document names them with (a card sheet's thousand QR codes)."""
    from weasyprint import HTML

    sheets = [_font_faces(), *([_stylesheet(stylesheet)] if stylesheet else [])]
    return HTML(string=html, url_fetcher=_only_these_files(files, images)).write_pdf(font_config=_font_config(), stylesheets=sheets)
