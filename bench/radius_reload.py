"""How long FreeRADIUS is away when a router's RADIUS client changes (radius_serve restarts it).

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/postgres \\
        .venv/bin/python bench/radius_reload.py --routers 1000 --rounds 5

Uses its own database `ispbill_bench_radius_reload` (migrated). Makes --routers routers in RADIUS
mode at distinct addresses (10.x.y.z, each with its own secret: that many clients in clients.conf),
starts radius_serve's supervisor (radius/serve.py) on free loopback ports, then --rounds times: adds
a router at 127.0.0.2 (or changes its secret), commits, and sends Access-Requests from 127.0.0.2 every
20 ms until one is answered (a reject of the unknown login is an answer). Prints FreeRADIUS's first
start, and per round the time from the commit to the first answer (NOTIFY, clients.conf written,
FreeRADIUS stopped and started, ready), its median and maximum; and how long the old server took to
stop. The routers' own retry (RouterOS: `/radius timeout`, 300 ms by default, then the next server
or a retry) is what covers that gap.
"""

from __future__ import annotations

import argparse
import secrets
import socket
import statistics
import sys
import tempfile
import threading
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from _common import setup_django  # noqa: E402

DB_NAME = "ispbill_bench_radius_reload"


def free_udp_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--routers", type=int, default=1000)
    parser.add_argument("--rounds", type=int, default=5)
    args = parser.parse_args()
    setup_django(DB_NAME)

    from django.conf import settings
    from pyrad import packet
    from pyrad.client import Client, Timeout

    from network.models import Router
    from network.radius_coa import radius_dictionary
    from radius.config import Options
    from radius.serve import Supervisor, freeradius_binary

    if not freeradius_binary():
        sys.exit("needs freeradius: apt-get install freeradius freeradius-postgresql")
    Router.objects.filter(name__startswith="BENCH-RELOAD-").delete()
    Router.objects.bulk_create(
        Router(name=f"BENCH-RELOAD-{i:05d}", host=f"10.{i // 65536 % 256}.{i // 256 % 256}.{i % 256 or 1}",
               aaa_mode="radius", radius_secret=secrets.token_urlsafe(18), api_port=8728)
        for i in range(1, args.routers + 1)
    )
    settings.RADIUS_DB_USER = "ispbill_radius_bench_reload"
    settings.RADIUS_DB_PASSWORD = ""
    directory = Path(tempfile.mkdtemp(prefix="radius-reload-")) / "raddb"
    options = Options(auth_port=free_udp_port(), acct_port=free_udp_port(), listen="127.0.0.1", threads=4, db_pool=2, log_destination="stdout")
    supervisor = Supervisor(directory, options, write=lambda line: None)
    started = time.monotonic()
    supervisor.prepare()
    supervisor.start()
    first_start = time.monotonic() - started
    stop = threading.Event()
    thread = threading.Thread(target=supervisor.serve, args=(stop,), kwargs={"check_every": 3600}, daemon=True)
    thread.start()
    time.sleep(1)  # listening

    def answered(secret: str) -> bool:
        client = Client(server="127.0.0.1", authport=options.auth_port, secret=secret.encode(), dict=radius_dictionary(), retries=1, timeout=0.02)
        client.bind(("127.0.0.2", 0))
        request = client.CreateAuthPacket(code=packet.AccessRequest, User_Name="bench-nobody")
        request.add_message_authenticator()
        request["User-Password"] = request.PwCrypt("x")
        try:
            client.SendPacket(request)
            return True
        except Timeout:
            return False
        finally:
            client._CloseSocket()

    gaps = []
    probe = Router.objects.create(name="BENCH-RELOAD-PROBE", host="127.0.0.9", aaa_mode="api", radius_secret="", api_port=8728)
    for round_number in range(args.rounds):
        secret = secrets.token_urlsafe(18)
        restarts = supervisor.restarts
        committed = time.monotonic()
        probe.host, probe.aaa_mode, probe.radius_secret = "127.0.0.2", "radius", secret
        probe.save(update_fields=["host", "aaa_mode", "radius_secret"])
        while not answered(secret):
            if time.monotonic() - committed > 60:
                sys.exit("no answer within 60 s")
        gap = time.monotonic() - committed
        gaps.append(gap)
        assert supervisor.restarts > restarts
        print(f"round {round_number + 1}: answered {gap * 1000:.0f} ms after the commit", flush=True)
    stop.set()
    thread.join(30)
    with open("/proc/loadavg") as handle:
        load = handle.read().split()[:3]
    print(f"{args.routers} routers in clients.conf; FreeRADIUS's first start (role, config, ready): {first_start:.2f} s")
    print(f"commit -> new router answered: median {statistics.median(gaps) * 1000:.0f} ms, max {max(gaps) * 1000:.0f} ms over {len(gaps)} rounds")
    print(f"load average {' '.join(load)}")
    Router.objects.filter(name__startswith="BENCH-RELOAD-").delete()


if __name__ == "__main__":
    main()
