import time
from datetime import timedelta
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.db import connection, transaction
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from billing.services import LineSpec, invoice_create
from billing.tasks import send_due_reminders
from customers.models import Customer
from customers.services import customer_update
from ispbill.notify import message_templates, services
from ispbill.notify.events import EVENTS, Event
from ispbill.notify.models import Message, MessageTemplate, NotificationPreference
from tests.factories import AreaFactory, make_customer, make_subscription
from usecases.subscription_reactivate import subscription_reactivate
from usecases.subscription_suspend import subscription_suspend

pytestmark = pytest.mark.django_db

SUSPENDED_CONTEXT = {"login": "rahim1", "package_name": "Home 20", "non_payment": True, "amount_due": Decimal("1150")}


def invoice_for(customer, *, amount="1000.00", due_in_days=7):
    today = timezone.localdate()
    return invoice_create(
        actor=None, customer=customer, lines=[LineSpec(kind="one_time", description="Installation", amount=Decimal(amount))],
        issue_date=today, due_date=today + timedelta(days=due_in_days),
    )


def channels(queryset) -> list[str]:
    return sorted(queryset.values_list("channel", flat=True))


# Channels and preferences --------------------------------------------------------------------------

def test_default_channels_are_sms_and_email_when_the_customer_has_an_address():
    without_email, with_email = make_customer(), make_customer(email="rina@example.com")
    services.notify_customer(event=Event.SUSPENDED, customer=without_email, context=SUSPENDED_CONTEXT)
    services.notify_customer(event=Event.SUSPENDED, customer=with_email, context=SUSPENDED_CONTEXT)
    assert channels(Message.objects.filter(customer=without_email)) == ["sms"]
    assert channels(Message.objects.filter(customer=with_email)) == ["email", "sms"]
    email = Message.objects.get(customer=with_email, channel="email")
    assert (email.to, email.subject) == ("rina@example.com", "Your connection rahim1 is suspended")


def test_customer_who_opted_out_of_sms_for_an_event_gets_none_for_it():
    customer = make_customer(email="rina@example.com")
    services.notification_preference_set(actor=None, customer=customer, event=Event.SUSPENDED, channels={"email"})
    services.notify_customer(event=Event.SUSPENDED, customer=customer, context=SUSPENDED_CONTEXT)
    services.notify_customer(event=Event.REACTIVATED, customer=customer, context={"login": "rahim1"})
    assert channels(Message.objects.filter(customer=customer, event=Event.SUSPENDED)) == ["email"]
    # Other events keep the defaults.
    assert channels(Message.objects.filter(customer=customer, event=Event.REACTIVATED)) == ["email", "sms"]


def test_customer_who_turned_every_channel_off_gets_nothing():
    customer = make_customer()
    services.notification_preference_set(actor=None, customer=customer, event=Event.SUSPENDED, channels=set())
    assert services.notify_customer(event=Event.SUSPENDED, customer=customer, context=SUSPENDED_CONTEXT) == []
    assert not Message.objects.exists()


def test_whatsapp_chosen_by_the_customer_goes_to_their_phone():
    customer = make_customer()
    services.notification_preference_set(actor=None, customer=customer, event=Event.SUSPENDED, channels={"whatsapp", "sms"})
    services.notify_customer(event=Event.SUSPENDED, customer=customer, context=SUSPENDED_CONTEXT)
    assert sorted(Message.objects.values_list("channel", "to")) == [("sms", customer.phone), ("whatsapp", customer.phone)]


def test_preference_for_email_without_an_address_is_refused_and_nothing_saved():
    customer = make_customer()
    with pytest.raises(ValidationError) as caught:
        services.notification_preference_set(actor=None, customer=customer, event=Event.SUSPENDED, channels={"email"})
    assert caught.value.message_dict == {"channels": ["Add an e-mail address before choosing e-mail."]}
    assert not NotificationPreference.objects.exists()


