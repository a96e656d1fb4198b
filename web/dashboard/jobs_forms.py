"""Filters of the jobs page and the "run again" form."""

from django import forms
from django.utils.translation import gettext_lazy as _

from dashboard.jobs import job_choices
from ispbill.core.forms import LocaleDateField
from ispbill.core.models import JobRun

PROBLEM = "problem"


class JobFilterForm(forms.Form):
    job = forms.ChoiceField(label=_("Job"), required=False)
    status = forms.ChoiceField(
        label=_("Status"), required=False,
        choices=[("", _("Any status")), (PROBLEM, _("Failed, retrying or lost"))] + JobRun.Status.choices,
    )
    trigger = forms.ChoiceField(label=_("Trigger"), required=False, choices=[("", _("Any trigger"))] + JobRun.Trigger.choices)
    date_from = LocaleDateField(label=_("From"), required=False)
    date_to = LocaleDateField(label=_("To"), required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["job"].choices = [("", _("Every job"))] + job_choices()

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("date_from") and cleaned.get("date_to") and cleaned["date_from"] > cleaned["date_to"]:
            self.add_error("date_to", _("The end date is before the start date."))
        return cleaned

    def filters(self) -> dict:
        data = self.cleaned_data if self.is_bound and self.is_valid() else {}
        return {
            "task_name": data.get("job") or "", "status": data.get("status") or "", "trigger": data.get("trigger") or "",
            "date_from": data.get("date_from"), "date_to": data.get("date_to"),
        }


class RunAgainForm(forms.Form):
    job = forms.CharField(required=False, max_length=100)
    run = forms.IntegerField(required=False, min_value=1, max_value=2**63 - 1)

    def clean(self):
        cleaned = super().clean()
        if not self.errors and bool(cleaned.get("job")) == bool(cleaned.get("run")):
            raise forms.ValidationError(_("Choose one job to run again."))
        return cleaned
