import csv
import io
import json

import pytest
from django.urls import reverse

from customers.models import Customer, Subscription
from ispbill.core.models import AuditLog
from tests.factories import (
    AreaFactory,
    BranchFactory,
    PackageFactory,
    ResellerFactory,
    RouterFactory,
    UserFactory,
    make_customer,
    make_subscription,
)
from usecases.subscription_suspend import subscription_suspend

pytestmark = pytest.mark.django_db

HTMX = {"HX-Request": "true"}
LIST = reverse("staff:customer-list")
EXPORT = reverse("staff:customer-export")


def logged_in(client, user):
    client.force_login(user)
    return client


def content(response) -> str:
    return response.content.decode()


def csv_rows(response) -> list[list[str]]:
    body = b"".join(response.streaming_content).decode("utf-8-sig")
    return list(csv.reader(io.StringIO(body)))


@pytest.fixture
def views_customers_two_branches():
    """A Mirpur customer and an Uttara customer, and a support user limited to Mirpur."""
    mirpur, uttara = BranchFactory(name="Mirpur", code="MIR"), BranchFactory(name="Uttara", code="UTT")
    ours = make_subscription(
        customer=make_customer(area=AreaFactory(branch=mirpur, name="Mirpur 10"), name="Kamal Hossain"),
        username="kamal.mir", activate=True,
    )
    theirs = make_subscription(
        customer=make_customer(area=AreaFactory(branch=uttara, name="Sector 7"), name="Kamal Uddin"),
        username="kamal.utt", activate=True,
    )
    limited = UserFactory(roles=["Manager"], branch_scope=[mirpur])
    return ours, theirs, limited


# List --------------------------------------------------------------------------------------------


def test_list_shows_rows_with_local_phone_area_package_and_status(staff_client):
    subscription = make_subscription(
        customer=make_customer(name="Fatema Begum", phone="+8801712345678", area=AreaFactory(name="Kazipara")),
        package=PackageFactory(name="Home 20 Mbps"), activate=True,
    )

    page = content(staff_client.get(LIST))

    assert subscription.customer.account_number in page
    assert reverse("staff:customer-detail", args=[subscription.customer.pk]) in page
    for text in ("Fatema Begum", "01712-345678", "Kazipara", "Home 20 Mbps", "badge-active", "1 customer"):
        assert text in page


def test_list_search_by_phone_fragment_via_htmx_returns_only_the_results_region(staff_client):
    wanted = make_customer(name="Rina Das", phone="01712-345678")
    other = make_customer(name="Mina Das", phone="01815-111222")

    response = staff_client.get(LIST, {"q": "1712-34"}, headers=HTMX)

    page = content(response)
    assert page.lstrip().startswith('<section id="customer-results"')
    assert "<html" not in page
    assert wanted.account_number in page and other.account_number not in page
    assert response["Vary"] and "HX-Request" in response["Vary"]


def test_list_filters_by_status_and_marks_an_unknown_filter_value(staff_client):
    active = make_subscription(activate=True).customer
    pending = make_subscription().customer

    page = content(staff_client.get(LIST, {"status": "active", "area": "not-a-number"}))

    assert active.account_number in page and pending.account_number not in page
    assert 'name="area" aria-invalid="true"' in page


def test_list_pages_with_cursors(staff_client, settings):
    settings.STAFF_LIST_PAGE_SIZE = 2
    customers = [make_customer(name=f"Customer {letter}") for letter in "ABCDE"]

    first = staff_client.get(LIST, {"sort": "name"})
    next_cursor = first.context["page"].next_cursor
    second = staff_client.get(LIST, {"sort": "name", "after": next_cursor})

    assert [c.name for c in first.context["page"].customers] == ["Customer A", "Customer B"]
    assert [c.name for c in second.context["page"].customers] == ["Customer C", "Customer D"]
    assert f"after={next_cursor}" in content(first)
    assert "before=" in content(second) and len(customers) == 5


def test_list_says_when_the_count_is_only_a_lower_bound(staff_client, monkeypatch):
    from customers import selectors

    monkeypatch.setattr(selectors, "CUSTOMER_COUNT_LIMIT", 2)
    for _ in range(3):
        make_customer()

    assert "2+ customers" in content(staff_client.get(LIST))


