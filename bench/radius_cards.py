"""Hotspot logins by prepaid card code through FreeRADIUS and PostgreSQL (issue 40: ≥ 500/s, p95 ≤ 20 ms).

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/postgres \\
        .venv/bin/python bench/radius_cards.py --cards 100000

Database `ispbill_bench_radius_cards`: one router in RADIUS mode (127.0.0.1, a Wi-Fi zone), a batch of
`--cards` cards sold online (they work at once), ours configuration and least-privilege role as
`radius_serve` makes them. Each Access-Request is RouterOS's hotspot login (Service-Type Login-User,
PAP, the code as username and password, a MAC per card) and is answered by radius_login_rows: no
subscriber has that name, so the card is found by its HMAC (pgcrypto), its verdict read, the lockout
counted. Phases, each with its own cards:

- **first use**, closed loop (`--concurrency` outstanding): every login is a card's first, so post-auth
  also starts the card (voucher_login_accepted: a row locked and updated) — the heaviest answer;
- **again**, closed loop: the same cards logging in again from their device (nothing to write but
  radius_postauth);
- **@rate**: `--rate` logins/s for `--rate-seconds` at a fixed rate, `--first-share` of them first
  logins (default half) and the rest again, latency from when each was due (the issue's p95 target).

bench/_radius.py has the load generator and the CPU meter. The machine's load average is printed
before each phase: other work on the machine shows in the latency.
"""

from __future__ import annotations

import argparse
import asyncio
import hashlib
import os
import random
import shutil
import struct
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from _common import setup_django  # noqa: E402
from _radius import (  # noqa: E402
    ACCESS_ACCEPT,
    ACCESS_REQUEST,
    CALLED_STATION_ID,
    CALLING_STATION_ID,
    FRAMED_IP_ADDRESS,
    MAIN_NAS,
    NAS_IP_ADDRESS,
    NAS_PORT,
    NAS_PORT_TYPE,
    SECRET,
    SERVICE_TYPE,
    USER_NAME,
    USER_PASSWORD,
    Client,
    Codec,
    CpuMeter,
    Side,
    _attr,
    _int,
    _ip,
    closed_loop,
    free_udp_port,
    load_average,
    open_loop,
    report,
    start_server,
    stop_server,
)

DB_NAME = "ispbill_bench_radius_cards"
LOGIN_USER, WIRELESS = 1, 19


def hotspot_request(codec: Codec, ident: int, code: str, n: int) -> tuple[bytes, bytes]:
    """RouterOS's hotspot login page by PAP: the code as username and password, the device's MAC."""
    authenticator = os.urandom(16)
    clear = code.encode()
    clear += b"\0" * (-len(clear) % 16)
    hidden, previous = b"", authenticator
    for offset in range(0, len(clear), 16):
        key = hashlib.md5(codec.secret + previous).digest()
        previous = bytes(a ^ b for a, b in zip(clear[offset:offset + 16], key))
        hidden += previous
    mac = f"02:CA:{(n >> 24) & 255:02X}:{(n >> 16) & 255:02X}:{(n >> 8) & 255:02X}:{n & 255:02X}".encode()
    attrs = b"".join((
        _attr(USER_NAME, code.encode()), _attr(USER_PASSWORD, hidden), _ip(NAS_IP_ADDRESS, MAIN_NAS), _int(NAS_PORT, n),
        _int(NAS_PORT_TYPE, WIRELESS), _int(SERVICE_TYPE, LOGIN_USER), _attr(CALLING_STATION_ID, mac),
        _attr(CALLED_STATION_ID, b"hotspot1"), _ip(FRAMED_IP_ADDRESS, f"10.5.{(n >> 8) & 255}.{n & 255}"),
    ))
    return struct.pack("!BBH", ACCESS_REQUEST, ident, 20 + len(attrs)) + authenticator + attrs, authenticator


