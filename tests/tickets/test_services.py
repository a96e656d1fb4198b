from datetime import timedelta

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from ispbill.core.models import AuditLog
from ispbill.notify.events import Event
from ispbill.notify.models import Message
from tests.factories import UserFactory, make_customer
from tickets import services, sla_policies
from tickets.models import Holiday, SlaPolicy, Survey, Ticket, TicketComment

from .conftest import dhaka, png, raise_ticket

pytestmark = pytest.mark.django_db


@pytest.fixture
def agent():
    return UserFactory(roles=["Support"], email="agent@example.net", phone="+8801711000101")


@pytest.fixture
def services_customer():
    return make_customer(email="karim@example.net", portal_password="portal-pass-1")


def test_ticket_gets_a_number_deadlines_in_business_time_and_an_audit_entry(services_customer):
    # Thursday 17:00: normal priority answers in 4 business hours — 1 h Thursday, Friday off, 3 h Saturday.
    ticket = raise_ticket(services_customer, now=dhaka(2026, 3, 5, 17, 0))
    assert ticket.number == "TKT-2026-00001"
    assert (ticket.branch, ticket.area) == (services_customer.branch, services_customer.area)
    assert ticket.first_response_due == dhaka(2026, 3, 7, 12, 0)
    assert ticket.resolution_due == dhaka(2026, 3, 8, 17, 0)  # 18 business hours
    assert AuditLog.objects.filter(action="ticket.create", object_id=str(ticket.pk)).exists()
    assert raise_ticket(services_customer, now=dhaka(2026, 3, 5, 17, 5)).number == "TKT-2026-00002"


def test_category_policy_wins_and_holidays_move_the_deadline(services_customer):
    SlaPolicy.objects.create(priority="high", category="no_connection", response_minutes=30, resolution_minutes=120)
    Holiday.objects.create(date=dhaka(2026, 3, 26).date(), name="Independence Day")
    ticket = raise_ticket(services_customer, category="no_connection", now=dhaka(2026, 3, 25, 17, 45))
    assert ticket.priority == "high"  # no connection is high by default
    assert ticket.first_response_due == dhaka(2026, 3, 28, 9, 15)  # 15 min Wednesday, holiday, Friday, 15 min Saturday


def test_waiting_on_the_customer_pauses_the_clocks(services_customer, agent):
    ticket = raise_ticket(services_customer, now=dhaka(2026, 3, 2, 9, 0))  # Monday
    services.ticket_reply(actor=agent, ticket=ticket, body="Please restart your router.", now=dhaka(2026, 3, 2, 10, 0))
    ticket = services.ticket_change_status(actor=agent, ticket=ticket, status="waiting", now=dhaka(2026, 3, 2, 10, 0))
    assert ticket.resolution_due is None and ticket.paused_since == dhaka(2026, 3, 2, 10, 0)
    assert sla_policies.sla_check(now=dhaka(2026, 3, 20, 10, 0))["breaches"] == 0  # nothing breaches while paused

    # The customer answers the next day at 12:00: 8 h Monday + 3 h Tuesday = 11 business hours paused.
    services.ticket_customer_reply(customer=services_customer, ticket=ticket, body="Done, still slow.", now=dhaka(2026, 3, 3, 12, 0))
    ticket.refresh_from_db()
    assert ticket.status == "in_progress" and ticket.paused_since is None
    assert ticket.paused_minutes == 11 * 60
    # 18 h target + 11 h paused = 29 business hours from Monday 09:00 → Thursday 11:00.
    assert ticket.resolution_due == dhaka(2026, 3, 5, 11, 0)


def test_a_late_first_reply_is_recorded_as_a_breach(services_customer, agent):
    ticket = raise_ticket(services_customer, now=dhaka(2026, 3, 2, 9, 0))
    services.ticket_reply(actor=agent, ticket=ticket, body="Sorry for the wait.", now=dhaka(2026, 3, 2, 14, 0))
    ticket.refresh_from_db()
    assert ticket.first_response_at == dhaka(2026, 3, 2, 14, 0)
    assert ticket.response_breached_at == dhaka(2026, 3, 2, 13, 0) and ticket.breached