@pytest.mark.parametrize("htmx", [False, True])
def test_list_runs_a_bounded_number_of_queries(client, views_customers_two_branches, django_assert_max_num_queries, settings, htmx):
    _, _, limited = views_customers_two_branches
    settings.STAFF_LIST_PAGE_SIZE = 10
    area = Customer.objects.filter(branch__in=limited.branches.all()).first().area
    for index in range(30):
        make_subscription(customer=make_customer(area=area, name=f"Kamal {index}"), activate=index % 2 == 0)
    logged_in(client, limited)
    headers = HTMX if htmx else {}

    filtered = {"q": "kamal", "status": "active", "type": "fiber", "area": area.pk, "sort": "name"}
    with django_assert_max_num_queries(8):
        response = client.get(LIST, filtered, headers=headers)
    assert response.status_code == 200 and ">Kamal 0<" in content(response) and ">Kamal 1<" not in content(response)

    cursor = client.get(LIST, {"sort": "-since"}).context["page"].next_cursor
    with django_assert_max_num_queries(8):
        response = client.get(LIST, {"sort": "-since", "after": cursor}, headers=headers)
    assert response.status_code == 200 and "before=" in content(response)


def test_list_without_view_permission_is_forbidden(client):
    logged_in(client, UserFactory(roles=["Technician"]))

    assert client.get(LIST).status_code == 403
    assert client.get(EXPORT).status_code == 403


def test_branch_limited_user_lists_only_their_branch(client, views_customers_two_branches):
    ours, theirs, limited = views_customers_two_branches
    logged_in(client, limited)

    page = content(client.get(LIST, {"q": "kamal"}))

    assert ours.customer.account_number in page and theirs.customer.account_number not in page
    assert 'name="branch"' not in page  # one branch in scope: no branch filter to offer


# Export ------------------------------------------------------------------------------------------


def test_export_streams_the_filtered_customers_as_csv(staff_client):
    wanted = make_subscription(
        customer=make_customer(name="Rahim Uddin", phone="01712-345678"), package=PackageFactory(name="Fiber 50"), activate=True
    ).customer
    make_customer(name="Someone Else")

    response = staff_client.get(EXPORT, {"q": "rahim"})

    assert response.streaming and response["Content-Type"].startswith("text/csv")
    assert "attachment" in response["Content-Disposition"]
    header, *rows = csv_rows(response)
    assert header[:3] == ["Account number", "Name", "Phone"]
    assert [row[:3] for row in rows] == [[wanted.account_number, "Rahim Uddin", "+8801712345678"]]
    assert rows[0][header.index("Packages")] == "Fiber 50"
    assert rows[0][header.index("Status")] == "Active"


def test_export_is_limited_to_the_users_branches(client, views_customers_two_branches):
    ours, theirs, limited = views_customers_two_branches
    logged_in(client, limited)

    _, *rows = csv_rows(client.get(EXPORT))

    assert [row[0] for row in rows] == [ours.customer.account_number]


def test_export_keeps_spreadsheets_from_running_typed_formulas(staff_client):
    make_customer(name="=HYPERLINK(\"http://evil\")", address="+1 Road")

    _, row = csv_rows(staff_client.get(EXPORT))

    assert row[1] == "'=HYPERLINK(\"http://evil\")"
    assert row[5] == "'+1 Road"


def test_list_links_to_export_with_the_current_filters(staff_client):
    make_customer(name="Rahim")

    page = content(staff_client.get(LIST, {"q": "rahim", "status": "pending"}))

    assert f'href="{EXPORT}?q=rahim&amp;status=pending"' in page


# Detail and tabs ---------------------------------------------------------------------------------


def test_detail_overview_shows_contact_location_and_portal_state(staff_client):
    reseller = ResellerFactory(name="Pallabi Net Point")
    customer = make_customer(
        name="Ayesha Siddiqua", phone="01912-000111", latitude="23.810332", longitude="90.412518", reseller=reseller,
        notes="Gate code 1234",
    )

    page = content(staff_client.get(reverse("staff:customer-detail", args=[customer.pk])))

    for text in ("Ayesha Siddiqua", "01912-000111", "23.810332", "Pallabi Net Point", "Gate code 1234", "Not set up", 'id="customer-tab"'):
        assert text in page


def test_detail_tab_via_htmx_returns_only_the_tab_region(staff_client):
    subscription = make_subscription(username="tab.check", activate=True)
    url = reverse("staff:customer-detail", args=[subscription.customer.pk])

    response = staff_client.get(url, {"tab": "subscriptions"}, headers={**HTMX, "HX-Target": "customer-tab"})

    page = content(response)
    assert page.lstrip().startswith('<section id="customer-tab"') and "<html" not in page
    assert "tab.check" in page and 'aria-current="page">Subscriptions' in page


