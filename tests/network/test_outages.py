"""Outages: who is told, exactly once (also when the broadcast job runs again), refusals that change
nothing, the portal banner per customer, suggestions from the health check once per down period,
and uptime across month boundaries."""

from datetime import datetime, timedelta
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone, translation

from ispbill.notify.models import Message
from network import outages, services
from network.models import Outage, OutageBroadcast, RouterDownPeriod
from network.notify_events import OUTAGE_DECLARED, OUTAGE_RESTORED, OUTAGE_UPDATE
from tests.factories import AreaFactory, BranchFactory, RouterFactory, UserFactory, admin_user, make_customer, make_subscription
from usecases.subscription_cancel import subscription_cancel

DHAKA = ZoneInfo("Asia/Dhaka")
pytestmark = pytest.mark.usefixtures("eager_celery")  # the broadcast and the deliveries run in the test


@pytest.fixture
def town(db):
    """Three areas of one branch on one router each; two active customers per area, plus a cancelled one
    and a customer with no subscription in area A."""
    branch = BranchFactory()
    areas = [AreaFactory(branch=branch, name=name) for name in ("Area A", "Area B", "Area C")]
    routers = [RouterFactory(branch=branch, name=f"pop-{n}") for n in range(3)]
    customers = {}
    for area, router in zip(areas, routers):
        for n in range(2):
            customer = make_customer(area=area, name=f"{area.name} customer {n}", portal_password="portal-pass-1")
            make_subscription(customer=customer, router=router, activate=True)
            customers[(area.name, n)] = customer
    cancelled = make_customer(area=areas[0], name="Cancelled")
    subscription = make_subscription(customer=cancelled, router=routers[0], activate=True)
    subscription_cancel(actor=None, subscription=subscription, reason="moved away")
    make_customer(area=areas[0], name="Lead only")
    return {"areas": areas, "routers": routers, "customers": customers, "cancelled": cancelled}


def declare(django_capture_on_commit_callbacks, **kwargs):
    with django_capture_on_commit_callbacks(execute=True):
        return outages.outage_declare(actor=None, title=kwargs.pop("title", "Fibre cut"), **kwargs)


def outage_messages(outage, event=OUTAGE_DECLARED):
    return Message.objects.filter(object_id=str(outage.pk), event=event)


@pytest.mark.django_db
def test_outage_over_two_areas_tells_exactly_their_customers_once_each_also_when_the_job_runs_again(town, django_capture_on_commit_callbacks):
    area_a, area_b, _area_c = town["areas"]

    outage = declare(django_capture_on_commit_callbacks, areas=[area_a, area_b], estimated_restoration_at=timezone.now() + timedelta(hours=3))

    expected = {town["customers"][(name, n)].pk for name in ("Area A", "Area B") for n in range(2)}
    told = list(outage_messages(outage).values_list("customer_id", flat=True))
    assert sorted(told) == sorted(expected)  # one SMS each; nobody in C, not the cancelled or unsubscribed
    assert outage.affected_customers == 4
    assert set(outage_messages(outage).values_list("status", flat=True)) == {Message.Status.SENT}
    broadcast = OutageBroadcast.objects.get(outage=outage)
    assert broadcast.status == OutageBroadcast.Status.DONE and broadcast.recipients == 4

    # The job retried (worker lost its ack, beat's safety net, a second worker): nobody is told twice.
    from network.tasks import broadcast_outage

    with django_capture_on_commit_callbacks(execute=True):
        broadcast_outage.delay(broadcast.pk)
        broadcast_outage.delay(broadcast.pk)
    assert outage_messages(outage).count() == 4
    assert outages.outage_broadcast_send(broadcast_id=broadcast.pk) == 0


