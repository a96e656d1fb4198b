"""Assigning collectors to areas and customers: the services (checks, audit) and the staff forms."""

import pytest
from django.contrib.auth.models import Group
from django.core.exceptions import ValidationError
from django.urls import reverse

from customers import services
from customers.models import Area, Customer
from customers.selectors import collector_candidates, collector_candidates_for
from ispbill.core.models import AuditLog
from tests.factories import AreaFactory, BranchFactory, UserFactory, make_customer
from usecases.role_permissions_set import role_permissions_set
from usecases.staff_user_update import staff_user_update


@pytest.fixture
def collectors_people(db):
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


def test_candidates_are_active_staff_who_may_record_payments_and_serve_the_branch(collectors_people):
    names = set(collector_candidates().values_list("first_name", flat=True))
    assert {"Rina", "Mina"} <= names and not names & {"Sadia", "Old", "Tanvir"}
    in_uttara = set(collector_candidates(branch_ids=[collectors_people["uttara"].pk]).values_list("first_name", flat=True))
    assert "Rina" in in_uttara and "Mina" not in in_uttara  # Mina serves Mirpur only
    # A Mirpur-only manager is offered those who serve Mirpur (Rina serves every branch).
    offered = set(collector_candidates_for(collectors_people["mirpur_manager"]).values_list("first_name", flat=True))
    assert {"Rina", "Mina"} <= offered


# Services ------------------------------------------------------------------------------------------


def test_area_collector_is_set_and_audited(collectors_people):
    area = AreaFactory(branch=collectors_people["mirpur"])
    services.area_update(actor=collectors_people["manager"], area=area, collector=collectors_people["rina"])
    area.refresh_from_db()
    assert area.collector == collectors_people["rina"]
    entry = AuditLog.objects.filter(action="area.update", object_id=str(area.pk)).latest("id")
    assert entry.actor == collectors_people["manager"]
    assert entry.after["collector"] == collectors_people["rina"].pk and entry.before["collector"] is None


def test_customer_collector_overrides_the_areas_and_is_audited(collectors_people):
    area = services.area_create(actor=collectors_people["manager"], branch=collectors_people["mirpur"], name="Pallabi", collector=collectors_people["rina"])
    customer = make_customer(area=area)
    assert customer.effective_collector == collectors_people["rina"]
    services.customer_update(actor=collectors_people["manager"], customer=customer, collector=collectors_people["mirpur_cashier"])
    customer = Customer.objects.get(pk=customer.pk)
    assert customer.effective_collector == collectors_people["mirpur_cashier"]
    entry = AuditLog.objects.filter(action="customer.update", object_id=str(customer.pk)).latest("id")
    assert entry.after == {"collector": collectors_people["mirpur_cashier"].pk}
    # Taking the customer's own off hands them back to the area's collector.
    services.customer_update(actor=collectors_people["manager"], customer=customer, collector=None)
    assert Customer.objects.get(pk=customer.pk).effective_collector == collectors_people["rina"]


@pytest.mark.parametrize("who", ["support", "gone", "tech"])
def test_someone_who_cannot_collect_is_refused_and_nothing_changes(collectors_people, who):
    area = AreaFactory(branch=collectors_people["mirpur"])
    customer = make_customer(area=area)
    audits = AuditLog.objects.count()
    with pytest.raises(ValidationError) as refused:
        services.area_update(actor=collectors_people["manager"], area=area, collector=collectors_people[who])
    assert "collector" in refused.value.message_dict
    with pytest.raises(ValidationError):
        services.customer_update(actor=collectors_people["manager"], customer=customer, collector=collectors_people[who])
    assert Area.objects.get(pk=area.pk).collector_id is None
    assert Customer.objects.get(pk=customer.pk).collector_id is None
    assert AuditLog.objects.count() == audits


def test_a_collector_limited_to_another_branch_is_refused(collectors_people):
    area = AreaFactory(branch=collectors_people["uttara"])
    with pytest.raises(ValidationError):
        services.area_update(actor=collectors_people["manager"], area=area, collector=collectors_people["mirpur_cashier"])
    assert Area.objects.get(pk=area.pk).collector_id is None
    with pytest.raises(ValidationError):
        services.area_create(actor=collectors_people["manager"], branch=collectors_people["uttara"], name="Sector 7", collector=collectors_people["mirpur_cashier"])
    assert not Area.objects.filter(name="Sector 7").exists()


