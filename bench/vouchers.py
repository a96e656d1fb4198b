"""How long do 100,000 prepaid cards take to generate and store, and 1,000 of them to print?

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/postgres .venv/bin/python bench/vouchers.py

Uses its own database (`ispbill_bench_vouchers`, created if missing, migrated). Times, through the
services the staff screens call:

- `vouchers.services.batch_generate(count=100_000)` in one transaction, committed: codes drawn,
  HMAC'd, the card rows written (COPY), the codes sealed (encrypted) — target ≤ 30 s;
- the staff form's path for a batch that big: `batch_queue` then what the background job runs,
  `batch_fill` (10,000 cards per transaction, the progress committed with each) — the same target;
- `vouchers.documents.cards_pdf` of 1,000 cards (100 A4 pages, a QR code each), in English and in
  Bangla — target ≤ 20 s.

Prints wall and CPU seconds of this process (PostgreSQL's own work is in the wall time only) and the
machine's load average before and after. Run by hand; not part of the test suite.
"""

import argparse
import io
import os
import sys
import time
from decimal import Decimal
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench._common import setup_django  # noqa: E402

GENERATE_TARGET_S = 30.0
PDF_TARGET_S = 20.0


def parse_args():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--db-name", default="ispbill_bench_vouchers")
    parser.add_argument("--cards", type=int, default=100_000)
    parser.add_argument("--print", type=int, default=1_000, dest="print_cards")
    parser.add_argument("--repeat", type=int, default=2)
    parser.add_argument("--out", help="also write the English PDF here")
    return parser.parse_args()


def _timed(call):
    started, cpu = time.perf_counter(), time.process_time()
    result = call()
    return result, time.perf_counter() - started, time.process_time() - cpu


def main() -> None:
    args = parse_args()
    setup_django(args.db_name)
    from django.db import transaction
    from pypdf import PdfReader

    from billing.selectors import current_billing_settings
    from vouchers import documents, services, tasks
    from vouchers.models import VoucherPlan

    current_billing_settings()
    plan = VoucherPlan.objects.filter(name="Bench day pass").first() or services.plan_create(
        actor=None, name="Bench day pass", name_bn="এক দিন", duration=1, duration_unit="days", data_mb=3072, download_kbps=5120,
        upload_kbps=2048, devices=1, price=Decimal("30.00"), valid_from="first_use", unused_days=180, is_active=True)
    print(f"load average before: {' '.join(f'{x:.2f}' for x in os.getloadavg())}")

    batch = None
    for run in range(1, args.repeat + 1):
        def generate():
            with transaction.atomic():
                return services.batch_generate(actor=None, plan=plan, count=args.cards)
        batch, wall, cpu = _timed(generate)
        verdict = "met" if wall <= GENERATE_TARGET_S else "MISSED"
        print(f"generate+store {args.cards:,} cards, run {run}: wall {wall:.2f} s, CPU {cpu:.2f} s "
              f"(target ≤ {GENERATE_TARGET_S:.0f} s: {verdict})")

    tasks.generate_batch.apply_async = lambda args, **options: None  # no broker here: the fill below is the job
    for run in range(1, args.repeat + 1):
        def background():
            queued = services.batch_queue(actor=None, plan=plan, count=args.cards)
            return services.batch_fill(batch_id=queued.pk)  # what the job runs, here in this process
        made, wall, cpu = _timed(background)
        assert made.status == "active" and made.cards_made == args.cards
        verdict = "met" if wall <= GENERATE_TARGET_S else "MISSED"
        print(f"background job path (queue + fill in chunks) {args.cards:,} cards, run {run}: wall {wall:.2f} s, CPU {cpu:.2f} s "
              f"(target ≤ {GENERATE_TARGET_S:.0f} s: {verdict})")

    last = batch.first_serial + args.print_cards - 1
    documents.cards_pdf(batch=batch, language="en", first_serial=batch.first_serial, last_serial=batch.first_serial + 9)  # warm up
    for language in ("en", "bn"):
        for run in range(1, args.repeat + 1):
            content, wall, cpu = _timed(lambda language=language: documents.cards_pdf(
                batch=batch, language=language, first_serial=batch.first_serial, last_serial=last))
            pages = len(PdfReader(io.BytesIO(content)).pages)
            verdict = "met" if wall <= PDF_TARGET_S else "MISSED"
            print(f"PDF of {args.print_cards:,} cards ({language}, {pages} pages, {len(content) / 1e6:.1f} MB), run {run}: "
                  f"wall {wall:.2f} s, CPU {cpu:.2f} s (target ≤ {PDF_TARGET_S:.0f} s: {verdict})")
            if args.out and language == "en":
                Path(args.out).write_bytes(content)
    print(f"load average after: {' '.join(f'{x:.2f}' for x in os.getloadavg())}")


if __name__ == "__main__":
    main()
