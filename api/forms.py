"""Settings → API tokens and Settings → Webhooks."""

from django import forms
from django.utils.translation import gettext_lazy as _

from ispbill.core.forms import MarkInvalidMixin
from ispbill.core.webhooks import EVENTS

from .models import ACCESS_CHOICES, AREAS, ApiSettings


class TokenForm(MarkInvalidMixin, forms.Form):
    name = forms.CharField(label=_("Integration"), max_length=100, help_text=_("Shown beside every change the token makes, in the audit log."))
    all_branches = forms.BooleanField(label=_("All branches"), required=False, initial=True)
    branches = forms.ModelMultipleChoiceField(label=_("Branches"), queryset=None, required=False, widget=forms.CheckboxSelectMultiple)
    rate_per_minute = forms.IntegerField(label=_("Requests per minute"), min_value=1, max_value=10_000, initial=120)

    def __init__(self, *args, branches, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["branches"].queryset = branches
        for area, (label, _apps) in AREAS.items():
            self.fields[f"scope_{area}"] = forms.ChoiceField(label=label, choices=ACCESS_CHOICES, required=False)

    def scope_fields(self):
        return [self[f"scope_{area}"] for area in AREAS]

    def scopes(self) -> dict:
        return {area: self.cleaned_data.get(f"scope_{area}", "") for area in AREAS}


class AppTokenSettingsForm(MarkInvalidMixin, forms.Form):
    app_token_days = forms.IntegerField(
        label=_("Customer app sign-in lasts (days)"), min_value=ApiSettings.MIN_DAYS, max_value=ApiSettings.MAX_DAYS,
        help_text=_("A customer's app stays signed in this many days after signing in or its last refresh (1 to 365). "
                    "A change applies from each app's next sign-in or refresh."),
    )


class WebhookForm(MarkInvalidMixin, forms.Form):
    name = forms.CharField(label=_("Receiver"), max_length=100)
    url = forms.URLField(label=_("URL"), max_length=500, assume_scheme="https", help_text=_("An https:// address that accepts POST requests."))
    events = forms.MultipleChoiceField(label=_("Events"), choices=list(EVENTS.items()), widget=forms.CheckboxSelectMultiple)
    is_active = forms.BooleanField(label=_("Active"), required=False, initial=True)
