"""One URL per page of a surface, found the way a person finds them: from its home, following the
links and htmx GETs of every page reached (the crawler in crawler.py, a page's kind being its URL
name and tab). Used by the layout test (every page at 360 and 1366 px) and the Bangla test (every
portal page and PDF in Bangla)."""

from __future__ import annotations

import os
from decimal import Decimal
from urllib.parse import parse_qs, urlsplit

from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.test import Client
from django.urls import Resolver404, URLPattern, URLResolver, get_resolver, resolve
from django.utils import timezone

from .crawler import Crawler, links_in

# URL names that are not pages a person reads: form posts, downloads, machine endpoints, and
# dialogs' actions that answer a GET by redirecting. Each is reached by a button, not a link.
NOT_PAGES = {
    "staff": {
        "logout", "language", "customer-export",
        # Settings → API tokens and Webhooks: the forms' posts.
        "apitoken-create", "apitoken-revoke", "apitoken-lifetime", "webhook-create", "webhook-rotate", "webhook-replay", "package-active", "lead-move", "lead-lost", "referral-reverse",
        "billingrun-start", "billingrun-preview", "billingrun-resume", "invoice-pdf", "invoice-void",
        "customer-statement-pdf", "packagechange-approve", "packagechange-reject", "packagechange-cancel",
        "payment-receipt-pdf", "payment-reverse", "payment-preview", "onlinepayment-requery",
        "onlinepayment-approve", "onlinepayment-refund", "onlinepayment-refundpoll", "router-lookup", "voucher-online-refund",
        # Reconciliation: run again, the report's upload and a difference's buttons post here.
        "reconciliation-run", "reconciliation-statement", "reconciliation-resolve",
        "router-outbox-retry-all", "router-outbox-retry", "router-test", "router-sync", "router-orphan-adopt",
        "router-orphan-adopt-all", "router-orphan-remove", "subscription-fup-lift", "outage-confirm", "speed-destination-remove",
        "outage-update", "outage-restore", "outage-dismiss", "messagetemplate-reset", "message-retry",
        "ticket-bulk-assign", "ticket-reply", "ticket-status", "ticket-triage", "ticket-attachment",
        "slapolicy-delete", "slapolicy-hours", "slapolicy-holiday-add", "slapolicy-holiday-delete", "sla-report",
        "subscription-activate", "subscription-suspend", "subscription-reactivate", "subscription-cancel",
        "user-password", "lead-convert", "customer-portal-access", "slapolicy-create",
        # Regions of the router page, refreshed by htmx; they are checked as part of it.
        "router-sessions", "router-drift", "router-outbox",
        # The fibre plant: an OLT's "Test" and a PON port's area are posts, an ONU's chart is its JSON.
        "olt-test", "olt-port-area", "onu-chart", "onu-move-seen",
        # The books: the journal's CSV download (its form is the Journal export page).
        "books-journal-csv",
        # The bills' and bank accounts' forms post here; a bill's attachment is its file.
        "books-bill-approve", "books-bill-pay", "books-bill-attachment", "books-bank-deposit", "books-bank-transfer",
        "books-bank-reconcile", "books-bank-settlement",
        # VAT (docs/vat.md): the Mushak-6.3, 6.7 and 6.8 PDFs, and a VDS certificate's post (its form is on the
        # awaited certificates' page).
        "invoice-mushak-pdf", "credit-note-mushak-pdf", "debit-note-mushak-pdf", "books-vds-certificate",
        # The declare-outage form's reach figure, asked by htmx as areas are ticked; checked as part of the form.
        "outage-reach",
        # Field service: actions posted from the order page and the board, and the photo and
        # signature files an order page shows inline.
        "workorder-assign", "workorder-dispatch-assign", "workorder-dispatch-map", "workorder-note", "workorder-override", "workorder-cancel",
        "workorder-photo", "workorder-signature",
        # Resellers: the forms on a reseller's page post here.
        "reseller-active", "reseller-topup", "reseller-adjust", "reseller-package", "reseller-rule", "reseller-login",
        "reseller-statement-close", "reseller-payout-decide",
        # Contracts: actions and PDF downloads.
        # Churn: "Train now" posts here.
        "churn-model-train",
        "contract-send", "contract-void", "contract-fee-waive", "contract-renewal-stop", "contract-document",
        "contract-signed-document", "contracttemplate-rule-delete",
        # Imports: the steps' posts and the downloads (error report CSV, the export zip).
        "import-commit", "import-undo", "import-router-start", "import-errors", "import-export", "import-sample",
        # The profile mapping of a router import needs a live router to read from; tests/imports
        # drives it against the RouterOS simulator.
        "import-router-map",
        # Analytics: the PDF report and the JSON endpoints.
        "analytics-report", "api-metrics-summary", "api-metrics-months", "api-metrics-staff", "api-metrics-drill",
        # Retention: the forms on a customer's retention page post here.
        "churn-retention-call-create", "churn-retention-call-outcome", "churn-retention-call-drafts",
        "churn-retention-call-generate", "churn-retention-offer-create", "churn-retention-offer-withdraw",
        "churn-retention-fieldcheck-create",
        # The jobs page's "Run again" buttons post here.
        "job-run-again",
        # The session logs' CSV export (audited; the search page's "Export CSV" button).
        "session-log-export",
        # RADIUS: Disconnect's post, the Sessions tab's self-refreshing region (checked as part of the
        # customer page), and "Test a login", a dialog of a RADIUS-mode router's page (the small demo's
        # routers are in API mode; tests/e2e/test_radius_screens.py drives it at FreeRADIUS).
        "radius-session-disconnect", "radius-customer-sessions", "radius-login-test",
        # Address management: a connection's "Assign" and "Take the IPv6 prefix back" post here.
        "subscription-address-assign", "subscription-prefix-release",
        # Prepaid cards: the batch page's downloads (PDF, CSV) and its forms' posts.
        "voucher-batch-pdf", "voucher-batch-csv", "voucher-batch-status", "voucher-batch-issue",
        # A Wi-Fi zone's hotspot login pages, a zip download (tests/vouchers/test_hotspot_pages.py).
        "voucher-zone-hotspot",
    },
    "portal": {
        "logout", "login-code-verify", "visit-rate", "contract-code", "contract-sign", "contract-document", "contract-signed-document", "profile-phone", "profile-phone-confirm", "profile-email",
        "profile-email-confirm", "profile-password", "profile-language", "session-revoke",
        "sessions-revoke-others", "speedtest-result", "speedtest-garbage", "speedtest-empty", "speedtest-getip",
        "invoice-pdf", "invoice-mushak-pdf", "credit-note-mushak-pdf", "receipt-pdf", "package-change-confirm", "package-change-cancel", "onlinepayment-check",
        "ticket-reply", "ticket-reopen", "ticket-survey", "ticket-attachment",
        # Saved bKash wallets and auto-pay: the buttons on the saved-wallets page post here.
        "payment-method-link", "payment-method-primary", "payment-method-remove", "payment-autopay",
        # Signed-in apps: a listed app's "Sign out" posts here.
        "app-revoke",
    },
    "reseller": {
        "logout", "language", "subscription-renew", "customer-collect", "receipt-pdf", "commission-pdf", "commission-csv",
        "subreseller-transfer", "subreseller-price",
        # A card distributor's batch page: its forms' posts and the cards' PDF and CSV.
        "card-batch-sold", "card-batch-pdf", "card-batch-csv", "card-block",
    },
    # The app's machine endpoints: the manifest, the service worker, the offline queue's sync and photo uploads.
    "technician": {
        "logout", "language", "manifest", "service-worker", "operations", "photo-upload",
        # On-site contract signing: the code and signature posts, and the PDF the customer reads.
        "contract-onsite-code", "contract-onsite-sign", "contract-onsite-document",
    },
}
def url_names(surface: str) -> set[str]:
    def walk(patterns, namespace=""):
        for pattern in patterns:
            if isinstance(pattern, URLResolver):
                yield from walk(pattern.url_patterns, pattern.namespace or namespace)
            elif isinstance(pattern, URLPattern) and namespace == surface:
                yield pattern.name

    return set(walk(get_resolver().url_patterns))


