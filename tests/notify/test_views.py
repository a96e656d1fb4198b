import json
from datetime import timedelta
from decimal import Decimal

import pytest
from django.contrib.auth.models import Permission
from django.urls import reverse
from django.utils import timezone

from ispbill.core.models import AuditLog
from ispbill.notify import message_templates, services
from ispbill.notify.events import Event
from ispbill.notify.models import Message, MessageTemplate
from tests.factories import AreaFactory, BranchFactory, UserFactory, admin_user, make_customer

pytestmark = pytest.mark.django_db

CONTEXT = {"login": "rahim1", "package_name": "Home 20", "non_payment": True, "amount_due": Decimal("1150")}


def staff_with(client, *codenames, **kwargs):
    user = UserFactory(**kwargs)
    user.user_permissions.add(*Permission.objects.filter(content_type__app_label="notify", codename__in=codenames))
    client.force_login(user)
    return client


def sms_template(event=Event.OVERDUE, language="en") -> MessageTemplate:
    return MessageTemplate.objects.get(event=event, channel="sms", language=language)


def failed_message(customer=None) -> Message:
    (message,) = services.notify_customer(event=Event.SUSPENDED, customer=customer or make_customer(), context=CONTEXT)
    Message.objects.filter(pk=message.pk).update(status="failed", attempts=5, last_error="SMS gateway answered HTTP 400: bad number")
    message.refresh_from_db()
    return message


# Templates ----------------------------------------------------------------------------------------------

def test_template_grid_lists_every_event_channel_and_language(staff_client):
    page = staff_client.get(reverse("staff:messagetemplate-list")).content.decode()
    for label in ("Invoice issued", "Payment received", "Due reminder", "Invoice overdue", "Connection suspended",
                  "Connection reactivated", "Package change decided"):
        assert label in page
    for template in MessageTemplate.objects.all():
        assert reverse("staff:messagetemplate-edit", args=[template.pk]) in page
    assert "Message templates" in page and "Message log" in page  # in the navigation


def test_template_grid_marks_edited_and_switched_off_templates(staff_client):
    message_templates.message_template_update(actor=None, template=sms_template(), body="Pay {{ amount_due }}.")
    message_templates.message_template_update(actor=None, template=sms_template(Event.DUE_REMINDER), active=False)
    page = staff_client.get(reverse("staff:messagetemplate-list")).content.decode()
    assert page.count(">Edited<") == 1 and page.count(">Off<") == 1


def test_editor_shows_the_variables_of_the_event_and_a_preview(staff_client):
    template = sms_template(Event.DUE_REMINDER)
    page = staff_client.get(reverse("staff:messagetemplate-edit", args=[template.pk])).content.decode()
    for variable in ("{{ invoice_number }}", "{{ days_left }}", "{{ customer_name }}", "{{ portal_url }}"):
        assert f'data-insert-variable="{variable}"' in page
    assert "Dear Rahim Uddin, reminder: Tk 1,150.00 for invoice INV-2026-00123 is due on 7 March 2026 (3 days left)." in page
    assert "characters · 1 SMS (GSM-7)" in page


def test_saving_a_template_changes_it_and_records_who(staff_client, admin):
    template = sms_template()
    response = staff_client.post(
        reverse("staff:messagetemplate-edit", args=[template.pk]),
        {"body": "{{ customer_name }}, please pay {{ amount_due }} today.", "active": "on"},
    )
    assert response.status_code == 302 and response.url == reverse("staff:messagetemplate-list")
    template.refresh_from_db()
    assert (template.body, template.updated_by) == ("{{ customer_name }}, please pay {{ amount_due }} today.", admin)
    assert AuditLog.objects.filter(action="message_template.update", object_id=str(template.pk), actor=admin).exists()


@pytest.mark.parametrize("body, error", [
    ("Pay {{ amount_due }", "Unfinished tag near"),
    ("{% if amount_due %}Pay now", "Template syntax error"),
    ("Pay {{ balance }} now", "Unknown variable {{ balance }}."),
    ('{% include "base.html" %}', "is not allowed"),
    ("", "Write the message."),
])
def test_a_broken_template_is_a_form_error_and_nothing_is_saved(staff_client, body, error):
    template = sms_template()
    before = (template.body, template.updated_at)
    response = staff_client.post(reverse("staff:messagetemplate-edit", args=[template.pk]), {"body": body, "active": "on"})
    assert response.status_code == 200
    page = response.content.decode()
    assert error in page and 'aria-invalid="true"' in page
    template.refresh_from_db()
    assert (template.body, template.updated_at) == before
    assert not AuditLog.objects.filter(action="message_template.update").exists()


