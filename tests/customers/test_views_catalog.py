from decimal import Decimal

import pytest
from django.urls import reverse

from customers.models import Area, Branch, Package
from ispbill.core.models import AuditLog
from tests.factories import AreaFactory, BranchFactory, PackageFactory, UserFactory, make_customer, make_subscription


def package_payload(**overrides):
    payload = {
        "name": "Fiber 50", "type": "fiber", "download_mbps": "50", "upload_mbps": "50", "price": "1500.00",
        "billing_cycle": "monthly", "ott_bundle": "Bioscope, Chorki", "live_channels": "120", "data_cap_gb": "",
        "router_profile": "fiber-50m",
    }
    payload.update(overrides)
    return payload


@pytest.fixture
def views_catalog_cashier_client(client):
    """Cashiers may look at the catalogue but not change it."""
    client.force_login(UserFactory(roles=["Cashier"]))
    return client


# Packages ----------------------------------------------------------------------------------------

@pytest.mark.django_db
def test_package_list_shows_every_column(staff_client):
    package = PackageFactory(
        name="Fiber 1G", download_mbps=1000, upload_mbps=1000, price=Decimal("5000"), ott_bundle="Hoichoi",
        live_channels=200, data_cap_gb=2000, router_profile="fiber-1g",
    )
    make_subscription(package=package)

    response = staff_client.get(reverse("staff:package-list"))

    page = response.content.decode()
    assert response.status_code == 200
    for text in ("Fiber 1G", "1 Gbps", "৳5,000.00", "Monthly", "Hoichoi", "200", "2000 GB", "fiber-1g", "On sale"):
        assert text in page, text
    assert '<td class="num">1</td>' in page  # one live subscription


@pytest.mark.django_db
def test_package_create_in_a_dialog_saves_and_closes(staff_client):
    response = staff_client.post(reverse("staff:package-create"), package_payload(), HTTP_HX_REQUEST="true")

    assert response.status_code == 204
    assert "packagesChanged" in response.headers["HX-Trigger"]
    package = Package.objects.get(name="Fiber 50")
    assert (package.download_mbps, package.price, package.live_channels, package.data_cap_gb) == (50, Decimal("1500.00"), 120, None)
    assert AuditLog.objects.filter(action="package.create", object_id=str(package.pk)).exists()


@pytest.mark.django_db
def test_package_form_opens_as_a_dialog_for_htmx_and_as_a_page_without(staff_client):
    dialog = staff_client.get(reverse("staff:package-create"), HTTP_HX_REQUEST="true").content.decode()
    page = staff_client.get(reverse("staff:package-create")).content.decode()
    assert dialog.lstrip().startswith("<dialog") and "hx-post" in dialog
    assert "<html" in page and "hx-post" not in page.split("<main")[1]


@pytest.mark.django_db
@pytest.mark.parametrize(
    "overrides, field_message",
    [
        ({"price": "-1"}, "The price cannot be negative."),
        ({"download_mbps": "0"}, "A speed must be at least 1 Mbps."),
        ({"upload_mbps": "0"}, "A speed must be at least 1 Mbps."),
        ({"name": "Taken"}, "Package with this Name already exists."),
    ],
)
def test_bad_package_input_shows_the_message_next_to_the_field_and_saves_nothing(staff_client, overrides, field_message):
    PackageFactory(name="Taken")
    count = Package.objects.count()

    response = staff_client.post(reverse("staff:package-create"), package_payload(**overrides), HTTP_HX_REQUEST="true")

    page = response.content.decode()
    assert response.status_code == 200
    assert f"<li>{field_message}</li>" in page
    assert 'aria-invalid="true"' in page
    assert Package.objects.count() == count


@pytest.mark.django_db
def test_package_edit_changes_the_package_and_a_duplicate_name_changes_nothing(staff_client):
    package = PackageFactory(name="Home 10", price=Decimal("800"))
    PackageFactory(name="Home 20")

    refused = staff_client.post(reverse("staff:package-edit", args=[package.pk]), package_payload(name="Home 20"))
    assert "Package with this Name already exists." in refused.content.decode()
    package.refresh_from_db()
    assert package.name == "Home 10"

    response = staff_client.post(reverse("staff:package-edit", args=[package.pk]), package_payload(name="Home 10", price="900"))
    assert response.status_code == 302 and response.url == reverse("staff:package-list")
    package.refresh_from_db()
    assert package.price == Decimal("900.00") and package.router_profile == "fiber-50m"


