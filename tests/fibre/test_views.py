"""The fibre screens: staff OLT list and detail (from the navigation), the ONU page with its chart
and hand match, Settings → Fibre; the customer page's Fibre tab, the portal's fibre line, the dispatch
board's dark ports. Malformed input answers 4xx with nothing changed; secrets are never shown."""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import timezone

from customers.services import customer_portal_access_set
from fibre.models import Olt, Onu, PonPort, SignalThreshold
from ispbill.core.models import AuditLog
from tests.factories import BranchFactory, UserFactory, make_subscription

pytestmark = pytest.mark.django_db


@pytest.fixture
def recorded_plant(db):
    branch = BranchFactory()
    olt = Olt.objects.create(name="Mirpur OLT", branch=branch, host="127.0.0.1", profile="huawei_gpon", community="very-secret-community")
    port = PonPort.objects.create(olt=olt, key="4194304000", name="GPON 0/1/0", onus_total=2, onus_online=1,
                                  dark_since=timezone.now() - timedelta(minutes=5))
    subscription = make_subscription(activate=True)
    onu = Onu.objects.create(olt=olt, pon_port=port, key="4194304000.1", number=1, serial="HWTC0000ABCD", status=Onu.Status.OFFLINE,
                             down_cause=Onu.Cause.DYING_GASP, status_changed_at=timezone.now().replace(hour=8, minute=2),
                             subscription=subscription, match=Onu.Match.SERIAL)
    other = Onu.objects.create(olt=olt, pon_port=port, key="4194304000.2", number=2, serial="HWTC0000ABCE", rx_dbm=Decimal("-21.40"),
                               signal=Onu.Signal.OK)
    return olt, port, onu, other, subscription


def test_the_olt_pages_are_in_the_navigation_and_never_show_the_community(staff_client, recorded_plant):
    olt, port, onu, other, subscription = recorded_plant
    home = staff_client.get(reverse("staff:home")).content.decode()
    assert reverse("staff:olt-list") in home and reverse("staff:fibre-settings") in home
    listing = staff_client.get(reverse("staff:olt-list")).content.decode()
    assert "Mirpur OLT" in listing and "dark-ports" in listing and "GPON 0/1/0" in listing
    detail = staff_client.get(reverse("staff:olt-detail", args=[olt.pk])).content.decode()
    assert "HWTC0000ABCD" in detail and "Power off" in detail and subscription.customer.name in detail
    edit = staff_client.get(reverse("staff:olt-edit", args=[olt.pk])).content.decode()
    assert "very-secret-community" not in listing + detail + edit
    assert "very-secret-community" not in str(list(AuditLog.objects.values_list("before", "after")))


def test_creating_an_olt_encrypts_the_community_and_refuses_an_unknown_profile(staff_client, recorded_plant):
    olt, *_ = recorded_plant
    data = {"name": "Uttara OLT", "branch": olt.branch_id, "host": "10.0.0.2", "snmp_port": 161, "profile": "zte_gpon", "snmp_version": "2c",
            "community": "c0mmunity", "timeout_seconds": "2", "retries": 2, "is_active": "on"}
    bad = staff_client.post(reverse("staff:olt-create"), {**data, "profile": "fiberhome"})
    assert bad.status_code == 400 and Olt.objects.count() == 1
    no_community = staff_client.post(reverse("staff:olt-create"), {**data, "community": ""})
    assert no_community.status_code == 400 and Olt.objects.count() == 1
    assert staff_client.post(reverse("staff:olt-create"), data).status_code == 302
    created = Olt.objects.get(name="Uttara OLT")
    assert created.community == "c0mmunity"
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("SELECT community FROM fibre_olt WHERE id = %s", [created.pk])
        assert "c0mmunity" not in cursor.fetchone()[0]


