from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from customers.models import Customer, Lead
from customers.services import lead_create, lead_update
from ispbill.core.models import AuditLog
from tests.factories import AreaFactory, BranchFactory, PackageFactory, UserFactory


def make_lead(**fields):
    defaults = {"name": "Sumon Mia", "phone": "01711-000111"}
    return lead_create(actor=None, **{**defaults, **fields})


def board(client, **params):
    return client.get(reverse("staff:lead-list"), params).content.decode()


def column(page: str, status: str) -> str:
    """The HTML of one board column."""
    start = page.index(f'id="lead-column-{status}"')
    end = page.find('<section class="lead-column"', start + 1)
    return page[start:end if end != -1 else None]


@pytest.fixture
def views_leads_cashier_client(client):
    client.force_login(UserFactory(roles=["Cashier"]))
    return client


@pytest.mark.django_db
def test_board_shows_open_leads_in_their_columns_with_card_details(staff_client):
    area = AreaFactory(name="Pallabi")
    package = PackageFactory(name="Fiber 30")
    sumon = make_lead(name="Sumon Mia", phone="01711000111", area=area, source="facebook", interested_package=package)
    Lead.objects.filter(pk=sumon.pk).update(created_at=timezone.now() - timedelta(days=3))
    contacted = make_lead(name="Rina Begum", phone="01711000222")
    lead_update(actor=None, lead=contacted, status=Lead.Status.CONTACTED)
    lost = make_lead(name="Gone Away", phone="01711000333")
    lead_update(actor=None, lead=lost, status=Lead.Status.LOST)

    page = board(staff_client)

    new = column(page, "new")
    for text in ("Sumon Mia", "01711-000111", "Pallabi", "Facebook", "Fiber 30", "3\xa0days ago"):
        assert text in new, text
    assert "Rina Begum" in column(page, "contacted")
    assert 'id="lead-column-site_survey"' in page
    assert "Gone Away" not in page
    assert "Gone Away" in board(staff_client, view="lost")


@pytest.mark.django_db
def test_board_filters_by_area_source_and_assignee(staff_client):
    pallabi, mirpur10 = AreaFactory(name="Pallabi"), AreaFactory(name="Mirpur 10")
    seller = UserFactory(first_name="Shakil")
    make_lead(name="In Pallabi", phone="01711000111", area=pallabi, source="walk_in", assigned_to=seller)
    make_lead(name="In Mirpur", phone="01711000222", area=mirpur10, source="facebook")

    assert "In Mirpur" not in board(staff_client, area=pallabi.pk) and "In Pallabi" in board(staff_client, area=pallabi.pk)
    assert "In Pallabi" not in board(staff_client, source="facebook")
    by_seller = board(staff_client, assigned_to=seller.pk)
    assert "In Pallabi" in by_seller and "In Mirpur" not in by_seller


@pytest.mark.django_db
def test_branch_limited_staff_see_only_their_branches_and_unplaced_leads(client):
    mirpur, uttara = BranchFactory(name="Mirpur", code="MIR"), BranchFactory(name="Uttara", code="UTT")
    make_lead(name="Near", phone="01711000111", area=AreaFactory(branch=mirpur))
    far = make_lead(name="Far", phone="01711000222", area=AreaFactory(branch=uttara))
    make_lead(name="Unplaced", phone="01711000333")
    client.force_login(UserFactory(roles=["Support"], branch_scope=[mirpur]))

    page = board(client)

    assert "Near" in page and "Unplaced" in page and "Far" not in page
    assert client.get(reverse("staff:lead-edit", args=[far.pk])).status_code == 404
    assert client.post(reverse("staff:lead-move", args=[far.pk]), {"status": "contacted"}).status_code == 404
    far.refresh_from_db()
    assert far.status == Lead.Status.NEW


@pytest.mark.django_db
def test_lead_create_in_a_dialog(staff_client):
    area = AreaFactory(name="Pallabi")
    response = staff_client.post(
        reverse("staff:lead-create"),
        {"name": "Nadia", "phone": "01911-223344", "area": area.pk, "source": "referral", "notes": "Wants fiber"},
        HTTP_HX_REQUEST="true",
    )
    assert response.status_code == 204 and "leadsChanged" in response.headers["HX-Trigger"]
    lead = Lead.objects.get(name="Nadia")
    assert (lead.phone, lead.branch_id, lead.status) == ("+8801911223344", area.branch_id, Lead.Status.NEW)


