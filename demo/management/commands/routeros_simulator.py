"""Run simulated MikroTik routers speaking the RouterOS API until Ctrl-C.

    manage.py routeros_simulator --routers 3 --port 18728
    # router i: API on 18728+i, api-ssl on 19728+i, login admin with an empty password

With a terminal attached (or --console) it reads commands from stdin to
break routers during a demo; type ``help``.
"""

from __future__ import annotations

import shlex
import signal
import sys
import threading

from django.core.management.base import BaseCommand, CommandError

from demo.routeros import SimulatorHost, Trap

CONSOLE_HELP = """\
commands (ROUTER is the number printed at start, or "all"):
  status                                   routers, sessions, faults
  reboot ROUTER [DOWN_SECONDS]             counters reset, sessions redial, new .ids
  down ROUTER SECONDS                      unreachable, then back with state intact
  refuse ROUTER | accept ROUTER            stop/start listening
  latency ROUTER SECONDS                   delay every reply
  trap ROUTER COMMAND MESSAGE...           next COMMAND answers !trap MESSAGE
  drop ROUTER COMMAND [ROWS]               next COMMAND reply is cut after ROWS rows
  kick ROUTER USERNAME                     drop a PPPoE session (it redials)
  offline ROUTER USERNAME | online ROUTER USERNAME
  clear ROUTER                             remove every fault
  coa ROUTER nak|silent|ok [disconnect]    RADIUS: answer CoA (or Disconnect) with NAK, nothing, or normally
  dial ROUTER USERNAME PASSWORD            RADIUS: the customer's CPE dials now
  quit"""


