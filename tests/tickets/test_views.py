import io
import unicodedata

import pytest
from django.urls import reverse
from pypdf import PdfReader

from ispbill.core.models import AuditLog
from tests.factories import AreaFactory, BranchFactory, UserFactory, make_customer
from tickets import services
from tickets.models import SlaPolicy, Survey, Ticket, TicketComment

from .conftest import dhaka, png, raise_ticket

pytestmark = pytest.mark.django_db


@pytest.fixture
def owner():
    return make_customer(name="Karim Mia", portal_password="portal-pass-1")


@pytest.fixture
def views_portal(client, owner):
    client.force_login(owner.user)
    return client


# Portal ------------------------------------------------------------------------------------------------

def test_customer_raises_a_ticket_with_a_photo_and_sees_it_in_my_tickets(views_portal, owner):
    response = views_portal.post(reverse("portal:ticket-create"), {
        "category": "no_connection", "subject": "Red LOS light", "description": "No internet since 7 am.",
        "attachment": png("onu.png"),
    })
    ticket = Ticket.objects.get()
    assert response.status_code == 302 and response.url == reverse("portal:ticket-detail", args=[ticket.pk])
    assert (ticket.customer, ticket.source, ticket.priority) == (owner, "portal", "high")
    assert "Red LOS light" in views_portal.get(reverse("portal:ticket-list")).content.decode()
    attachment = views_portal.get(reverse("portal:ticket-attachment", args=[ticket.pk]))
    assert attachment.status_code == 200 and attachment["Content-Type"] == "image/png"
    assert attachment["X-Content-Type-Options"] == "nosniff"


def test_oversized_attachment_gets_a_clear_message_and_nothing_is_saved(views_portal):
    response = views_portal.post(reverse("portal:ticket-create"), {
        "category": "other", "subject": "Photo", "description": "See photo", "attachment": png(size=6 * 1024 * 1024),
    })
    assert response.status_code == 200
    assert "larger than 5 MB" in response.content.decode()
    assert not Ticket.objects.exists()


def test_portal_thread_hides_internal_notes(views_portal, owner, admin):
    ticket = raise_ticket(owner)
    services.ticket_reply(actor=admin, ticket=ticket, body="Technician checks the splitter", internal=True)
    services.ticket_reply(actor=admin, ticket=ticket, body="We are on it")
    page = views_portal.get(reverse("portal:ticket-detail", args=[ticket.pk])).content.decode()
    assert "We are on it" in page and "splitter" not in page


def test_a_reply_to_someone_elses_ticket_is_refused_and_changes_nothing(views_portal, owner):
    other = raise_ticket(make_customer(portal_password="portal-pass-2"))
    audit_before = AuditLog.objects.count()
    for name, data in (("reply", {"body": "hi"}), ("reopen", {"reason": "x"}), ("survey", {"rating": 5})):
        assert views_portal.post(reverse(f"portal:ticket-{name}", args=[other.pk]), data).status_code == 404
    assert views_portal.get(reverse("portal:ticket-detail", args=[other.pk])).status_code == 404
    assert views_portal.get(reverse("portal:ticket-attachment", args=[other.pk])).status_code == 404
    assert not TicketComment.objects.exists() and AuditLog.objects.count() == audit_before
    other.refresh_from_db()
    assert other.status == "open"


def test_customer_rates_a_resolved_ticket_once_from_the_prompt(views_portal, owner, admin):
    ticket = raise_ticket(owner)
    services.ticket_change_status(actor=admin, ticket=ticket, status="resolved")
    home = views_portal.get(reverse("portal:home")).content.decode()
    assert "How did we do?" in home and ticket.number in home
    views_portal.post(reverse("portal:ticket-survey", args=[ticket.pk]), {"rating": 5, "comment": "Fast!"})
    again = views_portal.post(reverse("portal:ticket-survey", args=[ticket.pk]), {"rating": 1})
    assert again.status_code == 400 and "already rated" in again.content.decode()
    assert Survey.objects.get().rating == 5
    assert "How did we do?" not in views_portal.get(reverse("portal:home")).content.decode()


