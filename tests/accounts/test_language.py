"""Staff, technicians and resellers choose the language they work in from the menu; it is saved on
the user. Until they choose, the staff console is English whatever the browser says."""

import pytest
from django.urls import reverse

from tests.factories import ResellerFactory, UserFactory, make_customer


def _language(user) -> str:
    user.refresh_from_db()
    return user.language


@pytest.mark.django_db
def test_a_cashier_switches_the_staff_console_to_bangla_and_it_stays_bangla(client):
    cashier = UserFactory(kind="staff")
    client.force_login(cashier)
    assert 'lang="en"' in client.get(reverse("staff:home")).content.decode()

    response = client.post(reverse("staff:language"), {"language": "bn", "next": "/staff/customers/"})

    assert response.status_code == 302 and response.url == "/staff/customers/"
    assert _language(cashier) == "bn"
    page = client.get(reverse("staff:home")).content.decode()
    assert 'lang="bn"' in page and "সাইন আউট" in page and "Sign out" not in page
    # The menu offers the way back, and it works.
    assert 'value="en"' in page
    client.post(reverse("staff:language"), {"language": "en"})
    assert _language(cashier) == "en" and "Sign out" in client.get(reverse("staff:home")).content.decode()


@pytest.mark.django_db
def test_the_staff_console_stays_english_for_a_browser_in_bangla_until_the_user_chooses(client):
    client.force_login(UserFactory(kind="staff"))
    client.cookies["django_language"] = "bn"
    page = client.get(reverse("staff:home"), HTTP_ACCEPT_LANGUAGE="bn").content.decode()
    assert 'lang="en"' in page and "Sign out" in page


@pytest.mark.django_db
@pytest.mark.parametrize("surface", ["technician", "reseller"])
def test_technicians_and_resellers_switch_to_bangla_from_the_menu(client, surface):
    user = UserFactory(kind="technician") if surface == "technician" else ResellerFactory().user
    client.force_login(user)
    response = client.post(reverse(f"{surface}:language"), {"language": "bn", "next": f"/{surface}/"})
    assert response.status_code == 302 and _language(user) == "bn"
    client.cookies.pop("django_language", None)  # saved on the user, not only in this browser
    page = client.get(reverse(f"{surface}:home")).content.decode()
    assert 'lang="bn"' in page and "সাইন আউট" in page


@pytest.mark.django_db
@pytest.mark.parametrize("data", [
    {}, {"language": ""}, {"language": "fr"}, {"language": "bn" * 5000}, {"language": "en\x00"}, {"language": ["bn", "xx"]},
])
def test_a_malformed_language_is_refused_and_nothing_changes(client, data):
    user = UserFactory(kind="staff", language="")
    client.force_login(user)
    response = client.post(reverse("staff:language"), data)
    assert response.status_code == 400
    assert _language(user) == ""
    assert "django_language" not in response.cookies


@pytest.mark.django_db
def test_the_language_is_only_set_by_post_by_a_signed_in_user_of_the_surface(client):
    staff = UserFactory(kind="staff", language="")
    customer_user = make_customer(portal_password="pw-12345678").user
    assert client.get(reverse("staff:language"), {"language": "bn"}).status_code in (302, 405)
    assert client.post(reverse("staff:language"), {"language": "bn"}).status_code == 302  # to sign in
    client.force_login(staff)
    assert client.get(reverse("staff:language"), {"language": "bn"}).status_code == 405
    client.force_login(customer_user)
    assert client.post(reverse("staff:language"), {"language": "bn"}).status_code == 403
    assert (_language(staff), _language(customer_user)) == ("", "")


@pytest.mark.django_db
@pytest.mark.parametrize("target", ["https://evil.example/", "//evil.example/staff/", "/portal/", "", "/staff/\x00", "/staff/\n/x"])
def test_after_switching_the_user_stays_on_the_surface(client, target):
    client.force_login(UserFactory(kind="staff"))
    response = client.post(reverse("staff:language"), {"language": "bn", "next": target})
    assert response.status_code == 302 and response.url == reverse("staff:home")