def _page_kind(url: str) -> str:
    """'customer-detail?tab=billing': the URL's name and tab (filters, sorts and pages of a list are one page)."""
    parts = urlsplit(url)
    try:
        url_name = resolve(parts.path).url_name
    except Resolver404:
        return parts.path
    tab = parse_qs(parts.query).get("tab", [""])[0]
    return f"{url_name}?tab={tab}" if tab else url_name


def links(html: str, surface: str):
    """(url name, tab, path) of every link and htmx GET on the page that stays on the surface."""
    for url, _htmx in links_in(html, f"/{surface}/"):
        parts = urlsplit(url)
        if not parts.path.startswith(f"/{surface}/"):
            continue
        try:
            target = resolve(parts.path)
        except Resolver404:
            continue
        tab = parse_qs(parts.query).get("tab", [""])[0]
        yield target.url_name, tab, parts.path + (f"?tab={tab}" if tab else "")


def crawl(client: Client, surface: str, start: str, per_kind: int = 3, on_page=None) -> dict[str, str]:
    """One URL per page kind (url name and tab → path), found by following links from `start`; up to
    `per_kind` pages of a kind are visited (one customer may have no usage link, the next one has).
    `on_page(url, response)` sees every page fetched. Actions reached by a button (NOT_PAGES) are
    not followed."""

    def not_a_page(url: str) -> bool:
        return _page_kind(url).split("?")[0] in NOT_PAGES[surface]

    crawler = Crawler(client, prefixes=(f"/{surface}/",), per_shape=per_kind, kind=_page_kind, skip=not_a_page,
                      htmx=False, on_page=on_page, max_pages=10_000)
    return crawler.crawl(start=[start]).pages


