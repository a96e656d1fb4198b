import re

import pytest
from django.urls import reverse
from django.utils import translation

from ispbill.core.templatetags.navigation import sidenav
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


def sidebar(page: str) -> str:
    return re.search(r'<aside class="sidenav".*?</aside>', page, re.S).group(0)


def test_support_sees_their_sections_only_with_the_current_page_marked(client):
    client.force_login(UserFactory(roles=["Support"]))
    nav = sidebar(client.get(reverse("staff:ticket-list")).content.decode())
    assert '<p class="nav-section">Support</p>' in nav
    assert f'<a href="{reverse("staff:ticket-list")}" aria-current="page">Tickets</a>' in nav
    assert f'<a href="{reverse("staff:home")}">Dashboard</a>' in nav
    assert reverse("staff:billingsettings-edit") not in nav and reverse("staff:user-list") not in nav
    assert nav.count('aria-current="page"') == 1


def test_admin_sees_every_section_in_order(client):
    client.force_login(UserFactory(roles=["Admin"]))
    nav = sidebar(client.get(reverse("staff:home")).content.decode())
    sections = re.findall(r'<p class="nav-section">(.*?)</p>', nav)
    assert sections == ["Support", "Retention", "Field service", "Catalogue", "Billing", "Accounts", "Network", "Prepaid cards", "Settings"]


def test_labels_and_addresses_are_escaped_and_follow_the_language():
    items = [{"section": "", "label": "A & <B>", "url": "/x?a=1&b=2", "active": False}]
    assert str(sidenav(items)) == '<ul><li><a href="/x?a=1&amp;b=2">A &amp; &lt;B&gt;</a></li></ul>'
    from django.utils.translation import gettext_lazy as _

    lazy = [{"section": _("Billing"), "label": _("Invoices"), "url": "/i", "active": True}]
    with translation.override("bn"):
        bangla = str(sidenav(lazy))
    assert "Invoices" not in bangla and 'aria-current="page"' in bangla
    assert "Invoices" in str(sidenav(lazy))


def test_portal_tabs_keep_two_and_the_current_page_in_the_row_and_the_rest_under_more():
    from ispbill.core.templatetags.navigation import portal_tabs

    items = [{"label": name, "url": f"/portal/{name.lower()}/", "active": name == "Usage"}
             for name in ("Overview", "Invoices", "Payments", "Usage", "Tickets")]
    html = str(portal_tabs(items))
    row, more = html.split('<li class="tab-more">')
    assert '<li><a href="/portal/overview/">Overview</a></li><li><a href="/portal/invoices/">Invoices</a></li>' in row
    assert '<li class="tab-extra"><a href="/portal/payments/">Payments</a></li>' in row
    assert '<li><a href="/portal/usage/" aria-current="page">Usage</a></li>' in row
    assert re.findall(r'href="([^"]+)"', more) == ["/portal/payments/", "/portal/tickets/"]
    assert "<summary>More</summary>" in more


def test_the_portal_shows_its_tabs_to_a_signed_in_customer(client):
    from tests.factories import make_customer

    customer = make_customer(portal_password="portal-pass-1")
    client.force_login(customer.user)
    page = client.get(reverse("portal:home")).content.decode()
    assert f'<a href="{reverse("portal:home")}" aria-current="page">Overview</a>' in page
    assert reverse("portal:invoice-list") in page and '<li class="tab-more">' in page


def test_a_page_without_the_menu_does_not_work_it_out(client):
    """The menu is worked out only when a template draws it: the 403 page a customer gets on the staff
    console draws none, so the staff menu's permission look-ups are not made for it."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from tests.factories import make_customer

    client.force_login(make_customer(portal_password="portal-pass-1").user)
    with CaptureQueriesContext(connection) as refused:
        assert client.get(reverse("staff:home")).status_code == 403
    assert not [q for q in refused.captured_queries if "auth_permission" in q["sql"]]
    client.force_login(UserFactory(roles=["Support"]))
    with CaptureQueriesContext(connection) as drawn:
        assert 'class="sidenav"' in client.get(reverse("staff:home")).content.decode()
    assert [q for q in drawn.captured_queries if "auth_permission" in q["sql"]]