@pytest.mark.django_db
def test_router_outage_tells_customers_on_that_router_and_updates_and_restoration_go_to_them_too(town, django_capture_on_commit_callbacks):
    outage = declare(django_capture_on_commit_callbacks, routers=[town["routers"][2]])
    area_c = {town["customers"][("Area C", n)].pk for n in range(2)}
    assert set(outage_messages(outage).values_list("customer_id", flat=True)) == area_c

    with django_capture_on_commit_callbacks(execute=True):
        first = outages.outage_post_update(actor=None, outage=outage, message="Splicing now")
        outages.outage_post_update(actor=None, outage=outage, message="Almost done")
    assert Message.objects.filter(event=OUTAGE_UPDATE).count() == 4  # two updates, two customers
    assert Message.objects.filter(event=OUTAGE_UPDATE, object_id=str(first.pk), body__contains="Splicing now").count() == 2

    with django_capture_on_commit_callbacks(execute=True):
        outages.outage_restore(actor=None, outage=outage, note="Cable replaced")
    outage.refresh_from_db()
    assert outage.status == Outage.Status.RESTORED and outage.duration is not None
    assert set(outage_messages(outage, OUTAGE_RESTORED).values_list("customer_id", flat=True)) == area_c

    progress = outages.outage_progress(outage)
    assert [(item.broadcast.event, item.sent, item.queued, item.failed) for item in progress] == [
        (OUTAGE_DECLARED, 2, 0, 0), (OUTAGE_UPDATE, 2, 0, 0), (OUTAGE_UPDATE, 2, 0, 0), (OUTAGE_RESTORED, 2, 0, 0),
    ]
    with pytest.raises(ValidationError):
        outages.outage_restore(actor=None, outage=outage)  # restored once


@pytest.mark.django_db
def test_outage_with_no_areas_or_routers_is_refused_and_nothing_changes(town, client, django_capture_on_commit_callbacks):
    with pytest.raises(ValidationError) as refused:
        declare(django_capture_on_commit_callbacks, areas=[], routers=[])
    assert "at least one affected area or router" in str(refused.value)

    client.force_login(admin_user())
    response = client.post(reverse("staff:outage-create"), {
        "title": "Fibre cut", "description": "", "started_at": timezone.localtime().strftime("%Y-%m-%dT%H:%M"),
    })
    assert response.status_code == 200
    assert "Choose at least one affected area or router" in response.content.decode()
    assert not Outage.objects.exists() and not OutageBroadcast.objects.exists() and not Message.objects.exists()


@pytest.mark.django_db
def test_staff_declare_through_the_console_and_watch_progress(town, client, django_capture_on_commit_callbacks):
    client.force_login(admin_user())
    entries = {
        "title": "Fibre cut", "description": "Road works", "areas": [town["areas"][1].pk],
        "started_at": timezone.localtime().strftime("%d/%m/%Y %H:%M"),
    }
    review = client.post(reverse("staff:outage-create"), entries)  # first the review page: nothing sent yet
    assert review.status_code == 200 and "Send to 2 customers" in review.content.decode() and not Outage.objects.exists()
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("staff:outage-create"), {**entries, "send": "1"})
    outage = Outage.objects.get()
    assert response.status_code == 302 and response["Location"] == reverse("staff:outage-detail", args=[outage.pk])
    page = client.get(reverse("staff:outage-detail", args=[outage.pk])).content.decode()
    assert "2 sent" in page and 'hx-trigger="every 2s"' not in page  # done: no more polling
    listing = client.get(reverse("staff:outage-list")).content.decode()
    assert "Fibre cut" in listing and "Area B" in listing

    # A broadcast still being queued keeps the page polling.
    OutageBroadcast.objects.filter(outage=outage).update(status=OutageBroadcast.Status.PENDING)
    region = client.get(reverse("staff:outage-detail", args=[outage.pk]), headers={"HX-Request": "true"}).content.decode()
    assert 'hx-trigger="every 2s"' in region and "<html" not in region


@pytest.mark.django_db
def test_portal_banner_shows_only_to_affected_customers(town, client, django_capture_on_commit_callbacks):
    declare(django_capture_on_commit_callbacks, title="Fibre cut on Mirpur Road", areas=[town["areas"][0]])
    affected, elsewhere = town["customers"][("Area A", 0)], town["customers"][("Area B", 0)]

    client.force_login(affected.user)
    assert "Fibre cut on Mirpur Road" in client.get(reverse("portal:home")).content.decode()
    assert "Fibre cut on Mirpur Road" in client.get(reverse("portal:invoice-list")).content.decode()

    client.force_login(elsewhere.user)
    assert "Fibre cut on Mirpur Road" not in client.get(reverse("portal:home")).content.decode()