@pytest.mark.django_db
def test_package_retire_asks_first_then_toggles(staff_client):
    package = PackageFactory(name="Old 5")
    confirm = staff_client.get(reverse("staff:package-active", args=[package.pk]), HTTP_HX_REQUEST="true").content.decode()
    assert "Stop selling Old 5?" in confirm
    package.refresh_from_db()
    assert package.is_active

    staff_client.post(reverse("staff:package-active", args=[package.pk]))
    package.refresh_from_db()
    assert not package.is_active
    assert "Retired" in staff_client.get(reverse("staff:package-list")).content.decode()

    staff_client.post(reverse("staff:package-active", args=[package.pk]), HTTP_HX_REQUEST="true")
    package.refresh_from_db()
    assert package.is_active


@pytest.mark.django_db
def test_cashier_sees_packages_but_cannot_change_them(views_catalog_cashier_client):
    package = PackageFactory(name="Home 10", price=Decimal("800"))
    assert views_catalog_cashier_client.get(reverse("staff:package-list")).status_code == 200
    assert views_catalog_cashier_client.post(reverse("staff:package-create"), package_payload()).status_code == 403
    assert views_catalog_cashier_client.post(reverse("staff:package-edit", args=[package.pk]), package_payload(name="Hacked")).status_code == 403
    assert views_catalog_cashier_client.post(reverse("staff:package-active", args=[package.pk])).status_code == 403
    package.refresh_from_db()
    assert (package.name, package.is_active, Package.objects.count()) == ("Home 10", True, 1)


@pytest.mark.django_db
def test_technician_role_without_catalogue_permission_gets_403(client):
    client.force_login(UserFactory(roles=["Technician"]))
    for name in ("staff:package-list", "staff:area-list", "staff:branch-list", "staff:package-create"):
        assert client.get(reverse(name)).status_code == 403


# Branches ----------------------------------------------------------------------------------------

@pytest.mark.django_db
def test_branch_list_counts_areas_and_customers(staff_client):
    branch = BranchFactory(name="Mirpur", code="MIR")
    area = AreaFactory(branch=branch)
    make_customer(area=area)
    make_customer(area=area)

    page = staff_client.get(reverse("staff:branch-list")).content.decode()

    assert "Mirpur" in page
    assert f'<a href="{reverse("staff:area-list")}?branch={branch.pk}">1</a>' in page
    assert '<td class="num">2</td>' in page


@pytest.mark.django_db
def test_branch_create_and_edit(staff_client):
    response = staff_client.post(reverse("staff:branch-create"), {"name": "Uttara", "code": "utt", "address": "Sector 7", "phone": ""})
    assert response.status_code == 302
    branch = Branch.objects.get(name="Uttara")
    assert branch.code == "UTT"

    staff_client.post(reverse("staff:branch-edit", args=[branch.pk]), {"name": "Uttara North", "code": "UTT", "address": "", "phone": ""})
    branch.refresh_from_db()
    assert branch.name == "Uttara North"


@pytest.mark.django_db
def test_duplicate_branch_code_shows_the_message_and_saves_nothing(staff_client):
    BranchFactory(name="Mirpur", code="MIR")
    response = staff_client.post(reverse("staff:branch-create"), {"name": "Mirpur 2", "code": "mir"})
    assert "Branch with this Code already exists." in response.content.decode()
    assert not Branch.objects.filter(name="Mirpur 2").exists()


@pytest.mark.django_db
def test_cashier_cannot_create_or_edit_branches(views_catalog_cashier_client):
    branch = BranchFactory(name="Mirpur", code="MIR")
    assert views_catalog_cashier_client.get(reverse("staff:branch-list")).status_code == 200
    assert views_catalog_cashier_client.post(reverse("staff:branch-create"), {"name": "X", "code": "X"}).status_code == 403
    assert views_catalog_cashier_client.post(reverse("staff:branch-edit", args=[branch.pk]), {"name": "X", "code": "X"}).status_code == 403
    branch.refresh_from_db()
    assert (branch.name, Branch.objects.count()) == ("Mirpur", 1)


# Areas -------------------------------------------------------------------------------------------

@pytest.mark.django_db
def test_area_list_filters_by_branch_and_counts_customers(staff_client):
    mirpur, uttara = BranchFactory(name="Mirpur", code="MIR"), BranchFactory(name="Uttara", code="UTT")
    pallabi = AreaFactory(branch=mirpur, name="Pallabi")
    AreaFactory(branch=uttara, name="Sector 7")
    make_customer(area=pallabi)

    everything = staff_client.get(reverse("staff:area-list")).content.decode()
    assert "Pallabi" in everything and "Sector 7" in everything

    filtered = staff_client.get(reverse("staff:area-list"), {"branch": mirpur.pk}, HTTP_HX_REQUEST="true").content.decode()
    assert "Pallabi" in filtered and "Sector 7" not in filtered
    assert 'id="area-list"' in filtered and "<html" not in filtered
    assert '<td class="num">1</td>' in filtered


