"""`/` is a small landing page linking the four surfaces, not Django's debug 404 listing URL patterns."""

from django.urls import reverse


def test_the_landing_page_links_the_four_surfaces(client, settings):
    settings.DEBUG = True  # the demo runs in DEBUG, where a missing page lists every URL pattern
    response = client.get("/")
    page = response.content.decode()
    assert response.status_code == 200 and "URLconf" not in page
    for surface in ("staff", "portal", "reseller", "technician"):
        assert f'href="{reverse(f"{surface}:home")}"' in page


def test_the_landing_page_speaks_bangla_to_a_bangla_visitor(client):
    client.cookies["django_language"] = "bn"
    page = client.get("/").content.decode()
    assert 'lang="bn"' in page and "আমার অ্যাকাউন্ট" in page and "My account" not in page
