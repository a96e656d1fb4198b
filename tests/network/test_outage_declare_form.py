"""Declare outage (issue 22 item 10): areas ticked by branch, the number of customers told shown
before anything is sent (as boxes are ticked, and on a review page that works without JavaScript),
and the notice in English and Bangla, each customer getting their own language."""

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from ispbill.notify.models import Message
from network import outages
from network.models import Outage
from network.notify_events import OUTAGE_DECLARED, OUTAGE_UPDATE
from tests.factories import AreaFactory, BranchFactory, RouterFactory, admin_user, make_customer, make_subscription

pytestmark = pytest.mark.usefixtures("eager_celery")  # the broadcast runs in the test


@pytest.fixture
def district(db):
    """Two branches; Mirpur has two areas. Three connected customers in Mirpur 10 (one reads
    Bangla), one in Mirpur 11, one in Uttara."""
    mirpur, uttara = BranchFactory(name="Mirpur"), BranchFactory(name="Uttara")
    areas = {
        "Mirpur 10": AreaFactory(branch=mirpur, name="Mirpur 10"), "Mirpur 11": AreaFactory(branch=mirpur, name="Mirpur 11"),
        "Sector 7": AreaFactory(branch=uttara, name="Sector 7"),
    }
    router = RouterFactory(branch=mirpur, name="pop-mirpur")
    customers = []
    for area, language in (("Mirpur 10", "bn"), ("Mirpur 10", ""), ("Mirpur 10", "en"), ("Mirpur 11", ""), ("Sector 7", "bn")):
        customer = make_customer(area=areas[area], name=f"{area} {len(customers)}", language=language)
        make_subscription(customer=customer, router=router, activate=True)
        customers.append(customer)
    return {"areas": areas, "router": router, "customers": customers}


def entries(district, **changes):
    return {
        "title": "Fibre cut on Mirpur Road", "title_bn": "মিরপুর রোডে ফাইবার কাটা", "description": "Crews are on site.",
        "description_bn": "কর্মীরা কাজ করছেন।", "areas": [district["areas"]["Mirpur 10"].pk],
        "started_at": timezone.localtime().strftime("%d/%m/%Y %H:%M"), **changes,
    }


@pytest.mark.django_db
def test_areas_are_checkboxes_grouped_by_branch_with_a_filter_box(district, client):
    client.force_login(admin_user())
    page = client.get(reverse("staff:outage-create")).content.decode()
    assert "<select" not in page.split('id="outage-scope"')[1].split("</form>")[0]  # no Ctrl-click list
    assert page.index(">Mirpur</legend>") < page.index("Mirpur 10") < page.index(">Uttara</legend>") < page.index("Sector 7")
    assert f'type="checkbox" name="areas" value="{district["areas"]["Sector 7"].pk}"' in page
    assert "data-area-filter" in page and 'name="title_bn"' in page and 'name="description_bn"' in page
    assert 'placeholder="dd/mm/yyyy hh:mm"' in page and 'type="datetime-local"' not in page


@pytest.mark.django_db
def test_reach_counts_the_customers_of_the_ticked_areas_per_language_as_boxes_are_ticked(district, client):
    client.force_login(admin_user())
    url = reverse("staff:outage-reach")
    region = client.get(url, {"areas": [district["areas"]["Mirpur 10"].pk]}, headers={"HX-Request": "true"}).content.decode()
    assert region.strip().startswith('<p id="outage-reach"') and "<html" not in region
    assert "<strong>3 customers</strong> will be told" in region and "(2 in English, 1 in Bangla)" in region

    both = client.get(url, {"areas": [district["areas"]["Mirpur 10"].pk, district["areas"]["Sector 7"].pk]}).content.decode()
    assert "<strong>4 customers</strong>" in both and "(2 in English, 2 in Bangla)" in both
    by_router = client.get(url, {"routers": [district["router"].pk]}).content.decode()
    assert "<strong>5 customers</strong>" in by_router
    assert "Tick the affected areas" in client.get(url, {"areas": ["x", "999999"]}).content.decode()


