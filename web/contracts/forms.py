"""Forms of the contract screens."""

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from contracts.models import Contract, ContractRule, ContractTemplate, Language
from ispbill.core.forms import LocaleDateField, MarkInvalidMixin


class ContractTemplateForm(MarkInvalidMixin, forms.Form):
    key = forms.SlugField(label=_("Template name"), max_length=50, help_text=_("Letters, digits and dashes; the same name in English and Bangla makes one template."))
    language = forms.ChoiceField(label=_("Language"), choices=Language.choices)
    title = forms.CharField(label=_("Title"), max_length=200)
    body = forms.CharField(label=_("Text"), widget=forms.Textarea(attrs={"rows": 18}),
                           help_text=_("Blank lines separate paragraphs. Variables are written {{ name }}."))


class ContractCreateForm(MarkInvalidMixin, forms.Form):
    subscription = forms.ModelChoiceField(label=_("Subscription"), queryset=None)
    template = forms.ModelChoiceField(label=_("Template"), queryset=None)
    term_months = forms.IntegerField(label=_("Term (months)"), min_value=1, max_value=120, required=False,
                                     help_text=_("Empty = the package's minimum term, or 12."))
    start_date = LocaleDateField(label=_("Start date"))
    auto_renew = forms.BooleanField(label=_("Renews itself at the end of the term"), required=False, initial=True)
    notice_days = forms.IntegerField(label=_("Notice to stop renewal (days)"), min_value=0, max_value=365, initial=30)
    reminder_days = forms.IntegerField(label=_("Renewal reminder (days before the end)"), min_value=1, max_value=365, initial=30)
    fee_kind = forms.ChoiceField(label=_("Early-termination fee"), choices=Contract.FeeKind.choices)
    fee_value = forms.DecimalField(label=_("Fee amount, rate per month or percent"), max_digits=14, decimal_places=2,
                                   min_value=0, required=False, initial=0)
    equipment = forms.CharField(label=_("Equipment provided"), max_length=255, required=False)

    def __init__(self, *args, customer, templates, **kwargs):
        kwargs.setdefault("initial", {}).setdefault("start_date", timezone.localdate())
        super().__init__(*args, **kwargs)
        self.fields["subscription"].queryset = customer.subscriptions.exclude(status="cancelled").select_related("package")
        self.fields["template"].queryset = ContractTemplate.objects.filter(pk__in=[t.pk for t in templates])


class ReasonForm(MarkInvalidMixin, forms.Form):
    reason = forms.CharField(label=_("Reason"), max_length=255, error_messages={"required": _("Give a reason.")})


class SignForm(forms.Form):
    code = forms.CharField(label=_("One-time code"), max_length=6, min_length=6,
                           widget=forms.TextInput(attrs={"inputmode": "numeric", "autocomplete": "one-time-code", "pattern": "[0-9]{6}"}))
    signer_name = forms.CharField(label=_("Your full name"), max_length=150)
    signature = forms.CharField(widget=forms.HiddenInput, required=False)
    consent = forms.BooleanField(label=_("I agree"), required=False)
    consent_text = forms.CharField(widget=forms.HiddenInput)
    latitude = forms.CharField(widget=forms.HiddenInput, required=False)
    longitude = forms.CharField(widget=forms.HiddenInput, required=False)
    device_time = forms.CharField(widget=forms.HiddenInput, required=False)


class VerifyForm(forms.Form):
    document = forms.FileField(label=_("The signed PDF"))


class ContractRuleForm(MarkInvalidMixin, forms.ModelForm):
    template_key = forms.ChoiceField(label=_("Template"))

    class Meta:
        model = ContractRule
        fields = ["template_key", "package", "connection_type", "applies_to", "fee_kind", "fee_value", "auto_renew", "notice_days", "send_at_once"]
        labels = {
            "package": _("Package"), "connection_type": _("Connection type"), "applies_to": _("Drafted for"),
            "fee_kind": _("Early-termination fee"), "fee_value": _("Fee amount, rate per month or percent"),
            "auto_renew": _("Renews itself at the end of the term"), "notice_days": _("Notice to stop renewal (days)"),
            "send_at_once": _("Send for signature at once"),
        }

    def __init__(self, *args, keys=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["template_key"].choices = [(key, key) for key in keys]
        self.fields["package"].queryset = self.fields["package"].queryset.filter(is_active=True).order_by("name")
        self.fields["package"].empty_label = _("Every package")
        self.fields["connection_type"].choices = [("", _("Every connection type")), *self.fields["connection_type"].choices[1:]]
        self.fields["notice_days"].widget.attrs["max"] = 365
