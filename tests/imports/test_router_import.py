"""Router import against the RouterOS simulator (librouteros over loopback, no mocks): secrets and
hotspot users become customers and subscriptions; the router is read, never written."""

from decimal import Decimal
from io import StringIO

import pytest
from django.core.management import call_command

from customers.models import Customer, Package, Subscription
from imports import router_import
from imports.models import ImportBatch, ImportRow
from network.models import ProvisioningTask
from tests.factories import AreaFactory, PackageFactory, RouterFactory, make_subscription
from usecases import import_commit, import_undo

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("fresh_router_connections")]


def snapshot(sim):
    return {table: sorted(tuple(sorted(r.items())) for r in sim.run(f"{table}/print")) for table in ("/ppp/secret", "/ppp/profile", "/ip/hotspot/user")}


@pytest.fixture
def legacy(routeros_router):
    sim = routeros_router
    sim.run("/ppp/profile/add", name="10M", **{"rate-limit": "10M/10M"})
    sim.run("/ppp/profile/add", name="home-20", **{"rate-limit": "20M/20M"})
    for i in range(6):
        sim.run("/ppp/secret/add", name=f"legacy{i}", password=f"pw{i}", profile="10M" if i % 2 else "home-20",
                service="pppoe", comment=f"Customer {i} 0171100000{i}", disabled="yes" if i == 5 else "no")
    sim.run("/ppp/secret/add", name="nophone", password="x", profile="10M", service="pppoe", comment="Shop at corner")
    sim.run("/ip/hotspot/user/add", name="hs-guest", password="g", comment="Guest 01811000001")
    area = AreaFactory(name="Uttara 7")
    router = RouterFactory(host=sim.host, api_port=sim.port, ssl_port=sim.ssl_port, username=sim.username, name="legacy-pop")
    router.areas.add(area)
    package = PackageFactory(name="Home 20", router_profile="home-20")
    owned = make_subscription(router=router, package=package, username="legacy0")  # already a customer
    missing = make_subscription(router=router, package=package, username="gone")  # not on the router
    return sim, router, area, package, owned, missing


def test_router_import_reads_maps_profiles_and_commits_without_touching_the_router(admin, legacy):
    sim, router, area, package, owned, missing = legacy
    before = snapshot(sim)

    batch = router_import.router_batch_read(actor=admin, router=router)
    assert batch.report["secrets"] == 7 and batch.report["hotspot_users"] == 1
    assert batch.report["already_in_ispbill"] == 1
    assert batch.report["customers_without_secret"] == [["gone", missing.customer.account_number, missing.customer.name]]
    profiles = {p["name"]: p for p in router_import.router_profiles(batch=batch)}
    assert profiles["home-20"]["package_id"] == package.pk  # the package with that router profile
    assert profiles["10M"]["package_id"] is None and profiles["10M"]["download_mbps"] == 10

    choices = {name: {"package": str(p["package_id"]) if p["package_id"] else router_import.NEW, "price": Decimal("800")} for name, p in profiles.items()}
    batch = router_import.router_batch_map(actor=admin, batch=batch, choices=choices, area=area, activate=True)
    new_package = Package.objects.get(router_profile="10M")
    assert (new_package.price, new_package.download_mbps) == (Decimal("800.00"), 10)
    errors = {r.data["username"]: r.errors for r in batch.rows.filter(action=ImportRow.Action.ERROR)}
    assert list(errors) == ["nophone"] and "No phone number" in errors["nophone"][0]
    assert batch.to_create == 6

    import_commit.batch_commit(actor=admin, batch=batch)
    batch = import_commit.batch_process(batch_id=batch.pk)
    assert batch.status == ImportBatch.Status.DONE and batch.created_count == 6
    legacy3 = Subscription.objects.get(router=router, username="legacy3")
    assert (legacy3.status, legacy3.package, legacy3.password) == (Subscription.Status.ACTIVE, new_package, "pw3")
    assert legacy3.customer.name == "Customer 3" and legacy3.customer.phone == "+8801711000003"
    assert legacy3.customer.external_ref == "legacy-pop:legacy3"
    assert Subscription.objects.get(username="legacy5").status == Subscription.Status.PENDING  # disabled on the router
    hotspot = Subscription.objects.get(username="hs-guest")
    assert hotspot.connection_type == Subscription.ConnectionType.HOTSPOT
    # The router was only read: no outbox entry for the imported logins, its tables unchanged.
    imported = Subscription.objects.filter(customer__external_ref__startswith="legacy-pop:")
    assert not ProvisioningTask.objects.filter(subscription_id__in=imported.values("pk")).exists()
    assert snapshot(sim) == before
    call_command("check_ledger", stdout=StringIO())

    # Reading the router again finds nothing new to import.
    again = router_import.router_batch_read(actor=admin, router=router)
    assert again.total_rows == 1 and again.report["already_in_ispbill"] == 7  # only "nophone" is left


def test_undoing_a_router_import_leaves_the_router_alone(admin, legacy):
    sim, router, area, package, *_ = legacy
    batch = router_import.router_batch_read(actor=admin, router=router)
    choices = {p["name"]: {"package": str(package.pk), "price": None} for p in router_import.router_profiles(batch=batch)}
    batch = router_import.router_batch_map(actor=admin, batch=batch, choices=choices, area=area, activate=True)
    import_commit.batch_commit(actor=admin, batch=batch)
    import_commit.batch_process(batch_id=batch.pk)
    before = snapshot(sim)
    imported = list(Subscription.objects.filter(customer__external_ref__startswith="legacy-pop:").values_list("pk", flat=True))
    import_undo.batch_undo(actor=admin, batch=batch)
    assert not ProvisioningTask.objects.filter(subscription_id__in=imported).exists()
    assert not Subscription.objects.filter(pk__in=imported).exists()
    assert snapshot(sim) == before
    assert not Customer.objects.filter(external_ref__startswith="legacy-pop:").exists()


def test_an_unreachable_router_is_a_clear_error_and_stores_nothing(admin):
    router = RouterFactory(host="127.0.0.1", api_port=1, name="down-pop")
    with pytest.raises(Exception) as error:
        router_import.router_batch_read(actor=admin, router=router)
    assert "could not be read" in str(error.value)
    assert not ImportBatch.objects.exists()