@pytest.mark.django_db
def test_invalid_phone_shows_the_message_and_creates_nothing(staff_client):
    response = staff_client.post(reverse("staff:lead-create"), {"name": "Nadia", "phone": "12345", "source": "phone"}, HTTP_HX_REQUEST="true")
    page = response.content.decode()
    assert response.status_code == 200 and "<dialog" in page
    assert '<ul class="errorlist" id="id_phone_error"><li>Enter a valid phone number' in page
    assert not Lead.objects.exists()


@pytest.mark.django_db
def test_lead_edit_saves_and_an_invalid_phone_changes_nothing(staff_client):
    lead = make_lead(name="Nadia", phone="01911223344")
    url = reverse("staff:lead-edit", args=[lead.pk])

    refused = staff_client.post(url, {"name": "Nadia Islam", "phone": "0191", "source": "phone"})
    assert "Enter a valid phone number" in refused.content.decode()
    lead.refresh_from_db()
    assert lead.name == "Nadia"

    assert staff_client.post(url, {"name": "Nadia Islam", "phone": "01911223355", "source": "phone"}).status_code == 302
    lead.refresh_from_db()
    assert (lead.name, lead.phone) == ("Nadia Islam", "+8801911223355")


@pytest.mark.django_db
def test_moving_a_lead_moves_its_card_with_or_without_htmx(staff_client):
    lead = make_lead(name="Mover")

    response = staff_client.post(reverse("staff:lead-move", args=[lead.pk]), {"status": "contacted"}, HTTP_HX_REQUEST="true")
    assert response.status_code == 204 and "leadsChanged" in response.headers["HX-Trigger"]
    lead.refresh_from_db()
    assert lead.status == Lead.Status.CONTACTED
    refreshed = staff_client.get(reverse("staff:lead-list"), HTTP_HX_REQUEST="true").content.decode()
    assert "Mover" in column(refreshed, "contacted") and "Mover" not in column(refreshed, "new")

    back = f"{reverse('staff:lead-list')}?source=phone"
    plain = staff_client.post(reverse("staff:lead-move", args=[lead.pk]), {"status": "site_survey", "next": back})
    assert plain.status_code == 302 and plain.url == back
    lead.refresh_from_db()
    assert lead.status == Lead.Status.SITE_SURVEY
    assert AuditLog.objects.filter(action="lead.update", object_id=str(lead.pk)).count() == 2


@pytest.mark.django_db
def test_move_refuses_other_statuses_and_foreign_redirects(staff_client):
    lead = make_lead()
    assert staff_client.post(reverse("staff:lead-move", args=[lead.pk]), {"status": "converted"}).status_code == 400
    response = staff_client.post(reverse("staff:lead-move", args=[lead.pk]), {"status": "contacted", "next": "https://evil.example/"})
    assert response.url == reverse("staff:lead-list")
    lead.refresh_from_db()
    assert lead.status == Lead.Status.CONTACTED


@pytest.mark.django_db
def test_mark_lost_needs_a_note_and_keeps_it(staff_client):
    lead = make_lead(notes="Called twice")
    url = reverse("staff:lead-lost", args=[lead.pk])

    refused = staff_client.post(url, {"note": ""}, HTTP_HX_REQUEST="true")
    assert "This field is required." in refused.content.decode()
    lead.refresh_from_db()
    assert lead.status == Lead.Status.NEW

    response = staff_client.post(url, {"note": "Went with another ISP"}, HTTP_HX_REQUEST="true")
    assert response.status_code == 204
    lead.refresh_from_db()
    assert lead.status == Lead.Status.LOST
    assert lead.notes.startswith("Called twice\n\nLost on ") and lead.notes.endswith(": Went with another ISP")

    reopen = staff_client.post(reverse("staff:lead-move", args=[lead.pk]), {"status": "new"})
    assert reopen.status_code == 302
    lead.refresh_from_db()
    assert lead.status == Lead.Status.NEW


@pytest.mark.django_db
def test_convert_creates_the_customer_and_redirects_to_it(staff_client):
    area = AreaFactory(name="Pallabi")
    lead = make_lead(name="Karim Uddin", phone="01711000999", notes="Roof access needed")

    dialog = staff_client.get(reverse("staff:lead-convert", args=[lead.pk]), HTTP_HX_REQUEST="true").content.decode()
    assert "<dialog" in dialog and "Create customer" in dialog

    response = staff_client.post(
        reverse("staff:lead-convert", args=[lead.pk]),
        {"area": area.pk, "address": "House 7, Road 3", "email": "karim@example.net", "national_id": "1990123456"},
        HTTP_HX_REQUEST="true",
    )

    customer = Customer.objects.get()
    assert response.headers["HX-Redirect"] == f"/staff/customers/{customer.pk}/"
    assert customer.account_number.startswith("CT-")
    assert (customer.name, customer.phone, customer.area, customer.national_id) == ("Karim Uddin", "+8801711000999", area, "1990123456")
    assert customer.notes == "Roof access needed"
    lead.refresh_from_db()
    assert lead.status == Lead.Status.CONVERTED and lead.converted_customer == customer

    again = staff_client.post(reverse("staff:lead-convert", args=[lead.pk]), {"area": area.pk, "address": "Elsewhere"})
    assert "cannot be converted" in again.content.decode()
    assert Customer.objects.count() == 1
    converted_list = board(staff_client, view="converted")
    assert "Karim Uddin" in converted_list and customer.account_number in converted_list


