"""The customer app's tokens (issue #51, item 3): every way a customer's password changes signs their
apps out, at once; tokens expire and are refreshed while valid; the lifetime is a console setting;
the portal lists the signed-in apps and signs one out."""

from datetime import timedelta

import pytest
from django.contrib.auth.models import Permission
from django.core.cache import cache
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from api.models import ApiSettings, ApiToken
from customers.services import customer_portal_access_set
from ispbill.accounts.services import user_set_password
from ispbill.core.models import AuditLog
from tests.accounts.test_portal_security import last_code, request_code
from tests.api.conftest import Api
from tests.factories import UserFactory, admin_user, make_customer

PASSWORD = "correct-horse-9"


@pytest.fixture(autouse=True)
def _clear_cache():
    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def app_token_customers(areas):
    mine = make_customer(area=areas[0], phone="01711000301", portal_password=PASSWORD)
    theirs = make_customer(area=areas[0], phone="01711000302", portal_password="another-pass-7")
    return mine, theirs


def sign_in(customer, password=PASSWORD, name="Pixel 8") -> Api:
    answer = Client().post("/api/portal/token/", data={"login": customer.account_number, "password": password, "name": name},
                           content_type="application/json")
    assert answer.status_code == 201, answer.content
    return Api(Client(), answer.json()["token"])


def answers(api: Api) -> int:
    return api.get("/api/portal/me/").status_code


# Password changes sign the apps out ---------------------------------------------------------------

def test_changing_the_password_on_the_portal_signs_the_apps_out(app_token_customers):
    mine, theirs = app_token_customers
    app, other_app, their_app = sign_in(mine), sign_in(mine, name="Tablet"), sign_in(theirs, "another-pass-7")
    portal = Client()
    portal.force_login(mine.user)
    changed = portal.post(reverse("portal:profile-password"),
                          {"old_password": PASSWORD, "new_password1": "Next-pass-789", "new_password2": "Next-pass-789"})
    assert changed.status_code == 302
    assert answers(app) == answers(other_app) == 401
    assert answers(their_app) == 200  # another customer's app is untouched
    assert answers(sign_in(mine, "Next-pass-789")) == 200  # signing in again with the new password works


def test_a_refused_password_change_keeps_the_apps_signed_in(app_token_customers):
    mine, _theirs = app_token_customers
    app = sign_in(mine)
    portal = Client()
    portal.force_login(mine.user)
    refused = portal.post(reverse("portal:profile-password"),
                          {"old_password": "wrong", "new_password1": "Next-pass-789", "new_password2": "Next-pass-789"})
    assert refused.status_code == 400
    assert answers(app) == 200


def test_signing_in_with_a_code_which_sets_a_new_password_signs_the_apps_out(app_token_customers, eager_celery):
    mine, _theirs = app_token_customers
    app = sign_in(mine)
    browser = Client()
    request_code(browser, mine.account_number)
    done = browser.post(reverse("portal:login-code-verify"), {
        "code": last_code(mine.phone), "new_password1": "Brand-new-pass-7", "new_password2": "Brand-new-pass-7",
    })
    assert done.status_code == 302
    assert answers(app) == 401


def test_staff_setting_the_customers_portal_password_signs_the_apps_out(app_token_customers):
    mine, theirs = app_token_customers
    app, their_app = sign_in(mine), sign_in(theirs, "another-pass-7")
    customer_portal_access_set(actor=admin_user(username="resetter"), customer=mine, password="Given-by-staff-5")
    assert answers(app) == 401 and answers(their_app) == 200


def test_setting_the_login_password_from_the_users_screen_signs_the_apps_out(app_token_customers):
    mine, _theirs = app_token_customers
    app = sign_in(mine)
    user_set_password(actor=admin_user(username="resetter"), user=mine.user, password="Given-by-staff-5")
    assert answers(app) == 401


def test_a_staff_integration_token_survives_its_makers_password_change(make_token, maker):
    _token, raw = make_token({"customers": "read"})
    user_set_password(actor=maker, user=maker, password="Another-admin-pass-3")
    assert Api(Client(), raw).get("/api/v1/customers/").status_code == 200


# Expiry and refresh -------------------------------------------------------------------------------------

def test_a_token_expires_after_the_lifetime_staff_set(app_token_customers):
    mine, _theirs = app_token_customers
    ApiSettings.objects.update_or_create(pk=1, defaults={"app_token_days": 7})
    before = timezone.now()
    answer = Client().post("/api/portal/token/", data={"login": mine.account_number, "password": PASSWORD, "name": "Pixel 8"},
                           content_type="application/json")
    token = ApiToken.objects.get(customer=mine)
    assert before + timedelta(days=7) <= token.expires_at <= timezone.now() + timedelta(days=7)
    assert answer.json()["expires_at"].startswith(timezone.localtime(token.expires_at).isoformat()[:19])
    app = Api(Client(), answer.json()["token"])
    assert answers(app) == 200
    ApiToken.objects.filter(pk=token.pk).update(expires_at=timezone.now() - timedelta(seconds=1))
    assert answers(app) == 401
    assert app.post("/api/portal/token/refresh/").status_code == 401  # an expired token cannot refresh itself
    token.refresh_from_db()
    assert token.expires_at < timezone.now()


