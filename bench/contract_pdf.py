"""How long do a contract PDF render and a signed-PDF verification take, warm?

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/postgres .venv/bin/python bench/contract_pdf.py

Uses its own database (`ispbill_bench_contract`, created if missing, migrated). It makes one customer
(Bangla name), a subscription, a two-page contract from a template, sends it (the PDF shown is
stored) and signs it (evidence, signed PDF with the signature and the certificate page), then times:

- `contracts.documents.contract_pdf` of the signed copy (text, drawn signature, certificate page),
  exactly as signing renders it — target ≤ 300 ms warm;
- `contracts.signing.verify_pdf` of the stored signed PDF (the contract read by its code, the
  upload's SHA-256 compared) — what /verify/<code> does after the upload — target ≤ 100 ms.

Median, p95 and max in milliseconds after a warm-up. Run by hand; not part of the test suite.
"""

import argparse
import os
import statistics
import sys
import time
from decimal import Decimal
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench._common import setup_django  # noqa: E402
from usecases.subscription_create import subscription_create as usecases_subscription_create

PDF_TARGET_MS, VERIFY_TARGET_MS = 300.0, 100.0


def parse_args():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--db-name", default="ispbill_bench_contract")
    parser.add_argument("--repeat", type=int, default=30)
    parser.add_argument("--warmup", type=int, default=3)
    return parser.parse_args()


def the_contract():
    from contracts import services, signing
    from contracts.models import Contract
    from customers import services as customer_services
    from customers.models import Area, Branch, Package
    from demo.management.commands.seed_contracts import EN_BODY, _signature_png
    from network.models import Router

    existing = Contract.objects.filter(customer__phone="+8801799000222", signed_at__isnull=False).first()
    if existing is not None:
        return existing
    branch, _ = Branch.objects.get_or_create(code="BC", defaults={"name": "Bench contracts"})
    area, _ = Area.objects.get_or_create(branch=branch, name="Gulshan")
    package, _ = Package.objects.get_or_create(
        name="Home 30 Mbps (bench)", defaults={"download_mbps": 30, "upload_mbps": 30, "price": Decimal("1200.00"),
                                               "router_profile": "bench-30", "minimum_term_months": 12},
    )
    router, _ = Router.objects.get_or_create(name="bench-contract-router", defaults={"host": "127.0.0.1", "branch": branch})
    customer = customer_services.customer_create(
        actor=None, name="করিম হাসান", phone="+8801799000222", address="বাড়ি ৭, রোড ১১, গুলশান, ঢাকা", area=area,
    )
    subscription = usecases_subscription_create(
        actor=None, customer=customer, package=package, router=router, username="bench.contract", password="bench-1",
    )
    template = services.template_current(key="bench", language="en") or services.contract_template_save(
        actor=None, key="bench", language="en", title="Home internet agreement", body=EN_BODY + "\n\n" + EN_BODY)
    contract = services.contract_send(actor=None, contract=services.contract_create(
        actor=None, subscription=subscription, template=template, fee_kind="per_month", fee_value=Decimal("300")))
    from django.db import transaction

    with transaction.atomic():
        signing.sign(contract=contract, png=signing.signature_png(_signature_png()), signer_name=customer.name,
                       consent_text=services.consent_text_for(contract), ip="203.0.113.5", user_agent="bench",
                       latitude=None, longitude=None, device_time="")
    return Contract.objects.get(pk=contract.pk)


def timed(fn, repeat: int, warmup: int) -> tuple[list[float], list[float]]:
    """Wall and CPU milliseconds per call (CPU moves less with what else the machine runs)."""
    for _ in range(warmup):
        fn()
    wall, cpu = [], []
    for _ in range(repeat):
        start, start_cpu = time.perf_counter(), time.process_time()
        fn()
        wall.append((time.perf_counter() - start) * 1000)
        cpu.append((time.process_time() - start_cpu) * 1000)
    return wall, cpu


def report(name: str, samples: tuple[list[float], list[float]], target: float) -> None:
    wall, cpu = samples
    ordered = sorted(wall)
    p95 = ordered[max(0, int(len(ordered) * 0.95) - 1)]
    median = statistics.median(ordered)
    verdict = "met" if median <= target else "MISSED"
    print(f"{name}: median {median:.1f} ms, p95 {p95:.1f} ms, max {ordered[-1]:.1f} ms, CPU median "
          f"{statistics.median(cpu):.1f} ms (target ≤ {target:.0f} ms: median {verdict})")


def main():
    args = parse_args()
    setup_django(args.db_name)
    from contracts import signing
    from contracts.documents import contract_pdf
    from contracts.models import Contract

    contract = the_contract()
    signature = contract.signature
    content = signature.signed_pdf.read()

    def render():
        fresh = Contract.objects.select_related("customer", "template").get(pk=contract.pk)
        contract_pdf(fresh, signature=fresh.signature, signature_file=fresh.signature.image.path)

    def verify():
        assert signing.verify_pdf(code=contract.verify_code, content=content)[1]

    print(f"signed contract PDF: {len(content) // 1024} KB; load average {' '.join(f'{x:.1f}' for x in os.getloadavg())}")
    report("contract PDF render (signed, with certificate page)", timed(render, args.repeat, args.warmup), PDF_TARGET_MS)
    report("verification (read by code, SHA-256 compared)", timed(verify, args.repeat * 10, args.warmup), VERIFY_TARGET_MS)


if __name__ == "__main__":
    main()