def test_detail_header_refresh_returns_only_the_header(staff_client):
    customer = make_customer()

    response = staff_client.get(
        reverse("staff:customer-detail", args=[customer.pk]), headers={**HTMX, "HX-Target": "customer-header"}
    )

    assert content(response).lstrip().startswith('<header id="customer-header"')


def test_activity_tab_lists_audit_entries_of_customer_and_subscriptions(staff_client, admin):
    subscription = make_subscription(actor=admin, activate=True)
    subscription_suspend(actor=admin, subscription=subscription, reason="Three months unpaid", suspension_type="non_payment")

    page = content(staff_client.get(reverse("staff:customer-detail", args=[subscription.customer.pk]), {"tab": "activity"}))

    for text in ("Customer created", "Subscription added", "Subscription suspended", "Three months unpaid", "Non-payment", "Suspended"):
        assert text in page
    assert f"by {admin}" in page


def test_tabs_follow_permissions(client):
    customer = make_customer()
    logged_in(client, UserFactory(roles=["Cashier"]))  # no audit log permission

    response = client.get(reverse("staff:customer-detail", args=[customer.pk]), {"tab": "activity"})

    assert [tab.slug for tab in response.context["tabs"]] == ["overview", "subscriptions", "billing"]
    assert response.context["tab"].slug == "overview"


def test_branch_limited_user_gets_404_for_another_branchs_customer(client, views_customers_two_branches):
    _, theirs, limited = views_customers_two_branches
    logged_in(client, limited)
    customer = theirs.customer

    for name in ("staff:customer-detail", "staff:customer-edit", "staff:customer-portal-access", "staff:subscription-create"):
        assert client.get(reverse(name, args=[customer.pk])).status_code == 404
    assert client.post(reverse("staff:customer-edit", args=[customer.pk]), {"name": "Hijacked"}).status_code == 404
    response = client.post(reverse("staff:subscription-suspend", args=[theirs.pk]), {"reason": "x", "suspension_type": "fraud"})
    assert response.status_code == 404
    theirs.refresh_from_db()
    customer.refresh_from_db()
    assert theirs.status == Subscription.Status.ACTIVE and customer.name == "Kamal Uddin"


# Create / edit customer --------------------------------------------------------------------------


def customer_form_data(area, **overrides):
    return {
        "name": "Shirin Akter", "phone": "01711-223344", "email": "", "national_id": "", "address": "House 5, Road 3",
        "area": area.pk, "reseller": "", "latitude": "", "longitude": "", "customer_since": "2026-01-15", "notes": "",
        **overrides,
    }


def test_create_customer_saves_and_redirects_to_the_customer(staff_client, admin):
    area = AreaFactory()

    response = staff_client.post(reverse("staff:customer-create"), customer_form_data(area, latitude="23.8", longitude="90.4"))

    customer = Customer.objects.get()
    assert response.status_code == 302 and response["Location"] == reverse("staff:customer-detail", args=[customer.pk])
    assert (customer.phone, customer.area, customer.branch) == ("+8801711223344", area, area.branch)
    assert str(customer.latitude) == "23.800000"
    assert AuditLog.objects.get(action="customer.create").actor == admin


def test_create_form_groups_areas_by_branch(staff_client):
    AreaFactory(name="Mirpur 10", branch=BranchFactory(name="Mirpur"))

    page = content(staff_client.get(reverse("staff:customer-create")))

    assert '<optgroup label="Mirpur">' in page


def test_create_with_invalid_phone_shows_it_next_to_the_field_and_saves_nothing(staff_client):
    response = staff_client.post(reverse("staff:customer-create"), customer_form_data(AreaFactory(), phone="12345"))

    page = content(response)
    assert response.status_code == 200
    assert 'id="id_phone_error"' in page and "Enter a valid phone number" in page
    assert not Customer.objects.exists()


def test_create_with_only_latitude_is_refused(staff_client):
    response = staff_client.post(reverse("staff:customer-create"), customer_form_data(AreaFactory(), latitude="23.8"))

    assert "Give both latitude and longitude" in content(response)
    assert not Customer.objects.exists()


