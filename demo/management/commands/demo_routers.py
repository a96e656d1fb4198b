"""Simulated routers for the demo: one RouterOS simulator per router in the database, loaded with
that router's subscriptions, serving until Ctrl-C (`make run` starts it from Procfile.dev).

    manage.py demo_routers                  # each router on a free loopback port (api and api-ssl)
    manage.py demo_routers --port 18728     # router i (by name) on 127.0.0.1:18728+i, api-ssl on 19728+i

On start it points each Router row at its simulated router (its address and ports, admin with an
empty password, as a fresh RouterOS), so the worker and the console reach it wherever it listens;
then runs the reconciler once per router: the simulator starts empty, and the
reconciler creates every secret, queue, hotspot user, profile and address-list entry the database
wants through the real adapter, as it would repair a router that lost its configuration. From then
on the Celery worker applies every change made in the console. PPPoE customers dial in a couple
of seconds after their secret appears, so the console shows live sessions: the --online-ratio's
share of those loaded at the start, and every connection added later (the one a technician's
check-in puts on the router dials, so the installation can be completed). On first start it seeds
past usage (seed_usage) and polls every router once; beat's usage poll keeps the charts growing.
"""

from __future__ import annotations

import signal
import sys
import threading
import time

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.db import OperationalError, close_old_connections, connection, transaction

from customers.models import Subscription
from demo.management.commands.seed_usage import seed_history
from demo.routeros import SimulatorHost
from demo.routeros.legacy import LEGACY_ROUTER_NAME, legacy_load
from network import aaa, outbox, reconcile, services, usage
from network.models import ProvisioningTask, Router, UsageDaily
from network.services import ON_ROUTER
from radius.models import Session
from radius.serve import unavailable_reason
from vouchers import hotspot
from vouchers import selectors as voucher_selectors
from vouchers.models import VoucherBatch, VoucherCard, WifiZone

from .routeros_simulator import Command as SimulatorCommand

RECONCILE_WAIT_SECONDS = 60
# How long a RADIUS router's customers wait for its mode switch (the worker applies it once FreeRADIUS
# answers; it retries with the queue's back-off) before the demo stops waiting for it.
RADIUS_SWITCH_WAIT_SECONDS = 600
# How long the RADIUS router waits for the demo's prepaid cards (seed --later's vouchers step) to log one in.
CARD_WAIT_SECONDS = 900
LOCKED_ATTEMPTS = 6


def _patiently(action, *args, **kwargs):
    """`action`, tried again while SQLite says the database is locked: in `make run` the background
    seed steps write beside this process, and a busy machine can hold a step's transaction open longer
    than SQLite's wait. A router left unloaded would stop the whole demo (honcho stops every process)."""
    for attempt in range(1, LOCKED_ATTEMPTS + 1):
        try:
            return action(*args, **kwargs)
        except OperationalError as error:
            if "locked" not in str(error) or attempt == LOCKED_ATTEMPTS:
                raise
            time.sleep(5 * attempt)


