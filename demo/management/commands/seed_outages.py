"""Past outages for the demo, so the outage history, the uptime page and the message log have some.

    manage.py seed_outages           # only if no outage is recorded yet
    manage.py seed_outages --force   # add the demo outages again

Over the last two months: restored outages over areas or routers (a fibre cut, a power failure, a
POP upgrade that overran, …), each declared, updated and restored through the services, so the
affected customers and their messages are what a real one would have produced. The messages are
marked sent at the time the outage happened (the demo should not send hundreds of old notices when
the worker starts). One suggestion from the health check that staff dismissed is added too. Nothing
is left active: the portal banner appears when you declare one yourself.
"""

from __future__ import annotations

import random
from datetime import timedelta

from django.contrib.contenttypes.models import ContentType
from django.core.management.base import BaseCommand
from django.db import transaction
from django.utils import timezone

from customers.models import Area
from ispbill.notify.models import Message
from network import outages
from network.models import Outage, OutageBroadcast, OutageUpdate, Router, RouterDownPeriod

# (days ago, start hour, duration minutes, title, description, area count, router count, update)
DEMO_OUTAGES = (
    (54, 14, 215, "Fibre cut on the main road", "Road works cut the feeder fibre to the area.", 2, 0,
     "The splicing team is on site; the new cable is being pulled."),
    (41, 2, 95, "Power failure at the POP", "The POP lost mains power and the UPS ran down.", 0, 1,
     "The generator is running; routers are coming back one by one."),
    (29, 10, 40, "Upstream provider maintenance", "Our upstream provider is replacing a core switch.", 3, 0, ""),
    (18, 19, 330, "Distribution switch failure", "A distribution switch failed during the evening peak.", 1, 0,
     "A replacement switch is on its way from the warehouse."),
    (9, 23, 75, "Router upgrade overran", "Planned RouterOS upgrade took longer than the window.", 0, 1, ""),
    (3, 16, 25, "Flapping backhaul link", "The microwave backhaul dropped repeatedly in the rain.", 1, 0, ""),
)
# The same notices in Bangla, as staff write them for customers who read Bangla: (title, description,
# update). The last outage has none, so the demo also shows one told in English only.
DEMO_OUTAGES_BN = {
    "Fibre cut on the main road": ("প্রধান সড়কে ফাইবার কাটা", "রাস্তার কাজে এলাকার ফিডার ফাইবার কেটে গেছে।",
                                   "জোড়া লাগানোর দল কাজ করছে; নতুন কেবল টানা হচ্ছে।"),
    "Power failure at the POP": ("পপে বিদ্যুৎ বিভ্রাট", "পপের বিদ্যুৎ চলে গেছে এবং ইউপিএস ফুরিয়ে গেছে।",
                                 "জেনারেটর চলছে; রাউটারগুলো একে একে চালু হচ্ছে।"),
    "Upstream provider maintenance": ("আপস্ট্রিম প্রোভাইডারের রক্ষণাবেক্ষণ", "আমাদের আপস্ট্রিম প্রোভাইডার একটি কোর সুইচ বদলাচ্ছে।", ""),
    "Distribution switch failure": ("ডিস্ট্রিবিউশন সুইচ নষ্ট", "সন্ধ্যার ব্যস্ত সময়ে একটি ডিস্ট্রিবিউশন সুইচ নষ্ট হয়েছে।",
                                    "গুদাম থেকে নতুন সুইচ আসছে।"),
    "Router upgrade overran": ("রাউটার আপগ্রেডে দেরি", "পরিকল্পিত RouterOS আপগ্রেডে নির্ধারিত সময়ের চেয়ে বেশি লেগেছে।", ""),
}


class Command(BaseCommand):
    help = "Seed past outages for the demo (outage history, uptime, messages)."

    def add_arguments(self, parser):
        parser.add_argument("--seed", default="2026")
        parser.add_argument("--force", action="store_true", help="add the demo outages even if outages exist")

    def handle(self, *args, **options):
        if Outage.objects.exists() and not options["force"]:
            self.stdout.write("Outages already recorded: nothing seeded (use --force to add the demo ones again).")
            return
        areas = list(Area.objects.order_by("pk"))
        routers = list(Router.objects.filter(is_active=True).order_by("pk"))
        if not areas or not routers:
            self.stdout.write("No areas or routers yet: run seed_demo first.")
            return
        self.stdout.write(seed_outages(areas=areas, routers=routers, seed=options["seed"]))