@pytest.mark.django_db
def test_convert_without_js_redirects_to_the_customer_page(staff_client):
    area = AreaFactory()
    lead = make_lead()
    response = staff_client.post(reverse("staff:lead-convert", args=[lead.pk]), {"area": area.pk, "address": "House 1"})
    customer = Customer.objects.get()
    assert response.status_code == 302 and response.url == f"/staff/customers/{customer.pk}/"


@pytest.mark.django_db
def test_convert_needs_an_area_and_an_address_and_refuses_lost_leads(staff_client):
    lead = make_lead()
    missing = staff_client.post(reverse("staff:lead-convert", args=[lead.pk]), {"address": ""}, HTTP_HX_REQUEST="true").content.decode()
    assert 'id="id_area_error"' in missing and 'id="id_address_error"' in missing

    lead_update(actor=None, lead=lead, status=Lead.Status.LOST)
    refused = staff_client.post(reverse("staff:lead-convert", args=[lead.pk]), {"area": AreaFactory().pk, "address": "House 1"})
    assert "This lead is lost and cannot be converted." in refused.content.decode()
    assert not Customer.objects.exists()
    lead.refresh_from_db()
    assert lead.status == Lead.Status.LOST


@pytest.mark.django_db
def test_convert_only_into_areas_the_user_may_see(client):
    mirpur, uttara = BranchFactory(name="Mirpur", code="MIR"), BranchFactory(name="Uttara", code="UTT")
    user = UserFactory(roles=["Manager"], branch_scope=[mirpur])
    client.force_login(user)
    lead = make_lead()

    response = client.post(reverse("staff:lead-convert", args=[lead.pk]), {"area": AreaFactory(branch=uttara).pk, "address": "House 1"})

    assert "Select a valid choice" in response.content.decode()
    assert not Customer.objects.exists()


@pytest.mark.django_db
def test_converting_a_converted_lead_is_refused_by_editing_too(staff_client):
    lead = make_lead()
    staff_client.post(reverse("staff:lead-convert", args=[lead.pk]), {"area": AreaFactory().pk, "address": "House 1"})

    response = staff_client.post(reverse("staff:lead-move", args=[lead.pk]), {"status": "new"}, follow=True)

    assert "A converted lead is closed" in response.content.decode()
    lead.refresh_from_db()
    assert lead.status == Lead.Status.CONVERTED


@pytest.mark.django_db
def test_without_lead_permissions_everything_is_403_and_nothing_changes(views_leads_cashier_client):
    lead = make_lead(name="Untouched")
    area = AreaFactory()
    for method, url, data in [
        ("get", reverse("staff:lead-list"), None),
        ("post", reverse("staff:lead-create"), {"name": "X", "phone": "01711000555", "source": "phone"}),
        ("post", reverse("staff:lead-edit", args=[lead.pk]), {"name": "X", "phone": "01711000555", "source": "phone"}),
        ("post", reverse("staff:lead-move", args=[lead.pk]), {"status": "contacted"}),
        ("post", reverse("staff:lead-lost", args=[lead.pk]), {"note": "x"}),
        ("post", reverse("staff:lead-convert", args=[lead.pk]), {"area": area.pk, "address": "x"}),
    ]:
        assert getattr(views_leads_cashier_client, method)(url, data).status_code == 403, url
    lead.refresh_from_db()
    assert (lead.name, lead.status, Lead.objects.count(), Customer.objects.count()) == ("Untouched", Lead.Status.NEW, 1, 0)


@pytest.mark.django_db
def test_support_may_work_leads_but_not_convert_them(client):
    client.force_login(UserFactory(roles=["Support"]))  # leads yes, creating customers no
    lead = make_lead()
    assert client.post(reverse("staff:lead-move", args=[lead.pk]), {"status": "contacted"}).status_code == 302
    assert client.post(reverse("staff:lead-convert", args=[lead.pk]), {"area": AreaFactory().pk, "address": "x"}).status_code == 403
    assert "Convert to customer" not in board(client)
    lead.refresh_from_db()
    assert lead.status == Lead.Status.CONTACTED and not Customer.objects.exists()