def test_editing_with_an_empty_secret_keeps_the_stored_one(staff_client, recorded_plant):
    olt, *_ = recorded_plant
    data = {"name": olt.name, "branch": olt.branch_id, "host": "10.0.0.9", "snmp_port": 161, "profile": "huawei_gpon", "snmp_version": "2c",
            "community": "", "timeout_seconds": "2", "retries": 1, "is_active": "on"}
    assert staff_client.post(reverse("staff:olt-edit", args=[olt.pk]), data).status_code == 302
    olt.refresh_from_db()
    assert olt.host == "10.0.0.9" and olt.community == "very-secret-community"


def test_the_onu_page_matches_by_hand_and_refuses_a_subscription_that_does_not_exist(staff_client, recorded_plant):
    olt, port, onu, other, subscription = recorded_plant
    page = staff_client.get(reverse("staff:onu-detail", args=[other.pk]))
    assert page.status_code == 200 and "onu-chart-" in page.content.decode()
    bad = staff_client.post(reverse("staff:onu-detail", args=[other.pk]), {"subscription": "999999"})
    assert bad.status_code == 400 and Onu.objects.get(pk=other.pk).subscription_id is None
    junk = staff_client.post(reverse("staff:onu-detail", args=[other.pk]), {"subscription": "abc"})
    assert junk.status_code == 400 and Onu.objects.get(pk=other.pk).subscription_id is None
    assert staff_client.post(reverse("staff:onu-detail", args=[other.pk]), {"subscription": subscription.pk}).status_code == 302
    other.refresh_from_db()
    onu.refresh_from_db()
    assert other.subscription_id == subscription.pk and other.match == Onu.Match.HAND and onu.subscription_id is None
    assert staff_client.get(reverse("staff:onu-chart", args=[other.pk]) + "?days=x").status_code == 400


def test_thresholds_are_edited_per_profile_and_out_of_order_lines_are_refused(staff_client, recorded_plant):
    url = reverse("staff:fibre-settings")
    assert "BDCOM EPON" in staff_client.get(url).content.decode()
    bad = staff_client.post(url, {"profile": "huawei_gpon", "rx_warning_dbm": "-31", "rx_critical_dbm": "-27", "rx_overload_dbm": "-8", "drift_db": "3"})
    assert bad.status_code == 400 and not SignalThreshold.objects.exists()
    unknown = staff_client.post(url, {"profile": "nope", "rx_warning_dbm": "-25"})
    assert unknown.status_code == 400 and not SignalThreshold.objects.exists()
    good = staff_client.post(url, {"profile": "huawei_gpon", "rx_warning_dbm": "-25", "rx_critical_dbm": "-28", "rx_overload_dbm": "-7", "drift_db": "2.5"})
    assert good.status_code == 302
    assert SignalThreshold.objects.get(profile="huawei_gpon").rx_warning_dbm == Decimal("-25")


def test_a_user_without_the_fibre_permission_sees_no_olt(client, recorded_plant):
    olt, *_ = recorded_plant
    client.force_login(UserFactory(kind="staff"))
    assert client.get(reverse("staff:olt-list")).status_code == 403
    assert client.get(reverse("staff:olt-detail", args=[olt.pk])).status_code == 403


def test_customer_page_portal_and_dispatch_board_show_the_fibre(staff_client, client, recorded_plant):
    olt, port, onu, other, subscription = recorded_plant
    customer = subscription.customer
    tab = staff_client.get(reverse("staff:customer-detail", args=[customer.pk]) + "?tab=fibre").content.decode()
    assert "HWTC0000ABCD" in tab and "Power off" in tab
    board = staff_client.get(reverse("staff:workorder-dispatch")).content.decode()
    assert "dispatch-dark-ports" in board and "GPON 0/1/0" in board

    customer_portal_access_set(actor=None, customer=customer, password="portal-pass-9")
    customer.refresh_from_db()
    client.force_login(customer.user)
    home = client.get(reverse("portal:home")).content.decode()
    since = timezone.localtime(onu.status_changed_at).strftime("%H:%M")
    assert f"Your fibre box has been off since {since} (power)" in home


