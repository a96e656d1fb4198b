"""What Nagad's RSA adds to a checkout: the cost of sealing a request (encrypt for Nagad + sign,
SHA256withRSA) and of opening an answer (decrypt + verify Nagad's signature), with 2048-bit keys.

    PYTHONPATH=. .venv/bin/python bench/nagad_crypto.py --rounds 500

A Nagad payment seals two requests (initialize, complete) and opens one answer (initialize's): the
crypto a Pay now costs is 2 × seal + 1 × open. No database or network; the demo's key pairs.
"""

from __future__ import annotations

import argparse
import os
import statistics
import time

import django


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=500)
    args = parser.parse_args()
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    django.setup()
    from django.conf import settings

    from payments import nagad

    ours = nagad.load_private_key(settings.NAGAD_SANDBOX_MERCHANT_PRIVATE_KEY)
    nagads = nagad.load_public_key(settings.NAGAD_SANDBOX_NAGAD_PUBLIC_KEY)
    nagad_private = nagad.load_private_key(settings.NAGAD_SANDBOX_NAGAD_PRIVATE_KEY)
    our_public = nagad.load_public_key(settings.NAGAD_SANDBOX_MERCHANT_PUBLIC_KEY)
    request = {"merchantId": "683002007104225", "orderId": "NG261125DE605439EC61", "currencyCode": "050",
               "amount": "1150.00", "challenge": "a" * 40}
    plain = '{"paymentReferenceId":"MDExMjUxODU1MDI","challenge":"' + "a" * 40 + '","acceptDateTime":"20261125185502"}'
    answer = {"sensitiveData": nagad.encrypt(our_public, plain), "signature": nagad.sign(nagad_private, plain)}
    seal, opening = [], []
    for _ in range(args.rounds):
        started = time.perf_counter()
        nagad.sealed(data=request, nagad_public_key=nagads, private_key=ours)
        seal.append((time.perf_counter() - started) * 1000)
        started = time.perf_counter()
        nagad.opened(answer=answer, private_key=ours, nagad_public_key=nagads)
        opening.append((time.perf_counter() - started) * 1000)
    for name, times in (("seal (encrypt + sign)", seal), ("open (decrypt + verify)", opening)):
        times.sort()
        print(f"{name:<24} median {statistics.median(times):.2f} ms   p95 {times[int(len(times) * 0.95) - 1]:.2f} ms")
    print(f"per Pay now (2 seals + 1 open): {2 * statistics.median(seal) + statistics.median(opening):.2f} ms median")
    print(f"load average: {os.getloadavg()[0]:.2f}")


if __name__ == "__main__":
    main()