def test_refresh_gives_a_valid_token_a_new_expiry(app_token_customers):
    mine, _theirs = app_token_customers
    app = sign_in(mine)
    token = ApiToken.objects.get(customer=mine)
    ApiToken.objects.filter(pk=token.pk).update(expires_at=timezone.now() + timedelta(hours=1))
    ApiSettings.objects.update_or_create(pk=1, defaults={"app_token_days": 30})
    answer = app.post("/api/portal/token/refresh/", {"anything": "ignored"})
    assert answer.status_code == 200, answer.content
    token.refresh_from_db()
    assert token.expires_at > timezone.now() + timedelta(days=29)
    assert "expires_at" in answer.json() and "token" not in answer.json()
    assert answers(app) == 200
    assert AuditLog.objects.filter(action="apitoken.refresh", object_id=str(token.pk)).exists()


def test_refresh_needs_a_customer_token(app_token_customers, api_as):
    assert Api(Client(), None).post("/api/portal/token/refresh/").status_code == 401
    assert Api(Client(), "isb_nothing_here").post("/api/portal/token/refresh/").status_code == 401
    assert api_as().post("/api/portal/token/refresh/").status_code == 403


# The lifetime in the console ----------------------------------------------------------------------------

def test_staff_set_the_app_token_lifetime_and_bad_values_change_nothing(client, db):
    client.force_login(admin_user(username="api-admin"))
    url = reverse("staff:apitoken-lifetime")
    assert client.get(reverse("staff:apitoken-list")).status_code == 200
    assert client.post(url, {"app_token_days": "30"}).status_code == 302
    assert ApiSettings.objects.get(pk=1).app_token_days == 30
    for bad in ("", "abc", "0", "-3", "366", "1e3", "12.5", "99999999999999999999"):
        answer = client.post(url, {"app_token_days": bad})
        assert answer.status_code == 400, bad
        assert 'id="id_app_token_days"' in answer.content.decode()
        assert ApiSettings.objects.get(pk=1).app_token_days == 30
    assert AuditLog.objects.filter(action="apisettings.update").count() == 1


def test_only_who_may_change_tokens_sets_the_lifetime(client, db):
    viewer = UserFactory(username="api-viewer")
    viewer.user_permissions.add(Permission.objects.get(content_type__app_label="api", codename="view_apitoken"))
    client.force_login(viewer)
    assert client.get(reverse("staff:apitoken-list")).status_code == 200
    assert client.post(reverse("staff:apitoken-lifetime"), {"app_token_days": "5"}).status_code == 403
    assert not ApiSettings.objects.filter(app_token_days=5).exists()


# The portal's list of signed-in apps --------------------------------------------------------------------

def test_the_portal_lists_my_signed_in_apps_only(app_token_customers):
    mine, theirs = app_token_customers
    sign_in(mine, name="Pixel 8")
    sign_in(theirs, "another-pass-7", name="Their iPhone")
    revoked = sign_in(mine, name="Old phone")
    revoked.post("/api/portal/token/revoke/")
    portal = Client()
    portal.force_login(mine.user)
    page = portal.get(reverse("portal:apps")).content.decode()
    assert "Pixel 8" in page and "Their iPhone" not in page and "Old phone" not in page
    assert reverse("portal:apps") in portal.get(reverse("portal:sessions")).content.decode()  # reachable from the account tabs


def test_signing_an_app_out_from_the_portal(app_token_customers):
    mine, theirs = app_token_customers
    app, their_app = sign_in(mine), sign_in(theirs, "another-pass-7")
    token, their_token = ApiToken.objects.get(customer=mine), ApiToken.objects.get(customer=theirs)
    portal = Client(enforce_csrf_checks=True)
    portal.force_login(mine.user)
    assert portal.post(reverse("portal:app-revoke", args=[token.pk])).status_code == 403  # no CSRF token
    assert answers(app) == 200
    portal.get(reverse("portal:apps"))
    csrf = portal.cookies["csrftoken"].value
    # Another customer's token: the same 404 as a missing one, and it keeps working.
    assert portal.post(reverse("portal:app-revoke", args=[their_token.pk]), {"csrfmiddlewaretoken": csrf}).status_code == 404
    assert portal.post(reverse("portal:app-revoke", args=[999999]), {"csrfmiddlewaretoken": csrf}).status_code == 404
    assert portal.post(f"/portal/apps/{token.pk}x/revoke/", {"csrfmiddlewaretoken": csrf}).status_code == 404
    assert portal.get(reverse("portal:app-revoke", args=[token.pk])).status_code == 405
    assert answers(their_app) == 200 and answers(app) == 200
    done = portal.post(reverse("portal:app-revoke", args=[token.pk]), {"csrfmiddlewaretoken": csrf})
    assert done.status_code == 302 and done.url == reverse("portal:apps")
    assert answers(app) == 401 and answers(their_app) == 200
    assert AuditLog.objects.filter(action="apitoken.revoke", object_id=str(token.pk)).exists()
