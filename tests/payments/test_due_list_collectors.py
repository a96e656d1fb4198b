"""The due list by assigned collector: the filter (a customer's own collector, else their area's) and
"My customers" for the signed-in collector."""

import re

import pytest
from django.urls import reverse

from customers import services as customer_services
from tests.factories import AreaFactory, BranchFactory, UserFactory, make_customer
from tests.payments.conftest import charge

HTMX = {"HTTP_HX_REQUEST": "true"}


@pytest.fixture
def due_list_collectors_rounds(db):
    branch = BranchFactory(code="MIR", name="Mirpur")
    manager = UserFactory(roles=["Manager"])
    rina = UserFactory(roles=["Cashier"], first_name="Rina", last_name="Akter")
    sumon = UserFactory(roles=["Cashier"], first_name="Sumon", last_name="Das")
    rinas_area = customer_services.area_create(actor=manager, branch=branch, name="Pallabi", collector=rina)
    in_area = make_customer(area=rinas_area, name="Area Owes")
    own = make_customer(area=rinas_area, name="Own Owes", collector=sumon, actor=manager)
    nobody = make_customer(area=AreaFactory(branch=branch), name="Nobody Owes")
    for customer in (in_area, own, nobody):
        charge(customer, "500.00")
    return {"manager": manager, "rina": rina, "sumon": sumon, "branch": branch}


def _names(response) -> set[str]:
    page = response.content.decode()
    return {name for name in ("Area Owes", "Own Owes", "Nobody Owes") if name in page}


def test_filter_by_assigned_collector_uses_the_customers_own_before_the_areas(due_list_collectors_rounds, client):
    client.force_login(due_list_collectors_rounds["manager"])
    url = reverse("staff:due-list")
    assert _names(client.get(url)) == {"Area Owes", "Own Owes", "Nobody Owes"}
    assert _names(client.get(url, {"assigned": due_list_collectors_rounds["rina"].pk})) == {"Area Owes"}
    assert _names(client.get(url, {"assigned": due_list_collectors_rounds["sumon"].pk})) == {"Own Owes"}
    # The filter offers the collectors who have customers; the rows say whose each customer is.
    page = client.get(url).content.decode()
    assert f'<option value="{due_list_collectors_rounds["rina"].pk}">Rina Akter</option>' in page
    assert "Pallabi<br><small class=\"muted\">Mirpur · Sumon Das</small>" in page


def test_htmx_filter_answers_with_the_results_region_only(due_list_collectors_rounds, client):
    client.force_login(due_list_collectors_rounds["manager"])
    response = client.get(reverse("staff:due-list"), {"assigned": due_list_collectors_rounds["sumon"].pk}, **HTMX)
    body = response.content.decode()
    assert body.lstrip().startswith('<div id="due-results"') and "<form" not in body
    assert _names(response) == {"Own Owes"}


def test_my_customers_is_the_signed_in_collectors_list(due_list_collectors_rounds, client):
    client.force_login(due_list_collectors_rounds["rina"])
    url = reverse("staff:due-list")
    page = client.get(url).content.decode()
    assert 'name="mine"' in page  # a cashier may record payments: offered "My customers"
    assert _names(client.get(url, {"mine": "on"})) == {"Area Owes"}
    client.force_login(due_list_collectors_rounds["sumon"])
    assert _names(client.get(url, {"mine": "on"})) == {"Own Owes"}


def test_an_unknown_collector_in_the_filter_is_ignored_not_an_error(due_list_collectors_rounds, client):
    client.force_login(due_list_collectors_rounds["manager"])
    response = client.get(reverse("staff:due-list"), {"assigned": "999999"})
    assert response.status_code == 200 and _names(response) == {"Area Owes", "Own Owes", "Nobody Owes"}


def test_branch_limited_staff_are_not_offered_collectors_of_other_branches(due_list_collectors_rounds, client):
    other = BranchFactory(code="UTT", name="Uttara")
    uttam = UserFactory(roles=["Cashier"], first_name="Uttam")
    customer_services.area_create(actor=due_list_collectors_rounds["manager"], branch=other, name="Sector 7", collector=uttam)
    client.force_login(UserFactory(roles=["Manager"], branch_scope=[due_list_collectors_rounds["branch"]]))
    page = client.get(reverse("staff:due-list")).content.decode()
    assert "Rina Akter" in page and "Uttam" not in page


def test_a_collectors_home_links_to_their_own_customers_who_owe(due_list_collectors_rounds, client):
    client.force_login(due_list_collectors_rounds["rina"])
    page = client.get(reverse("staff:home")).content.decode()
    link = reverse("staff:due-list") + "?mine=on"
    assert "My customers owing" in page and f'href="{link}"' in page
    # Area Owes is the only one of hers who owes (these tests bill without VAT).
    assert re.search(r'data-tile="My customers owing"[^>]*>\s*<span class="stat-value">1</span>', page)
    assert re.search(r'data-tile="Owed by my customers"[^>]*>\s*<span class="stat-value">৳500.00</span>', page)
    client.force_login(due_list_collectors_rounds["manager"])  # collects from nobody: no such tile
    assert "My customers owing" not in client.get(reverse("staff:home")).content.decode()