def test_branch_limited_staff_assign_only_within_their_branches(collectors_people):
    uttara_area = AreaFactory(branch=collectors_people["uttara"])
    uttara_customer = make_customer(area=AreaFactory(branch=collectors_people["uttara"]))
    audits = AuditLog.objects.count()
    with pytest.raises(ValidationError):
        services.area_update(actor=collectors_people["mirpur_manager"], area=uttara_area, collector=collectors_people["rina"])
    with pytest.raises(ValidationError):
        services.customer_update(actor=collectors_people["mirpur_manager"], customer=uttara_customer, collector=collectors_people["rina"])
    assert Area.objects.get(pk=uttara_area.pk).collector_id is None
    assert Customer.objects.get(pk=uttara_customer.pk).collector_id is None
    assert AuditLog.objects.count() == audits
    # Within Mirpur they may.
    mirpur_area = AreaFactory(branch=collectors_people["mirpur"])
    services.area_update(actor=collectors_people["mirpur_manager"], area=mirpur_area, collector=collectors_people["rina"])
    assert Area.objects.get(pk=mirpur_area.pk).collector == collectors_people["rina"]


def test_moving_an_area_to_a_branch_its_collector_does_not_serve_is_refused(collectors_people):
    area = services.area_create(actor=collectors_people["manager"], branch=collectors_people["mirpur"], name="Kazipara", collector=collectors_people["mirpur_cashier"])
    with pytest.raises(ValidationError):
        services.area_update(actor=collectors_people["manager"], area=area, branch=collectors_people["uttara"])
    area.refresh_from_db()
    assert area.branch == collectors_people["mirpur"]


# Staff forms -----------------------------------------------------------------------------------------


def test_area_form_assigns_a_collector_and_the_list_shows_it(collectors_people, client):
    area = AreaFactory(branch=collectors_people["mirpur"], name="Pallabi")
    client.force_login(collectors_people["manager"])
    form = client.get(reverse("staff:area-edit", args=[area.pk])).content.decode()
    assert "Rina Akter" in form and "Sadia" not in form and "Old" not in form
    response = client.post(reverse("staff:area-edit", args=[area.pk]),
                           {"branch": collectors_people["mirpur"].pk, "name": "Pallabi", "collector": collectors_people["rina"].pk})
    assert response.status_code == 302
    assert Area.objects.get(pk=area.pk).collector == collectors_people["rina"]
    listing = client.get(reverse("staff:area-list")).content.decode()
    assert f'?assigned={collectors_people["rina"].pk}">Rina Akter</a>' in listing


def test_area_form_with_bad_input_changes_nothing(collectors_people, client):
    area = AreaFactory(branch=collectors_people["mirpur"], name="Pallabi")
    client.force_login(collectors_people["manager"])
    audits = AuditLog.objects.count()
    for collector in (collectors_people["support"].pk, "999999", "x"):
        response = client.post(reverse("staff:area-edit", args=[area.pk]),
                               {"branch": collectors_people["mirpur"].pk, "name": "Renamed", "collector": collector})
        assert response.status_code == 200 and 'aria-invalid="true"' in response.content.decode()
    area.refresh_from_db()
    assert (area.name, area.collector_id) == ("Pallabi", None)
    assert AuditLog.objects.count() == audits


def test_area_form_of_a_branch_limited_manager_refuses_a_collector_of_another_branch(collectors_people, client):
    area = AreaFactory(branch=collectors_people["mirpur"], name="Pallabi")
    uttara_only = UserFactory(roles=["Cashier"], first_name="Uttam", branch_scope=[collectors_people["uttara"]])
    client.force_login(collectors_people["mirpur_manager"])
    assert "Uttam" not in client.get(reverse("staff:area-edit", args=[area.pk])).content.decode()
    response = client.post(reverse("staff:area-edit", args=[area.pk]),
                           {"branch": collectors_people["mirpur"].pk, "name": "Pallabi", "collector": uttara_only.pk})
    assert response.status_code == 200
    assert Area.objects.get(pk=area.pk).collector_id is None


def _customer_payload(customer, **overrides):
    payload = {
        "name": customer.name, "phone": customer.phone, "address": customer.address, "area": customer.area_id,
        "customer_since": customer.customer_since.isoformat(), "collector": "",
    }
    payload.update(overrides)
    return payload


