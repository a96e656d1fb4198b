"""Assigning collectors to areas and customers: the services (checks, audit) and the staff forms."""

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from customers import services
from customers.models import Area, Customer
from customers.selectors import collector_candidates, collector_candidates_for
from ispbill.core.models import AuditLog
from tests.factories import AreaFactory, BranchFactory, UserFactory, make_customer


@pytest.fixture
def people(db):
    mirpur, uttara = BranchFactory(code="MIR", name="Mirpur"), BranchFactory(code="UTT", name="Uttara")
    return {
        "mirpur": mirpur, "uttara": uttara,
        "manager": UserFactory(roles=["Manager"]),
        "mirpur_manager": UserFactory(roles=["Manager"], branch_scope=[mirpur]),
        "rina": UserFactory(roles=["Cashier"], first_name="Rina", last_name="Akter"),
        "mirpur_cashier": UserFactory(roles=["Cashier"], first_name="Mina", branch_scope=[mirpur]),
        "support": UserFactory(roles=["Support"], first_name="Sadia"),  # may not record payments
        "gone": UserFactory(roles=["Cashier"], first_name="Old", is_active=False),
        "tech": UserFactory(roles=["Cashier"], kind="technician", first_name="Tanvir"),
    }


# Who can be a collector -----------------------------------------------------------------------------


def test_candidates_are_active_staff_who_may_record_payments_and_serve_the_branch(people):
    names = set(collector_candidates().values_list("first_name", flat=True))
    assert {"Rina", "Mina"} <= names and not names & {"Sadia", "Old", "Tanvir"}
    in_uttara = set(collector_candidates(branch_ids=[people["uttara"].pk]).values_list("first_name", flat=True))
    assert "Rina" in in_uttara and "Mina" not in in_uttara  # Mina serves Mirpur only
    # A Mirpur-only manager is offered those who serve Mirpur (Rina serves every branch).
    offered = set(collector_candidates_for(people["mirpur_manager"]).values_list("first_name", flat=True))
    assert {"Rina", "Mina"} <= offered


# Services ------------------------------------------------------------------------------------------


def test_area_collector_is_set_and_audited(people):
    area = AreaFactory(branch=people["mirpur"])
    services.area_update(actor=people["manager"], area=area, collector=people["rina"])
    area.refresh_from_db()
    assert area.collector == people["rina"]
    entry = AuditLog.objects.filter(action="area.update", object_id=str(area.pk)).latest("id")
    assert entry.actor == people["manager"]
    assert entry.after["collector"] == people["rina"].pk and entry.before["collector"] is None


def test_customer_collector_overrides_the_areas_and_is_audited(people):
    area = services.area_create(actor=people["manager"], branch=people["mirpur"], name="Pallabi", collector=people["rina"])
    customer = make_customer(area=area)
    assert customer.effective_collector == people["rina"]
    services.customer_update(actor=people["manager"], customer=customer, collector=people["mirpur_cashier"])
    customer = Customer.objects.get(pk=customer.pk)
    assert customer.effective_collector == people["mirpur_cashier"]
    entry = AuditLog.objects.filter(action="customer.update", object_id=str(customer.pk)).latest("id")
    assert entry.after == {"collector": people["mirpur_cashier"].pk}
    # Taking the customer's own off hands them back to the area's collector.
    services.customer_update(actor=people["manager"], customer=customer, collector=None)
    assert Customer.objects.get(pk=customer.pk).effective_collector == people["rina"]


@pytest.mark.parametrize("who", ["support", "gone", "tech"])
def test_someone_who_cannot_collect_is_refused_and_nothing_changes(people, who):
    area = AreaFactory(branch=people["mirpur"])
    customer = make_customer(area=area)
    audits = AuditLog.objects.count()
    with pytest.raises(ValidationError) as refused:
        services.area_update(actor=people["manager"], area=area, collector=people[who])
    assert "collector" in refused.value.message_dict
    with pytest.raises(ValidationError):
        services.customer_update(actor=people["manager"], customer=customer, collector=people[who])
    assert Area.objects.get(pk=area.pk).collector_id is None
    assert Customer.objects.get(pk=customer.pk).collector_id is None
    assert AuditLog.objects.count() == audits


def test_a_collector_limited_to_another_branch_is_refused(people):
    area = AreaFactory(branch=people["uttara"])
    with pytest.raises(ValidationError):
        services.area_update(actor=people["manager"], area=area, collector=people["mirpur_cashier"])
    assert Area.objects.get(pk=area.pk).collector_id is None
    with pytest.raises(ValidationError):
        services.area_create(actor=people["manager"], branch=people["uttara"], name="Sector 7", collector=people["mirpur_cashier"])
    assert not Area.objects.filter(name="Sector 7").exists()