def test_preference_with_an_unknown_channel_is_refused():
    with pytest.raises(ValidationError):
        services.notification_preference_set(actor=None, customer=make_customer(), event=Event.SUSPENDED, channels={"pigeon"})
    assert not NotificationPreference.objects.exists()


# Language --------------------------------------------------------------------------------------------

def test_bangla_customer_gets_the_bangla_template():
    customer = customer_update(actor=None, customer=make_customer(name="রহিম উদ্দিন"), language="bn")
    (message,) = services.notify_customer(event=Event.REACTIVATED, customer=customer, context={"login": "rahim1", "package_name": "Home 20"})
    assert message.language == "bn"
    assert message.body.startswith("প্রিয় রহিম উদ্দিন, আপনার সংযোগ rahim1 (Home 20) আবার চালু হয়েছে।")


def test_bangla_customer_gets_english_when_the_bangla_template_is_off():
    MessageTemplate.objects.filter(event=Event.REACTIVATED, channel="sms", language="bn").update(active=False)
    customer = customer_update(actor=None, customer=make_customer(), language="bn")
    (message,) = services.notify_customer(event=Event.REACTIVATED, customer=customer, context={"login": "rahim1", "package_name": "Home 20"})
    assert message.language == "en"
    assert message.body.startswith("Dear Rahim Uddin, your connection rahim1 (Home 20) is active again.")


def test_event_with_every_template_off_sends_nothing():
    MessageTemplate.objects.filter(event=Event.SUSPENDED).update(active=False)
    assert services.notify_customer(event=Event.SUSPENDED, customer=make_customer(), context=SUSPENDED_CONTEXT) == []


def test_unknown_event_is_a_programming_error():
    with pytest.raises(ValueError, match="unknown notification event"):
        services.notify_customer(event="invoice_isued", customer=make_customer(), context={})


# Idempotency -----------------------------------------------------------------------------------------

def test_same_event_for_the_same_object_is_queued_once_however_often_the_caller_runs():
    customer = make_customer(email="rina@example.com")
    invoice = invoice_for(customer)  # queues "invoice issued" once already
    for _ in range(3):
        assert services.notify_invoices(event=Event.INVOICE_ISSUED, invoices=[invoice]) == 0
    assert channels(Message.objects.filter(event=Event.INVOICE_ISSUED, object_id=str(invoice.pk))) == ["email", "sms"]


def test_the_same_event_about_another_object_is_queued_again():
    customer = make_customer()
    first, second = invoice_for(customer), invoice_for(customer)
    assert Message.objects.filter(event=Event.INVOICE_ISSUED).count() == 2
    assert {m.related for m in Message.objects.all()} == {first, second}


def test_a_message_about_nothing_in_particular_is_never_a_duplicate():
    customer = make_customer()
    services.notify_customer(event=Event.SUSPENDED, customer=customer, context=SUSPENDED_CONTEXT)
    services.notify_customer(event=Event.SUSPENDED, customer=customer, context=SUSPENDED_CONTEXT)
    assert Message.objects.count() == 2


# After commit only ------------------------------------------------------------------------------------

def test_messages_are_sent_only_after_the_callers_transaction_commits(django_capture_on_commit_callbacks, caplog):
    customer = make_customer()
    caplog.set_level("INFO", logger="ispbill.notify")
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        with transaction.atomic():
            (message,) = services.notify_customer(event=Event.SUSPENDED, customer=customer, context=SUSPENDED_CONTEXT)
            message.refresh_from_db()
            assert message.status == Message.Status.QUEUED and message.attempts == 0
        assert "notify sms" not in caplog.text  # committed, but the workers have not been handed it yet
    assert len(callbacks) == 1
    message.refresh_from_db()
    assert (message.status, message.attempts, message.backend) == (Message.Status.SENT, 1, "console")
    assert message.provider_message_id == f"console-{message.pk}"
    assert f"notify sms to {customer.phone} (suspended)" in caplog.text