def test_limited_user_cannot_place_a_customer_in_another_branchs_area(client, views_customers_two_branches):
    _, theirs, limited = views_customers_two_branches
    logged_in(client, limited)
    count = Customer.objects.count()

    response = client.post(reverse("staff:customer-create"), customer_form_data(theirs.customer.area))

    assert 'id="id_area_error"' in content(response)
    assert Customer.objects.count() == count


def test_create_without_permission_is_forbidden_and_creates_nothing(client):
    logged_in(client, UserFactory(roles=["Support"]))  # may change customers, not add them

    response = client.post(reverse("staff:customer-create"), customer_form_data(AreaFactory()))

    assert response.status_code == 403
    assert not Customer.objects.exists()


def test_edit_customer_shows_local_phone_and_saves_changes(staff_client):
    customer = make_customer(name="Old Name", phone="+8801711223344")
    url = reverse("staff:customer-edit", args=[customer.pk])

    assert 'value="01711-223344"' in content(staff_client.get(url))
    response = staff_client.post(url, customer_form_data(customer.area, name="New Name"))

    assert response.status_code == 302
    customer.refresh_from_db()
    assert customer.name == "New Name"


def test_staff_choose_the_language_of_a_customers_messages_and_it_shows_on_the_customer(staff_client):
    customer = make_customer()
    url = reverse("staff:customer-edit", args=[customer.pk])

    assert staff_client.post(url, customer_form_data(customer.area, language="bn")).status_code == 302
    customer.refresh_from_db()
    assert customer.language == "bn"
    assert "বাংলা" in content(staff_client.get(reverse("staff:customer-detail", args=[customer.pk])))

    response = staff_client.post(url, customer_form_data(customer.area, language="fr"))
    assert response.status_code == 200 and "Select a valid choice" in content(response)
    customer.refresh_from_db()
    assert customer.language == "bn"


def test_edit_with_invalid_phone_changes_nothing(staff_client):
    customer = make_customer(name="Same Name")

    response = staff_client.post(
        reverse("staff:customer-edit", args=[customer.pk]), customer_form_data(customer.area, name="Other", phone="999")
    )

    assert "Enter a valid phone number" in content(response)
    customer.refresh_from_db()
    assert customer.name == "Same Name"


def test_edit_without_permission_is_forbidden_and_changes_nothing(client):
    customer = make_customer(name="Same Name")
    logged_in(client, UserFactory(roles=["Cashier"]))

    response = client.post(reverse("staff:customer-edit", args=[customer.pk]), customer_form_data(customer.area, name="X"))

    assert response.status_code == 403
    customer.refresh_from_db()
    assert customer.name == "Same Name"


# Portal access dialog ----------------------------------------------------------------------------


def test_portal_access_dialog_sets_the_password(staff_client):
    customer = make_customer()
    url = reverse("staff:customer-portal-access", args=[customer.pk])

    dialog = content(staff_client.get(url, headers=HTMX))
    assert dialog.lstrip().startswith("<dialog data-autoopen")
    response = staff_client.post(url, {"password": "dhaka-net-2026", "password_again": "dhaka-net-2026"}, headers=HTMX)

    assert json.loads(response["HX-Trigger"]) == {"customerChanged": None}
    assert "Password set" in content(response)
    customer.refresh_from_db()
    assert customer.user.check_password("dhaka-net-2026")


@pytest.mark.parametrize(
    ("password", "again", "message"),
    [("dhaka-net-2026", "dhaka-net-2027", "The two passwords differ"), ("short", "short", "too short"), ("", "", "required")],
)
def test_portal_access_with_bad_password_shows_why_in_the_dialog_and_changes_nothing(staff_client, password, again, message):
    customer = make_customer()

    response = staff_client.post(
        reverse("staff:customer-portal-access", args=[customer.pk]), {"password": password, "password_again": again}, headers=HTMX
    )

    assert content(response).lstrip().startswith("<dialog") and message in content(response)
    customer.refresh_from_db()
    assert customer.user is None


# Subscriptions -----------------------------------------------------------------------------------


def subscription_form_data(package, router, **overrides):
    return {
        "package": package.pk, "connection_type": "pppoe", "router": router.pk, "username": "shirin.pppoe",
        "password": "pppoe-pass-1", "static_ip": "", "mac_address": "aa-bb-cc-dd-ee-01", **overrides,
    }