def test_survey_for_an_unresolved_ticket_is_refused(views_portal, owner):
    ticket = raise_ticket(owner)
    response = views_portal.post(reverse("portal:ticket-survey", args=[ticket.pk]), {"rating": 4})
    assert response.status_code == 400 and "once it is resolved" in response.content.decode()
    assert not Survey.objects.exists()


# Staff ---------------------------------------------------------------------------------------------------

def test_inbox_filters_mine_unassigned_breached_and_searches(staff_client, admin):
    customer = make_customer(name="Selina Akter")
    mine = raise_ticket(customer, subject="Mine", assignee=admin)
    free = raise_ticket(customer, subject="Unassigned one")
    late = raise_ticket(customer, subject="Late one", now=dhaka(2026, 1, 4, 9, 0))
    url = reverse("staff:ticket-list")

    def numbers(**params):
        page = staff_client.get(url, params, HTTP_HX_REQUEST="true").content.decode()
        return {t.number for t in (mine, free, late) if t.number in page}

    assert numbers() == {mine.number, free.number, late.number}
    assert numbers(view="mine") == {mine.number}
    assert numbers(view="unassigned") == {free.number, late.number}
    assert numbers(view="breached") == {late.number}
    assert numbers(q=late.number.lower()) == {late.number}
    assert numbers(q="selina") == {mine.number, free.number, late.number}
    assert numbers(status="resolved") == set()
    partial = staff_client.get(url, HTTP_HX_REQUEST="true").content.decode()
    assert 'id="ticket-results"' in partial and "<html" not in partial


def test_inbox_rows_escape_what_customers_type_and_say_what_is_due(staff_client, admin):
    customer = make_customer(name="Rahim <b>Uddin</b>")
    hostile = raise_ticket(customer, subject="<script>alert(1)</script>", assignee=admin)
    late = raise_ticket(customer, subject="Late one", now=dhaka(2026, 1, 4, 9, 0))
    page = staff_client.get(reverse("staff:ticket-list"), HTTP_HX_REQUEST="true").content.decode()
    assert "<script>alert(1)</script>" not in page and "&lt;script&gt;alert(1)&lt;/script&gt;" in page
    assert "Rahim &lt;b&gt;Uddin&lt;/b&gt;" in page
    assert f'<a href="{reverse("staff:ticket-detail", args=[hostile.pk])}"><strong>{hostile.number}</strong></a>' in page
    row = page.split(f'id="ticket-{hostile.pk}"')[1].split("</tr>")[0]
    assert admin.username in row and "reply by" in row and "SLA breached" not in row
    late_row = page.split(f'id="ticket-{late.pk}"')[0].rsplit("<tr", 1)[1] + page.split(f'id="ticket-{late.pk}"')[1].split("</tr>")[0]
    assert 'class="ticket-breached"' in late_row and "SLA breached" in late_row
    assert f'name="tickets" value="{late.pk}"' in late_row


def test_inbox_filters_by_area_and_branch_and_offers_only_areas_in_scope(client):
    branch_a, branch_b = BranchFactory(code="FA", name="Alpha"), BranchFactory(code="FB", name="Beta")
    mirpur, uttara = AreaFactory(branch=branch_a, name="Mirpur"), AreaFactory(branch=branch_a, name="Uttara")
    banani = AreaFactory(branch=branch_b, name="Banani")
    in_mirpur = raise_ticket(make_customer(area=mirpur))
    in_uttara = raise_ticket(make_customer(area=uttara))
    in_banani = raise_ticket(make_customer(area=banani))
    client.force_login(UserFactory(roles=["Support"], branch_scope=[branch_a]))
    url = reverse("staff:ticket-list")

    def numbers(**params):
        page = client.get(url, params).content.decode()
        return {t.number for t in (in_mirpur, in_uttara, in_banani) if t.number in page}

    assert numbers(area=mirpur.pk) == {in_mirpur.number}
    assert numbers(branch=branch_a.pk) == {in_mirpur.number, in_uttara.number}
    page = client.get(url).content.decode()
    assert f'<optgroup label="Alpha"><option value="{mirpur.pk}">Mirpur</option><option value="{uttara.pk}">Uttara</option></optgroup>' in page
    assert "Banani" not in page
    # An area outside one's branches is not a choice: the filter is dropped, the scope still holds.
    assert numbers(area=banani.pk) == {in_mirpur.number, in_uttara.number}