def prepare(*, cards: int, threads: int, db_pool: int, directory: Path) -> tuple[Side, list[str]]:
    from django.conf import settings
    from django.db import connection, transaction

    from customers.models import Area, Branch
    from network.models import Router
    from radius.config import Options, config_write
    from radius.sql import role_ensure
    from vouchers import selectors, services
    from vouchers.models import VoucherBatch, VoucherCard, VoucherPlan, WifiZone

    router, _ = Router.objects.update_or_create(name="BENCH-CARDS", defaults={
        "host": MAIN_NAS, "aaa_mode": "radius", "radius_secret": SECRET, "is_active": True})
    Router.objects.exclude(pk=router.pk).update(aaa_mode="api")
    area = Area.objects.first() or Area.objects.create(
        name="Bench", branch=Branch.objects.get_or_create(code="BENCH", defaults={"name": "Bench"})[0])
    WifiZone.objects.get_or_create(name="Bench zone", defaults={"area": area, "router": router})
    batch = VoucherBatch.objects.filter(note="bench", count=cards).first()
    if batch is None:
        plan, _ = VoucherPlan.objects.get_or_create(name="Bench day", defaults={
            "duration": 1, "duration_unit": "days", "data_mb": 1000, "download_kbps": 5120, "upload_kbps": 2048, "devices": 1,
            "price": 20, "valid_from": "first_use", "unused_days": 365})
        started = time.perf_counter()
        with transaction.atomic():
            batch = services.batch_generate(actor=None, plan=plan, count=cards, note="bench")
        print(f"Generated {cards:,} cards in {time.perf_counter() - started:.1f} s", flush=True)
    # Sold online: works without a distributor. Every card unused again, no sessions, no answers logged.
    VoucherBatch.objects.filter(pk=batch.pk).update(channel="online", status="active")
    VoucherCard.objects.filter(batch=batch).update(state="unsold", sold_at=None, first_used_at=None, expires_at=None,
                                                   used_zone=None, devices=[], data_used_bytes=0, ended_at=None)
    with connection.cursor() as cursor:
        cursor.execute("TRUNCATE radius_radacct, radius_postauth, vouchers_cardsession")
        cursor.execute("VACUUM (ANALYZE) vouchers_vouchercard")
    codes = [code for _serial, code in selectors.batch_codes(batch=batch)]
    settings.RADIUS_DB_PASSWORD = settings.RADIUS_DB_PASSWORD or "bench-radius-role"
    role_ensure(role=settings.RADIUS_DB_USER, password=settings.RADIUS_DB_PASSWORD)  # also the card key row and grants
    auth_port, acct_port = free_udp_port(), free_udp_port()
    config_write(directory, Options(auth_port=auth_port, acct_port=acct_port, listen="127.0.0.1", threads=threads, db_pool=db_pool,
                                    log_destination="files"))
    return Side("ours", directory, DB_NAME, auth_port, acct_port, [], []), codes


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--cards", type=int, default=100_000)
    parser.add_argument("--requests", type=int, default=10_000, help="logins in each closed-loop phase")
    parser.add_argument("--concurrency", type=int, default=100)
    parser.add_argument("--rate", type=float, default=500, help="logins/s of the fixed-rate run")
    parser.add_argument("--rate-seconds", type=float, default=10)
    parser.add_argument("--first-share", type=float, default=0.5, help="share of first logins in the fixed-rate run")
    parser.add_argument("--threads", type=int, default=32)
    parser.add_argument("--db-pool", type=int, default=0, help="database connections (default threads/2)")
    args = parser.parse_args()
    base_url = os.environ.get("DATABASE_URL", "")
    setup_django(DB_NAME)
    rate_count = int(args.rate * args.rate_seconds)
    if args.cards < 2 * args.requests + rate_count:
        sys.exit(f"--cards must be at least {2 * args.requests + rate_count:,}: every phase has cards of its own")
    work = Path(tempfile.mkdtemp(prefix="bench-radius-cards-"))
    try:
        side, codes = prepare(cards=args.cards, threads=args.threads, db_pool=args.db_pool or max(1, args.threads // 2),
                              directory=work / "ours")
        rng = random.Random(42)
        rng.shuffle(codes)
        first = codes[:args.requests]
        fresh = codes[args.requests:args.requests + int(rate_count * args.first_share)]
        print(f"{args.cards:,} cards; {args.threads} threads; load average {load_average()} ({os.cpu_count()} CPUs)", flush=True)
        codec = Codec(SECRET)
        start_server(side)
        meter = CpuMeter(side, base_url)
        try:
            async def run():
                def logins(chosen, offset=0):
                    return [lambda ident, c=c, n=n: hotspot_request(codec, ident, c, offset + n) for n, c in enumerate(chosen)]

                async with Client(codec, side.auth_port, source=MAIN_NAS, slots=max(args.concurrency, 500)) as client:
                    warm = codes[-500:]
                    await closed_loop(client, logins(warm, 10_000_000), 20)
                    load, before = load_average(), meter.snapshot()
                    outcome = await closed_loop(client, logins(first), args.concurrency)
                    report("first use", side, 1, outcome, ACCESS_ACCEPT, meter.since(before), load, f"(concurrency {args.concurrency})")
                    load, before = load_average(), meter.snapshot()
                    outcome = await closed_loop(client, logins(first), args.concurrency)
                    report("again", side, 1, outcome, ACCESS_ACCEPT, meter.since(before), load, f"(concurrency {args.concurrency})")
                    mixed = logins(fresh, args.requests) + logins(first[:rate_count - len(fresh)])
                    random.Random(7).shuffle(mixed)
                    load, before = load_average(), meter.snapshot()
                    outcome = await open_loop(client, mixed, args.rate)
                    report(f"@{args.rate:.0f}/s", side, 1, outcome, ACCESS_ACCEPT, meter.since(before), load,
                           f"({args.first_share:.0%} first logins)")

            asyncio.run(run())
        finally:
            meter.close()
            stop_server(side)
        from vouchers.models import VoucherCard

        print(f"Cards started: {VoucherCard.objects.filter(state='active').count():,}", flush=True)
    finally:
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
