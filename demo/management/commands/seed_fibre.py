"""The demo's fibre plant (docs/fibre.md): two OLTs — a BDCOM EPON and a Huawei GPON — with about 500
ONUs matched to the demo's customers, a week of optical history, one ONU whose signal has been
worsening (with its proactive work order) and one dark PON port (with its outage).

    manage.py seed_fibre           # only if no OLT exists yet
    manage.py seed_fibre --force   # add them again (new names)

The rows are what the poller would have written; `manage.py demo_olts` (started by `make run`) then
serves each OLT from its rows through the OLT simulator, and beat's poll keeps them moving. A later
step of `seed`, so `seed --first` is not slower.
"""

from __future__ import annotations

import random
from datetime import timedelta
from decimal import Decimal

from django.core.management.base import BaseCommand
from django.db import transaction
from django.utils import timezone

from customers.models import Branch, Subscription
from fibre.models import FibreIncident, Olt, Onu, OnuDaily, OnuHourly, OnuStatusEvent, PonPort
from fibre.services import history_upkeep
from fibre.thresholds import classify, thresholds_for
from ispbill.core.bulk import rows_insert
from usecases.fibre_poll import fibre_ports_went_dark
from usecases.fibre_signal_review import fibre_signal_review

PLANT = (  # name, profile, ports, ONUs per port, port names, key of port i
    ("Mirpur POP · BDCOM EPON", "bdcom_epon", 4, 64, lambda i: f"EPON0/{i + 1}", lambda i: f"EPON0/{i + 1}"),
    ("Uttara POP · Huawei GPON", "huawei_gpon", 4, 64, lambda i: f"GPON 0/1/{i}", lambda i: str(4194304000 + 256 * i)),
)


