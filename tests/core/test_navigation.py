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
    assert sections == ["Support", "Catalogue", "Billing", "Network", "Settings"]


def test_labels_and_addresses_are_escaped_and_follow_the_language():
    items = [{"section": "", "label": "A & <B>", "url": "/x?a=1&b=2", "active": False}]
    assert str(sidenav(items)) == '<ul><li><a href="/x?a=1&amp;b=2">A &amp; &lt;B&gt;</a></li></ul>'
    from django.utils.translation import gettext_lazy as _

    lazy = [{"section": _("Billing"), "label": _("Invoices"), "url": "/i", "active": True}]
    with translation.override("bn"):
        bangla = str(sidenav(lazy))
    assert "Invoices" not in bangla and 'aria-current="page"' in bangla
    assert "Invoices" in str(sidenav(lazy))