def test_customer_form_sets_a_collector_and_the_page_shows_it(collectors_people, client):
    area = services.area_create(actor=collectors_people["manager"], branch=collectors_people["mirpur"], name="Pallabi", collector=collectors_people["rina"])
    customer = make_customer(area=area)
    client.force_login(collectors_people["manager"])
    page = client.get(reverse("staff:customer-detail", args=[customer.pk])).content.decode()
    assert "Rina Akter" in page and "the area's collector" in page
    response = client.post(reverse("staff:customer-edit", args=[customer.pk]),
                           _customer_payload(customer, collector=collectors_people["mirpur_cashier"].pk))
    assert response.status_code == 302
    assert Customer.objects.get(pk=customer.pk).collector == collectors_people["mirpur_cashier"]
    page = client.get(reverse("staff:customer-detail", args=[customer.pk])).content.decode()
    assert "assigned to this customer" in page


def test_customer_form_with_bad_collector_changes_nothing(collectors_people, client):
    customer = make_customer(area=AreaFactory(branch=collectors_people["mirpur"]), name="Karim")
    client.force_login(collectors_people["manager"])
    audits = AuditLog.objects.count()
    for collector in (collectors_people["support"].pk, collectors_people["gone"].pk, "abc"):
        response = client.post(reverse("staff:customer-edit", args=[customer.pk]),
                               _customer_payload(customer, name="Changed", collector=collector))
        assert response.status_code == 200
    customer = Customer.objects.get(pk=customer.pk)
    assert (customer.name, customer.collector_id) == ("Karim", None)
    assert AuditLog.objects.count() == audits


# A collector who may no longer collect ---------------------------------------------------------------


@pytest.fixture
def collectors_rounds(collectors_people):
    """Rina collects Pallabi (Mirpur) and Uttara's Sector 7, and one customer of her own in an area Mina
    collects; Mina has an area and a customer of her own too."""
    manager, rina, mina = collectors_people["manager"], collectors_people["rina"], collectors_people["mirpur_cashier"]
    pallabi = services.area_create(actor=manager, branch=collectors_people["mirpur"], name="Pallabi", collector=rina)
    sector7 = services.area_create(actor=manager, branch=collectors_people["uttara"], name="Sector 7", collector=rina)
    kazipara = services.area_create(actor=manager, branch=collectors_people["mirpur"], name="Kazipara", collector=mina)
    return {
        "areas": [pallabi, sector7], "kazipara": kazipara,
        "in_pallabi": make_customer(area=pallabi),
        "rinas_own": make_customer(area=kazipara, collector=rina),
        "minas_own": make_customer(area=pallabi, collector=mina),
    }


def _collectors(collectors_rounds):
    return (
        {area.name: Area.objects.get(pk=area.pk).collector_id for area in [*collectors_rounds["areas"], collectors_rounds["kazipara"]]},
        {key: Customer.objects.get(pk=collectors_rounds[key].pk).collector_id for key in ("in_pallabi", "rinas_own", "minas_own")},
    )


def _assert_rina_cleared(collectors_people, collectors_rounds):
    rina, mina = collectors_people["rina"], collectors_people["mirpur_cashier"]
    areas, customers = _collectors(collectors_rounds)
    assert areas == {"Pallabi": None, "Sector 7": None, "Kazipara": mina.pk}
    assert customers == {"in_pallabi": None, "rinas_own": None, "minas_own": mina.pk}
    # Her customer falls back to the area's collector; Pallabi's customers now have nobody.
    assert Customer.objects.get(pk=collectors_rounds["rinas_own"].pk).effective_collector == mina
    assert Customer.objects.get(pk=collectors_rounds["in_pallabi"].pk).effective_collector is None
    cleared = AuditLog.objects.filter(before={"collector": rina.pk}, after={"collector": None})
    assert sorted((e.action, e.object_id) for e in cleared) == sorted(
        [("area.update", str(area.pk)) for area in collectors_rounds["areas"]] + [("customer.update", str(collectors_rounds["rinas_own"].pk))])
    assert {e.actor for e in cleared} == {collectors_people["manager"]}
    assert all("may no longer collect" in e.reason for e in cleared)