class Command(BaseCommand):
    help = "Seed the demo's OLTs, ONUs and a week of optical history."

    def add_arguments(self, parser):
        parser.add_argument("--seed", default="2026")
        parser.add_argument("--force", action="store_true")

    def handle(self, *args, **options):
        if Olt.objects.exists() and not options["force"]:
            self.stdout.write("Fibre plant already seeded.")
            return
        rng = random.Random(options["seed"])
        now = timezone.now().replace(second=0, microsecond=0)
        subscriptions = list(Subscription.objects.filter(status__in=["active", "suspended"]).select_related("customer").order_by("pk")[:500])
        branch = Branch.objects.order_by("pk").first()
        if branch is None:
            self.stdout.write("No branch: run seed_demo first.")
            return
        with transaction.atomic():
            onus = self._plant(rng, now, branch, subscriptions, force=options["force"])
            self._history(rng, now, onus)
            weak = self._weak(now, onus)
            dark = self._dark(now, onus, avoid=weak)
        history_upkeep(now=now)
        made = fibre_signal_review(today=timezone.localdate(now))
        self.stdout.write(f"Fibre: {Olt.objects.count()} OLTs, {len(onus)} ONUs, weak ONU {weak}, dark port {dark}, {made} work order(s).")

    def _plant(self, rng, now, branch, subscriptions, *, force):
        onus = []
        taken = iter(subscriptions)
        suffix = f" ({now:%H%M%S})" if force else ""
        for index, (name, profile, ports, per_port, port_name, port_key) in enumerate(PLANT):
            olt = Olt.objects.create(name=name + suffix, branch=branch, site=name.split(" · ")[0], host="127.0.0.1", snmp_port=16100 + index,
                                     profile=profile, community="demo-public", is_online=True, last_seen_at=now, last_checked_at=now,
                                     last_polled_at=now, last_poll_ms=rng.randint(300, 900), sys_descr=f"{profile} (ispbill simulator)")
            thresholds = thresholds_for(profile)
            for port_index in range(ports):
                port = PonPort.objects.create(olt=olt, key=port_key(port_index), name=port_name(port_index), onus_total=per_port, onus_online=per_port)
                for number in range(1, per_port + 1):
                    serial_number = 0x10000 * (index + 1) + port_index * 256 + number
                    mac = "e0:67:b3:" + ":".join(f"{(serial_number >> s) & 0xFF:02x}" for s in (16, 8, 0))
                    serial = f"HWTC{serial_number:08X}" if profile == "huawei_gpon" else mac.replace(":", "").upper()
                    rx = Decimal(str(round(rng.uniform(-24.5, -17.5), 2)))
                    subscription = next(taken, None)
                    key = f"{port_key(port_index)}.{number}" if profile == "huawei_gpon" else str(1000 + port_index * 256 + number)
                    onus.append(Onu(
                        olt=olt, pon_port=port, key=key, number=number, serial=serial, mac=mac if profile != "huawei_gpon" else "",
                        status=Onu.Status.ONLINE, status_changed_at=now - timedelta(days=8), rx_dbm=rx, tx_dbm=Decimal("2.10"),
                        distance_m=rng.randint(300, 9000), temperature_c=Decimal("41.0"), signal=classify(rx, thresholds), last_seen_at=now,
                        subscription=subscription, match=Onu.Match.SERIAL if subscription else "", matched_at=now - timedelta(days=8) if subscription else None,
                    ))
        Onu.objects.bulk_create(onus, batch_size=1000)
        return list(Onu.objects.filter(olt__in=Olt.objects.filter(name__in=[p[0] + suffix for p in PLANT])).select_related("olt", "pon_port"))

    def _history(self, rng, now, onus):
        """A week of hourly averages (and the days they make) around each ONU's Rx now."""
        start = (now - timedelta(days=7)).replace(minute=0)
        hours = [start + timedelta(hours=h) for h in range(7 * 24)]
        rows = []
        for onu in onus:
            base = float(onu.rx_dbm)
            for hour in hours:
                value = round(base + rng.uniform(-0.3, 0.3), 2)
                rows.append(OnuHourly(onu=onu, hour=hour, samples=12, online_samples=12, rx_avg=value, rx_min=value - 0.2, rx_max=value + 0.2, tx_avg=2.1))
        rows_insert(OnuHourly, rows)  # COPY: a week of hours for every ONU is some 86,000 rows
        days = sorted({(hour.astimezone(timezone.get_current_timezone()).date()) for hour in hours})
        daily = []
        for onu in onus:
            for day in days:
                daily.append(OnuDaily(onu=onu, day=day, samples=288, online_samples=288, rx_avg=float(onu.rx_dbm), rx_min=float(onu.rx_dbm) - 0.4,
                                      rx_max=float(onu.rx_dbm) + 0.4, tx_avg=2.1))
        OnuDaily.objects.bulk_create(daily, batch_size=5000, ignore_conflicts=True)

    def _weak(self, now, onus):
        """One matched GPON ONU whose Rx fell from −19 to −28 dBm over the week (a dirty connector)."""
        gpon = [o for o in onus if o.olt.profile == "huawei_gpon"]
        onu = next((o for o in gpon if o.subscription_id and o.pon_port.name.endswith("/1")), None) or next(
            (o for o in onus if o.subscription_id and o.pon_port.name != "EPON0/3"), gpon[0])
        start = now - timedelta(days=7)
        for row in OnuHourly.objects.filter(onu=onu):
            share = max(0.0, min(1.0, (row.hour - start).total_seconds() / (7 * 86400)))
            row.rx_avg = round(-19.0 - 9.0 * share, 2)
            row.rx_min, row.rx_max = row.rx_avg - 0.2, row.rx_avg + 0.2
            row.save()
        today = timezone.localdate(now)
        OnuDaily.objects.filter(onu=onu).delete()
        OnuDaily.objects.bulk_create([OnuDaily(onu=onu, day=today - timedelta(days=d), samples=288, online_samples=288,
                                               rx_avg=round(-28.0 + 9.0 * (d - 1) / 6, 2), rx_min=-28.5, rx_max=-18.5, tx_avg=2.1)
                                      for d in range(1, 8)])
        rx = Decimal("-28.10")
        Onu.objects.filter(pk=onu.pk).update(rx_dbm=rx, signal=classify(rx, thresholds_for(onu.olt.profile)))
        return onu.serial

    def _dark(self, now, onus, *, avoid: str):
        """EPON0/3 of the BDCOM OLT went dark twenty minutes ago: a fibre cut, every ONU on LOS."""
        port = next(o.pon_port for o in onus if o.olt.profile == "bdcom_epon" and o.pon_port.name == "EPON0/3")
        since = now - timedelta(minutes=20)
        dark = [o for o in onus if o.pon_port_id == port.pk]
        Onu.objects.filter(pk__in=[o.pk for o in dark]).update(status=Onu.Status.OFFLINE, down_cause=Onu.Cause.LOS, status_changed_at=since,
                                                              rx_dbm=None, tx_dbm=None, signal="")
        OnuStatusEvent.objects.bulk_create([OnuStatusEvent(onu=o, at=since, status=Onu.Status.OFFLINE, cause=Onu.Cause.LOS) for o in dark])
        PonPort.objects.filter(pk=port.pk).update(dark_since=since, onus_online=0)
        # One customer elsewhere switched their box off (load-shedding): power, not a fault.
        candidates = [o for o in onus if o.pon_port.name == "EPON0/1" and o.serial != avoid]
        gasp = next((o for o in candidates if o.subscription_id), candidates[0])
        Onu.objects.filter(pk=gasp.pk).update(status=Onu.Status.OFFLINE, down_cause=Onu.Cause.DYING_GASP, status_changed_at=now - timedelta(minutes=48),
                                              rx_dbm=None, tx_dbm=None, signal="")
        OnuStatusEvent.objects.create(onu=gasp, at=now - timedelta(minutes=48), status=Onu.Status.OFFLINE, cause=Onu.Cause.DYING_GASP)

        fibre_ports_went_dark(port_ids=[port.pk], now=since)
        return f"{port.olt.name} {port.name} ({FibreIncident.objects.filter(pon_port=port).count()} incident)"
