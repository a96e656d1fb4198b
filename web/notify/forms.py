from django import forms
from django.utils.translation import gettext_lazy as _

from ispbill.core.forms import LocaleDateField, MarkInvalidMixin
from ispbill.notify.events import Channel, event_choices
from ispbill.notify.models import Message, MessageTemplate


class MessageTemplateForm(MarkInvalidMixin, forms.Form):
    """The editable wording of one template; the service validates variables and syntax."""

    subject = forms.CharField(label=_("Subject"), max_length=200, required=False)
    body = forms.CharField(
        label=_("Message"), required=False,
        widget=forms.Textarea(attrs={"rows": 8, "spellcheck": "true", "data-variable-target": ""}),
    )
    active = forms.BooleanField(
        label=_("Send this message"), required=False,
        help_text=_("Off: customers get nothing for this event on this channel and language."),
    )
    whatsapp_template_name = forms.CharField(
        label=_("Approved WhatsApp template"), max_length=100, required=False,
        help_text=_("Optional. The name of a template approved in WhatsApp Manager; it is sent instead of the text "
                    "above, so it reaches customers outside the 24-hour window."),
    )
    whatsapp_template_params = forms.CharField(
        label=_("Its parameters"), max_length=255, required=False,
        help_text=_("Variables filling {{1}}, {{2}}, … in order, comma-separated, e.g. customer_name, amount_due"),
    )

    def __init__(self, *args, template: MessageTemplate, **kwargs):
        kwargs.setdefault("initial", {
            "subject": template.subject, "body": template.body, "active": template.active,
            "whatsapp_template_name": template.whatsapp_template_name,
            "whatsapp_template_params": template.whatsapp_template_params,
        })
        super().__init__(*args, **kwargs)
        if template.channel != Channel.EMAIL:
            del self.fields["subject"]
        else:
            self.fields["subject"].widget.attrs["data-variable-target"] = ""
            self.fields["body"].widget.attrs["rows"] = 16
        if template.channel != Channel.WHATSAPP:
            del self.fields["whatsapp_template_name"]
            del self.fields["whatsapp_template_params"]


class MessageFilterForm(forms.Form):
    q = forms.CharField(
        label=_("Customer"), required=False,
        widget=forms.TextInput(attrs={"type": "search", "placeholder": _("Account no., name or phone / e-mail")}),
    )
    status = forms.ChoiceField(label=_("Status"), required=False, choices=[("", _("Any status"))] + Message.Status.choices)
    channel = forms.ChoiceField(label=_("Channel"), required=False, choices=[("", _("Any channel"))] + list(Channel.CHOICES))
    event = forms.ChoiceField(label=_("Event"), required=False)
    date_from = LocaleDateField(label=_("From"), required=False)
    date_to = LocaleDateField(label=_("To"), required=False)
    customer = forms.IntegerField(required=False, min_value=1, widget=forms.HiddenInput)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["event"].choices = [("", _("Any event"))] + event_choices()

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("date_from") and cleaned.get("date_to") and cleaned["date_from"] > cleaned["date_to"]:
            self.add_error("date_to", _("The end date is before the start date."))
        return cleaned

    def filters(self) -> dict:
        data = {}
        if self.is_bound:
            self.is_valid()  # a field with an error is left out of cleaned_data; the others still filter
            data = self.cleaned_data
        return {
            "status": data.get("status") or "", "channel": data.get("channel") or "", "event": data.get("event") or "",
            "date_from": data.get("date_from"), "date_to": data.get("date_to"), "query": data.get("q") or "",
            "customer_id": data.get("customer"),
        }