def test_internal_notes_are_not_a_response_and_not_sent_to_the_customer(services_customer, agent):
    ticket = raise_ticket(services_customer, now=dhaka(2026, 3, 2, 9, 0))
    services.ticket_reply(actor=agent, ticket=ticket, body="Check the ONU.", internal=True, now=dhaka(2026, 3, 2, 9, 30))
    ticket.refresh_from_db()
    assert ticket.first_response_at is None
    assert not Message.objects.filter(event=Event.TICKET_REPLIED).exists()
    services.ticket_reply(actor=agent, ticket=ticket, body="We are checking.", now=dhaka(2026, 3, 2, 9, 40))
    assert Message.objects.filter(event=Event.TICKET_REPLIED, customer=services_customer).count() == 2  # sms + email


def test_status_changes_follow_the_transition_table(services_customer, agent):
    ticket = raise_ticket(services_customer)
    services.ticket_change_status(actor=agent, ticket=ticket, status="resolved")
    with pytest.raises(ValidationError, match="cannot become in progress"):
        services.ticket_change_status(actor=agent, ticket=ticket, status="in_progress")
    ticket.refresh_from_db()
    assert ticket.status == "resolved"


def test_breach_job_records_breaches_once_and_warns_assignee_and_manager_once(services_customer, agent):
    manager = UserFactory(roles=["Manager"], email="boss@example.net", phone="")
    UserFactory(roles=["Manager"], email="other-branch@example.net", branch_scope=[])  # sees no branch: not told
    ticket = raise_ticket(services_customer, now=dhaka(2026, 3, 2, 9, 0), assignee=agent)  # response due 13:00

    result = sla_policies.sla_check(now=dhaka(2026, 3, 2, 12, 30))
    warnings = Message.objects.filter(event=Event.TICKET_SLA_WARNING)
    assert result == {"breaches": 0, "warnings": 3}
    assert sorted(warnings.values_list("to", flat=True)) == sorted(["agent@example.net", "+8801711000101", "boss@example.net"])
    assert "first response" in warnings.get(to="boss@example.net").subject
    assert sla_policies.sla_check(now=dhaka(2026, 3, 2, 12, 40)) == {"breaches": 0, "warnings": 0}

    assert sla_policies.sla_check(now=dhaka(2026, 3, 2, 13, 1))["breaches"] == 1
    ticket.refresh_from_db()
    assert ticket.breached and ticket.response_breached_at == dhaka(2026, 3, 2, 13, 0)
    assert sla_policies.sla_check(now=dhaka(2026, 3, 2, 13, 2))["breaches"] == 0
    assert AuditLog.objects.filter(action="ticket.breach", object_id=str(ticket.pk)).count() == 1
    assert manager.pk


def test_survey_is_asked_once_per_ticket_on_resolution(services_customer, agent):
    ticket = raise_ticket(services_customer, assignee=agent)
    services.ticket_change_status(actor=agent, ticket=ticket, status="in_progress")
    assert not Survey.objects.exists()
    services.ticket_change_status(actor=agent, ticket=ticket, status="resolved")
    survey = Survey.objects.get(ticket=ticket)
    assert survey.agent == agent
    resolved_messages = Message.objects.filter(event=Event.TICKET_RESOLVED)
    assert resolved_messages.count() == 2 and f"/portal/tickets/{ticket.pk}/" in resolved_messages.first().body

    services.ticket_reopen(customer=services_customer, ticket=ticket, reason="Slow again.")
    services.ticket_change_status(actor=agent, ticket=ticket, status="resolved")
    assert Survey.objects.count() == 1 and resolved_messages.count() == 2


def test_survey_refused_before_resolution_after_an_answer_and_out_of_range(services_customer, agent):
    ticket = raise_ticket(services_customer)
    with pytest.raises(ValidationError, match="once it is resolved"):
        services.survey_submit(customer=services_customer, ticket=ticket, rating=5)
    services.ticket_change_status(actor=agent, ticket=ticket, status="resolved")
    with pytest.raises(ValidationError, match="one to five"):
        services.survey_submit(customer=services_customer, ticket=ticket, rating=6)
    services.survey_submit(customer=services_customer, ticket=ticket, rating=4, comment="Quick fix")
    with pytest.raises(ValidationError, match="already rated"):
        services.survey_submit(customer=services_customer, ticket=ticket, rating=1)
    survey = Survey.objects.get()
    assert (survey.rating, survey.comment) == (4, "Quick fix")