def test_the_ticket_page_shows_the_customer_s_onu_status_signal_and_last_change(staff_client, client, recorded_plant):
    from tickets.models import Category, Ticket
    from tickets.services import ticket_create

    olt, port, onu, other, subscription = recorded_plant
    ticket = ticket_create(actor=None, customer=subscription.customer, category=Category.NO_CONNECTION, subject="No internet",
                           description="Since the morning", source=Ticket.Source.STAFF)
    url = reverse("staff:ticket-detail", args=[ticket.pk])

    page = staff_client.get(url).content.decode()
    since = timezone.localtime(onu.status_changed_at).strftime("%d %b, %H:%M")
    assert f'id="ticket-onu-{onu.pk}"' in page and "Power off" in page and f"since {since}" in page
    assert "HWTC0000ABCD" in page and "Mirpur OLT GPON 0/1/0:1" in page and reverse("staff:onu-detail", args=[onu.pk]) in page

    changed_at = timezone.now() - timedelta(minutes=7)
    Onu.objects.filter(pk=onu.pk).update(status=Onu.Status.ONLINE, down_cause="", rx_dbm=Decimal("-28.10"), signal=Onu.Signal.WARNING,
                                         status_changed_at=changed_at)
    page = staff_client.get(url).content.decode()
    assert "Online" in page and "-28.10 dBm" in page and "(Weak)" in page
    assert f"since {timezone.localtime(changed_at).strftime('%d %b, %H:%M')}" in page

    # Support without the fibre permission sees the ticket, not the fibre box.
    from django.contrib.auth.models import Permission

    support = UserFactory(username="ticket.only")
    support.user_permissions.add(Permission.objects.get(codename="view_ticket", content_type__app_label="tickets"))
    client.force_login(support)
    page = client.get(url)
    assert page.status_code == 200 and f'id="ticket-onu-{onu.pk}"' not in page.content.decode()


def test_unmatched_and_moved_onus_are_listed_and_a_move_seen_leaves_the_list_keeping_its_match(staff_client, recorded_plant):
    olt, port, onu, other, subscription = recorded_plant
    elsewhere = PonPort.objects.create(olt=olt, key="4194304256", name="GPON 0/1/1")
    moved_at = timezone.now() - timedelta(hours=2)
    Onu.objects.filter(pk=onu.pk).update(moved_from=elsewhere, moved_at=moved_at)
    url = reverse("staff:onu-unmatched")
    assert url in staff_client.get(reverse("staff:olt-list")).content.decode()  # reached from the OLT list

    page = staff_client.get(url).content.decode()
    unmatched = page[page.index('id="onus-unmatched"'):page.index('id="onus-moved"')]
    moved = page[page.index('id="onus-moved"'):]
    assert "HWTC0000ABCE" in unmatched and "HWTC0000ABCD" not in unmatched  # matched ONUs are not "unmatched"
    assert "GPON 0/1/1" in moved and subscription.customer.name in moved and reverse("staff:onu-move-seen", args=[onu.pk]) in moved

    # Support who may look but not change the match cannot clear it: nothing changes.
    from django.contrib.auth.models import Permission
    from django.test import Client

    viewer = UserFactory(username="fibre.viewer")
    viewer.user_permissions.add(Permission.objects.get(codename="view_olt", content_type__app_label="fibre"))
    client = Client()
    client.force_login(viewer)
    viewer_page = client.get(url).content.decode()
    assert "GPON 0/1/1" in viewer_page and reverse("staff:onu-move-seen", args=[onu.pk]) not in viewer_page
    assert client.post(reverse("staff:onu-move-seen", args=[onu.pk])).status_code == 403
    assert Onu.objects.get(pk=onu.pk).moved_at == moved_at
    assert staff_client.get(reverse("staff:onu-move-seen", args=[onu.pk])).status_code == 405

    assert staff_client.post(reverse("staff:onu-move-seen", args=[onu.pk])).status_code == 302
    onu.refresh_from_db()
    assert onu.moved_at is None and onu.moved_from_id is None
    assert onu.subscription_id == subscription.pk and onu.match == Onu.Match.SERIAL  # still a serial match: a later swap moves it
    assert AuditLog.objects.filter(action="onu.move_seen").count() == 1
    assert "GPON 0/1/1" not in staff_client.get(url).content.decode()
