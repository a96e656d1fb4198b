"""Every page as every demo login: sign in, follow every link and hx-get (GET only), open every linked
PDF, and fail on any answer of 500 or more, and on any link that answers 403 (a link or button shown
to a role that may not follow it). The world is the demo seeder at a small size plus every
state a page can show (tests/crawl/world.py).

The superuser visits three URLs of each URL shape (three customers' pages, three invoices') and the
pages of every rare state: what a page shows differs with its object, and the superuser reaches every
page. Every other login visits one URL of each shape it reaches, and its must-visit pages: what differs
between logins is which pages, tabs and buttons a role and a branch are given, which one URL of each
shape shows. (Three of each for every login made about 2,100 pages; with one for the others the
manager's 566 became 328, and the crawl alone took 53 s instead of 65 s, 29 Nov.)"""

import time

import pytest
from django.test import Client

from billing.models import CardSaleRefund
from vouchers.models import WifiPurchase

from .crawler import Crawler
from .world import demo_logins, seed_world

# slow: every page as every demo login, minutes of work; runs in `make test-slow` (README, "Time budget").
pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.slow(seconds=70)]


def test_every_page_of_every_surface_as_every_demo_login_answers_without_a_server_error(live_server):
    started = time.monotonic()
    seed_world(live_server.url)
    seeded = time.monotonic() - started
    # The world holds Wi-Fi cards bought online, one refunded: their pages are among the staff's must-visit.
    assert WifiPurchase.objects.filter(card__isnull=False).count() == 2 and CardSaleRefund.objects.count() == 1
    logins = demo_logins()
    assert {login.surface for login in logins} == {"staff", "portal", "reseller", "technician"}
    failures, report = [], []
    for login in logins:
        client = Client()
        client.force_login(login.user)
        per_shape = 3 if login.user.is_superuser else 1
        result = Crawler(client, who=login.who, prefixes=(login.prefix,), per_shape=per_shape).crawl(start=[login.prefix], must=login.must)
        report.append(f"{login.who}: {len(result.visited)} pages, {result.documents} PDFs, {result.spreadsheets} CSV files, {dict(result.statuses)}")
        failures += [f"{login.who}: {failure}" for failure in result.failures]
        # A page that links where its reader may not go shows a button that only answers "forbidden".
        failures += [f"{login.who}: a link to a forbidden page: {failure}" for failure in result.forbidden]
        assert result.statuses[200] >= 1, f"{login.who} reached nothing: {result.visited}"
    summary = f"seeded in {seeded:.0f} s, crawled in {time.monotonic() - started - seeded:.0f} s\n" + "\n".join(report)
    print(summary)
    assert not failures, "\n".join(failures) + "\n\n" + summary