def test_a_rolled_back_transaction_queues_and_sends_nothing(django_capture_on_commit_callbacks, caplog):
    customer = make_customer()
    caplog.set_level("INFO", logger="ispbill.notify")
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        with pytest.raises(RuntimeError):
            with transaction.atomic():
                services.notify_customer(event=Event.SUSPENDED, customer=customer, context=SUSPENDED_CONTEXT)
                raise RuntimeError("the caller's write failed")
    assert callbacks == []
    assert not Message.objects.exists()
    assert "notify sms" not in caplog.text


# Bulk ------------------------------------------------------------------------------------------------

def _bulk_customers(count: int) -> list[Customer]:
    area = AreaFactory()
    today = timezone.localdate()
    Customer.objects.bulk_create(
        Customer(
            account_number=f"BULK-{n:05d}", name=f"Customer {n}", phone=f"+88017{n:08d}", address="Dhaka",
            area=area, branch=area.branch, customer_since=today, email=f"c{n}@example.com" if n % 4 == 0 else "",
        )
        for n in range(count)
    )
    return list(Customer.objects.filter(account_number__startswith="BULK-").order_by("pk"))


def test_bulk_queues_2000_customers_set_based_and_quickly(django_capture_on_commit_callbacks):
    customers = _bulk_customers(2000)
    services.notification_preference_set(actor=None, customer=customers[1], event=Event.SUSPENDED, channels=set())
    started = time.perf_counter()
    with CaptureQueriesContext(connection) as queries, django_capture_on_commit_callbacks(execute=False) as callbacks:
        queued = services.notify_customers_bulk(
            Event.SUSPENDED, ((customer, SUSPENDED_CONTEXT, customer) for customer in customers)
        )
    elapsed = time.perf_counter() - started
    inserts = [q for q in queries.captured_queries if q["sql"].lstrip().upper().startswith("INSERT")]
    # Reads do not grow with the customers; rows go in multi-row inserts (SQLite caps a statement
    # at 999 parameters, about 45 messages; PostgreSQL takes 1,000 a statement).
    assert len(queries) - len(inserts) <= 20
    assert len(inserts) <= queued // 40
    # 1,999 SMS (one customer opted out) and an e-mail for each quarter that has an address (customer 0 has one).
    assert queued == 1999 + 500
    assert Message.objects.filter(channel="sms").count() == 1999
    assert Message.objects.filter(channel="email").count() == 500
    assert elapsed < 10, f"queueing 2,000 customers took {elapsed:.1f} s"
    assert len(callbacks) == 1  # one hand-over to the workers, in slices
    assert services.notify_customers_bulk(Event.SUSPENDED, ((c, SUSPENDED_CONTEXT, c) for c in customers)) == 0


def test_bulk_renders_each_customers_own_values():
    first, second = make_customer(name="Rina"), make_customer(name="Karim")
    services.notify_customers_bulk(Event.SUSPENDED, [
        (first, {**SUSPENDED_CONTEXT, "login": "rina1"}, first),
        (second, {**SUSPENDED_CONTEXT, "login": "karim2"}, second),
    ])
    bodies = dict(Message.objects.values_list("customer__name", "body"))
    assert bodies["Rina"].startswith("Dear Rina, your connection rina1 is suspended for non-payment.")
    assert bodies["Karim"].startswith("Dear Karim, your connection karim2 is suspended for non-payment.")


def test_bulk_messages_follow_the_language_staff_set_for_customers_without_a_login():
    bangla, english = make_customer(name="রহিম উদ্দিন"), make_customer(name="Karim")
    customer_update(actor=None, customer=bangla, language="bn")
    assert bangla.user_id is None
    services.notify_customers_bulk(Event.SUSPENDED, [(c, SUSPENDED_CONTEXT, c) for c in (bangla, english)])
    languages = dict(Message.objects.filter(channel="sms").values_list("customer_id", "language"))
    assert languages == {bangla.pk: "bn", english.pk: "en"}


# Wired events -------------------------------------------------------------------------------------------