def test_branch_limited_staff_assign_only_within_their_branches(people):
    uttara_area = AreaFactory(branch=people["uttara"])
    uttara_customer = make_customer(area=AreaFactory(branch=people["uttara"]))
    audits = AuditLog.objects.count()
    with pytest.raises(ValidationError):
        services.area_update(actor=people["mirpur_manager"], area=uttara_area, collector=people["rina"])
    with pytest.raises(ValidationError):
        services.customer_update(actor=people["mirpur_manager"], customer=uttara_customer, collector=people["rina"])
    assert Area.objects.get(pk=uttara_area.pk).collector_id is None
    assert Customer.objects.get(pk=uttara_customer.pk).collector_id is None
    assert AuditLog.objects.count() == audits
    # Within Mirpur they may.
    mirpur_area = AreaFactory(branch=people["mirpur"])
    services.area_update(actor=people["mirpur_manager"], area=mirpur_area, collector=people["rina"])
    assert Area.objects.get(pk=mirpur_area.pk).collector == people["rina"]


def test_moving_an_area_to_a_branch_its_collector_does_not_serve_is_refused(people):
    area = services.area_create(actor=people["manager"], branch=people["mirpur"], name="Kazipara", collector=people["mirpur_cashier"])
    with pytest.raises(ValidationError):
        services.area_update(actor=people["manager"], area=area, branch=people["uttara"])
    area.refresh_from_db()
    assert area.branch == people["mirpur"]


# Staff forms -----------------------------------------------------------------------------------------


def test_area_form_assigns_a_collector_and_the_list_shows_it(people, client):
    area = AreaFactory(branch=people["mirpur"], name="Pallabi")
    client.force_login(people["manager"])
    form = client.get(reverse("staff:area-edit", args=[area.pk])).content.decode()
    assert "Rina Akter" in form and "Sadia" not in form and "Old" not in form
    response = client.post(reverse("staff:area-edit", args=[area.pk]),
                           {"branch": people["mirpur"].pk, "name": "Pallabi", "collector": people["rina"].pk})
    assert response.status_code == 302
    assert Area.objects.get(pk=area.pk).collector == people["rina"]
    listing = client.get(reverse("staff:area-list")).content.decode()
    assert f'?assigned={people["rina"].pk}">Rina Akter</a>' in listing


def test_area_form_with_bad_input_changes_nothing(people, client):
    area = AreaFactory(branch=people["mirpur"], name="Pallabi")
    client.force_login(people["manager"])
    audits = AuditLog.objects.count()
    for collector in (people["support"].pk, "999999", "x"):
        response = client.post(reverse("staff:area-edit", args=[area.pk]),
                               {"branch": people["mirpur"].pk, "name": "Renamed", "collector": collector})
        assert response.status_code == 200 and 'aria-invalid="true"' in response.content.decode()
    area.refresh_from_db()
    assert (area.name, area.collector_id) == ("Pallabi", None)
    assert AuditLog.objects.count() == audits


def test_area_form_of_a_branch_limited_manager_refuses_a_collector_of_another_branch(people, client):
    area = AreaFactory(branch=people["mirpur"], name="Pallabi")
    uttara_only = UserFactory(roles=["Cashier"], first_name="Uttam", branch_scope=[people["uttara"]])
    client.force_login(people["mirpur_manager"])
    assert "Uttam" not in client.get(reverse("staff:area-edit", args=[area.pk])).content.decode()
    response = client.post(reverse("staff:area-edit", args=[area.pk]),
                           {"branch": people["mirpur"].pk, "name": "Pallabi", "collector": uttara_only.pk})
    assert response.status_code == 200
    assert Area.objects.get(pk=area.pk).collector_id is None


def _customer_payload(customer, **overrides):
    payload = {
        "name": customer.name, "phone": customer.phone, "address": customer.address, "area": customer.area_id,
        "customer_since": customer.customer_since.isoformat(), "collector": "",
    }
    payload.update(overrides)
    return payload


def test_customer_form_sets_a_collector_and_the_page_shows_it(people, client):
    area = services.area_create(actor=people["manager"], branch=people["mirpur"], name="Pallabi", collector=people["rina"])
    customer = make_customer(area=area)
    client.force_login(people["manager"])
    page = client.get(reverse("staff:customer-detail", args=[customer.pk])).content.decode()
    assert "Rina Akter" in page and "the area's collector" in page
    response = client.post(reverse("staff:customer-edit", args=[customer.pk]),
                           _customer_payload(customer, collector=people["mirpur_cashier"].pk))
    assert response.status_code == 302
    assert Customer.objects.get(pk=customer.pk).collector == people["mirpur_cashier"]
    page = client.get(reverse("staff:customer-detail", args=[customer.pk])).content.decode()
    assert "assigned to this customer" in page


def test_customer_form_with_bad_collector_changes_nothing(people, client):
    customer = make_customer(area=AreaFactory(branch=people["mirpur"]), name="Karim")
    client.force_login(people["manager"])
    audits = AuditLog.objects.count()
    for collector in (people["support"].pk, people["gone"].pk, "abc"):
        response = client.post(reverse("staff:customer-edit", args=[customer.pk]),
                               _customer_payload(customer, name="Changed", collector=collector))
        assert response.status_code == 200
    customer = Customer.objects.get(pk=customer.pk)
    assert (customer.name, customer.collector_id) == ("Karim", None)
    assert AuditLog.objects.count() == audits
