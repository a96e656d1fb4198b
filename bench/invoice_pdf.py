"""How long does a one-page invoice PDF take to render, warm?

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/postgres .venv/bin/python bench/invoice_pdf.py

Uses its own database (`ispbill_bench_pdf`, created if missing, migrated). It makes one customer with
a Bangla name, one subscription and an invoice of three lines (recurring, prorated, one-time) with a
part payment applied — the invoice an ISP's customer typically downloads — then calls
`billing.documents.invoice_pdf` exactly as the download views do (settings, lines and payments read
from the database, the template rendered, WeasyPrint laying out and writing the PDF). It warms up
(fonts loaded, templates compiled), then times `--repeat` renders and prints the median, p95 and max
in milliseconds, wall and CPU (the CPU time moves less with what else the machine runs). The
garbage collector is tuned as in the web and worker processes (ispbill/core/runtime.py) unless
--default-gc. Target: ≤ 150 ms. Run by hand; not part of the test suite.
"""

import argparse
import io
import os
import platform
import statistics
import sys
import time
from datetime import timedelta
from decimal import Decimal
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench._common import setup_django  # noqa: E402
from usecases.subscription_create import subscription_create as usecases_subscription_create

TARGET_MS = 150.0


def parse_args():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--db-name", default="ispbill_bench_pdf")
    parser.add_argument("--repeat", type=int, default=50)
    parser.add_argument("--warmup", type=int, default=5)
    parser.add_argument("--out", help="also write the rendered PDF here")
    parser.add_argument("--default-gc", action="store_true",
                        help="leave CPython's garbage collector as it starts (the web and worker processes tune it)")
    return parser.parse_args()


def the_invoice():
    """The bench invoice, made through the services the first time and reused after."""
    from django.utils import timezone

    from billing.models import BillingSettings, Invoice, InvoiceLine
    from billing.selectors import current_billing_settings
    from billing.services import LineSpec, invoice_create
    from customers import services as customer_services
    from customers.models import Area, Branch, Package
    from ispbill.core.periods import Period
    from network.models import Router
    from payments.services import payment_ledger_record

    existing = Invoice.objects.filter(customer__phone="+8801799000111").order_by("id").first()
    if existing is not None:
        return existing
    current_billing_settings()
    BillingSettings.objects.filter(pk=1).update(
        vat_rate=Decimal("15"), isp_name="Padma Net Ltd.", isp_address="12 Lake Road, Dhanmondi, Dhaka 1207",
        isp_phone="+880 9612 000111", vat_registration_number="BIN-000123456-0101",
    )
    branch, _ = Branch.objects.get_or_create(code="BP", defaults={"name": "Bench PDF"})
    area, _ = Area.objects.get_or_create(branch=branch, name="Dhanmondi")
    package, _ = Package.objects.get_or_create(
        name="Home 20 Mbps (bench)", defaults={"download_mbps": 20, "upload_mbps": 20, "price": Decimal("1000.00"),
                                               "router_profile": "bench-20"},
    )
    router, _ = Router.objects.get_or_create(name="bench-pdf-router", defaults={"host": "127.0.0.1", "branch": branch})
    customer = customer_services.customer_create(
        actor=None, name="রহিম উদ্দিন", phone="+8801799000111", address="বাড়ি ৫, রোড ২, ধানমন্ডি, ঢাকা", area=area,
    )
    subscription = usecases_subscription_create(
        actor=None, customer=customer, package=package, router=router, username="bench.pdf", password="bench-1",
    )
    start = timezone.localdate().replace(day=1)
    invoice = invoice_create(
        actor=None, customer=customer, issue_date=start,
        lines=[
            LineSpec(kind=InvoiceLine.Kind.PRORATED, description="Home 20 Mbps, from activation", amount=Decimal("354.84"),
                     subscription_id=subscription.pk, period=Period(start - timedelta(days=11), start - timedelta(days=1))),
            LineSpec(kind=InvoiceLine.Kind.RECURRING, description="Home 20 Mbps", amount=Decimal("1000.00"),
                     subscription_id=subscription.pk, period=Period(start, start + timedelta(days=27))),
            LineSpec(kind=InvoiceLine.Kind.ONE_TIME, description="Installation and ONU", amount=Decimal("1500.00")),
        ],
    )
    payment_ledger_record(actor=None, customer=customer, amount=Decimal("2000.00"), method="bkash", reference="BENCH8N7A6B")
    invoice.refresh_from_db()
    return invoice


def main() -> None:
    args = parse_args()
    setup_django(args.db_name)
    from pypdf import PdfReader

    from billing.documents import invoice_pdf

    invoice = the_invoice()
    if not args.default_gc:
        from ispbill.core.runtime import tune_garbage_collector

        tune_garbage_collector()  # as config/wsgi.py and the Celery worker processes do
    for _ in range(args.warmup):
        document = invoice_pdf(invoice)
    pages = len(PdfReader(io.BytesIO(document.content)).pages)
    if args.out:
        Path(args.out).write_bytes(document.content)

    timings, cpu = [], []
    for _ in range(args.repeat):
        started, cpu_started = time.perf_counter(), time.process_time()
        invoice_pdf(invoice)
        timings.append((time.perf_counter() - started) * 1000)
        cpu.append((time.process_time() - cpu_started) * 1000)
    timings.sort()
    median = statistics.median(timings)
    p95 = timings[min(len(timings) - 1, round(0.95 * (len(timings) - 1)))]
    load = os.getloadavg()
    print(f"invoice PDF {invoice.number}: {pages} page(s), {len(document.content):,} bytes")
    print(f"  {args.repeat} renders after {args.warmup} warm-up ({'default' if args.default_gc else 'tuned'} garbage collector): "
          f"median {median:.1f} ms, p95 {p95:.1f} ms, max {timings[-1]:.1f} ms, CPU median {statistics.median(cpu):.1f} ms "
          f"(target ≤ {TARGET_MS:.0f} ms: median {'met' if median <= TARGET_MS else 'MISSED'}, p95 {'met' if p95 <= TARGET_MS else 'MISSED'})")
    print(f"  {platform.python_implementation()} {platform.python_version()}, {os.cpu_count()} CPUs, "
          f"load average {load[0]:.1f} {load[1]:.1f} {load[2]:.1f}")


if __name__ == "__main__":
    main()