def test_invoice_create_queues_invoice_issued_with_the_amount_due():
    customer = make_customer()
    invoice = invoice_for(customer, amount="1000.00")
    message = Message.objects.get(event=Event.INVOICE_ISSUED)
    assert message.related == invoice
    assert f"invoice {invoice.number} for Tk {invoice.total:,.2f} is issued. Please pay Tk {invoice.total:,.2f} by" in message.body


def test_sms_amounts_avoid_the_taka_sign_that_would_make_them_unicode(settings):
    settings.NOTIFY_SMS_CURRENCY_SYMBOL = "BDT "
    customer = make_customer(email="rina@example.com")
    services.notify_customer(event=Event.SUSPENDED, customer=customer, context=SUSPENDED_CONTEXT)
    sms, email = (Message.objects.get(channel=channel) for channel in ("sms", "email"))
    assert "Please pay BDT 1,150.00 to reconnect." in sms.body and "৳" not in sms.body
    assert "unpaid balance of ৳1,150.00" in email.body


def test_invoice_paid_from_credit_at_issue_says_so():
    from billing.services import account_credit

    customer = make_customer()
    account_credit(actor=None, customer=customer, amount=Decimal("5000"), reason="Advance")
    invoice_for(customer, amount="1000.00")
    assert "It is paid from your account credit." in Message.objects.get(event=Event.INVOICE_ISSUED).body


def test_suspension_for_non_payment_notifies_the_customer():
    subscription = make_subscription(activate=True)
    subscription_suspend(actor=None, subscription=subscription, reason="Non-payment: INV-1", suspension_type="non_payment")
    (message,) = Message.objects.filter(event=Event.SUSPENDED)
    assert message.related == subscription
    assert message.body.startswith(f"Dear Rahim Uddin, your connection {subscription.username} is suspended for non-payment.")


def test_fraud_or_technical_suspension_is_not_announced():
    for suspension_type in ("fraud", "technical"):
        subscription = make_subscription(activate=True)
        subscription = subscription_suspend(actor=None, subscription=subscription, reason="Checked", suspension_type=suspension_type)
        subscription_reactivate(actor=None, subscription=subscription, reason="Resolved")
    assert not Message.objects.exists()


def test_each_suspension_and_reactivation_of_one_subscription_is_its_own_message():
    subscription = make_subscription(activate=True)
    for _ in range(2):
        subscription = subscription_suspend(actor=None, subscription=subscription, reason="Asked", suspension_type="customer_request")
        subscription = subscription_reactivate(actor=None, subscription=subscription, reason="Back")
    assert list(Message.objects.order_by("pk").values_list("event", flat=True)) == [
        Event.SUSPENDED, Event.REACTIVATED, Event.SUSPENDED, Event.REACTIVATED,
    ]


def test_due_reminder_job_reminds_invoices_due_in_n_days_once(settings):
    settings.NOTIFY_DUE_REMINDER_DAYS = 3
    due_soon = invoice_for(make_customer(), due_in_days=3)
    invoice_for(make_customer(), due_in_days=4)
    paid_customer = make_customer()
    from billing.services import account_credit

    account_credit(actor=None, customer=paid_customer, amount=Decimal("5000"), reason="Advance")
    invoice_for(paid_customer, due_in_days=3)  # paid from credit: nothing to remind
    assert send_due_reminders() == 1
    assert send_due_reminders() == 0
    (reminder,) = Message.objects.filter(event=Event.DUE_REMINDER)
    assert reminder.related == due_soon
    assert "(3 days left)" in reminder.body


def test_message_to_an_address_that_is_not_a_customer():
    message = services.notify_address(
        event=Event.SUSPENDED, channel="email", to="noc@example.net", context=SUSPENDED_CONTEXT,
    )
    assert (message.customer, message.to, message.channel) == (None, "noc@example.net", "email")


# Templates ----------------------------------------------------------------------------------------------

