"""HTML to PDF with WeasyPrint, the one way every document and report in ispbill is rendered.

A document is our own template with customer-typed text escaped, and it still never reaches the
network or the file system: WeasyPrint may load only the files the caller names (an ISP's logo).
"""

import threading
from collections.abc import Collection
from pathlib import Path

from weasyprint import CSS, HTML
from weasyprint.text.fonts import FontConfiguration
from weasyprint.urls import URLFetcher


class _OnlyTheseFiles(URLFetcher):
    def __init__(self, allowed: Collection[str]):
        super().__init__(allowed_protocols={"file"})
        self._allowed = set(allowed)

    def fetch(self, url, headers=None):
        if url not in self._allowed:
            raise ValueError(f"not loading {url!r} into a document")
        return super().fetch(url, headers)


_per_thread = threading.local()


def _font_config() -> FontConfiguration:
    """One font configuration per thread, kept between documents.

    Building one reads the system's fontconfig set and costs about 100 ms, which was the larger
    part of rendering a one-page invoice. Pango's font map is not thread-safe, so threads of one
    process (gunicorn --threads) each keep their own.
    """
    fonts = getattr(_per_thread, "fonts", None)
    if fonts is None:
        fonts = _per_thread.fonts = FontConfiguration()
    return fonts


def _stylesheet(path: Path) -> CSS:
    """A stylesheet parsed once per thread (with that thread's fonts), not with every document."""
    sheets = getattr(_per_thread, "sheets", None)
    if sheets is None:
        sheets = _per_thread.sheets = {}
    sheet = sheets.get(path)
    if sheet is None:
        sheet = sheets[path] = CSS(filename=str(path), font_config=_font_config())
    return sheet


def html_to_pdf(html: str, *, files: Collection[str] = (), stylesheet: Path | None = None) -> bytes:
    """The PDF of `html`, styled also by the CSS file `stylesheet` (a file of ours, read once per
    thread); `files` are the file:// URLs it may load (nothing else is fetched)."""
    sheets = [_stylesheet(stylesheet)] if stylesheet else []
    return HTML(string=html, url_fetcher=_OnlyTheseFiles(files)).write_pdf(font_config=_font_config(), stylesheets=sheets)
