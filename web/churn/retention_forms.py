"""Forms of the retention workflow's staff pages (parse only; the services decide)."""

from datetime import timedelta

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from churn.models import RetentionCallTask, RetentionOffer
from churn.retention_selectors import staff_assignees, upgrade_packages
from ispbill.core.forms import LocaleDateField


class CallTaskForm(forms.Form):
    assignee = forms.ModelChoiceField(label=_("Who calls"), queryset=staff_assignees())
    due_date = LocaleDateField(label=_("Call by"))

    def __init__(self, *args, user=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["assignee"].queryset = staff_assignees()
        if user is not None and not self.is_bound:
            self.initial.setdefault("assignee", user.pk)
        self.initial.setdefault("due_date", timezone.localdate() + timedelta(days=2))


class CallOutcomeForm(forms.Form):
    outcome = forms.ChoiceField(label=_("How it went"), choices=RetentionCallTask.Outcome.choices)
    note = forms.CharField(label=_("Note"), required=False, widget=forms.Textarea(attrs={"rows": 2}))


class CallDraftsForm(forms.Form):
    script = forms.CharField(label=_("Call script"), required=False, widget=forms.Textarea(attrs={"rows": 6}))
    sms_draft = forms.CharField(label=_("SMS draft"), required=False, widget=forms.Textarea(attrs={"rows": 3}))


class OfferForm(forms.Form):
    subscription = forms.ModelChoiceField(label=_("Connection"), queryset=None)
    kind = forms.ChoiceField(label=_("Offer"), choices=RetentionOffer.Kind.choices)
    percent = forms.DecimalField(label=_("Discount, percent"), required=False, min_value=1, max_value=100, decimal_places=2)
    upgrade_package = forms.ModelChoiceField(label=_("Upgrade to"), queryset=upgrade_packages(), required=False)
    months = forms.IntegerField(label=_("Months"), min_value=1, max_value=12, initial=3)
    note = forms.CharField(label=_("Note"), required=False)

    def __init__(self, *args, subscriptions=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["subscription"].queryset = subscriptions
        self.fields["upgrade_package"].queryset = upgrade_packages()
        only = list(subscriptions[:2]) if subscriptions is not None else []
        if len(only) == 1 and not self.is_bound:
            self.initial["subscription"] = only[0].pk


class OfferWithdrawForm(forms.Form):
    reason = forms.CharField(label=_("Reason"), max_length=255)


class FieldCheckForm(forms.Form):
    description = forms.CharField(label=_("What to check"), widget=forms.Textarea(attrs={"rows": 2}))
    visit_on = LocaleDateField(label=_("Visit on"), required=False)


class GeminiSettingsForm(forms.Form):
    api_key = forms.CharField(
        label=_("API key"), required=False, widget=forms.PasswordInput(render_value=False, attrs={"autocomplete": "off"}),
        help_text=_("Stored encrypted. Leave empty to keep the saved key."),
    )
    clear_key = forms.BooleanField(label=_("Remove the saved key"), required=False)
    model_name = forms.CharField(label=_("Model"), max_length=60)
