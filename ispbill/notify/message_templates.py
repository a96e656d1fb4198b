"""Message templates: staff's edits (checked against the event's variables before they are saved),
the shipped defaults, resetting one to its default, and creating the missing ones after migrate."""

from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from ispbill.core.audit import audit_record, snapshot

from .events import EVENTS, Channel, event_spec
from .models import MessageTemplate
from .rendering import validate_template

TEMPLATE_FIELDS = ("subject", "body", "active", "whatsapp_template_name", "whatsapp_template_params")


def clean_template_fields(*, template: MessageTemplate, fields: dict[str, Any]) -> dict[str, Any]:
    spec = event_spec(template.event)
    variables = spec.variable_names
    errors: dict[str, list[str]] = {}
    fields = {**fields, "body": (fields.get("body") or "").strip(), "subject": (fields.get("subject") or "").strip()}
    if not fields["body"]:
        errors["body"] = [_("Write the message.")]
    if template.channel == Channel.EMAIL and not fields["subject"]:
        errors["subject"] = [_("An e-mail needs a subject.")]
    if template.channel != Channel.EMAIL:
        fields["subject"] = ""
    for name in ("subject", "body"):
        if fields[name] and name not in errors:
            try:
                validate_template(fields[name], variables=variables)
            except ValidationError as error:
                errors[name] = error.messages
    if template.channel == Channel.WHATSAPP:
        name = (fields.get("whatsapp_template_name") or "").strip()
        params = [p.strip() for p in (fields.get("whatsapp_template_params") or "").split(",") if p.strip()]
        unknown = [p for p in params if p not in variables]
        if unknown:
            errors["whatsapp_template_params"] = [
                _("Unknown variables: %(names)s.") % {"names": ", ".join(unknown)}
            ]
        if params and not name:
            errors["whatsapp_template_name"] = [_("Name the approved WhatsApp template these parameters fill.")]
        if name and not all(c.isalnum() or c == "_" for c in name):
            errors["whatsapp_template_name"] = [_("WhatsApp template names use lowercase letters, digits and underscores.")]
        fields["whatsapp_template_name"], fields["whatsapp_template_params"] = name, ", ".join(params)
    else:
        fields["whatsapp_template_name"] = fields["whatsapp_template_params"] = ""
    if errors:
        raise ValidationError(errors)
    return fields


@transaction.atomic
def message_template_update(*, actor, template: MessageTemplate, **changes) -> MessageTemplate:
    unknown = set(changes) - set(TEMPLATE_FIELDS)
    if unknown:
        raise ValueError(f"not editable here: {', '.join(sorted(unknown))}")
    merged = {name: changes.get(name, getattr(template, name)) for name in TEMPLATE_FIELDS}
    cleaned = clean_template_fields(template=template, fields=merged)
    locked = MessageTemplate.objects.select_for_update().get(pk=template.pk)
    before = snapshot(locked, TEMPLATE_FIELDS)
    for name, value in cleaned.items():
        setattr(locked, name, value)
    locked.updated_by = actor if getattr(actor, "pk", None) else None
    locked.save()
    after = snapshot(locked, TEMPLATE_FIELDS)
    changed = [name for name in TEMPLATE_FIELDS if before[name] != after[name]]
    if changed:
        audit_record(
            actor=actor, action="message_template.update", obj=locked,
            before={k: before[k] for k in changed}, after={k: after[k] for k in changed},
        )
    return locked


def default_text(template: MessageTemplate):
    spec = EVENTS.get(template.event)
    return spec.defaults.get((template.channel, template.language)) if spec else None


def message_template_reset(*, actor, template: MessageTemplate) -> MessageTemplate:
    """Put the shipped wording back (the WhatsApp approved-template fields are kept)."""
    default = default_text(template)
    if default is None:
        raise ValidationError(_("This template has no shipped default."))
    return message_template_update(actor=actor, template=template, subject=default.subject, body=default.body)


def ensure_default_templates(*, using: str = "default") -> int:
    """Create the shipped template of every registered event, channel and language that has no row
    yet; never touches a row that exists (staff may have edited it). Runs after every migrate."""
    existing = set(MessageTemplate.objects.using(using).values_list("event", "channel", "language"))
    missing = [
        MessageTemplate(event=spec.key, channel=channel, language=language, subject=text.subject, body=text.body)
        for spec in EVENTS.values()
        for (channel, language), text in spec.defaults.items()
        if (spec.key, channel, language) not in existing
    ]
    MessageTemplate.objects.using(using).bulk_create(missing, ignore_conflicts=True)
    return len(missing)
