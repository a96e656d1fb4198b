"""A generic crawler over the Django test client: from a user's start pages it follows every link
(`href`) and every `hx-get` on the same surface, GET only, a few URLs per URL shape, opens every
linked document (PDFs; CSV files, checked for cells a spreadsheet would run), and records every answer of 500 or more (and every exception a view raised).

It knows no page by name: a page another engineer adds tomorrow is crawled as soon as a link to it
appears on a page this crawl reaches. It is the one page finder of the tests: the layout and Bangla
tests find their pages with it too (tests/crawl/pages.py: one URL per page kind)."""

from __future__ import annotations

import csv
import html
import io
import re
import traceback
import zipfile
from collections import Counter, deque
from dataclasses import dataclass, field
from urllib.parse import parse_qsl, urlencode, urljoin, urlsplit

from django.utils import translation

from ispbill.core.csvfiles import FORMULA_STARTS, cell

LINK = re.compile(r"""\s(href|hx-get)\s*=\s*(["'])(.*?)\2""", re.I | re.S)
DIGITS = re.compile(r"\d")

# Never followed: signing out ends the crawl's session; the rest are not pages (static files, the
# speed test's payloads) or the browser's own business.
SKIP = re.compile(r"/logout/|^/static/|^/media/|/speedtest/(garbage|empty|download|upload)|^/admin/|^/__")


@dataclass
class Failure:
    url: str
    status: int
    found_on: str
    detail: str = ""

    def __str__(self) -> str:
        return f"{self.status} {self.url} (linked from {self.found_on}){': ' + self.detail if self.detail else ''}"


@dataclass
class CrawlResult:
    who: str
    visited: list[str] = field(default_factory=list)
    failures: list[Failure] = field(default_factory=list)
    # Links the page offered that answered 403: a link or button the user's role may not follow.
    forbidden: list[Failure] = field(default_factory=list)
    statuses: Counter = field(default_factory=Counter)
    documents: int = 0
    spreadsheets: int = 0  # CSV files and zips of them, each checked for cells a spreadsheet would run
    # The first URL of each kind that answered a full HTML page (not an htmx fragment) with 200.
    pages: dict = field(default_factory=dict)


def _formula_cells(body: bytes, *, zipped: bool) -> list[str]:
    """Cells of a CSV (or of each CSV in a zip) that a spreadsheet program would run as formulas."""
    texts = [body]
    if zipped:
        with zipfile.ZipFile(io.BytesIO(body)) as archive:
            texts = [archive.read(name) for name in archive.namelist() if name.endswith(".csv")]
    return [value for text in texts for row in csv.reader(io.StringIO(text.decode("utf-8-sig", "replace")))
            for value in row if value.startswith(FORMULA_STARTS) and cell(value) != value]


def url_shape(url: str) -> tuple:
    """/staff/customers/12/?tab=billing&page=3 → ('/staff/customers/*/', (('page', '*'), ('tab', 'billing'))):
    path segments and query values with digits (ids, dates, cursors) are one shape."""
    parts = urlsplit(url)
    path = "/".join("*" if DIGITS.search(segment) or len(segment) > 24 else segment for segment in parts.path.split("/"))
    query = tuple(sorted(
        (key, "*" if DIGITS.search(value) or len(value) > 20 or key in ("q", "after", "before", "next") else value)
        for key, value in parse_qsl(parts.query, keep_blank_values=True)
    ))
    return path, query


def links_in(page: str, base: str) -> list[tuple[str, bool]]:
    """(url, is_htmx) for every href and hx-get in the page, made absolute paths."""
    found = []
    for attribute, _quote, raw in LINK.findall(page):
        raw = html.unescape(raw).strip()
        if not raw or raw.startswith(("#", "javascript:", "mailto:", "tel:", "data:", "{")) or "{{" in raw:
            continue
        url = urljoin(base, raw)
        parts = urlsplit(url)
        if parts.scheme not in ("", "http", "https") or (parts.netloc and parts.netloc != "testserver"):
            continue
        query = urlencode(parse_qsl(parts.query, keep_blank_values=True))
        found.append((parts.path + (f"?{query}" if query else ""), attribute.lower() == "hx-get"))
    return found