class Command(BaseCommand):
    help = "Run a simulated RouterOS router for every router in the database, loaded with its subscriptions."

    def add_arguments(self, parser):
        parser.add_argument("--host", default="127.0.0.1", help="address to listen on (default 127.0.0.1)")
        parser.add_argument(
            "--port", type=int, default=0,
            help="API port of the first router, router i gets PORT+i; 0 (the default): free ports chosen by the system",
        )
        parser.add_argument(
            "--ssl-port", type=int, default=None, help="api-ssl port of the first router (default PORT+1000; free ones with --port 0)"
        )
        parser.add_argument("--connect-delay", type=float, default=2.0, help="seconds before an enabled secret dials in")
        parser.add_argument(
            "--online-ratio", type=float, default=0.9, help="share of customers whose CPE is switched on (default 0.9)"
        )
        parser.add_argument("--seed", default="2026", help="seed for caller-ids and traffic (default 2026)")
        parser.add_argument(
            "--hotspot-port", type=int, default=0,
            help="port of the first Wi-Fi zone's hotspot login page (VOUCHER_LOGIN_URL points there in make run); 0: a free one",
        )
        parser.add_argument(
            "--radius", action="store_true",
            help="switch one demo router to RADIUS mode when FreeRADIUS can run here (PostgreSQL, freeradius installed): make run",
        )
        console = parser.add_mutually_exclusive_group()
        console.add_argument("--console", dest="console", action="store_true", default=None)
        console.add_argument("--no-console", dest="console", action="store_false")

    def handle(self, *args, **options):
        routers = list(Router.objects.filter(is_active=True).order_by("name"))
        if not routers:
            raise CommandError("No active routers in the database: run `manage.py seed_demo` first.")
        base_port = options["port"]
        ssl_base = options["ssl_port"] if options["ssl_port"] is not None else (base_port + 1000 if base_port else 0)
        simulator = SimulatorHost(bind=options["host"])
        simulated = [
            simulator.add_router(
                port=base_port and base_port + index, ssl_port=ssl_base and ssl_base + index, identity=router.name,
                username="admin", password="",
                seed=options["seed"], connect_delay=options["connect_delay"], online_ratio=options["online_ratio"],
            )
            for index, router in enumerate(routers)
        ]
        try:
            simulator.start()
        except OSError as error:
            simulator.stop()
            raise CommandError(
                f"cannot listen on ports {base_port}…{base_port + len(routers) - 1}: {error}."
                " Leave out --port (or set DEMO_ROUTER_PORT=0 for make run) to take free ports."
            ) from error

        self.stdout.write(f"Demo routers: {len(routers)} simulated RouterOS routers, login admin with an empty password")
        try:
            for router, sim in zip(routers, simulated):
                _patiently(
                    services.router_update, actor=None, router=router, host=sim.host, api_port=sim.port,
                    ssl_port=sim.ssl_port, use_ssl=False, username="admin", password="", radius_coa_port=sim.coa_port,
                )
                loaded = _patiently(self.load, router, sim)
                self.stdout.write(f"  {router.name:<16} api {sim.host}:{sim.port}  api-ssl {sim.host}:{sim.ssl_port}  {loaded}")
            time.sleep(options["connect_delay"] + 0.5)  # customers dial in: the health check counts them
            for router in routers:
                _patiently(lambda pk: services.router_check_health(router=Router.objects.get(pk=pk)), router.pk)
            seeded = _patiently(self.seed_usage)
            if seeded:
                self.stdout.write(seeded)
            for router in routers:
                _patiently(usage.usage_poll_router, router_id=router.pk)  # baselines and live sessions now; beat polls on
            self.radius_demo(routers, simulated, switch=options["radius"])
            self.hotspot_stop = threading.Event()
            threading.Thread(target=self.hotspot_pages_thread, args=(routers, simulated, options["hotspot_port"], simulator), daemon=True,
                             name="hotspot-pages").start()
        except Exception:
            self.hotspot_stop.set()
            simulator.stop()
            raise
        self.serve(simulator, options)

    # RADIUS (make run on PostgreSQL with freeradius: Procfile.dev's `radius` process) -------------------

    def radius_demo(self, routers: list[Router], simulated, *, switch: bool) -> None:
        """One demo router in RADIUS mode, switched through the router service as staff would on the
        router page (the first start only; later starts find it switched). The worker applies the
        switch once FreeRADIUS answers for the router; then that router's customers log in through
        FreeRADIUS (PPPoE dials, hotspot logins). Without PostgreSQL or freeradius nothing changes: the
        `radius` process has said why."""
        pairs = {router.pk: (router, sim) for router, sim in zip(routers, simulated)}
        switched = [pk for pk, (router, _sim) in pairs.items() if router.aaa_mode == Router.AaaMode.RADIUS]
        if not switched and switch and not unavailable_reason():
            router = self.radius_candidate(routers)
            if router is None:
                return
            with transaction.atomic():
                services.router_switch_aaa_mode(actor=None, router=router, mode=Router.AaaMode.RADIUS)
            switched = [router.pk]
            self.stdout.write(
                f"RADIUS: {router.name} switched to RADIUS mode (FreeRADIUS on udp {', '.join(map(str, aaa.radius_servers()))});"
                " its customers log in through it once the worker has applied the switch."
            )
        for pk in switched:
            router, sim = pairs[pk]
            threading.Thread(target=self.radius_follow, args=(router, sim), daemon=True, name=f"radius-{router.name}").start()

    @staticmethod
    def radius_candidate(routers: list[Router]) -> Router | None:
        """The router of the demo's Wi-Fi zones (prepaid cards log in only through FreeRADIUS; the zones are
        seeded after this starts, on the router seed_vouchers picks), else the one with the most PPPoE and
        hotspot customers on it (not the import demo's)."""
        from demo.management.commands.seed_vouchers import zone_area, zone_router

        zoned = set(WifiZone.objects.filter(is_active=True, router__isnull=False).values_list("router_id", flat=True))
        if not zoned and (area := zone_area()) is not None and (router := zone_router(area)) is not None:
            zoned = {router.pk}
        counts = {
            router: Subscription.objects.filter(
                router=router, status__in=ON_ROUTER, connection_type__in=(Subscription.ConnectionType.PPPOE, Subscription.ConnectionType.HOTSPOT),
            ).exclude(username="").count()
            for router in routers if router.name != LEGACY_ROUTER_NAME and router.provision_pppoe
        }
        best = max(counts, key=lambda router: (router.pk in zoned and counts[router] > 0, counts[router], -router.pk), default=None)
        return best if best is not None and counts[best] else None

    def radius_follow(self, router: Router, sim) -> None:
        """Wait for the router's mode switch to be applied, then its customers log in through FreeRADIUS."""
        try:
            deadline = time.monotonic() + RADIUS_SWITCH_WAIT_SECONDS
            while time.monotonic() < deadline:
                close_old_connections()
                waiting = ProvisioningTask.objects.filter(
                    router=router, action=ProvisioningTask.Action.AAA_MODE, status__in=ProvisioningTask.NOT_DONE
                ).exists()
                if not waiting:
                    break
                time.sleep(2)
            else:
                self.stdout.write(f"RADIUS: {router.name}'s switch is still waiting for FreeRADIUS (router page, queue); customers keep their sessions.")
                return
            self.radius_accounting_on(router, sim)
            self.stdout.write(f"RADIUS: {router.name} in RADIUS mode, CoA on udp {sim.coa_port}: {self.radius_customers_dial(router, sim)}")
            self.stdout.flush()
            if (card := self.radius_card_login(router, sim, wait_seconds=self.card_wait_seconds)):
                self.stdout.write(f"RADIUS: {card}")
                self.stdout.flush()
        finally:
            connection.close()

    def radius_accounting_on(self, router: Router, sim, *, wait_seconds: float = 30.0) -> None:
        """The simulated router has just started, as a router does after a reboot: when FreeRADIUS still holds
        sessions open for it (the last `make run`'s, ended with Ctrl-C, which sent no Stop), its Accounting-On
        tells FreeRADIUS they are over, so its customers are not refused as already online (Simultaneous-Use).
        FreeRADIUS writes it to the database after answering (its accounting is spooled), and it closes every
        session open for the router then: its customers dial only once it has, or their new sessions would
        be closed with the old ones."""
        if not Session.objects.filter(router=router, acctstoptime__isnull=True).exists():
            return
        state = sim.state
        with state.lock:
            state.radius.account("Accounting-On", None, state.clock())
        state.radius.flush()
        deadline = time.monotonic() + wait_seconds
        while Session.objects.filter(router=router, acctstoptime__isnull=True).exists() and time.monotonic() < deadline:
            time.sleep(0.5)

    def radius_card_login(self, router: Router, sim, *, wait_seconds: float = CARD_WAIT_SECONDS, every: float = 10.0) -> str:
        """A customer of the Wi-Fi zone on this router logs in with a prepaid card on the hotspot page, through
        FreeRADIUS (the card is sold by the distributor and never used: its first login starts its time). The
        cards are seeded beside this (`seed --later`'s vouchers step): wait for them. Once per demo: a card
        that has logged in here before is enough ("" then, and when the zone has no such card)."""
        deadline = time.monotonic() + wait_seconds
        while True:
            if not connection.in_atomic_block:  # a test's transaction is kept
                close_old_connections()
            zones = WifiZone.objects.filter(router=router, is_active=True)
            if Session.objects.filter(router=router, username__startswith="card ").exists():
                return ""
            card = (VoucherCard.objects.filter(batch__zone__in=zones, state=VoucherCard.State.SOLD, batch__status=VoucherBatch.Status.ACTIVE)
                    .select_related("batch__zone").order_by("serial").first())
            if card is not None or time.monotonic() >= deadline:
                break
            time.sleep(every)
        if card is None:
            return ""
        code = dict(voucher_selectors.batch_codes(batch=card.batch, first_serial=card.serial, last_serial=card.serial))[card.serial]
        result = sim.hotspot_login(code, code)
        return (f"prepaid card {card.serial:09d} ({card.batch.plan.name}) logged in at {card.batch.zone.name}'s hotspot:"
                f" {result.outcome} (Prepaid cards, Online now)")

    # Hotspot login pages (vouchers/hotspot.py) ----------------------------------------------------------

    def hotspot_pages_thread(self, *args) -> None:
        try:
            self.hotspot_pages(*args)
        except Exception as error:  # noqa: BLE001 - the demo goes on without the page; say why
            if not self.hotspot_stop.is_set():
                self.stdout.write(f"Hotspot: the login pages are not served: {error}")
        finally:
            connection.close()

    def hotspot_pages(self, routers: list[Router], simulated, first_port: int, simulator: SimulatorHost | None = None) -> None:
        """Each Wi-Fi zone's router serves the zone's login pages as a MikroTik would (hotspot_http.py),
        written to var/hotspot/zone-<id>/ from the templates a zone's zip is made of; the first zone on
        `first_port`, where the demo's VOUCHER_LOGIN_URL (a printed card's QR code) points. Zones are
        looked for until one is served: `make run` seeds the cards beside this process."""
        sims = {router.pk: sim for router, sim in zip(routers, simulated)}
        served: set[int] = set()
        try:
            for _ in range(120):
                if self.hotspot_stop.is_set() or (simulator is not None and simulator.loop is None):
                    return  # the routers stopped
                if not connection.in_atomic_block:  # a test's transaction is kept
                    close_old_connections()
                zones = [z for z in WifiZone.objects.filter(is_active=True, router_id__in=sims).order_by("pk") if z.pk not in served]
                for zone in zones:
                    folder = hotspot.write_directory(zone, settings.VAR_DIR / "hotspot" / f"zone-{zone.pk}")
                    portal = sims[zone.router_id].serve_hotspot(folder, port=first_port if not served else 0)
                    served.add(zone.pk)
                    self.stdout.write(f"Hotspot: {zone.name}'s login page on {portal.url} (a card's QR code opens it)")
                    self.stdout.flush()
                if served or self.hotspot_stop.wait(5):
                    return
        except OSError as error:
            self.stdout.write(f"Hotspot: cannot serve the login page on port {first_port}: {error}")

    def load(self, router: Router, sim) -> str:
        """Give the empty simulated router everything the database wants on it, through the reconciler."""
        deadline = time.monotonic() + RECONCILE_WAIT_SECONDS
        # Changes still queued (a fresh seed) go first, in order, as the worker would apply them.
        outbox.outbox_drain(router_id=router.pk)
        report = reconcile.reconcile_router(router_id=router.pk)
        while report is None and time.monotonic() < deadline:
            time.sleep(1)  # the worker is draining this router's queue right now
            report = reconcile.reconcile_router(router_id=router.pk)
        if report is None:
            return "busy: the reconciler will load it on its next run"
        if report.error:
            return f"not loaded: {report.error}"
        state = sim.state
        # From now on a connection put on the router is an installation: its customer's router dials.
        state.in_service = True
        if router.aaa_mode == Router.AaaMode.RADIUS:
            return f"RADIUS mode, CoA on udp {sim.coa_port}: its customers log in once FreeRADIUS answers"
        if router.name == LEGACY_ROUTER_NAME:  # the router import's demo: secrets no customer owns yet
            legacy_load(state)
        return (
            f"{len(state.secrets.rows)} secrets, {len(state.queues.rows)} queues, {len(state.hotspot_users.rows)} hotspot users"
            f" ({report.skipped and f'{len(report.skipped)} left to the worker, ' or ''}{report.get_status_display().lower()})"
        )

    def radius_customers_dial(self, router: Router, sim) -> str:
        """A RADIUS router holds no secrets: each customer's CPE knows its own login, and dials (a
        session still up from before the switch is ended first: the CPE dials again, now through
        RADIUS); each hotspot customer signs in on the login page."""
        outcome: dict[str, int] = {}
        logins = Subscription.objects.filter(
            router=router, status__in=ON_ROUTER, connection_type__in=(Subscription.ConnectionType.PPPOE, Subscription.ConnectionType.HOTSPOT)
        ).exclude(username="").order_by("pk")
        for subscription in logins:
            name, password = subscription.username, subscription.password or ""
            if not sim.state.wants_online(name):
                continue
            if subscription.connection_type == Subscription.ConnectionType.HOTSPOT:
                kind, result = "hotspot", sim.hotspot_login(name, password)
            else:
                session = sim.session(name)
                if session is not None and session["radius"] != "true":
                    sim.drop_session(name, reconnect=False)
                kind, result = "PPPoE", sim.dial(name, password)
            # A suspended customer is let in to the walled garden (or refused, as the ISP chose): said apart.
            walled = subscription.status == Subscription.Status.SUSPENDED
            key = f"{kind} {result.outcome}{' suspended (walled garden)' if walled and result.outcome == 'accept' else ' suspended' if walled else ''}"
            outcome[key] = outcome.get(key, 0) + 1
        return ", ".join(f"{count} {name}" for name, count in sorted(outcome.items())) or "no PPPoE or hotspot customers"

    def seed_usage(self) -> str:
        """Past usage for the charts on first start ("" when present); the live polls add to it from now on."""
        if UsageDaily.objects.exists():
            return ""
        return seed_history()

    card_wait_seconds = CARD_WAIT_SECONDS  # how long radius_follow waits for a prepaid card to log in with

    hotspot_stop = threading.Event()  # set when the routers stop: the hotspot thread stops looking for zones

    def serve(self, simulator: SimulatorHost, options) -> None:
        stop = threading.Event()
        for signal_number in (signal.SIGINT, signal.SIGTERM):
            signal.signal(signal_number, lambda *_: stop.set())
        console = options["console"] if options["console"] is not None else sys.stdin.isatty()
        if console:
            self.stdout.write('Console ready: type "help" to break routers (reboot, down, trap, kick …).')
            helper = SimulatorCommand(stdout=self.stdout, stderr=self.stderr)
            threading.Thread(target=helper._console, args=(simulator, stop), daemon=True).start()
        if console:
            self.stdout.write("Ctrl-C to stop.")
        try:
            while not stop.wait(0.5):
                pass
        finally:
            self.hotspot_stop.set()
            simulator.stop()
            self.stdout.write("Demo routers stopped.")
