"""The retention workflow's writes: call tasks and their outcomes, the drafts and the SMS, field checks,
and Settings → Gemini. Offers, whose money goes through billing, are in churn/offers.py."""

from __future__ import annotations

from datetime import date, datetime, time

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from customers.models import Customer
from fieldservice.models import WorkOrder
from fieldservice.services import workorder_create
from ispbill.core.audit import audit_record
from ispbill.notify.events import Channel, Language
from ispbill.notify.services import customer_language, notify_address

from . import gemini
from .models import GeminiSettings, RetentionCallTask, RetentionFieldCheck
from .notifications import RETENTION_MESSAGE
from .retention_selectors import customer_facts_for_drafts

SMS_MAX = 480


def _lock_task(task: RetentionCallTask) -> RetentionCallTask:
    return RetentionCallTask.objects.select_for_update().select_related("customer").get(pk=task.pk)


@transaction.atomic
def call_task_create(*, actor, customer: Customer, assignee, due_date: date) -> RetentionCallTask:
    """A call to make by `due_date`. The customer's risk at this moment is kept on the task."""
    if assignee is None or not getattr(assignee, "is_active", False) or getattr(assignee, "kind", "staff") != "staff":
        raise ValidationError({"assignee": _("Choose a staff member to make the call.")})
    if due_date is None:
        raise ValidationError({"due_date": _("Give the day the call is due.")})
    risk = getattr(customer, "churn_risk", None)
    task = RetentionCallTask.objects.create(
        customer=customer, assignee=assignee, due_date=due_date, probability=risk.probability if risk else None,
        created_by=actor if getattr(actor, "pk", None) else None,
    )
    audit_record(actor=actor, action="retention.call_task", obj=customer, after={"task": task.pk, "assignee": assignee.pk, "due": due_date.isoformat()})
    return task


@transaction.atomic
def call_task_complete(*, actor, task: RetentionCallTask, outcome: str, note: str = "") -> RetentionCallTask:
    """Record how the call went. A done task keeps its outcome (a new call is a new task)."""
    if outcome not in RetentionCallTask.Outcome.values:
        raise ValidationError({"outcome": _("Choose how the call went.")})
    task = _lock_task(task)
    if task.status != RetentionCallTask.Status.OPEN:
        raise ValidationError(_("This call was already recorded."))
    task.status, task.outcome, task.outcome_note = RetentionCallTask.Status.DONE, outcome, (note or "").strip()
    task.completed_at = timezone.now()
    task.save(update_fields=["status", "outcome", "outcome_note", "completed_at"])
    audit_record(actor=actor, action="retention.call_outcome", obj=task.customer, after={"task": task.pk, "outcome": outcome})
    return task


@transaction.atomic
def call_task_drafts_save(*, actor, task: RetentionCallTask, script: str, sms_draft: str) -> RetentionCallTask:
    """Staff's own edits of the call script and the SMS draft."""
    sms_draft = (sms_draft or "").strip()
    if len(sms_draft) > SMS_MAX:
        raise ValidationError({"sms_draft": _("An SMS of at most %(n)s characters.") % {"n": SMS_MAX}})
    task = _lock_task(task)
    task.script, task.sms_draft = (script or "").strip(), sms_draft
    task.save(update_fields=["script", "sms_draft"])
    return task


def call_task_drafts_generate(*, actor, task: RetentionCallTask) -> RetentionCallTask:
    """Ask Gemini for a call script and an SMS draft in the customer's language and keep them on the
    task, for staff to edit. Raises gemini.GeminiUnavailable with a message staff can read; the
    request is made outside any transaction (it may take seconds)."""
    customer = task.customer
    language = customer_language(customer)
    drafts = gemini.retention_drafts(facts=customer_facts_for_drafts(customer=customer), language=language)
    with transaction.atomic():
        task = _lock_task(task)
        task.script, task.sms_draft = drafts.call_script.strip(), drafts.sms.strip()[:SMS_MAX]
        task.drafts_language, task.drafts_by_gemini = language, True
        task.save(update_fields=["script", "sms_draft", "drafts_language", "drafts_by_gemini"])
        audit_record(actor=actor, action="retention.drafts_generated", obj=customer, after={"task": task.pk, "language": language})
    return task


@transaction.atomic
def call_task_sms_send(*, actor, task: RetentionCallTask):
    """Send the task's SMS draft to the customer through notify (queued, delivered by a worker)."""
    task = _lock_task(task)
    text = (task.sms_draft or "").strip()
    if not text:
        raise ValidationError({"sms_draft": _("Write the SMS first.")})
    customer = task.customer
    if not customer.phone:
        raise ValidationError(_("The customer has no phone number."))
    sent_before = RetentionCallTask.objects.filter(pk=task.pk, sms_sent_at__isnull=False).count()
    message = notify_address(
        event=RETENTION_MESSAGE, channel=Channel.SMS, to=customer.phone, context={"message": text},
        language=customer_language(customer) or Language.ENGLISH, related=task, occurrence=f"sms:{timezone.now().isoformat()}:{sent_before}",
    )
    if message is None:
        raise ValidationError(_("The SMS could not be queued: check the retention message template in Settings → Message templates."))
    task.sms_sent_at = timezone.now()
    task.save(update_fields=["sms_sent_at"])
    audit_record(actor=actor, action="retention.sms", obj=customer, after={"task": task.pk, "message": message.pk})
    return message


@transaction.atomic
def field_check_create(*, actor, customer: Customer, description: str, visit_on: date | None = None) -> RetentionFieldCheck:
    """A technician's visit to check the connection of an at-risk customer: a field-service work order
    (a repair visit, high priority) linked back to the retention workflow."""
    description = (description or "").strip()
    if not description:
        raise ValidationError({"description": _("Say what the technician should check.")})
    subscription = customer.subscriptions.exclude(status="cancelled").order_by("id").first()
    window_start = window_end = None
    if visit_on is not None:
        zone = timezone.get_current_timezone()
        window_start = timezone.make_aware(datetime.combine(visit_on, time(10)), zone)
        window_end = timezone.make_aware(datetime.combine(visit_on, time(17)), zone)
    order = workorder_create(
        actor=actor, kind=WorkOrder.Kind.REPAIR, customer=customer, subscription=subscription,
        priority=WorkOrder.Priority.HIGH, description=_("Retention: technical check. %(text)s") % {"text": description},
        window_start=window_start, window_end=window_end,
    )
    check = RetentionFieldCheck.objects.create(customer=customer, work_order=order, created_by=actor if getattr(actor, "pk", None) else None)
    audit_record(actor=actor, action="retention.field_check", obj=customer, after={"work_order": order.pk})
    return check


# Settings → Gemini -----------------------------------------------------------------------------------


@transaction.atomic
def gemini_settings_update(*, actor, api_key: str | None, model_name: str, clear_key: bool = False) -> GeminiSettings:
    """Save the model name, and the key when one is given (an empty field keeps the stored key)."""
    model_name = (model_name or "").strip()
    if not model_name:
        raise ValidationError({"model_name": _("Give the Gemini model's name.")})
    cfg = GeminiSettings.objects.select_for_update().order_by("pk").first() or GeminiSettings()
    cfg.model_name = model_name[:60]
    if clear_key:
        cfg.api_key = ""
    elif api_key and api_key.strip():
        cfg.api_key = api_key.strip()
    cfg.save()
    audit_record(actor=actor, action="settings.gemini", obj=cfg, after={"model": cfg.model_name, "key_set": bool(cfg.api_key)})
    return cfg