def test_live_preview_renders_the_typed_text_with_sample_data_and_saves_nothing(staff_client):
    template = MessageTemplate.objects.get(event=Event.INVOICE_ISSUED, channel="email", language="bn")
    before = template.body
    response = staff_client.post(
        reverse("staff:messagetemplate-edit", args=[template.pk]),
        {"preview": "1", "subject": "বিল {{ invoice_number }}", "body": "প্রিয় {{ customer_name }}, {{ amount|upper }}"},
        HTTP_HX_REQUEST="true",
    )
    page = response.content.decode()
    assert page.lstrip().startswith('<section id="template-preview"')  # only the preview region
    assert "বিল INV-2026-00123" in page and "প্রিয় রহিম উদ্দিন, ৳1,150.00" in page
    template.refresh_from_db()
    assert template.body == before


def test_live_preview_lists_the_problems_instead(staff_client):
    template = sms_template()
    response = staff_client.post(
        reverse("staff:messagetemplate-edit", args=[template.pk]), {"preview": "1", "body": "{{ nope }} {% for %}"},
        HTTP_HX_REQUEST="true",
    )
    assert "This text cannot be sent yet" in response.content.decode()


def test_preview_without_javascript_returns_the_whole_editor(staff_client):
    template = sms_template()
    response = staff_client.post(
        reverse("staff:messagetemplate-edit", args=[template.pk]), {"preview": "1", "body": "Hello {{ customer_name }}"},
    )
    page = response.content.decode()
    assert '<form id="template-form"' in page and "Hello Rahim Uddin" in page


def test_restore_shipped_wording(staff_client):
    template = sms_template()
    shipped = template.body
    message_templates.message_template_update(actor=None, template=template, body="{{ customer_name }}")
    response = staff_client.post(reverse("staff:messagetemplate-reset", args=[template.pk]))
    assert response.status_code == 302
    template.refresh_from_db()
    assert template.body == shipped


def test_template_screens_need_their_permissions_and_change_nothing_without(client):
    template = sms_template()
    before = (template.body, template.active)
    edit_url = reverse("staff:messagetemplate-edit", args=[template.pk])
    staff_with(client)  # a staff member without notify permissions
    assert client.get(reverse("staff:messagetemplate-list")).status_code == 403
    assert client.post(edit_url, {"body": "x {{ customer_name }}"}).status_code == 403
    assert client.post(reverse("staff:messagetemplate-reset", args=[template.pk])).status_code == 403
    staff_with(client, "view_messagetemplate")  # may look, not change
    assert client.get(reverse("staff:messagetemplate-list")).status_code == 200
    assert edit_url not in client.get(reverse("staff:messagetemplate-list")).content.decode()
    assert client.post(edit_url, {"body": "x {{ customer_name }}"}).status_code == 403
    template.refresh_from_db()
    assert (template.body, template.active) == before


# Message log --------------------------------------------------------------------------------------------

def test_message_log_lists_messages_with_status_counts(staff_client):
    sent = services.notify_customer(event=Event.SUSPENDED, customer=make_customer(), context=CONTEXT)[0]
    failed = failed_message()
    page = staff_client.get(reverse("staff:message-list")).content.decode()
    assert f'id="message-{sent.pk}"' in page and f'id="message-{failed.pk}"' in page
    assert "Queued: 1" in page and "Failed: 1" in page
    assert "SMS gateway answered HTTP 400: bad number" in page
    assert page.count(">Retry<") == 1  # only the failed one
    assert "5 tries" in page


def test_message_log_filters(staff_client):
    rina = make_customer(name="Rina Begum", email="rina@example.com")
    karim = make_customer(name="Karim Mia")
    services.notify_customer(event=Event.SUSPENDED, customer=rina, context=CONTEXT)
    services.notify_customer(event=Event.REACTIVATED, customer=karim, context={"login": "k"})
    old = failed_message(karim)
    Message.objects.filter(pk=old.pk).update(created_at=timezone.now() - timedelta(days=10))
    url = reverse("staff:message-list")

    def ids(**params):
        page = staff_client.get(url, params, HTTP_HX_REQUEST="true").content.decode()
        return {m.pk for m in Message.objects.all() if f'id="message-{m.pk}"' in page}

    assert ids(status="failed") == {old.pk}
    assert ids(channel="email") == set(Message.objects.filter(channel="email").values_list("pk", flat=True))
    assert ids(event=Event.REACTIVATED) == set(Message.objects.filter(event=Event.REACTIVATED).values_list("pk", flat=True))
    assert ids(q=rina.account_number) == set(Message.objects.filter(customer=rina).values_list("pk", flat=True))
    assert ids(q="Karim") == set(Message.objects.filter(customer=karim).values_list("pk", flat=True))
    assert ids(q=karim.phone[-6:]) == set(Message.objects.filter(to=karim.phone).values_list("pk", flat=True))
    ten_days_ago = (timezone.localdate() - timedelta(days=10)).isoformat()
    assert ids(date_from=ten_days_ago, date_to=ten_days_ago) == {old.pk}
    assert old.pk not in ids(date_from=timezone.localdate().isoformat())
    assert ids(customer=karim.pk) == set(Message.objects.filter(customer=karim).values_list("pk", flat=True))