def test_an_empty_inbox_says_so(staff_client):
    page = staff_client.get(reverse("staff:ticket-list"), HTTP_HX_REQUEST="true").content.decode()
    assert "No tickets match." in page


def test_inbox_pages_by_keyset(staff_client, settings):
    customer = make_customer()
    tickets = [raise_ticket(customer, subject=f"T{n}") for n in range(30)]
    first = staff_client.get(reverse("staff:ticket-list")).content.decode()
    assert tickets[-1].number in first and tickets[0].number not in first
    second = staff_client.get(reverse("staff:ticket-list"), {"after": tickets[5].pk}).content.decode()
    assert tickets[0].number in second and tickets[5].number not in second


def test_branch_limited_staff_see_only_their_branch(client):
    branch_a, branch_b = BranchFactory(code="TA"), BranchFactory(code="TB")
    ours = raise_ticket(make_customer(area=AreaFactory(branch=branch_a)), subject="Ours")
    theirs = raise_ticket(make_customer(area=AreaFactory(branch=branch_b)), subject="Theirs")
    client.force_login(UserFactory(roles=["Support"], branch_scope=[branch_a]))
    page = client.get(reverse("staff:ticket-list")).content.decode()
    assert ours.number in page and theirs.number not in page
    assert client.get(reverse("staff:ticket-detail", args=[theirs.pk])).status_code == 404
    assert client.post(reverse("staff:ticket-reply", args=[theirs.pk]), {"body": "x"}).status_code == 404
    assert not TicketComment.objects.exists()


def test_staff_raise_reply_and_resolve_from_the_console(staff_client, admin):
    customer = make_customer(email="c@example.net")
    response = staff_client.post(reverse("staff:ticket-create-for-customer", args=[customer.pk]), {
        "category": "billing_dispute", "subject": "Charged twice", "description": "Called about March",
        "source": "call", "priority": "", "assignee": admin.pk,
    })
    ticket = Ticket.objects.get()
    assert response.url == reverse("staff:ticket-detail", args=[ticket.pk])
    assert (ticket.source, ticket.assignee, ticket.created_by) == ("call", admin, admin)
    staff_client.post(reverse("staff:ticket-reply", args=[ticket.pk]), {"body": "Refund issued"})
    staff_client.post(reverse("staff:ticket-status", args=[ticket.pk]), {"status": "resolved", "reason": "Refunded"})
    ticket.refresh_from_db()
    assert ticket.status == "resolved" and ticket.first_response_at is not None
    page = staff_client.get(reverse("staff:ticket-detail", args=[ticket.pk])).content.decode()
    assert "Refund issued" in page and "Status changed" in page and "Resolved" in page
    tab = staff_client.get(reverse("staff:customer-detail", args=[customer.pk]), {"tab": "tickets"}).content.decode()
    assert ticket.number in tab


def test_bulk_assign_from_the_inbox(staff_client, admin):
    customer = make_customer()
    first, second, untouched = raise_ticket(customer), raise_ticket(customer), raise_ticket(customer)
    staff_client.post(reverse("staff:ticket-bulk-assign"), {"tickets": [first.pk, second.pk], "assignee": admin.pk})
    assert set(Ticket.objects.filter(assignee=admin).values_list("pk", flat=True)) == {first.pk, second.pk}
    untouched.refresh_from_db()
    assert untouched.assignee is None


def test_support_role_handles_tickets_but_not_sla_policies(client):
    ticket = raise_ticket(make_customer())
    client.force_login(UserFactory(roles=["Support"]))
    assert client.get(reverse("staff:ticket-detail", args=[ticket.pk])).status_code == 200
    assert client.post(reverse("staff:slapolicy-edit", args=[SlaPolicy.objects.first().pk]), {}).status_code == 403
    assert client.get(reverse("staff:survey-analytics")).status_code == 403


