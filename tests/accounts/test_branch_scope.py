import pytest

from customers.selectors import areas_visible_to, customers_visible_to, leads_visible_to
from customers.services import lead_create
from tests.factories import AreaFactory, BranchFactory, UserFactory, make_customer


@pytest.mark.django_db
def test_branch_limited_staff_see_only_their_branches():
    mirpur, uttara = BranchFactory(name="Mirpur", code="MIR"), BranchFactory(name="Uttara", code="UTT")
    mirpur_area, uttara_area = AreaFactory(branch=mirpur), AreaFactory(branch=uttara)
    ours, theirs = make_customer(area=mirpur_area), make_customer(area=uttara_area)
    lead_ours = lead_create(actor=None, name="Near", phone="01711111111", area=mirpur_area)
    lead_theirs = lead_create(actor=None, name="Far", phone="01711111112", area=uttara_area)
    lead_unplaced = lead_create(actor=None, name="Anywhere", phone="01711111113")

    limited = UserFactory(branch_scope=[mirpur])
    everyone = UserFactory()

    assert list(customers_visible_to(limited)) == [ours]
    assert set(customers_visible_to(everyone)) == {ours, theirs}
    assert list(areas_visible_to(limited)) == [mirpur_area]
    assert set(leads_visible_to(limited)) == {lead_ours, lead_unplaced}
    assert lead_theirs in leads_visible_to(everyone)