def seed_small_demo(tmp_path_factory) -> dict[str, object]:
    """The demo's seeders on a small scale, plus what the small demo lacks; the user per surface. Seeded
    once a run and copied to every later test that asks, on any worker (tests/seeded_demo.py): the
    layout walk and the Bangla walk start together in `make test-slow`, and the second waits for the
    first's seed instead of making its own."""
    from pathlib import Path

    from django.conf import settings

    from tests.seeded_demo import seeded_demo

    return seeded_demo("small-demo", _small_demo, media=Path(settings.MEDIA_ROOT), tmp_path_factory=tmp_path_factory)


def _small_demo() -> dict[str, object]:
    from django.core.cache import cache

    from customers.models import Customer
    from customers.speedtest import speedtest_result_record
    from demo.management.commands.seed_imports import demo_past_payments_import
    from payments.models import GatewayPayment
    from tests.factories import make_subscription

    call_command("seed_demo", customers=24, leads=6, months=3, quiet=True)
    call_command("seed_tickets", tickets=24, quiet=True)
    call_command("seed_outages")
    call_command("seed_contracts")
    call_command("seed_vat", stdout=open(os.devnull, "w"))  # corporate customers, VAT deducted at source
    call_command("seed_resellers")
    call_command("seed_vouchers")
    call_command("seed_fieldservice", quiet=True)
    call_command("seed_books", quiet=True)  # bills, bank accounts, deposits: the Accounts pages
    call_command("seed_fibre", stdout=open(os.devnull, "w"))  # the OLTs' and ONUs' pages
    call_command("backfill_metrics", months=1)
    # Three months are too short to train on: Model quality shows the stored refusal and its reason.
    call_command("seed_churn", quiet=True)
    call_command("seed_retention", quiet=True)
    call_command("seed_addresses", quiet=True)  # address pools, IPoE connections, IPv6 prefixes (docs/ipam.md)
    User = get_user_model()
    portal_customer = Customer.objects.exclude(user=None).order_by("pk").first()
    # What the small demo lacks: a second connection (the portal's per-connection usage pages) and
    # an online payment (its pages on both surfaces).
    first = portal_customer.subscriptions.select_related("package", "router").order_by("pk").first()
    make_subscription(
        customer=portal_customer, package=first.package, router=first.router, activate=True, username="layout.second",
    )
    # Payments made before ispbill, brought over by a past-payments import (seed_imports does it in the demo).
    demo_past_payments_import()
    # A failed job in the job log, with a long error and traceback (its page shows them whole).
    from ispbill.core.models import JobRun

    JobRun.objects.create(
        task_name="network.tasks.poll_router_usage", status="failed", trigger="queued", args=[1],
        started_at=timezone.now(), finished_at=timezone.now(), duration_ms=30012, processed=0, failed=1,
        error="ConnectionError: router MIR-CORE-01 (10.20.30.1:8728) did not answer within 10 s; " * 3,
        traceback="Traceback (most recent call last):\n  File \"network/usage.py\", line 140, in usage_poll_router\n" * 20,
        host="worker-1.isp.example", worker="celery@worker-1.isp.example",
    )
    # A corporate customer's invoice still open, so its "VAT deducted at source" form is offered (seed_vat's
    # three have theirs settled).
    from billing.services import LineSpec, invoice_create

    invoice_create(actor=None, customer=Customer.objects.exclude(vat_bin="").order_by("pk").first(), lines=[
        LineSpec(kind="recurring", description="Dedicated 50 Mbps, next month", amount=Decimal("10000.00")),
    ])
    GatewayPayment.objects.create(
        customer=portal_customer, tran_id="LAYOUT0000000000000001", amount=Decimal("1050.00"), currency="BDT",
        purpose="due", status="expired", method="bkash", card_type="BKASH-BKash",
    )
    # Wi-Fi cards visitors bought online at the zone that sells online, one refunded (Prepaid cards →
    # Sold online and each purchase's page, with its refunds table).
    from tests.vouchers.helpers import bought_online, refund_made
    from vouchers.models import VoucherPlan, WifiZone

    zone, plan = WifiZone.objects.get(sells_online=True), VoucherPlan.objects.get(name="Day pass")
    bought_online(zone=zone, plan=plan, phone="+8801766000201")
    refund_made(bought_online(zone=zone, plan=plan, phone="+8801766000202"), reason="The zone's signal was down all evening")
    # A speed test from a phone, with the long user-agent string staff see on the customer's page
    # (its hourly limit is counted in the cache, which outlives a test's database).
    cache.delete(f"speedtest-results:{portal_customer.pk}")
    speedtest_result_record(
        customer=portal_customer, download="2148.0", upload="40.5", ping="3.2", jitter="0.8", ip="10.20.30.40",
        user_agent="Mozilla/5.0 (Linux; Android 14; SM-A546E Build/UP1A.231005.007; wv) AppleWebKit/537.36 (KHTML, like Gecko) "
        "Version/4.0 Chrome/131.0.6778.135 Mobile Safari/537.36",
    )
    # A reseller with a customer of its own (the small demo may give it none), and a spreadsheet
    # import waiting at its mapping step.
    from imports.services import batch_upload
    from resellers.models import Reseller

    reseller = Reseller.objects.get(user__username="reseller")
    if not reseller.customers.exists():
        unclaimed = Customer.objects.filter(reseller__isnull=True).exclude(pk=portal_customer.pk).order_by("pk").first()
        Customer.objects.filter(pk=unclaimed.pk).update(reseller=reseller)
    batch_upload(
        actor=User.objects.get(username="admin"), name="old-system.csv",
        content=b"ID,Name,Mobile,Area,Package\nA-1,Rahim Uddin,01712345678,Nowhere,Home 20 Mbps\n",
    )
    # The demo technician's first visit is on a connection whose contract waits for the customer's
    # signature: the visit page shows the step, and its link opens the on-site signing page.
    from contracts import services as contract_services
    from contracts.models import Contract, ContractTemplate
    from fieldservice.selectors import technician_agenda

    agenda = technician_agenda(technician=User.objects.get(username="tech"))
    visit = next(order for order in [*agenda["today"], *agenda["upcoming"]] if order.is_open and order.subscription_id)
    if not Contract.objects.filter(subscription_id=visit.subscription_id, status=Contract.Status.SENT).exists():
        template = ContractTemplate.objects.filter(key="home-internet", language="en").order_by("-version").first()
        contract_services.contract_send(actor=None, contract=contract_services.contract_create(
            actor=None, subscription=visit.subscription, template=template))
    # The newest customer (first on the staff home and the lists) has a charge waiting for its next
    # invoice and an invoice still open, whatever the date and the demo's payers did: the pages to
    # withdraw a charge and to write a credit note are reached from them.
    from billing.charges import Item, manual_invoice_create, one_time_charge_add

    admin = User.objects.get(username="admin")
    newest = Customer.objects.order_by("-pk").first()
    one_time_charge_add(actor=admin, customer=newest, kind="custom", amount=Decimal("300.00"), description="Cable extension")
    manual_invoice_create(actor=admin, customer=newest, items=[Item(kind="custom", description="Router mount", amount=Decimal("450.00"))])
    # An integration's token and a webhook with a delivery waiting: Settings → API tokens and the
    # webhook's page with its deliveries (issue 39).
    from api.tokens import token_create
    from api.webhooks import webhook_endpoint_create
    from ispbill.core.webhooks import PAYMENT_RECEIVED, webhook_publish

    token_create(actor=admin, name="Accounting sync (Tally bridge)", scopes={"customers": "read", "payments": "write"})
    webhook_endpoint_create(actor=admin, name="ERP", url="https://erp.example.net/hooks/ispbill", events=[PAYMENT_RECEIVED])
    webhook_publish(PAYMENT_RECEIVED, {"id": 1, "amount": "500.00"})
    return {
        "staff": User.objects.get(username="admin"),
        "portal": portal_customer.user,
        "reseller": User.objects.get(username="reseller"),
        # The prepaid reseller: its sub-reseller pages (a commission reseller has none).
        "reseller_prepaid": User.objects.get(username="reseller.uttara"),
        # The card distributor: its prepaid-card pages (other resellers have none).
        "reseller_cards": User.objects.get(username="cards.bazar"),
        "technician": User.objects.get(username="tech"),
    }