def test_add_subscription_to_a_customer(staff_client):
    customer = make_customer()
    package, router = PackageFactory(), RouterFactory(branch=customer.branch)

    response = staff_client.post(
        reverse("staff:subscription-create", args=[customer.pk]), subscription_form_data(package, router)
    )

    assert response.status_code == 302
    subscription = customer.subscriptions.get()
    assert (subscription.username, subscription.password, subscription.mac_address) == (
        "shirin.pppoe", "pppoe-pass-1", "AA:BB:CC:DD:EE:01",
    )
    assert subscription.status == Subscription.Status.PENDING


def test_subscription_form_offers_only_packages_on_sale(staff_client):
    customer = make_customer()
    PackageFactory(name="Sold Plan")
    PackageFactory(name="Retired Plan", is_active=False)

    page = content(staff_client.get(reverse("staff:subscription-create", args=[customer.pk])))

    assert "Sold Plan" in page and "Retired Plan" not in page


def test_duplicate_username_on_the_router_shows_next_to_username_and_adds_nothing(staff_client):
    taken = make_subscription(username="shirin.pppoe")
    customer = make_customer(area=taken.customer.area)

    response = staff_client.post(
        reverse("staff:subscription-create", args=[customer.pk]), subscription_form_data(PackageFactory(), taken.router)
    )

    page = content(response)
    assert 'id="id_username_error"' in page and "already used on router" in page
    assert not customer.subscriptions.exists()


def test_add_subscription_without_permission_is_forbidden(client):
    customer = make_customer()
    logged_in(client, UserFactory(roles=["Support"]))

    response = client.post(
        reverse("staff:subscription-create", args=[customer.pk]),
        subscription_form_data(PackageFactory(), RouterFactory(branch=customer.branch)),
    )

    assert response.status_code == 403 and not customer.subscriptions.exists()


def test_edit_subscription_keeps_password_when_left_blank(staff_client):
    subscription = make_subscription(password="keep-me")
    new_package = PackageFactory(name="Faster")

    page = content(staff_client.get(reverse("staff:subscription-edit", args=[subscription.pk])))
    assert "keep-me" not in page
    response = staff_client.post(
        reverse("staff:subscription-edit", args=[subscription.pk]),
        subscription_form_data(new_package, subscription.router, username=subscription.username, password=""),
    )

    assert response.status_code == 302
    original_package = subscription.package
    subscription.refresh_from_db()
    # The package field is read-only here (changed through "Change package", quoted and prorated).
    assert (subscription.package, subscription.password) == (original_package, "keep-me")


# Lifecycle dialogs -------------------------------------------------------------------------------


def test_suspend_dialog_suspends_and_tells_the_page_to_refresh(staff_client, admin):
    subscription = make_subscription(activate=True)
    url = reverse("staff:subscription-suspend", args=[subscription.pk])

    assert "<dialog data-autoopen" in content(staff_client.get(url, headers=HTMX))
    response = staff_client.post(
        url, {"suspension_type": "non_payment", "skip_billing": "on", "reason": "Unpaid since March"}, headers=HTMX
    )

    assert response.status_code == 204
    events = json.loads(response["HX-Trigger"])
    assert events["subscriptionsChanged"] is None and events["closeModal"] is None
    # The dialog closes; the page shows the success message from the same answer (app.js).
    assert events["messages"] == {"items": [{"text": f"Subscription suspended: {subscription.login_label}.", "tags": "success"}]}
    subscription.refresh_from_db()
    assert (subscription.status, subscription.suspension_type, subscription.skip_billing) == ("suspended", "non_payment", True)
    entry = AuditLog.objects.get(action="subscription.suspend")
    assert (entry.actor, entry.reason) == (admin, "Unpaid since March")


def test_lifecycle_without_javascript_redirects_back_to_the_subscriptions(staff_client):
    subscription = make_subscription()

    response = staff_client.post(reverse("staff:subscription-activate", args=[subscription.pk]), {"reason": "Installed"})

    assert response["Location"].endswith("?tab=subscriptions")
    subscription.refresh_from_db()
    assert subscription.status == "active"


def test_missing_reason_shows_in_the_dialog_and_changes_nothing(staff_client):
    subscription = make_subscription(activate=True)

    response = staff_client.post(
        reverse("staff:subscription-cancel", args=[subscription.pk]), {"reason": "  "}, headers=HTMX
    )

    page = content(response)
    assert response.status_code == 200 and page.lstrip().startswith("<dialog")
    assert "Give a reason" in page
    subscription.refresh_from_db()
    assert subscription.status == "active"
    assert not AuditLog.objects.filter(action="subscription.cancel").exists()


