"""The usage screens: the subscription's usage page and FUP lift (staff), heavy users, FUP settings,
and the customer portal's Usage page."""

import functools
import json
import re
import unicodedata
from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from network.models import FupState, ProvisioningTask, UsageDaily, UsagePoll
from tests.factories import AreaFactory, BranchFactory, PackageFactory, admin_user, make_customer, make_subscription

GB = 1000**3


@pytest.fixture
def capped_subscription(db):
    package = PackageFactory(router_profile="HOME-20M", data_cap_gb=100, fup_download_mbps=2, fup_upload_mbps=1)
    subscription = make_subscription(
        package=package, username="heavy", activate=True, customer=make_customer(portal_password="portal-pass-1"),
    )
    today = timezone.localdate()
    UsageDaily.objects.create(subscription=subscription, day=today, download_bytes=3 * GB, upload_bytes=GB // 2)
    UsageDaily.objects.create(subscription=subscription, day=today - timedelta(days=1), download_bytes=2 * GB, upload_bytes=GB // 4)
    return subscription


def throttle(subscription):
    today = timezone.localdate()
    return FupState.objects.create(
        subscription=subscription, cycle_start=today.replace(day=1), cycle_end=today.replace(day=28), cap_bytes=100 * GB,
        used_bytes=101 * GB, throttled_at=timezone.now(),
    )


@pytest.mark.django_db
def test_staff_usage_page_shows_charts_live_session_and_fup_status(client, capped_subscription):
    subscription = capped_subscription
    now = timezone.now()
    UsagePoll.objects.create(
        router=subscription.router, polled_at=now, succeeded_at=now,
        sessions={"heavy": ["100.64.0.9", "50:C7:BF:01:02:03", 7260, "0x1"]},
    )
    client.force_login(admin_user())
    response = client.get(reverse("staff:subscription-usage", args=[subscription.pk]))
    page = response.content.decode()
    assert response.status_code == 200
    assert "100.64.0.9" in page and "50:C7:BF:01:02:03" in page and "2h 1m" in page
    charts = json.loads(page.split('id="usage-data" type="application/json">')[1].split("</script>")[0])
    assert charts["daily"]["down"][-1] == 3000.0 and charts["daily"]["down"][-2] == 2000.0
    assert len(charts["daily"]["x"]) == 30 and len(charts["weekly"]["x"]) == 12 and len(charts["monthly"]["x"]) == 12
    assert "uPlot-1.6.32.iife.min.js" in page and "js/usage.js" in page
    assert "Lift throttling" not in page  # not throttled


@pytest.mark.django_db
def test_lift_needs_a_reason_and_then_restores_through_the_outbox(client, capped_subscription):
    subscription = capped_subscription
    throttle(subscription)
    staff = admin_user()
    client.force_login(staff)
    url = reverse("staff:subscription-fup-lift", args=[subscription.pk])
    assert "Lift throttling" in client.get(reverse("staff:subscription-usage", args=[subscription.pk])).content.decode()
    tasks_before = ProvisioningTask.objects.count()

    response = client.post(url, {"reason": ""})
    assert response.status_code == 400
    assert FupState.objects.get(subscription=subscription).throttled
    assert ProvisioningTask.objects.count() == tasks_before

    response = client.post(url, {"reason": "Customer on exam week"})
    assert response.status_code == 302
    state = FupState.objects.get(subscription=subscription)
    assert not state.throttled and state.lifted_by == staff and state.lift_reason == "Customer on exam week"
    task = ProvisioningTask.objects.latest("pk")
    assert (task.action, task.desired["profile"]) == ("update", "HOME-20M")


@pytest.mark.django_db
def test_staff_without_the_lift_permission_cannot_lift(client, capped_subscription):
    from django.contrib.auth.models import Permission

    throttle(capped_subscription)
    user = admin_user()
    user.groups.clear()
    user.user_permissions.set(Permission.objects.filter(codename__in=["view_subscription", "view_customer"]))
    client.force_login(user)
    page = client.get(reverse("staff:subscription-usage", args=[capped_subscription.pk])).content.decode()
    assert "Lift throttling" not in page
    response = client.post(reverse("staff:subscription-fup-lift", args=[capped_subscription.pk]), {"reason": "x"})
    assert response.status_code == 403
    assert FupState.objects.get(subscription=capped_subscription).throttled


@pytest.mark.django_db
def test_heavy_users_ranks_by_total_and_filters_by_area_and_package(client, capped_subscription):
    today = timezone.localdate()
    light = make_subscription(username="light", activate=True)
    UsageDaily.objects.create(subscription=light, day=today, download_bytes=GB)
    client.force_login(admin_user())
    url = reverse("staff:usage-heavy-users")
    rows = client.get(url).context["rows"]
    assert [row["subscription"].username for row in rows] == ["heavy", "light"]
    assert rows[0]["total"] == 5 * GB + GB // 2 + GB // 4

    period = {"start": today.replace(day=1).isoformat(), "end": today.isoformat()}
    by_area = client.get(url, {**period, "area": light.customer.area_id}).context["rows"]
    assert [row["subscription"].username for row in by_area] == ["light"]
    by_package = client.get(url, {**period, "package": capped_subscription.package_id}).context["rows"]
    assert [row["subscription"].username for row in by_package] == ["heavy"]
    bad = client.get(url, {"start": today.isoformat(), "end": (today - timedelta(days=3)).isoformat()})
    assert bad.context["rows"] == [] and bad.context["form"].errors


@pytest.mark.django_db
def test_heavy_users_shows_only_the_staff_members_branches(client, capped_subscription):
    other_branch = BranchFactory()
    client.force_login(admin_user(branch_scope=[other_branch]))
    assert client.get(reverse("staff:usage-heavy-users")).context["rows"] == []


@pytest.mark.django_db
def test_fup_settings_edit_saves_speeds_and_queues_the_profile(client, db):
    package = PackageFactory(router_profile="AIR-8M", data_cap_gb=150)
    from tests.factories import RouterFactory

    RouterFactory()
    client.force_login(admin_user())
    page = client.get(reverse("staff:usage-fup-settings")).content.decode()
    assert "AIR-8M" not in page or "warnings only" in page
    url = reverse("staff:package-fup-edit", args=[package.pk])

    response = client.post(url, {"data_cap_gb": "150", "fup_download_mbps": "2", "fup_upload_mbps": ""})
    assert response.status_code == 200 and response.context["form"].errors
    package.refresh_from_db()
    assert package.fup_download_mbps is None

    response = client.post(url, {"data_cap_gb": "150", "fup_download_mbps": "2", "fup_upload_mbps": "1", "fup_profile": ""})
    assert response.status_code == 302
    package.refresh_from_db()
    assert (package.fup_download_mbps, package.fup_upload_mbps, package.fup_profile_name) == (2, 1, "AIR-8M-FUP")
    assert ProvisioningTask.objects.filter(key="profile:AIR-8M-FUP", desired__rate_limit="1M/2M").exists()


@pytest.mark.django_db
def test_portal_usage_page_shows_the_customers_own_subscription(client, capped_subscription):
    customer = capped_subscription.customer
    client.force_login(customer.user)
    response = client.get(reverse("portal:usage"))
    assert response.status_code == 200
    assert response.context["subscription"] == capped_subscription
    assert "100 GB" in response.content.decode()
    assert client.get(reverse("portal:usage-detail", args=[capped_subscription.pk])).status_code == 200


@pytest.mark.django_db
def test_portal_usage_charts_name_months_and_days_in_the_customers_language(client, capped_subscription):
    """The charts' axes (drawn by usage.js) take their month and weekday names from the page: Bangla
    for a customer who reads Bangla, where uPlot alone would write "Nov"."""
    user = capped_subscription.customer.user
    user.language = "bn"
    user.save(update_fields=["language"])
    client.force_login(user)
    page = client.get(reverse("portal:usage")).content.decode()
    names = json.loads(re.search(r'<script id="usage-date-names" type="application/json">(.*?)</script>', page).group(1))
    nfc = functools.partial(unicodedata.normalize, "NFC")  # য় is written two ways
    assert nfc(names["MMMM"][0]) == nfc("জানুয়ারি") and nfc(names["MMMM"][10]) == nfc("নভেম্বর")
    assert len(names["MMM"]) == 12 and len(names["WWW"]) == len(names["WWWW"]) == 7
    assert nfc(names["WWWW"][0]) == nfc("রবিবার")  # uPlot counts weeks from Sunday
    assert not any(re.search(r"[A-Za-z]", name) for values in names.values() for name in values)
    assert 'data-date-names="usage-date-names"' in page and 'data-label-time="সময়"' in page  # the legend's "Time"


@pytest.mark.django_db
def test_portal_usage_of_another_customers_subscription_is_404(client, capped_subscription):
    intruder = make_customer(area=AreaFactory(), portal_password="portal-pass-2")
    make_subscription(customer=intruder, username="intruder", activate=True)
    client.force_login(intruder.user)
    assert client.get(reverse("portal:usage-detail", args=[capped_subscription.pk])).status_code == 404
    page = client.get(reverse("portal:usage")).content.decode()
    assert "heavy" not in page