def test_deactivating_a_collector_clears_their_areas_and_customers_and_audits_each(collectors_people, collectors_rounds):
    staff_user_update(actor=collectors_people["manager"], user=collectors_people["rina"], is_active=False)
    _assert_rina_cleared(collectors_people, collectors_rounds)


def test_a_collector_who_loses_the_role_that_records_payments_is_cleared(collectors_people, collectors_rounds):
    staff_user_update(actor=collectors_people["manager"], user=collectors_people["rina"], roles=[Group.objects.get(name="Support")])
    _assert_rina_cleared(collectors_people, collectors_rounds)


def test_a_collector_made_a_technician_is_cleared(collectors_people, collectors_rounds):
    staff_user_update(actor=collectors_people["manager"], user=collectors_people["rina"], kind="technician")
    _assert_rina_cleared(collectors_people, collectors_rounds)


def test_a_collector_limited_to_one_branch_keeps_only_that_branchs_assignments(collectors_people, collectors_rounds):
    rina = collectors_people["rina"]
    staff_user_update(actor=collectors_people["manager"], user=rina, all_branches=False, branches=[collectors_people["mirpur"]])
    areas, customers = _collectors(collectors_rounds)
    assert areas == {"Pallabi": rina.pk, "Sector 7": None, "Kazipara": collectors_people["mirpur_cashier"].pk}
    assert customers["rinas_own"] == rina.pk
    entry = AuditLog.objects.get(before={"collector": rina.pk}, after={"collector": None})
    assert (entry.action, entry.object_id) == ("area.update", str(collectors_rounds["areas"][1].pk))


def test_a_role_losing_the_right_to_record_payments_clears_its_members_assignments(collectors_people, collectors_rounds):
    cashier = Group.objects.get(name="Cashier")
    keep = [p for p in cashier.permissions.all() if p.codename != "add_payment"]
    assert len(keep) < cashier.permissions.count()

    role_permissions_set(actor=collectors_people["manager"], role=cashier, permissions=keep)

    # Rina and Mina are both cashiers: nobody collects any more.
    areas, customers = _collectors(collectors_rounds)
    assert set(areas.values()) == {None} and set(customers.values()) == {None}
    assert AuditLog.objects.filter(after={"collector": None}, actor=collectors_people["manager"]).count() == 5


def test_a_role_change_that_keeps_the_right_to_record_payments_clears_nothing(collectors_people, collectors_rounds):
    from django.contrib.auth.models import Permission

    before = _collectors(collectors_rounds)
    cashier = Group.objects.get(name="Cashier")
    extra = Permission.objects.exclude(pk__in=cashier.permissions.all()).first()
    role_permissions_set(actor=collectors_people["manager"], role=cashier, permissions=[*cashier.permissions.all(), extra])
    assert _collectors(collectors_rounds) == before


def test_an_update_that_keeps_the_collector_eligible_clears_nothing(collectors_people, collectors_rounds):
    before = _collectors(collectors_rounds)
    staff_user_update(actor=collectors_people["manager"], user=collectors_people["rina"], phone="01812-345679",
                                 roles=[Group.objects.get(name="Cashier"), Group.objects.get(name="Support")])
    assert _collectors(collectors_rounds) == before
    assert not AuditLog.objects.filter(after={"collector": None}).exists()


def test_a_refused_deactivation_clears_nothing(collectors_people, collectors_rounds):
    before = _collectors(collectors_rounds)
    with pytest.raises(ValidationError):
        staff_user_update(actor=collectors_people["rina"], user=collectors_people["rina"], is_active=False)  # not oneself
    assert _collectors(collectors_rounds) == before
    assert not AuditLog.objects.filter(after={"collector": None}).exists()


def test_deactivating_a_collector_on_the_user_edit_page_clears_their_assignments(collectors_people, collectors_rounds, client):
    rina = collectors_people["rina"]
    client.force_login(UserFactory(roles=["Admin"]))
    response = client.post(reverse("staff:user-edit", args=[rina.pk]), {
        "username": rina.username, "first_name": rina.first_name, "last_name": rina.last_name, "kind": "staff",
        "all_branches": "on", "roles": [Group.objects.get(name="Cashier").pk],  # is_active unticked
    })
    assert response.status_code == 302
    assert not Area.objects.filter(collector=rina).exists() and not Customer.objects.filter(collector=rina).exists()
