"""One phone style, dates typed day first, people by full name (issue 22 item 7)."""

from datetime import date, datetime

import pytest
from django import forms
from django.template import Context, Template
from django.urls import reverse

from ispbill.core.forms import LocaleDateField, LocaleDateTimeField
from ispbill.core.phone import phone_search_digits
from tests.factories import UserFactory, make_customer


def render(text: str, **context) -> str:
    return Template("{% load phones %}" + text).render(Context(context))


@pytest.mark.parametrize(("stored", "shown"), [
    ("+8801712345678", "01712-345678"),  # a customer's phone, stored E.164
    ("01712345678", "01712-345678"),  # typed in settings or a reseller's record
    ("+88 01712 345678", "01712-345678"),
    ("+14155552671", "+1 415-555-2671"),  # abroad: international
    ("call the office", "call the office"),  # not a number: as typed
    ("", ""),
])
def test_every_phone_shows_in_one_style(stored, shown):
    assert render("{{ value|phone }}", value=stored) == shown


@pytest.mark.parametrize(("typed", "looked_for"), [
    ("01712-34", "171234"),        # the national trunk 0 is not in E.164
    ("+880 1712 345678", "1712345678"),
    ("000017", "00017"),           # a number's tail keeps its zeros: "17" would match every Grameenphone
    ("0", None), ("Karim", None),
])
def test_a_phone_search_looks_for_the_digits_a_stored_number_holds(typed, looked_for):
    assert phone_search_digits(typed) == looked_for


def test_dates_are_typed_day_first_and_read_in_bangla_digits_too():
    field = LocaleDateField()
    assert field.clean("20/11/2026") == date(2026, 11, 20)
    assert field.clean("২০/১১/২০২৬") == date(2026, 11, 20)
    assert field.clean("2026-11-20") == date(2026, 11, 20)  # links and bookmarks in ISO still work
    with pytest.raises(forms.ValidationError, match="dd/mm/yyyy"):
        field.clean("11/20/2026")  # month first is not read as a date
    html = field.widget.render("day", date(2026, 3, 5))
    assert 'type="text"' in html and 'value="05/03/2026"' in html and 'placeholder="dd/mm/yyyy"' in html


def test_date_and_time_are_typed_day_first():
    field = LocaleDateTimeField()
    moment = field.clean("05/03/2026 16:30")
    assert (moment.day, moment.month, moment.hour, moment.minute) == (5, 3, 16, 30)
    assert 'value="05/03/2026 16:30"' in field.widget.render("at", datetime(2026, 3, 5, 16, 30))


@pytest.mark.django_db
def test_pages_show_the_phone_in_one_style(staff_client):
    from tickets import services as ticket_services

    customer = make_customer(phone="01712345678")
    ticket = ticket_services.ticket_create(actor=None, customer=customer, category="no_connection", subject="Down", description="x")
    page = staff_client.get(reverse("staff:ticket-detail", args=[ticket.pk])).content.decode()
    assert "01712-345678" in page and "+8801712345678</small>" not in page
    due = staff_client.get(reverse("staff:customer-detail", args=[customer.pk])).content.decode()
    assert ">01712-345678</a>" in due


@pytest.mark.django_db
def test_the_ticket_list_names_the_assignee_by_full_name(staff_client):
    from tickets import services as ticket_services

    agent = UserFactory(username="rina.s", first_name="Rina", last_name="Sultana", roles=["Support"])
    ticket = ticket_services.ticket_create(
        actor=None, customer=make_customer(), category="no_connection", subject="Down", description="x", assignee=agent,
    )
    row = staff_client.get(reverse("staff:ticket-list")).content.decode().split(f'id="ticket-{ticket.pk}"')[1].split("</tr>")[0]
    assert "Rina Sultana" in row and "rina.s" not in row