def test_someone_elses_ticket_cannot_be_replied_to_reopened_or_rated(services_customer, agent):
    ticket = raise_ticket(services_customer)
    intruder = make_customer(portal_password="portal-pass-2")
    for call in (
        lambda: services.ticket_customer_reply(customer=intruder, ticket=ticket, body="hi"),
        lambda: services.ticket_reopen(customer=intruder, ticket=ticket, reason="again"),
        lambda: services.survey_submit(customer=intruder, ticket=ticket, rating=1),
    ):
        with pytest.raises(PermissionDenied):
            call()
    assert not TicketComment.objects.exists()


def test_reopen_only_within_the_window(services_customer, agent, business_hours):
    ticket = raise_ticket(services_customer, now=dhaka(2026, 3, 1, 10, 0))
    services.ticket_change_status(actor=agent, ticket=ticket, status="resolved", now=dhaka(2026, 3, 2, 10, 0))
    with pytest.raises(ValidationError, match="no longer be reopened"):
        services.ticket_reopen(customer=services_customer, ticket=ticket, reason="Again", now=dhaka(2026, 3, 2, 10, 0) + timedelta(days=8))
    ticket.refresh_from_db()
    assert ticket.status == "resolved"
    services.ticket_reopen(customer=services_customer, ticket=ticket, reason="Again", now=dhaka(2026, 3, 4, 10, 0))
    ticket.refresh_from_db()
    assert ticket.status == "reopened" and ticket.resolved_at is None


@pytest.mark.parametrize("upload,message", [
    (lambda: png(size=5 * 1024 * 1024 + 1), "larger than 5 MB"),
    (lambda: png(name="setup.exe"), "photo"),
    (lambda: png(name="invoice.pdf"), "not the PDF"),
])
def test_oversized_or_disallowed_attachments_are_refused_and_nothing_is_saved(services_customer, settings, upload, message):
    with pytest.raises(ValidationError, match=message):
        raise_ticket(services_customer, attachment=upload())
    assert not Ticket.objects.exists()
    media = settings.MEDIA_ROOT / "tickets"
    assert not media.exists() or not any(media.iterdir())


def test_attachment_is_stored_under_an_unguessable_name(services_customer):
    ticket = raise_ticket(services_customer, attachment=png("my router.png"))
    assert ticket.attachment_name == "my router.png" and ticket.attachment_type == "image/png"
    assert "router" not in ticket.attachment.name and len(ticket.attachment.name) > 35


def test_an_sla_target_of_zero_is_refused_and_nothing_changes(agent):
    policy = SlaPolicy.objects.get(priority="urgent", category="")
    with pytest.raises(ValidationError, match="at least one minute"):
        sla_policies.sla_policy_save(actor=agent, policy=policy, priority="urgent", category="", response_minutes=0, resolution_minutes=240)
    policy.refresh_from_db()
    assert (policy.response_minutes, policy.resolution_minutes) == (30, 240)


def test_priority_change_retargets_running_deadlines(services_customer, agent):
    ticket = raise_ticket(services_customer, now=dhaka(2026, 3, 2, 9, 0))
    ticket = services.ticket_update(actor=agent, ticket=ticket, assignee=agent, priority="urgent")
    assert ticket.first_response_due == dhaka(2026, 3, 2, 9, 30)
    assert ticket.assignee == agent


def test_bulk_assign_touches_only_tickets_in_scope(services_customer, agent):
    from tickets.selectors import tickets_visible_to

    mine, other = raise_ticket(services_customer), raise_ticket(make_customer())
    limited = UserFactory(roles=["Support"], branch_scope=[services_customer.branch])
    changed = services.tickets_bulk_assign(
        actor=limited, tickets=tickets_visible_to(limited).filter(pk__in=[mine.pk, other.pk]), assignee=limited,
    )
    assert changed == 1
    mine.refresh_from_db(), other.refresh_from_db()
    assert mine.assignee == limited and other.assignee is None