def test_sla_target_of_zero_in_settings_shows_a_message_and_changes_nothing(staff_client):
    policy = SlaPolicy.objects.get(priority="high", category="")
    before = AuditLog.objects.count()
    response = staff_client.post(reverse("staff:slapolicy-edit", args=[policy.pk]), {
        "priority": "high", "category": "", "response_minutes": 0, "resolution_minutes": 480,
    })
    assert response.status_code == 400 and "at least one minute" in response.content.decode()
    policy.refresh_from_db()
    assert policy.response_minutes == 60 and AuditLog.objects.count() == before


def test_business_hours_and_holidays_are_editable(staff_client, business_hours):
    staff_client.post(reverse("staff:slapolicy-hours"), {
        "workday_start": "08:00", "workday_end": "20:00", "working_days": [0, 1, 2, 3, 4, 5],
        "reopen_days": 3, "warn_before_minutes": 30,
    })
    business_hours.refresh_from_db()
    assert business_hours.working_days == [0, 1, 2, 3, 4, 5] and business_hours.reopen_days == 3
    staff_client.post(reverse("staff:slapolicy-holiday-add"), {"date": "2026-12-16", "name": "Victory Day"})
    assert "Victory Day" in staff_client.get(reverse("staff:slapolicy-list")).content.decode()


def test_survey_analytics_and_sla_report(staff_client, admin):
    customer = make_customer()
    for rating, category in ((5, "slow_speed"), (3, "no_connection")):
        ticket = raise_ticket(customer, category=category, assignee=admin)
        services.ticket_change_status(actor=admin, ticket=ticket, status="resolved")
        services.survey_submit(customer=customer, ticket=ticket, rating=rating, comment=f"Rated {rating}")
    page = staff_client.get(reverse("staff:survey-analytics")).content.decode()
    assert "4.00" in page and "Rated 3" in page and admin.username in page

    dashboard = staff_client.get(reverse("staff:sla-dashboard")).content.decode()
    assert 'id="sla-compliance"' in dashboard
    pdf = staff_client.get(reverse("staff:sla-report"))
    assert pdf["Content-Type"] == "application/pdf"
    text = PdfReader(io.BytesIO(pdf.content)).pages[0].extract_text()
    assert "SLA compliance report" in text and "Urgent" in text


def test_my_tickets_prompt_names_the_ticket_to_rate_and_the_customer_reads_the_resolution_note(views_portal, owner, admin):
    ticket = raise_ticket(owner, subject="No internet since morning")
    services.ticket_change_status(actor=admin, ticket=ticket, status="resolved", reason="Replaced the ONU power adapter.")
    listing = views_portal.get(reverse("portal:ticket-list")).content.decode()
    prompt = listing.split('id="survey-prompt"')[1].split("</article>")[0]
    assert f"{ticket.number} No internet since morning" in prompt  # the prompt's link was empty
    page = views_portal.get(reverse("portal:ticket-detail", args=[ticket.pk])).content.decode()
    resolution = page.split('id="resolution"')[1].split("</article>")[0]
    assert "Replaced the ONU power adapter." in resolution


def test_a_resolution_without_a_note_shows_no_empty_box(views_portal, owner, admin):
    ticket = raise_ticket(owner)
    services.ticket_change_status(actor=admin, ticket=ticket, status="resolved")
    assert 'id="resolution"' not in views_portal.get(reverse("portal:ticket-detail", args=[ticket.pk])).content.decode()


def test_the_sla_report_is_in_bangla_for_staff_working_in_bangla(staff_client, admin):
    admin.language = "bn"
    admin.save(update_fields=["language"])
    staff_client.force_login(admin)
    pdf = staff_client.get(reverse("staff:sla-report"))
    html = [t for t in pdf.templates if t.name == "tickets/sla_report_pdf.html"]
    assert pdf["Content-Type"] == "application/pdf" and html
    reader = PdfReader(io.BytesIO(pdf.content))
    text = unicodedata.normalize("NFC", reader.pages[0].extract_text())
    title = unicodedata.normalize("NFC", reader.metadata.title)  # the document's <title>
    assert unicodedata.normalize("NFC", "SLA সম্মতি রিপোর্ট") in text and "compliance" not in text
    assert title.startswith(unicodedata.normalize("NFC", "SLA সম্মতি রিপোর্ট"))
