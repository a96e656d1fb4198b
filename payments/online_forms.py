"""Forms of the online-payment screens: the portal's Pay Now, staff refunds, filters and gateway settings."""

from django import forms
from django.utils.translation import gettext_lazy as _

from customers.models import Branch
from ispbill.core.forms import LocaleDateField, MarkInvalidMixin
from ispbill.core.money import format_money

from .models import GatewayPayment, Payment
from .online import MAX_ADVANCE_MONTHS


class PayForm(MarkInvalidMixin, forms.Form):
    """What to pay. Only a choice travels from the browser; the amount is computed on the server."""

    purpose = forms.ChoiceField(label=_("What to pay"), choices=GatewayPayment.Purpose.choices, widget=forms.RadioSelect)
    invoice = forms.TypedChoiceField(label=_("Invoice"), coerce=int, required=False, empty_value=None)
    months = forms.TypedChoiceField(
        label=_("Months in advance"), coerce=int, required=False, empty_value=0,
        choices=[(n, n) for n in range(1, MAX_ADVANCE_MONTHS + 1)],
    )

    # Optional: without a choice the first enabled gateway (a page from before there was a choice).
    gateway = forms.ChoiceField(label=_("Pay with"), widget=forms.RadioSelect, required=False)

    def __init__(self, *args, invoices=(), due=None, gateways=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["gateway"].choices = [(offer.code, offer.label) for offer in gateways]
        self.gateway_default = gateways[0].code if gateways else ""
        self.fields["invoice"].choices = [
            (invoice.pk, f"{invoice.number} · {format_money(invoice.amount_due)}") for invoice in invoices
        ]
        choices = list(GatewayPayment.Purpose.choices)
        if not invoices:
            choices = [c for c in choices if c[0] != GatewayPayment.Purpose.INVOICE]
        if due is not None and due <= 0:  # nothing is due: "Total due (৳0.00)" is no choice
            choices = [c for c in choices if c[0] != GatewayPayment.Purpose.DUE]
        elif due is not None:
            choices = [
                (value, f"{label} ({format_money(due)})" if value == GatewayPayment.Purpose.DUE else label)
                for value, label in choices
            ]
        self.fields["purpose"].choices = choices

    def service_arguments(self) -> dict:
        data = self.cleaned_data
        return {"purpose": data["purpose"], "invoice_id": data.get("invoice"), "months": data.get("months") or 0}

    def gateway_code(self) -> str:
        return self.cleaned_data.get("gateway") or self.gateway_default


class RefundForm(MarkInvalidMixin, forms.Form):
    amount = forms.DecimalField(label=_("Amount to refund"), max_digits=14, decimal_places=2, min_value=0,
                                widget=forms.NumberInput(attrs={"step": "0.01", "inputmode": "decimal"}))
    reason = forms.CharField(label=_("Reason"), max_length=255)
    # A fresh key each time the form is shown: the same submission twice (a double click) is one refund.
    request_key = forms.CharField(max_length=64, required=False, widget=forms.HiddenInput)


class OnlinePaymentFilterForm(forms.Form):
    status = forms.ChoiceField(label=_("Status"), required=False, choices=[("", _("Any"))] + list(GatewayPayment.Status.choices))
    method = forms.ChoiceField(
        label=_("Method"), required=False,
        choices=[("", _("Any"))] + [c for c in Payment.Method.choices if c[0] in ("bkash", "nagad", "rocket", "online")],
    )
    date_from = LocaleDateField(label=_("From"), required=False)
    date_to = LocaleDateField(label=_("To"), required=False)

    def filters(self) -> dict:
        if not self.is_bound or not self.is_valid():
            return {}
        return {key: value for key, value in self.cleaned_data.items() if value}


class SettlementForm(forms.Form):
    day = LocaleDateField(label=_("Day"), required=False)


class GatewaySettingsForm(MarkInvalidMixin, forms.Form):
    enabled = forms.BooleanField(label=_("Customers can pay online"), required=False)
    store_id = forms.CharField(label=_("Store id"), max_length=64, required=False,
                               help_text=_("Empty: the SSLCOMMERZ_STORE_ID environment variable."))
    store_password = forms.CharField(
        label=_("Store password"), required=False, widget=forms.PasswordInput(render_value=False),
        help_text=_("Stored encrypted and never shown again. Leave empty to keep the current one."),
    )
    base_url = forms.URLField(label=_("API base URL"), required=False, assume_scheme="https",
                              help_text=_("https://securepay.sslcommerz.com (live) or https://sandbox.sslcommerz.com. Empty: the environment's default."))
    fee_percent = forms.DecimalField(label=_("Fee (%)"), min_value=0, max_value=10, max_digits=5, decimal_places=2, required=False,
                                     help_text=_("Empty keeps the current fee."))
    fee_passed = forms.BooleanField(label=_("The customer pays the fee on top"), required=False)


class AutoPayForm(forms.Form):
    enabled = forms.BooleanField(label=_("Pay my invoices automatically from my primary bKash wallet"), required=False)


class WalletMerchantForm(MarkInvalidMixin, forms.Form):
    """What a wallet gateway's settings form (bKash's, Nagad's) ends with, after its credentials: the fee
    rule and the branches whose customers see the gateway (`branches_help` says so in its name)."""

    branches_help = ""
    fee_percent = forms.DecimalField(label=_("Fee (%)"), min_value=0, max_value=10, max_digits=5, decimal_places=2)
    fee_passed = forms.BooleanField(label=_("The customer pays the fee on top"), required=False)
    branches = forms.ModelMultipleChoiceField(
        label=_("Branches"), queryset=Branch.objects.order_by("name"), required=False, widget=forms.CheckboxSelectMultiple,
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["branches"].help_text = self.branches_help
        shared = list(WalletMerchantForm.base_fields)  # after the gateway's own fields
        self.order_fields([name for name in self.fields if name not in shared] + shared)


class BkashSettingsForm(WalletMerchantForm):
    enabled = forms.BooleanField(label=_("Customers can pay with bKash"), required=False)
    app_key = forms.CharField(label=_("App key"), max_length=128, required=False)
    app_secret = forms.CharField(label=_("App secret"), required=False, widget=forms.PasswordInput(render_value=False),
                                 help_text=_("Stored encrypted and never shown again. Leave empty to keep the current one."))
    username = forms.CharField(label=_("Username"), max_length=128, required=False)
    password = forms.CharField(label=_("Password"), required=False, widget=forms.PasswordInput(render_value=False),
                               help_text=_("Stored encrypted and never shown again. Leave empty to keep the current one."))
    base_url = forms.URLField(label=_("API base URL"), required=False, assume_scheme="https",
                              help_text=_("…/v1.2.0-beta/tokenized/checkout. Empty: the environment's default."))
    branches_help = _("None ticked: customers of every branch see bKash.")


class NagadSettingsForm(WalletMerchantForm):
    enabled = forms.BooleanField(label=_("Customers can pay with Nagad"), required=False)
    merchant_id = forms.RegexField(label=_("Merchant id"), regex=r"^[0-9]{6,20}$", max_length=20, required=False,
                                   help_text=_("The number Nagad gave the merchant account. Empty: the environment's."))
    merchant_number = forms.RegexField(label=_("Merchant wallet number"), regex=r"^01[0-9]{9}$", max_length=11, required=False)
    merchant_private_key = forms.CharField(
        label=_("Merchant private key"), required=False, max_length=8000,
        widget=forms.PasswordInput(render_value=False, attrs={"autocomplete": "off"}),
        help_text=_("The RSA private key whose public half you gave Nagad (base64 or PEM). Stored encrypted and never "
                    "shown again. Leave empty to keep the current one."),
    )
    nagad_public_key = forms.CharField(label=_("Nagad's public key"), required=False, max_length=4000,
                                       widget=forms.Textarea(attrs={"rows": 3}),
                                       help_text=_("The RSA public key Nagad gave you (base64 or PEM). Empty: the environment's."))
    base_url = forms.URLField(label=_("API base URL"), required=False, assume_scheme="https",
                              help_text=_("https://api.mynagad.com/api/dfs (live). Empty: the environment's default."))
    branches_help = _("None ticked: customers of every branch see Nagad.")


# Reconciliation with the gateways ----------------------------------------------------------------------


def _gateway_choices():
    from .gateways import GATEWAYS

    return [(code, gateway.label) for code, gateway in GATEWAYS.items()]


class ReconciliationFilterForm(MarkInvalidMixin, forms.Form):
    gateway = forms.ChoiceField(label=_("Gateway"), choices=_gateway_choices)
    day = LocaleDateField(label=_("Day"))
    kind = forms.ChoiceField(label=_("Show"), required=False, choices=[
        ("", _("Differences")), ("all", _("Everything")), ("matched", _("Matched")), ("missing_ours", _("Missing on our side")),
        ("missing_gateway", _("Missing at the gateway")), ("amount_mismatch", _("Amounts differ"))])


class StatementUploadForm(MarkInvalidMixin, forms.Form):
    gateway = forms.ChoiceField(label=_("Gateway"), choices=_gateway_choices)
    day = LocaleDateField(label=_("Day"))
    file = forms.FileField(label=_("Settlement report (CSV from the gateway's merchant portal)"))


class ReconciliationRunForm(forms.Form):
    gateway = forms.ChoiceField(choices=_gateway_choices)
    day = LocaleDateField()


class ResolveForm(forms.Form):
    action = forms.ChoiceField(choices=[("settle", "settle"), ("reverse", "reverse"), ("refund_needed", "refund_needed"),
                                        ("acknowledge", "acknowledge")])
    note = forms.CharField(label=_("Note"), max_length=255, required=False)


class SettlementReportForm(MarkInvalidMixin, forms.Form):
    MAX_DAYS = 92

    gateway = forms.ChoiceField(label=_("Gateway"), choices=_gateway_choices)
    first = LocaleDateField(label=_("From"))
    last = LocaleDateField(label=_("To"))

    def clean(self):
        data = super().clean()
        first, last = data.get("first"), data.get("last")
        if first and last:
            if last < first:
                raise forms.ValidationError(_("The last day comes before the first."))
            if (last - first).days >= self.MAX_DAYS:
                raise forms.ValidationError(_("Choose at most 92 days."))
        return data