@pytest.mark.django_db
def test_banner_follows_the_router_and_goes_away_on_restoration(town, client, django_capture_on_commit_callbacks):
    outage = declare(django_capture_on_commit_callbacks, title="POP 1 power failure", routers=[town["routers"][1]])
    customer = town["customers"][("Area B", 1)]
    client.force_login(customer.user)
    assert "POP 1 power failure" in client.get(reverse("portal:home")).content.decode()
    with django_capture_on_commit_callbacks(execute=True):
        outages.outage_restore(actor=None, outage=outage)
    assert "POP 1 power failure" not in client.get(reverse("portal:home")).content.decode()


@pytest.mark.django_db
def test_a_page_seen_before_the_outage_does_not_hide_it_after(town, client, django_capture_on_commit_callbacks, django_assert_num_queries):
    customer = town["customers"][("Area A", 0)]
    client.force_login(customer.user)
    client.get(reverse("portal:home"))
    assert outages.any_outage_active() is False
    with django_assert_num_queries(0):  # remembered: no outage query on the next pages
        assert outages.active_outages_for_customer(customer) == []
    declare(django_capture_on_commit_callbacks, title="Fibre cut on Mirpur Road", areas=[town["areas"][0]])
    assert "Fibre cut on Mirpur Road" in client.get(reverse("portal:home")).content.decode()


# Suggestions from the health check ----------------------------------------------------------------


@pytest.mark.django_db
def test_router_going_down_suggests_one_outage_per_down_period_and_tells_nobody(routeros_router, django_capture_on_commit_callbacks):
    router = RouterFactory(host=routeros_router.host, api_port=routeros_router.port, username=routeros_router.username)
    make_subscription(router=router, activate=True)
    assert services.router_check_health(router=router).error == ""  # answering: nothing suggested
    assert not Outage.objects.exists()

    routeros_router.go_down(3600)
    with django_capture_on_commit_callbacks(execute=True):
        for _check in range(3):
            assert services.router_check_health(router=router).error
    suggestion = Outage.objects.get()
    assert suggestion.status == Outage.Status.SUGGESTED and list(suggestion.routers.all()) == [router]
    assert suggestion.affected_customers == 1
    assert not Message.objects.exists() and not OutageBroadcast.objects.exists()  # never auto-broadcast

    routeros_router.accept_connections()
    assert services.router_check_health(router=router).error == ""
    period = RouterDownPeriod.objects.get()
    assert period.ended_at is not None

    routeros_router.go_down(3600)  # a second down period: a second suggestion
    services.router_check_health(router=router)
    services.router_check_health(router=router)
    assert Outage.objects.filter(status=Outage.Status.SUGGESTED).count() == 2
    assert RouterDownPeriod.objects.filter(ended_at__isnull=True).count() == 1


@pytest.mark.django_db
def test_suggested_outage_confirmed_is_broadcast_and_dismissed_one_is_not(town, django_capture_on_commit_callbacks):
    router = town["routers"][0]
    router.last_seen_at = timezone.now() - timedelta(minutes=2)
    now = timezone.now()
    outages.router_went_down(router=router, error="timed out", now=now)
    suggestion = Outage.objects.get()
    with django_capture_on_commit_callbacks(execute=True):
        outages.outage_confirm(
            actor=None, outage=suggestion, title="POP 0 down", routers=[router], started_at=suggestion.started_at,
        )
    assert outage_messages(suggestion).count() == 2
    with pytest.raises(ValidationError):
        outages.outage_dismiss(actor=None, outage=suggestion, reason="flap")

    outages.router_came_back(router=router, now=now + timedelta(minutes=5))
    outages.router_went_down(router=router, error="timed out", now=now + timedelta(minutes=10))
    second = Outage.objects.get(status=Outage.Status.SUGGESTED)
    outages.outage_dismiss(actor=None, outage=second, reason="Planned reboot")
    second.refresh_from_db()
    assert second.status == Outage.Status.DISMISSED and not outage_messages(second).exists()


# Uptime -------------------------------------------------------------------------------------------------


def local(*args) -> datetime:
    return datetime(*args, tzinfo=DHAKA)