@pytest.mark.django_db
def test_declare_shows_a_review_page_first_and_sends_only_after_confirming(district, client, django_capture_on_commit_callbacks):
    client.force_login(admin_user())
    url = reverse("staff:outage-create")

    review = client.post(url, entries(district))
    page = review.content.decode()
    assert review.status_code == 200 and "Check before sending" in page
    assert "Send to 3 customers" in page and "(2 in English, 1 in Bangla)" in page and "মিরপুর রোডে ফাইবার কাটা" in page
    assert not Outage.objects.exists() and not Message.objects.exists()

    back = client.post(url, {**entries(district), "edit": "1"}).content.decode()
    assert 'value="Fibre cut on Mirpur Road"' in back and "errorlist" not in back
    assert f'value="{district["areas"]["Mirpur 10"].pk}" checked' in back

    with django_capture_on_commit_callbacks(execute=True):
        sent = client.post(url, {**entries(district), "send": "1"})
    outage = Outage.objects.get()
    assert sent.status_code == 302 and outage.affected_customers == 3
    assert outage.title_bn == "মিরপুর রোডে ফাইবার কাটা" and outage.description_bn == "কর্মীরা কাজ করছেন।"


@pytest.mark.django_db
def test_review_warns_when_bangla_readers_would_get_the_english_title(district, client):
    client.force_login(admin_user())
    page = client.post(reverse("staff:outage-create"), entries(district, title_bn="", description_bn="")).content.decode()
    assert "1 customer reads Bangla and will get the English title" in page


@pytest.mark.django_db
def test_every_error_shows_on_the_form_before_the_review_page(district, client):
    client.force_login(admin_user())
    future = (timezone.localtime() + timedelta(days=1)).strftime("%d/%m/%Y %H:%M")
    page = client.post(reverse("staff:outage-create"), entries(district, areas=[], started_at=future)).content.decode()
    assert "Check before sending" not in page
    assert "Choose at least one affected area or router" in page and "The start time is in the future." in page
    assert not Outage.objects.exists()


@pytest.mark.django_db
def test_each_customer_gets_the_notice_in_their_language(district, django_capture_on_commit_callbacks):
    mirpur10 = district["areas"]["Mirpur 10"]
    with django_capture_on_commit_callbacks(execute=True):
        outage = outages.outage_declare(
            actor=None, title="Fibre cut on Mirpur Road", title_bn="মিরপুর রোডে ফাইবার কাটা", areas=[mirpur10],
        )
    messages = {m.customer_id: m for m in Message.objects.filter(object_id=str(outage.pk), event=OUTAGE_DECLARED)}
    bangla, unset, english = district["customers"][:3]
    assert "মিরপুর রোডে ফাইবার কাটা" in messages[bangla.pk].body and "Fibre cut" not in messages[bangla.pk].body
    assert "Fibre cut on Mirpur Road" in messages[unset.pk].body and "Fibre cut on Mirpur Road" in messages[english.pk].body

    with django_capture_on_commit_callbacks(execute=True):
        outages.outage_post_update(actor=None, outage=outage, message="Splicing now", message_bn="জোড়া লাগানো হচ্ছে")
    updates = {m.customer_id: m.body for m in Message.objects.filter(object_id__isnull=False, event=OUTAGE_UPDATE)}
    assert "জোড়া লাগানো হচ্ছে" in updates[bangla.pk] and "Splicing now" in updates[english.pk]


@pytest.mark.django_db
def test_portal_banner_shows_the_notice_in_the_customers_language(district, client, django_capture_on_commit_callbacks):
    from customers import services as customer_services

    bangla, english = district["customers"][0], district["customers"][2]
    for customer in (bangla, english):
        customer_services.customer_portal_access_set(actor=None, customer=customer, password="portal-pass-1")
        customer.refresh_from_db()
    with django_capture_on_commit_callbacks(execute=True):
        outages.outage_declare(actor=None, title="Fibre cut", title_bn="ফাইবার কাটা", areas=[district["areas"]["Mirpur 10"]])

    client.force_login(bangla.user)
    page = client.get(reverse("portal:home")).content.decode()
    assert "ফাইবার কাটা" in page and "Fibre cut" not in page
    client.logout()
    client.force_login(english.user)
    page = client.get(reverse("portal:home")).content.decode()
    assert "Fibre cut" in page and "ফাইবার কাটা" not in page
