"""Reads of the notify app: the template grid and previews, the message log (branch-scoped), and
customers' channel preferences."""

from datetime import date, datetime, time, timedelta
from typing import Any

from django.core.exceptions import ValidationError
from django.db.models import Count, Q, QuerySet
from django.shortcuts import get_object_or_404
from django.utils import timezone

from ispbill.core.phone import phone_search_digits

from .events import EVENTS, Channel, Language, event_spec
from .message_templates import default_text
from .models import Message, MessageTemplate, NotificationPreference
from .rendering import render, sms_parts, validate_template
from .services import channel_context, channels_for, isp_facts

# Templates ---------------------------------------------------------------------------------------------

def is_customised(template: MessageTemplate) -> bool:
    default = default_text(template)
    return default is None or (template.body.strip(), template.subject.strip()) != (default.body.strip(), default.subject.strip())


def template_grid() -> list[dict[str, Any]]:
    """One row per registered event; per channel, its template in each language (None if missing)."""
    templates = {(t.event, t.channel, t.language): t for t in MessageTemplate.objects.all()}
    rows = []
    for spec in EVENTS.values():
        cells = []
        for channel, channel_label in Channel.CHOICES:
            versions = []
            for language, language_label in Language.CHOICES:
                template = templates.get((spec.key, channel, language))
                versions.append({
                    "language": language, "language_label": language_label, "template": template,
                    "customised": template is not None and is_customised(template),
                })
            cells.append({"channel": channel, "channel_label": channel_label, "versions": versions})
        rows.append({"spec": spec, "cells": cells})
    return rows


def message_template_get(*, pk: int) -> MessageTemplate:
    return get_object_or_404(MessageTemplate.objects.select_related("updated_by"), pk=pk)


def template_variables(template: MessageTemplate) -> list[dict[str, str]]:
    spec = event_spec(template.event)
    return [
        {"name": variable.name, "token": "{{ " + variable.name + " }}", "help": variable.help}
        for variable in spec.all_variables
    ]


def template_preview(*, template: MessageTemplate, subject: str, body: str) -> dict[str, Any]:
    """The template rendered with sample data in its language, or the problems that stop it."""
    spec = event_spec(template.event)
    errors: dict[str, list[str]] = {}
    sources = {"body": body}
    if template.channel == Channel.EMAIL:
        sources["subject"] = subject
    for name, source in sources.items():
        try:
            validate_template(source, variables=spec.variable_names)
        except ValidationError as error:
            errors[name] = error.messages
    preview: dict[str, Any] = {"errors": errors, "subject": "", "body": ""}
    if errors:
        return preview
    context = channel_context(
        {**spec.sample_context(template.language), **isp_facts()}, channel=template.channel, language=template.language
    )
    preview["subject"] = render(subject, context).strip() if template.channel == Channel.EMAIL else ""
    preview["body"] = render(body, context).strip()
    if template.channel == Channel.SMS:
        preview["sms"] = sms_parts(preview["body"])
    return preview


# Message log -------------------------------------------------------------------------------------------

def messages_visible_to(branch_ids: set[int] | None) -> QuerySet[Message]:
    """The log as staff of these branches may see it (None: every branch): messages to customers of
    those branches; messages to no customer (staff, leads) only for staff who see every branch.
    The caller names the branches (accounts.selectors.user_branch_ids): notify sits below accounts."""
    queryset = Message.objects.all()
    if branch_ids is not None:
        queryset = queryset.filter(customer__branch__in=branch_ids)
    return queryset


def _day_start(day: date) -> datetime:
    return timezone.make_aware(datetime.combine(day, time.min))


def message_log(
    *, branch_ids: set[int] | None, status: str = "", channel: str = "", event: str = "", date_from: date | None = None,
    date_to: date | None = None, query: str = "", customer_id: int | None = None,
) -> QuerySet[Message]:
    """Filtered log, newest first. Dates are local days; `query` matches an account number, a name,
    or the address the message went to (phone digits in any format)."""
    messages = messages_visible_to(branch_ids)
    if status:
        messages = messages.filter(status=status)
    if channel:
        messages = messages.filter(channel=channel)
    if event:
        messages = messages.filter(event=event)
    if date_from:
        messages = messages.filter(created_at__gte=_day_start(date_from))
    if date_to:
        messages = messages.filter(created_at__lt=_day_start(date_to + timedelta(days=1)))
    if customer_id:
        messages = messages.filter(customer_id=customer_id)
    query = query.strip()
    if query:
        match = Q(customer__account_number__iexact=query) | Q(customer__name__icontains=query) | Q(to__icontains=query)
        digits = phone_search_digits(query)
        if digits:
            match |= Q(to__contains=digits)
        messages = messages.filter(match)
    return messages.select_related("customer").order_by("-created_at", "-id")


def message_status_counts(messages: QuerySet[Message]) -> dict[str, int]:
    counts = messages.order_by().aggregate(
        **{status: Count("id", filter=Q(status=status)) for status in Message.Status.values}
    )
    return counts


def message_get_for_staff(*, branch_ids: set[int] | None, pk: int) -> Message:
    return get_object_or_404(
        messages_visible_to(branch_ids).select_related("customer", "template", "content_type"), pk=pk
    )


# Preferences --------------------------------------------------------------------------------------------

def preferences_for(customer) -> list[dict[str, Any]]:
    """Per optional event: the channels this customer gets it on now (their choice or the defaults),
    what they could choose, and whether they chose. For the portal's preferences page."""
    chosen = {p.event: p for p in NotificationPreference.objects.filter(customer=customer)}
    rows = []
    for spec in EVENTS.values():
        if not spec.optional:
            continue
        rows.append({
            "spec": spec,
            "channels": channels_for(customer, spec, chosen.get(spec.key)),
            "available": [c for c in Channel.ORDER if c != Channel.EMAIL or customer.email],
            "customised": spec.key in chosen,
        })
    return rows