def test_down_seconds_merges_overlaps_and_clips_to_the_period():
    start, end = local(2026, 3, 1), local(2026, 4, 1)
    intervals = [
        (local(2026, 2, 28, 23), local(2026, 3, 1, 2)),  # 2 h in March
        (local(2026, 3, 10, 10), local(2026, 3, 10, 12)),
        (local(2026, 3, 10, 11), local(2026, 3, 10, 13)),  # overlaps: 3 h together
        (local(2026, 3, 31, 23), None),  # still open: runs to the end, 1 h
    ]
    assert outages.down_seconds(intervals, start, end) == 6 * 3600
    assert outages.uptime_percent(0, 100) == Decimal("100.000")
    assert outages.uptime_percent(6 * 3600, 31 * 86400) == Decimal("99.194")


@pytest.mark.django_db
def test_uptime_per_area_and_router_across_month_boundaries(town):
    area_a, area_b, area_c = town["areas"]
    router_a, router_b, _router_c = town["routers"]
    router_b.areas.set([area_c])
    # Across the February/March boundary (local time): 3 h in February, 5 h in March.
    across = Outage.objects.create(title="across", started_at=local(2026, 2, 28, 21), restored_at=local(2026, 3, 1, 5), status=Outage.Status.RESTORED)
    across.areas.set([area_a])
    # Router B, serving area C: 2 h on 15 March; a dismissed suggestion does not count.
    router_outage = Outage.objects.create(title="pop-1", started_at=local(2026, 3, 15, 10), restored_at=local(2026, 3, 15, 12), status=Outage.Status.RESTORED)
    router_outage.routers.set([router_b])
    dismissed = Outage.objects.create(title="flap", started_at=local(2026, 3, 20), status=Outage.Status.DISMISSED)
    dismissed.routers.set([router_a])
    # Router A did not answer for 30 min on 31 March, 23:45 to 00:15 on 1 April.
    RouterDownPeriod.objects.create(router=router_a, started_at=local(2026, 3, 31, 23, 45), ended_at=local(2026, 4, 1, 0, 15))

    now = local(2026, 5, 1)
    march = outages.network_uptime(user=admin_user(), month=datetime(2026, 3, 1).date(), now=now)
    february = outages.network_uptime(user=admin_user(), month=datetime(2026, 2, 1).date(), now=now)
    april = outages.network_uptime(user=admin_user(), month=datetime(2026, 4, 1).date(), now=now)

    areas = {row.obj: row for row in march.areas}
    routers = {row.obj: row for row in march.routers}
    assert march.period_seconds == 31 * 86400
    assert areas[area_a].down_seconds == 5 * 3600 and areas[area_a].uptime == Decimal("99.328")
    assert areas[area_b].down_seconds == 0 and areas[area_b].uptime == Decimal("100.000")
    assert areas[area_c].down_seconds == 2 * 3600  # through the router serving it
    assert routers[router_b].down_seconds == 2 * 3600
    assert routers[router_a].down_seconds == 15 * 60  # the health check's down period, not the dismissed flap
    assert {row.obj: row.down_seconds for row in february.areas}[area_a] == 3 * 3600
    assert {row.obj: row.down_seconds for row in april.routers}[router_a] == 15 * 60

    # The current month counts up to now; an outage still open runs to now.
    open_outage = Outage.objects.create(title="open", started_at=local(2026, 5, 10, 8), status=Outage.Status.ACTIVE)
    open_outage.areas.set([area_b])
    may = outages.network_uptime(user=admin_user(), month=datetime(2026, 5, 1).date(), now=local(2026, 5, 10, 10))
    assert may.period_seconds == (9 * 24 + 10) * 3600
    assert {row.obj: row.down_seconds for row in may.areas}[area_b] == 2 * 3600


@pytest.mark.django_db
def test_uptime_page_renders_for_staff(town, client):
    client.force_login(admin_user())
    response = client.get(reverse("staff:network-uptime"))
    assert response.status_code == 200
    assert "Area A" in response.content.decode() and "pop-0" in response.content.decode()
    router_page = reverse("staff:router-detail", args=[town["routers"][0].pk])
    assert f'href="{router_page}"' in response.content.decode()
    # Support reads the report but may not open a router: its names are not links to a 403.
    client.force_login(UserFactory(roles=["Support"]))
    body = client.get(reverse("staff:network-uptime")).content.decode()
    assert "pop-0" in body and router_page not in body