@pytest.mark.django_db
def test_branch_limited_staff_see_and_edit_only_their_branches_areas(client):
    mirpur, uttara = BranchFactory(name="Mirpur", code="MIR"), BranchFactory(name="Uttara", code="UTT")
    pallabi, sector7 = AreaFactory(branch=mirpur, name="Pallabi"), AreaFactory(branch=uttara, name="Sector 7")
    client.force_login(UserFactory(roles=["Manager"], branch_scope=[mirpur]))

    page = client.get(reverse("staff:area-list")).content.decode()
    assert "Pallabi" in page and "Sector 7" not in page
    assert "Uttara" not in page  # not even as a filter choice
    assert client.get(reverse("staff:area-edit", args=[sector7.pk])).status_code == 404
    assert client.post(reverse("staff:area-edit", args=[sector7.pk]), {"branch": uttara.pk, "name": "Renamed"}).status_code == 404
    refused = client.post(reverse("staff:area-create"), {"branch": uttara.pk, "name": "Elsewhere"})
    assert "Select a valid choice" in refused.content.decode()
    assert client.get(reverse("staff:branch-edit", args=[uttara.pk])).status_code == 404

    sector7.refresh_from_db()
    assert sector7.name == "Sector 7"
    assert not Area.objects.filter(name="Elsewhere").exists()
    assert client.post(reverse("staff:area-edit", args=[pallabi.pk]), {"branch": mirpur.pk, "name": "Pallabi 2"}).status_code == 302


@pytest.mark.django_db
def test_area_create_in_a_dialog(staff_client):
    branch = BranchFactory(name="Mirpur", code="MIR")
    response = staff_client.post(reverse("staff:area-create"), {"branch": branch.pk, "name": "Kazipara"}, HTTP_HX_REQUEST="true")
    assert response.status_code == 204 and "areasChanged" in response.headers["HX-Trigger"]
    assert Area.objects.filter(branch=branch, name="Kazipara").exists()


@pytest.mark.django_db
@pytest.mark.parametrize("name", ["Pallabi", "pallabi ", "PALLABI"])
def test_duplicate_area_name_in_a_branch_shows_a_field_message_and_saves_nothing(staff_client, name):
    branch = BranchFactory(name="Mirpur", code="MIR")
    AreaFactory(branch=branch, name="Pallabi")

    response = staff_client.post(reverse("staff:area-create"), {"branch": branch.pk, "name": name}, HTTP_HX_REQUEST="true")

    page = response.content.decode()
    assert response.status_code == 200
    assert '<ul class="errorlist" id="id_name_error"><li>Mirpur already has an area named' in page
    assert Area.objects.filter(branch=branch).count() == 1


@pytest.mark.django_db
def test_same_area_name_in_another_branch_is_fine_and_renaming_into_a_duplicate_is_refused(staff_client):
    mirpur, uttara = BranchFactory(name="Mirpur", code="MIR"), BranchFactory(name="Uttara", code="UTT")
    AreaFactory(branch=mirpur, name="Block C")
    other = AreaFactory(branch=mirpur, name="Block D")

    assert staff_client.post(reverse("staff:area-create"), {"branch": uttara.pk, "name": "Block C"}).status_code == 302
    refused = staff_client.post(reverse("staff:area-edit", args=[other.pk]), {"branch": mirpur.pk, "name": "Block C"})
    assert "Mirpur already has an area named" in refused.content.decode()
    other.refresh_from_db()
    assert other.name == "Block D"


@pytest.mark.django_db
def test_cashier_cannot_create_or_edit_areas(views_catalog_cashier_client):
    area = AreaFactory(name="Pallabi")
    assert views_catalog_cashier_client.get(reverse("staff:area-list")).status_code == 200
    assert views_catalog_cashier_client.post(reverse("staff:area-create"), {"branch": area.branch_id, "name": "New"}).status_code == 403
    assert views_catalog_cashier_client.post(reverse("staff:area-edit", args=[area.pk]), {"branch": area.branch_id, "name": "X"}).status_code == 403
    area.refresh_from_db()
    assert (area.name, Area.objects.count()) == ("Pallabi", 1)


@pytest.mark.django_db
def test_without_js_a_create_redirects_to_the_list_with_the_message_shown_once(staff_client):
    response = staff_client.post(reverse("staff:package-create"), package_payload(), follow=True)
    assert response.redirect_chain == [(reverse("staff:package-list"), 302)]
    assert response.content.decode().count("Package Fiber 50 created.") == 1