def test_transition_the_table_forbids_shows_in_the_dialog_and_changes_nothing(staff_client):
    subscription = make_subscription(activate=True)
    url = reverse("staff:subscription-reactivate", args=[subscription.pk])

    assert "cannot be changed this way" in content(staff_client.get(url, headers=HTMX))
    response = staff_client.post(url, {"reason": "try anyway"}, headers=HTMX)

    assert "Only a suspended subscription can be reactivated" in content(response)
    subscription.refresh_from_db()
    assert subscription.status == "active"


def test_lifecycle_without_permission_is_forbidden_and_changes_nothing(client):
    subscription = make_subscription(activate=True)
    logged_in(client, UserFactory(roles=["Support"]))

    response = client.post(
        reverse("staff:subscription-suspend", args=[subscription.pk]),
        {"suspension_type": "fraud", "reason": "suspicious"}, headers=HTMX,
    )

    assert response.status_code == 403
    subscription.refresh_from_db()
    assert subscription.status == "active"


def lifecycle_buttons(client, subscription) -> set[str]:
    page = content(client.get(reverse("staff:customer-detail", args=[subscription.customer_id]), {"tab": "subscriptions"}))
    return {slug for slug in ("activate", "suspend", "reactivate", "cancel") if f"/subscriptions/{subscription.pk}/{slug}/" in page}


def test_lifecycle_buttons_follow_the_transition_table(staff_client):
    pending = make_subscription()
    active = make_subscription(activate=True)
    suspended = make_subscription(activate=True)
    subscription_suspend(actor=None, subscription=suspended, reason="unpaid", suspension_type="non_payment")

    assert lifecycle_buttons(staff_client, pending) == {"activate", "cancel"}
    assert lifecycle_buttons(staff_client, active) == {"suspend", "cancel"}
    assert lifecycle_buttons(staff_client, suspended) == {"reactivate", "cancel"}


def test_lifecycle_buttons_are_hidden_without_the_permission(client):
    active = make_subscription(activate=True)
    logged_in(client, UserFactory(roles=["Support"]))

    assert lifecycle_buttons(client, active) == set()


def test_edit_keeps_a_reseller_who_has_since_stopped_selling(staff_client):
    reseller = ResellerFactory(name="Closed Shop")
    customer = make_customer(reseller=reseller)
    reseller.is_active = False
    reseller.save()

    response = staff_client.post(
        reverse("staff:customer-edit", args=[customer.pk]), customer_form_data(customer.area, name="Renamed", reseller=reseller.pk)
    )

    assert response.status_code == 302
    customer.refresh_from_db()
    assert (customer.name, customer.reseller) == ("Renamed", reseller)


def test_a_phone_of_another_customer_is_warned_about_with_a_link_and_created_only_once_confirmed(staff_client):
    """Families share phones: a second customer on the same number is allowed, but never silently."""
    area = AreaFactory()
    mother = make_customer(name="Rokeya Begum", phone="01711-223344", area=area)

    warned = staff_client.post(reverse("staff:customer-create"), customer_form_data(area))
    page = content(warned)
    assert warned.status_code == 200 and 'id="shared-phone"' in page
    assert f'href="{reverse("staff:customer-detail", args=[mother.pk])}"' in page and "Rokeya Begum" in page
    assert Customer.objects.count() == 1  # nothing created yet

    confirmed = staff_client.post(reverse("staff:customer-create"), customer_form_data(area, shared_phone_confirmed="on"))
    daughter = Customer.objects.exclude(pk=mother.pk).get()
    assert confirmed.status_code == 302 and daughter.phone == mother.phone == "+8801711223344"


def test_a_phone_nobody_has_creates_the_customer_without_a_warning(staff_client):
    make_customer(phone="01811-000111")
    response = staff_client.post(reverse("staff:customer-create"), customer_form_data(AreaFactory()))
    assert response.status_code == 302 and Customer.objects.count() == 2


def test_activating_a_new_installation_starts_with_that_reason_and_other_actions_start_empty(staff_client):
    pending, active = make_subscription(), make_subscription(activate=True)
    activate = content(staff_client.get(reverse("staff:subscription-activate", args=[pending.pk]), headers=HTMX))
    assert "New installation" in activate
    suspend = content(staff_client.get(reverse("staff:subscription-suspend", args=[active.pk]), headers=HTMX))
    assert "New installation" not in suspend