def test_default_templates_exist_for_every_event_and_survive_staff_edits():
    assert MessageTemplate.objects.count() == sum(len(spec.defaults) for spec in EVENTS.values())
    assert set(MessageTemplate.objects.values_list("event", flat=True)) == set(EVENTS)
    template = MessageTemplate.objects.get(event=Event.OVERDUE, channel="sms", language="en")
    message_templates.message_template_update(actor=None, template=template, body="Pay {{ amount_due }} now, {{ customer_name }}.")
    MessageTemplate.objects.filter(event=Event.OVERDUE, channel="sms", language="bn").delete()
    assert message_templates.ensure_default_templates() == 1  # only the missing one comes back
    template.refresh_from_db()
    assert template.body == "Pay {{ amount_due }} now, {{ customer_name }}."


def test_template_with_unknown_variable_is_refused_and_nothing_saved():
    template = MessageTemplate.objects.get(event=Event.OVERDUE, channel="sms", language="en")
    before = template.body
    with pytest.raises(ValidationError) as caught:
        message_templates.message_template_update(actor=None, template=template, body="Pay {{ amount_owed }}")
    assert caught.value.message_dict == {"body": ["Unknown variable {{ amount_owed }}."]}
    template.refresh_from_db()
    assert template.body == before


def test_email_template_needs_a_subject():
    template = MessageTemplate.objects.get(event=Event.OVERDUE, channel="email", language="en")
    with pytest.raises(ValidationError) as caught:
        message_templates.message_template_update(actor=None, template=template, subject=" ")
    assert caught.value.message_dict == {"subject": ["An e-mail needs a subject."]}


def test_whatsapp_template_parameters_must_be_variables_of_the_event():
    template = MessageTemplate.objects.get(event=Event.OVERDUE, channel="whatsapp", language="en")
    with pytest.raises(ValidationError) as caught:
        message_templates.message_template_update(
            actor=None, template=template, whatsapp_template_name="overdue_v1", whatsapp_template_params="customer_name, balance",
        )
    assert caught.value.message_dict == {"whatsapp_template_params": ["Unknown variables: balance."]}


def test_whatsapp_approved_template_travels_with_its_rendered_parameters():
    template = MessageTemplate.objects.get(event=Event.SUSPENDED, channel="whatsapp", language="en")
    message_templates.message_template_update(
        actor=None, template=template, whatsapp_template_name="suspended_v2", whatsapp_template_params="customer_name, amount_due",
    )
    customer = make_customer(name="Rina")
    services.notification_preference_set(actor=None, customer=customer, event=Event.SUSPENDED, channels={"whatsapp"})
    (message,) = services.notify_customer(event=Event.SUSPENDED, customer=customer, context=SUSPENDED_CONTEXT)
    assert message.payload == {"whatsapp_template": {"name": "suspended_v2", "language": "en", "params": ["Rina", "৳1,150.00"]}}


def test_reset_brings_back_the_shipped_wording():
    template = MessageTemplate.objects.get(event=Event.OVERDUE, channel="sms", language="bn")
    shipped = template.body
    message_templates.message_template_update(actor=None, template=template, body="{{ customer_name }}")
    assert message_templates.message_template_reset(actor=None, template=template).body == shipped


def test_a_key_queued_concurrently_between_check_and_insert_is_skipped_and_the_rest_queued():
    customer = make_customer()
    (taken,) = services.notify_customer(event=Event.SUSPENDED, customer=customer, context=SUSPENDED_CONTEXT, related=customer)
    # What a second caller built from the same check: the taken key again, and one new message.
    racing = Message(customer=customer, channel="sms", event=Event.SUSPENDED, to=customer.phone, body="x", idempotency_key=taken.idempotency_key)
    fresh = Message(customer=customer, channel="sms", event=Event.SUSPENDED, to=customer.phone, body="y", idempotency_key="f" * 64)
    ids = services._queue([racing, fresh])
    assert ids == [Message.objects.get(idempotency_key="f" * 64).pk]
    assert Message.objects.get(pk=taken.pk).body == taken.body
