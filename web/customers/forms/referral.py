"""Forms for referrals: the public sign-up request, staff settings, reversing a credit."""

from django import forms
from django.utils.translation import gettext_lazy as _

from customers.models import Area, ReferralSettings
from ispbill.core.forms import MarkInvalidMixin


class _AreaChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, area: Area) -> str:
        return f"{area.name} ({area.branch.name})"


class ReferralSignupForm(MarkInvalidMixin, forms.Form):
    name = forms.CharField(label=_("Your name"), max_length=150)
    phone = forms.CharField(
        label=_("Phone"), max_length=20, widget=forms.TextInput(attrs={"inputmode": "tel", "autocomplete": "tel", "placeholder": "01712-345678"})
    )
    area = _AreaChoiceField(
        label=_("Area"), queryset=Area.objects.select_related("branch"), required=False, empty_label=_("Not sure")
    )
    address = forms.CharField(label=_("Address"), widget=forms.Textarea(attrs={"rows": 2}), max_length=500)


class ReferralSettingsForm(MarkInvalidMixin, forms.ModelForm):
    class Meta:
        model = ReferralSettings
        fields = ("is_enabled", "reward_kind", "fixed_amount", "percent", "expiry_days")
        labels = {
            "is_enabled": _("Referral credits are on"),
            "reward_kind": _("Credit"),
            "fixed_amount": _("Fixed amount"),
            "percent": _("Percentage of the first payment"),
            "expiry_days": _("Expires after (days)"),
        }


class ReferralCreditReverseForm(MarkInvalidMixin, forms.Form):
    reason = forms.CharField(label=_("Reason"), max_length=200, widget=forms.Textarea(attrs={"rows": 2}))
