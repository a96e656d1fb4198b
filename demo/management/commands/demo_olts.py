"""Simulated OLTs for the demo: one SNMP agent (demo/olt/) per OLT in the database, serving its ONUs
as the database last saw them, until Ctrl-C (`make run` starts it from Procfile.dev).

    manage.py demo_olts               # each OLT on a free loopback UDP port
    manage.py demo_olts --port 16100  # OLT i (by id) on 127.0.0.1:16100+i

On start each Olt row is pointed at its agent, so beat's poll (every five minutes) reads it. Every
minute the ONUs' Rx moves a little and the worsening ONU keeps worsening; the dark PON port stays dark
until you repair it from a shell (`state.fibre_repair(port)`), or from the tests' switches.
"""

from __future__ import annotations

import time

from django.core.management.base import BaseCommand

from demo.olt import OltSimulator, SimOnu
from fibre.models import Olt, Onu


class Command(BaseCommand):
    help = "Serve the database's OLTs through the OLT simulator."

    def add_arguments(self, parser):
        parser.add_argument("--port", type=int, default=0)
        parser.add_argument("--tick", type=float, default=60.0)

    def handle(self, *args, **options):
        simulator = OltSimulator()
        served: dict[int, object] = {}
        try:
            while True:
                # OLTs the seed adds later (`seed --first` leaves the fibre step to the background) are
                # picked up at the next tick.
                for olt in Olt.objects.filter(is_active=True, snmp_version=Olt.Version.V2C).exclude(pk__in=list(served)).order_by("pk"):
                    served[olt.pk] = self._serve(simulator, olt, port=options["port"] + len(served) if options["port"] else 0)
                time.sleep(options["tick"])
                for state in served.values():
                    state.tick()
        except KeyboardInterrupt:
            simulator.stop()

    def _serve(self, simulator, olt: Olt, *, port: int):
        ports = {pon.pk: i for i, pon in enumerate(olt.pon_ports.order_by("pk"))}
        onus = [
            SimOnu(port=ports[onu.pon_port_id], number=onu.number, serial=onu.serial if onu.mac == "" else "", mac=onu.mac or "00:00:00:00:00:00",
                   rx=float(onu.rx_dbm) if onu.rx_dbm is not None else -21.0, online=onu.status == Onu.Status.ONLINE,
                   cause=onu.down_cause, distance=onu.distance_m or 1000,
                   drift=-0.02 if onu.signal in (Onu.Signal.WARNING, Onu.Signal.CRITICAL) else 0.0)
            for onu in olt.onus.exclude(status=Onu.Status.MISSING).order_by("pon_port_id", "number")
        ]
        simulated = simulator.start_olt(olt.profile, community=olt.community or "public", port=port, ports=max(len(ports), 1), onus_per_port=0)
        with simulated.state.lock:
            simulated.state.onus = onus
            simulated.state.version += 1
        Olt.objects.filter(pk=olt.pk).update(host="127.0.0.1", snmp_port=simulated.port)
        self.stdout.write(f"{olt.name}: {len(onus)} ONUs on 127.0.0.1:{simulated.port} ({olt.profile})")
        return simulated.state