class Command(BaseCommand):
    help = "Run simulated RouterOS routers (API and api-ssl) for the demo and for manual testing."

    def add_arguments(self, parser):
        parser.add_argument("--routers", type=int, default=1, help="how many routers (default 1)")
        parser.add_argument("--host", default="127.0.0.1", help="address to listen on (default 127.0.0.1)")
        parser.add_argument("--port", type=int, default=8728, help="API port of the first router; router i gets PORT+i")
        parser.add_argument(
            "--ssl-port", type=int, default=None, help="api-ssl port of the first router (default PORT+1000)"
        )
        parser.add_argument("--no-ssl", action="store_true", help="no api-ssl listeners")
        parser.add_argument("--username", default="admin")
        parser.add_argument("--password", default="")
        parser.add_argument("--seed", default="0", help="seed for caller-ids, traffic and reboot ids (default 0)")
        parser.add_argument("--identity-prefix", default="sim-router-", help="router i is PREFIX + (i+1)")
        parser.add_argument(
            "--connect-delay", type=float, default=2.0, help="seconds before an enabled secret dials in (default 2)"
        )
        parser.add_argument(
            "--online-ratio", type=float, default=1.0, help="share of customers whose CPE is switched on (default 1)"
        )
        parser.add_argument("--latency", type=float, default=0.0, help="seconds added before every reply")
        parser.add_argument(
            "--trap",
            action="append",
            default=[],
            metavar="COMMAND=MESSAGE",
            help="answer COMMAND with !trap MESSAGE every time, on every router (repeatable)",
        )
        parser.add_argument(
            "--preload", type=int, default=0, help="PPPoE secrets and queues to create on each router at start"
        )
        console = parser.add_mutually_exclusive_group()
        console.add_argument("--console", dest="console", action="store_true", default=None)
        console.add_argument("--no-console", dest="console", action="store_false")

    def handle(self, *args, **options):
        count = options["routers"]
        if count < 1:
            raise CommandError("--routers must be at least 1")
        traps = []
        for spec in options["trap"]:
            command, sep, message = spec.partition("=")
            if not sep or not command.startswith("/") and command != "*" or not message:
                raise CommandError(f"--trap wants COMMAND=MESSAGE, e.g. /ppp/secret/add=failure: busy; got {spec!r}")
            traps.append((command, message))
        base_port = options["port"]
        ssl_base = None if options["no_ssl"] else (options["ssl_port"] or base_port + 1000)

        simulator = SimulatorHost(bind=options["host"])
        for index in range(count):
            router = simulator.add_router(
                port=base_port + index,
                ssl_port=None if ssl_base is None else ssl_base + index,
                identity=f"{options['identity_prefix']}{index + 1}",
                username=options["username"],
                password=options["password"],
                seed=options["seed"],
                connect_delay=options["connect_delay"],
                online_ratio=options["online_ratio"],
            )
            router.set_latency(options["latency"])
            for command, message in traps:
                router.inject_trap(command, message, times=None)
            if options["preload"]:
                self._preload(router, options["preload"], index)
        try:
            simulator.start()
        except OSError as error:
            simulator.stop()
            raise CommandError(f"cannot listen: {error}") from error

        self._print_routers(simulator, options)
        stop = threading.Event()
        for signal_number in (signal.SIGINT, signal.SIGTERM):
            signal.signal(signal_number, lambda *_: stop.set())
        console = options["console"] if options["console"] is not None else sys.stdin.isatty()
        if console:
            self.stdout.write('Console ready: type "help".')
            threading.Thread(target=self._console, args=(simulator, stop), daemon=True).start()
        try:
            while not stop.wait(0.5):
                pass
        finally:
            simulator.stop()
            self.stdout.write("Simulated routers stopped.")

    @staticmethod
    def _preload(router, count: int, index: int) -> None:
        packages = [("5M", "5M/5M"), ("10M", "10M/10M"), ("20M", "10M/20M"), ("40M", "20M/40M")]
        for name, rate in packages:
            router.run("/ppp/profile/add", name=name, **{"rate-limit": rate})
        for number in range(count):
            name = f"r{index + 1}c{number + 1:04d}"
            profile, rate = packages[number % len(packages)]
            router.run("/ppp/secret/add", name=name, password=f"pw{number + 1:04d}", profile=profile, service="pppoe")
            router.run("/queue/simple/add", name=name, target=f"<pppoe-{name}>", **{"max-limit": rate})

    def _print_routers(self, simulator: SimulatorHost, options) -> None:
        login = f"{options['username']} / {options['password'] or '(empty password)'}"
        self.stdout.write(f"RouterOS simulator: {len(simulator.routers)} router(s), login {login}")
        for number, router in enumerate(simulator.routers, start=1):
            ssl = f"api-ssl {router.host}:{router.ssl_port}" if router.ssl_port else "no api-ssl"
            self.stdout.write(f"  {number:>3}  {router.identity:<24} api {router.host}:{router.port}  {ssl}  CoA udp {router.coa_port}")
        self.stdout.write("Ctrl-C to stop.")

    def _console(self, simulator: SimulatorHost, stop: threading.Event) -> None:
        for line in sys.stdin:
            try:
                words = shlex.split(line)
            except ValueError as error:
                self.stdout.write(f"? {error}")
                continue
            if not words:
                continue
            if words[0] in ("quit", "exit"):
                stop.set()
                return
            try:
                self.stdout.write(self._console_command(simulator, words))
            except (IndexError, ValueError) as error:
                self.stdout.write(f"? {error or 'missing argument'} (type help)")
            except Trap as trap:
                self.stdout.write(f"trap: {trap}")
        stop.set()

    def _console_command(self, simulator: SimulatorHost, words: list[str]) -> str:
        action = words[0]
        if action == "help":
            return CONSOLE_HELP
        if action == "status":
            lines = []
            for number, router in enumerate(simulator.routers, start=1):
                state = "listening" if router.listening else "DOWN/refusing"
                lines.append(
                    f"{number:>3} {router.identity:<24} {state:<14} sessions {len(router.session_names()):>5}"
                    f"  connections {router.connection_count:>3}  latency {router.faults.latency:g}s"
                    f"  reboots {router.state.reboots}  CoA udp {router.coa_port}"
                )
            return "\n".join(lines)
        if words[1] == "all":
            targets = simulator.routers
        else:
            number = int(words[1])
            if not 1 <= number <= len(simulator.routers):
                raise ValueError(f"no router {number}")
            targets = [simulator.routers[number - 1]]
        for router in targets:
            if action == "reboot":
                router.reboot(float(words[2]) if len(words) > 2 else 0.0)
            elif action == "down":
                router.go_down(float(words[2]))
            elif action == "refuse":
                router.refuse_connections()
            elif action == "accept":
                router.accept_connections()
            elif action == "latency":
                router.set_latency(float(words[2]))
            elif action == "trap":
                router.inject_trap(words[2], " ".join(words[3:]) or "failure: simulated")
            elif action == "drop":
                router.drop_mid_reply(words[2], int(words[3]) if len(words) > 3 else 1)
            elif action == "kick":
                router.drop_session(words[2])
            elif action == "offline":
                router.set_offline(words[2], True)
                router.drop_session(words[2], reconnect=False)
            elif action == "online":
                router.set_offline(words[2], False)
            elif action == "clear":
                router.clear_faults()
                router.set_coa_fault(None)
                router.set_coa_fault(None, disconnect=True)
            elif action == "coa":
                fault = None if words[2] == "ok" else words[2]
                router.set_coa_fault(fault, disconnect=len(words) > 3 and words[3] == "disconnect")
            elif action == "dial":
                return f"{router.identity}: {router.dial(words[2], words[3] if len(words) > 3 else None).outcome}"
            else:
                raise ValueError(f"unknown command {action!r}")
        return f"ok: {action} on {', '.join(router.identity for router in targets)}"