def _mark_sent(outage: Outage, at) -> None:
    """The demo's past messages were delivered when the outage happened."""
    types = [ContentType.objects.get_for_model(Outage).pk, ContentType.objects.get_for_model(OutageUpdate).pk]
    update_ids = [str(pk) for pk in outage.updates.values_list("pk", flat=True)]
    Message.objects.filter(content_type_id=types[0], object_id=str(outage.pk)).update(
        status=Message.Status.SENT, backend="console", created_at=at, updated_at=at, sent_at=at,
    )
    Message.objects.filter(content_type_id=types[1], object_id__in=update_ids).update(
        status=Message.Status.SENT, backend="console", created_at=at, updated_at=at, sent_at=at,
    )


def seed_outages(*, areas, routers, seed: str = "2026") -> str:
    """A transaction per outage, not one for them all: `make run` loads this beside the web server,
    which waits for SQLite's write lock while one is open (demo/yielding.py)."""
    rng = random.Random(seed)
    today = timezone.localtime().replace(minute=0, second=0, microsecond=0)
    told = 0
    for days_ago, hour, minutes, title, description, area_count, router_count, update in DEMO_OUTAGES:
        with transaction.atomic():
            told += _past_outage(rng, today, days_ago, hour, minutes, title, description, area_count, router_count, update,
                                 areas=areas, routers=routers)
    with transaction.atomic():
        _dismissed_suggestion(today, routers)
    return f"Seeded {len(DEMO_OUTAGES)} past outages ({told} customer messages) and one dismissed suggestion."


def _past_outage(rng, today, days_ago, hour, minutes, title, description, area_count, router_count, update, *, areas, routers) -> int:
    told = 0
    started = (today - timedelta(days=days_ago)).replace(hour=hour)
    title_bn, description_bn, update_bn = DEMO_OUTAGES_BN.get(title, ("", "", ""))
    outage = outages.outage_declare(
        actor=None, title=title, description=description, title_bn=title_bn, description_bn=description_bn, started_at=started,
        areas=rng.sample(areas, min(area_count, len(areas))), routers=rng.sample(routers, min(router_count, len(routers))),
        estimated_restoration_at=started + timedelta(minutes=minutes + rng.choice((-20, 0, 30))),
    )
    Outage.objects.filter(pk=outage.pk).update(declared_at=started + timedelta(minutes=5), created_at=started)
    if update:
        posted = outages.outage_post_update(actor=None, outage=outage, message=update, message_bn=update_bn)
        OutageUpdate.objects.filter(pk=posted.pk).update(created_at=started + timedelta(minutes=minutes // 2))
    for broadcast in OutageBroadcast.objects.filter(outage=outage):
        told += outages.outage_broadcast_send(broadcast_id=broadcast.pk)
    outage.refresh_from_db()
    restored = started + timedelta(minutes=minutes)
    outages.outage_restore(
        actor=None, outage=outage, restored_at=restored, note="Service is back to normal.",
        note_bn="সেবা স্বাভাবিক হয়েছে।" if title_bn else "",
    )
    told += outages.outage_broadcast_send(broadcast_id=OutageBroadcast.objects.get(outage=outage, event="outage_restored").pk)
    OutageBroadcast.objects.filter(outage=outage).update(created_at=started, finished_at=restored)
    _mark_sent(outage, started + timedelta(minutes=10))
    return told


def _dismissed_suggestion(today, routers) -> None:
    """A router that stopped answering for a few minutes: suggested by the health check, dismissed by staff."""
    router = routers[-1]
    went_down = (today - timedelta(days=12)).replace(hour=4, minute=10)
    period = RouterDownPeriod.objects.create(router=router, started_at=went_down, ended_at=went_down + timedelta(minutes=6), error="timed out")
    suggestion = Outage.objects.create(
        title=f"Router {router.name} is not answering", description="The health check could not reach the router: timed out",
        status=Outage.Status.SUGGESTED, started_at=went_down, down_period=period,
    )
    suggestion.routers.set([router])
    outages.outage_dismiss(actor=None, outage=suggestion, reason="Planned reboot after a configuration change; back in six minutes.")