class Crawler:
    """`kind(url)` says which URLs are the same page (default: the URL's shape); at most `per_shape`
    of each kind are visited. `skip(url)` leaves out URLs a person reaches by a button, not a link.
    With `htmx=False` an hx-get is fetched as a full page. `on_page(url, response)` sees every full
    page answered 200."""

    def __init__(self, client, *, who: str = "", prefixes: tuple[str, ...], per_shape: int = 3, max_pages: int = 800,
                 kind=None, skip=None, htmx: bool = True, on_page=None):
        self.client = client
        self.result = CrawlResult(who=who)
        self.prefixes = prefixes
        self.per_shape = per_shape
        self.max_pages = max_pages
        self.kind = kind or url_shape
        self.skip = skip or (lambda url: False)
        self.htmx = htmx
        self.on_page = on_page

    def _wanted(self, url: str) -> bool:
        path = urlsplit(url).path
        return path.startswith(self.prefixes) and not SKIP.search(path) and not self.skip(url)

    def crawl(self, start: list[str], must: list[str] = ()) -> CrawlResult:
        """Crawl from `start`; the URLs in `must` are visited whatever their shape's count."""
        queue = deque([(url, False, "(start)", True) for url in must] + [(url, False, "(start)", False) for url in start])
        seen: set[tuple[str, bool]] = set()
        shapes: Counter = Counter()
        while queue and len(self.result.visited) < self.max_pages:
            url, htmx, found_on, forced = queue.popleft()
            if (url, htmx) in seen or not self._wanted(url):
                continue
            shape = (self.kind(url), htmx)
            if not forced and shapes[shape] >= self.per_shape:
                continue
            seen.add((url, htmx))
            shapes[shape] += 1
            for link, is_htmx in self._visit(url, htmx=htmx, found_on=found_on):
                is_htmx = is_htmx and self.htmx
                if (link, is_htmx) not in seen:
                    queue.append((link, is_htmx, url, False))
        return self.result

    def _visit(self, url: str, *, htmx: bool, found_on: str) -> list[tuple[str, bool]]:
        self.result.visited.append(url)
        headers = {"HX-Request": "true"} if htmx else {}
        try:
            response = self.client.get(url, headers=headers)
            translation.deactivate()  # the test client leaves the last request's language active
        except Exception as error:  # a view that raised: the server would have answered 500
            self.result.failures.append(Failure(url, 500, found_on, "".join(traceback.format_exception_only(error)).strip()
                                                + "\n" + "".join(traceback.format_tb(error.__traceback__)[-3:])))
            self.result.statuses[500] += 1
            return []
        self.result.statuses[response.status_code] += 1
        if response.status_code >= 500:
            self.result.failures.append(Failure(url, response.status_code, found_on))
            return []
        if response.status_code == 403:
            self.result.forbidden.append(Failure(url, response.status_code, found_on))
            return []
        if response.status_code in (301, 302, 303, 307, 308):
            location = response.headers.get("Location", "")
            return [(urljoin(url, location), False)] if location else []
        content_type = response.headers.get("Content-Type", "")
        body = b"".join(response.streaming_content) if response.streaming else response.content
        if content_type.startswith(("text/csv", "application/zip")):
            self.result.spreadsheets += 1
            formulas = _formula_cells(body, zipped=content_type.startswith("application/zip"))
            if formulas:
                self.result.failures.append(Failure(url, response.status_code, found_on, f"cells run as formulas: {formulas[:3]}"))
            return []
        if content_type.startswith("application/pdf"):
            self.result.documents += 1
            if not body.startswith(b"%PDF"):
                self.result.failures.append(Failure(url, response.status_code, found_on, "not a PDF"))
            return []
        if not content_type.startswith("text/html"):
            return []
        if response.status_code == 200 and not htmx:
            self.result.pages.setdefault(self.kind(url), url)
            if self.on_page:
                self.on_page(url, response)
        links = links_in(body.decode(response.charset or "utf-8", "replace"), url)
        redirect = response.headers.get("HX-Redirect") or response.headers.get("HX-Location")
        return links + ([(redirect, False)] if redirect and redirect.startswith("/") else [])
