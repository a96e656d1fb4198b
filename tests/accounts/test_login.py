from datetime import timedelta

import pytest
from django.urls import reverse

from tests.factories import PASSWORD, ResellerFactory, UserFactory, make_customer


def login(client, surface: str, username: str, password: str = PASSWORD, **extra):
    return client.post(reverse(f"{surface}:login"), {"username": username, "password": password}, **extra)


@pytest.mark.django_db
@pytest.mark.parametrize("surface,kind", [("staff", "staff"), ("technician", "technician")])
def test_each_surface_signs_in_its_own_kind_of_user(client, surface, kind):
    user = UserFactory(kind=kind)
    response = login(client, surface, user.username)
    assert response.status_code == 302
    assert response.url == reverse(f"{surface}:home")
    assert client.get(reverse(f"{surface}:home")).status_code == 200


@pytest.mark.django_db
def test_reseller_signs_in_to_reseller_portal(client):
    reseller = ResellerFactory()
    assert login(client, "reseller", reseller.user.username).url == reverse("reseller:home")
    assert client.get(reverse("reseller:home")).status_code == 200


@pytest.mark.django_db
@pytest.mark.parametrize("surface,kind", [("staff", "customer"), ("staff", "technician"), ("technician", "staff"), ("reseller", "staff")])
def test_login_form_refuses_users_of_another_surface(client, surface, kind):
    user = UserFactory(kind=kind)
    response = login(client, surface, user.username)
    assert response.status_code == 200
    assert "do not match" in response.content.decode()
    assert "_auth_user_id" not in client.session


@pytest.mark.django_db
def test_customer_signs_in_with_account_number_or_national_phone(client):
    customer = make_customer(phone="01712345678", portal_password="portal-pass-1")
    assert login(client, "portal", customer.account_number, "portal-pass-1").url == reverse("portal:home")
    client.logout()
    assert login(client, "portal", "01712-345678", "portal-pass-1").url == reverse("portal:home")
    page = client.get(reverse("portal:home")).content.decode()
    assert customer.account_number in page


@pytest.mark.django_db
def test_shared_phone_cannot_identify_a_customer(client):
    first = make_customer(phone="01812345678", portal_password="portal-pass-1")
    make_customer(phone="01812345678", portal_password="portal-pass-1")
    response = login(client, "portal", "01812345678", "portal-pass-1")
    assert response.status_code == 200
    assert "_auth_user_id" not in client.session
    assert login(client, "portal", first.account_number, "portal-pass-1").status_code == 302


@pytest.mark.django_db
def test_wrong_password_shows_message_and_signs_nobody_in(client):
    customer = make_customer(portal_password="portal-pass-1")
    response = login(client, "portal", customer.account_number, "nope")
    assert "do not match" in response.content.decode()
    assert "_auth_user_id" not in client.session


@pytest.mark.django_db
def test_repeated_failures_lock_the_login_even_with_the_right_password(client, settings):
    settings.AXES_COOLOFF_TIME = timedelta(minutes=30)
    user = UserFactory(kind="staff")
    for _ in range(settings.AXES_FAILURE_LIMIT):
        login(client, "staff", user.username, "wrong")
    response = login(client, "staff", user.username, PASSWORD)
    assert response.status_code == 429
    assert "Too many failed sign-in attempts. Wait 30 minutes" in response.content.decode()
    assert "_auth_user_id" not in client.session


@pytest.mark.django_db
def test_next_parameter_only_leads_inside_the_same_surface(client):
    user = UserFactory(kind="staff")
    response = client.post(
        reverse("staff:login") + "?next=/portal/", {"username": user.username, "password": PASSWORD, "next": "/portal/"}
    )
    assert response.url == reverse("staff:home")


@pytest.mark.django_db
def test_anonymous_page_request_redirects_to_that_surfaces_login(client):
    for surface in ("staff", "portal", "reseller", "technician"):
        response = client.get(reverse(f"{surface}:home"))
        assert response.status_code == 302
        assert response.url.startswith(reverse(f"{surface}:login"))


@pytest.mark.django_db
def test_htmx_request_on_expired_session_gets_client_redirect(client):
    response = client.get(
        reverse("staff:home"), headers={"HX-Request": "true", "HX-Current-URL": "http://testserver/staff/?q=1"}
    )
    assert response.status_code == 200
    assert response["HX-Redirect"] == reverse("staff:login") + "?next=%2Fstaff%2F%3Fq%3D1"


@pytest.mark.django_db
def test_signed_in_user_of_another_kind_gets_403_on_every_surface_home(client):
    customer = make_customer(portal_password="portal-pass-1")
    client.force_login(customer.user)
    for surface in ("staff", "reseller", "technician"):
        assert client.get(reverse(f"{surface}:home")).status_code == 403
    assert client.get(reverse("portal:home")).status_code == 200


@pytest.mark.django_db
def test_logout_is_post_only_and_ends_the_session(client):
    user = UserFactory(kind="staff")
    client.force_login(user)
    assert client.get(reverse("staff:logout")).status_code == 405
    response = client.post(reverse("staff:logout"))
    assert response.url == reverse("staff:login")
    assert "_auth_user_id" not in client.session
