"""Messages that carried a secret (a one-time code, a Wi-Fi sign-up code, a card's code) kept it in
clear until delivered, and a card's code for good. This adds the encrypted copy the provider is sent
from (Message.sealed) and masks the secrets already stored: a message still to be sent keeps its real
text only in that encrypted copy; one that is done keeps nothing readable."""

import json
import re

from django.db import migrations

import ispbill.core.fields

# The events with secret variables when this was written (their registrations name the variables).
SECRET_EVENTS = ("one_time_code", "wifi_signup_code", "wifi_card_bought")
# A six-digit code (Latin or Bangla digits) or a card's code as printed (ABCD-EFGH-JKMN).
SECRET = re.compile(r"(?<![0-9০-৯])[0-9০-৯]{6}(?![0-9০-৯])|\b[2-9A-Z]{4}-[2-9A-Z]{4}-[2-9A-Z]{4}\b")


def _mask(text: str) -> str:
    return SECRET.sub(lambda match: "".join("•" if char.isalnum() else char for char in match.group(0)), text or "")


def mask_stored_secrets(apps, schema_editor):
    Message = apps.get_model("notify", "Message")
    rows = Message.objects.filter(event__in=SECRET_EVENTS).exclude(body__startswith="(removed after delivery")
    for message in rows.iterator():
        values = sorted({match.group(0) for match in SECRET.finditer(f"{message.subject}\n{message.body}")})
        payload = message.payload or {}
        template = payload.get("whatsapp_template")
        pending = message.status in ("queued", "sending") or (message.status == "failed" and message.next_attempt_at is not None)
        if pending:
            message.sealed = json.dumps({"subject": message.subject, "body": message.body,
                                         "payload": {"whatsapp_template": template} if template else {},
                                         "values": values}, ensure_ascii=False)
        message.subject, message.body = _mask(message.subject), _mask(message.body)
        if template:
            payload = {**payload, "whatsapp_template": {**template, "params": [_mask(str(p)) for p in template.get("params", [])]}}
        message.payload = payload
        message.save(update_fields=["subject", "body", "payload", "sealed"])


class Migration(migrations.Migration):

    dependencies = [
        ('notify', '0001_initial'),
    ]

    operations = [
        migrations.AddField(
            model_name='message',
            name='sealed',
            field=ispbill.core.fields.EncryptedTextField(blank=True, editable=False),
        ),
        migrations.RunPython(mask_stored_secrets, migrations.RunPython.noop),
    ]