@pytest.mark.django_db
def test_demo_outages_are_seeded_once_with_history_and_sent_messages(town):
    from django.core.management import call_command

    call_command("seed_outages")
    restored = Outage.objects.filter(status=Outage.Status.RESTORED)
    assert restored.count() == 6 and not Outage.objects.filter(status=Outage.Status.ACTIVE).exists()
    assert all(outage.duration > timedelta(0) and outage.restored_at < timezone.now() for outage in restored)
    assert Outage.objects.filter(status=Outage.Status.DISMISSED, down_period__isnull=False).count() == 1
    assert Message.objects.filter(event=OUTAGE_DECLARED).exists()
    assert not Message.objects.exclude(status=Message.Status.SENT).exists()
    count = Outage.objects.count()
    call_command("seed_outages")  # idempotent: nothing added the second time
    assert Outage.objects.count() == count


@pytest.mark.django_db
def test_branch_staff_see_and_act_on_their_branches_outages_only(town, client, django_capture_on_commit_callbacks):
    other_branch = BranchFactory(name="Uttara")
    elsewhere_area = AreaFactory(branch=other_branch, name="Sector 7")
    ours = declare(django_capture_on_commit_callbacks, areas=[town["areas"][0]])
    theirs = declare(django_capture_on_commit_callbacks, title="Uttara fibre cut", areas=[elsewhere_area])
    shared = declare(django_capture_on_commit_callbacks, title="Backbone down", areas=[town["areas"][1], elsewhere_area])
    agent = UserFactory(roles=["Admin"], branch_scope=[town["areas"][0].branch])
    client.force_login(agent)

    listed = client.get(reverse("staff:outage-list")).content.decode()
    assert "Fibre cut" in listed and "Backbone down" in listed and "Uttara fibre cut" not in listed
    assert client.get(reverse("staff:outage-detail", args=[theirs.pk])).status_code == 404
    shared_page = client.get(reverse("staff:outage-detail", args=[shared.pk]))
    assert shared_page.status_code == 200 and reverse("staff:outage-restore", args=[shared.pk]) not in shared_page.content.decode()
    assert reverse("staff:outage-restore", args=[ours.pk]) in client.get(reverse("staff:outage-detail", args=[ours.pk])).content.decode()

    # Restoring speaks to every customer it covers: not for an outage reaching another branch.
    restore = {"restored_at": "", "note": "Back up"}  # empty: now
    assert client.post(reverse("staff:outage-restore", args=[shared.pk]), restore).status_code == 403
    assert client.post(reverse("staff:outage-restore", args=[theirs.pk]), restore).status_code == 404
    shared.refresh_from_db()
    theirs.refresh_from_db()
    assert shared.status == theirs.status == Outage.Status.ACTIVE
    with django_capture_on_commit_callbacks(execute=True):
        assert client.post(reverse("staff:outage-restore", args=[ours.pk]), restore).status_code == 302
    ours.refresh_from_db()
    assert ours.status == Outage.Status.RESTORED


@pytest.mark.django_db
def test_the_restored_notice_says_how_long_in_the_customers_language(town, django_capture_on_commit_callbacks):
    """"3 h 45 min" in an English notice (the e-mail's {{ outage_duration }}), "3 ঘণ্টা 45 মিনিট" in a
    Bangla one, whatever language the staff member who restored it works in."""
    assert outages.format_duration(timedelta(days=1, hours=2, minutes=5)) == "1 d 2 h"
    outage = declare(django_capture_on_commit_callbacks, routers=[town["routers"][2]])
    Outage.objects.filter(pk=outage.pk).update(started_at=timezone.now() - timedelta(hours=3, minutes=45, seconds=20))
    outage.refresh_from_db()
    with django_capture_on_commit_callbacks(execute=True), translation.override("en"):
        outages.outage_restore(actor=None, outage=outage)
    broadcast = OutageBroadcast.objects.get(outage=outage, event=OUTAGE_RESTORED)
    with translation.override("en"):
        assert outages._context(broadcast, "bn")["outage_duration"] == "3 ঘণ্টা 45 মিনিট"
    with translation.override("bn"):
        assert outages._context(broadcast, "en")["outage_duration"] == "3 h 45 min"