def test_message_log_is_limited_to_the_staff_members_branches(client):
    home, other = BranchFactory(), BranchFactory()
    mine = failed_message(make_customer(area=AreaFactory(branch=home)))
    theirs = failed_message(make_customer(area=AreaFactory(branch=other)))
    client.force_login(admin_user(branch_scope=[home]))
    page = client.get(reverse("staff:message-list")).content.decode()
    assert f'id="message-{mine.pk}"' in page and f'id="message-{theirs.pk}"' not in page
    assert client.get(reverse("staff:message-detail", args=[theirs.pk])).status_code == 404
    assert client.post(reverse("staff:message-retry", args=[theirs.pk])).status_code == 404
    theirs.refresh_from_db()
    assert theirs.status == "failed"


def test_message_detail_shows_the_text_and_the_error(staff_client):
    message = failed_message()
    page = staff_client.get(reverse("staff:message-detail", args=[message.pk])).content.decode()
    assert message.body in page and "bad number" in page and "Retry now" in page


def test_retry_button_queues_the_message_again_and_refreshes_the_list(staff_client):
    message = failed_message()
    response = staff_client.post(reverse("staff:message-retry", args=[message.pk]), HTTP_HX_REQUEST="true")
    assert response.status_code == 204
    events = json.loads(response.headers["HX-Trigger"])
    assert "messagesChanged" in events  # the list reloads; the note comes with the answer, not on a later page
    assert events["messages"]["items"][0]["text"].endswith("is queued again.")
    message.refresh_from_db()
    assert message.status == "queued"


def test_retry_without_javascript_returns_to_the_list(staff_client):
    message = failed_message()
    back = reverse("staff:message-list") + "?status=failed"
    response = staff_client.post(reverse("staff:message-retry", args=[message.pk]), {"next": back})
    assert (response.status_code, response.url) == (302, back)
    response = staff_client.post(reverse("staff:message-retry", args=[message.pk]), {"next": "https://evil.example/"})
    assert response.url == reverse("staff:message-detail", args=[message.pk])


def test_retrying_a_message_that_is_not_failed_says_why_and_changes_nothing(staff_client):
    (message,) = services.notify_customer(event=Event.SUSPENDED, customer=make_customer(), context=CONTEXT)
    response = staff_client.post(reverse("staff:message-retry", args=[message.pk]), follow=True)
    assert "Only a failed message can be retried; this one is queued." in response.content.decode()
    assert not AuditLog.objects.filter(action="message.retry").exists()


def test_log_and_retry_need_their_permissions_and_change_nothing_without(client):
    message = failed_message()
    staff_with(client)
    assert client.get(reverse("staff:message-list")).status_code == 403
    assert client.get(reverse("staff:message-detail", args=[message.pk])).status_code == 403
    staff_with(client, "view_message")  # may read the log, not retry
    assert client.get(reverse("staff:message-list")).status_code == 200
    assert ">Retry<" not in client.get(reverse("staff:message-list")).content.decode()
    assert client.post(reverse("staff:message-retry", args=[message.pk])).status_code == 403
    message.refresh_from_db()
    assert (message.status, message.attempts) == ("failed", 5)
    assert not AuditLog.objects.filter(action="message.retry").exists()


def test_admin_back_office_validates_templates_the_same_way(client):
    client.force_login(UserFactory(is_superuser=True, is_staff=True))
    template = sms_template()
    before = template.body
    url = reverse("admin:notify_messagetemplate_change", args=[template.pk])
    assert client.get(url).status_code == 200
    response = client.post(url, {"subject": "", "body": "Pay {{ balance }}", "active": "on",
                                 "whatsapp_template_name": "", "whatsapp_template_params": ""})
    assert response.status_code == 200 and "Unknown variable {{ balance }}." in response.content.decode()
    template.refresh_from_db()
    assert template.body == before
