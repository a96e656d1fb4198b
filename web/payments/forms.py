"""Forms of the payment screens: record, reverse, staff credit, filters, and the collector's call log."""

import uuid
from datetime import date, datetime, time

from django import forms
from django.conf import settings
from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from billing.models import LedgerEntry
from customers.models import CallLog
from ispbill.core.forms import LocaleDateField, MarkInvalidMixin
from payments.models import Payment

# Even with the permission to backdate, a receipt is not dated before this (a typo such as 1900).
EARLIEST_RECEIPT_DATE = date(2000, 1, 1)

# Methods only a system records: online gateways, reseller wallets, bKash Pay Bill (bKash notifies us) and
# prepaid cards (redeeming the card records the payment: docs/vouchers.md, "Recharge by card").
STAFF_METHODS = [
    choice for choice in Payment.Method.choices
    if choice[0] not in (Payment.Method.ONLINE, Payment.Method.WALLET, Payment.Method.BKASH_PAYBILL, Payment.Method.PREPAID_CARD)
]


def _moment_on(day):
    """A payment dated today is received now; an earlier date (a late entry) at noon that day."""
    if day == timezone.localdate():
        return timezone.now()
    return timezone.make_aware(datetime.combine(day, time(12, 0)))


class PaymentForm(MarkInvalidMixin, forms.Form):
    amount = forms.DecimalField(label=_("Amount"), max_digits=14, decimal_places=2,
                                widget=forms.NumberInput(attrs={"step": "0.01", "inputmode": "decimal"}))
    method = forms.ChoiceField(label=_("Method"), choices=STAFF_METHODS, initial=Payment.Method.CASH)
    reference = forms.CharField(label=_("Reference"), max_length=100, required=False,
                                help_text=_("Transaction id, cheque or bank reference; required unless cash."))
    received_on = LocaleDateField(label=_("Received on"))
    note = forms.CharField(label=_("Note"), max_length=255, required=False)
    confirm_large = forms.BooleanField(label=_("I confirm this large amount"), required=False)
    idempotency_key = forms.CharField(widget=forms.HiddenInput, max_length=64)

    def __init__(self, *args, may_backdate: bool = False, **kwargs):
        super().__init__(*args, **kwargs)
        self.may_backdate = may_backdate
        self.fields["received_on"].initial = timezone.localdate()
        self.fields["idempotency_key"].initial = uuid.uuid4().hex

    def clean_received_on(self):
        day = self.cleaned_data["received_on"]
        today = timezone.localdate()
        if day > today:
            raise ValidationError(_("A payment cannot be received in the future."))
        if day < EARLIEST_RECEIPT_DATE:
            raise ValidationError(_("Check the date: a receipt cannot be dated before %(day)s.") % {"day": EARLIEST_RECEIPT_DATE})
        if (today - day).days > settings.RECEIPT_BACKDATE_DAYS and not self.may_backdate:
            raise ValidationError(
                _("A receipt can be dated at most %(days)d days back; a manager can record an older payment.")
                % {"days": settings.RECEIPT_BACKDATE_DAYS}
            )
        return day

    @property
    def backdated_days(self) -> int:
        """How many days before today the receipt is dated, when that is beyond the everyday limit (else 0)."""
        day = self.cleaned_data.get("received_on")
        days = (timezone.localdate() - day).days if day else 0
        return days if days > settings.RECEIPT_BACKDATE_DAYS else 0

    def clean(self):
        data = super().clean()
        if data.get("method") and data["method"] != Payment.Method.CASH and not data.get("reference", "").strip():
            self.add_error("reference", _("Enter the transaction, cheque or bank reference for a non-cash payment."))
        return data

    def service_arguments(self) -> dict:
        data = self.cleaned_data
        return {
            "amount": data["amount"], "method": data["method"], "reference": data["reference"],
            "received_at": _moment_on(data["received_on"]), "note": data["note"],
            "confirm_large": data["confirm_large"], "idempotency_key": data["idempotency_key"],
        }


class ReverseForm(MarkInvalidMixin, forms.Form):
    reason = forms.CharField(label=_("Reason"), widget=forms.Textarea(attrs={"rows": 3}),
                             help_text=_("Shown on the customer's statement and in the audit log."))


class CreditForm(MarkInvalidMixin, forms.Form):
    kind = forms.ChoiceField(label=_("Type"), choices=[
        (LedgerEntry.Kind.CREDIT, _("Credit (goodwill, compensation)")),
        (LedgerEntry.Kind.ADJUSTMENT, _("Adjustment (correction)")),
    ])
    amount = forms.DecimalField(label=_("Amount"), max_digits=14, decimal_places=2,
                                widget=forms.NumberInput(attrs={"step": "0.01", "inputmode": "decimal"}))
    reason = forms.CharField(label=_("Reason"), max_length=255,
                             help_text=_("Shown on the customer's statement."))


class PaymentFilterForm(forms.Form):
    method = forms.ChoiceField(label=_("Method"), required=False, choices=[("", _("All methods")), *Payment.Method.choices])
    date_from = LocaleDateField(label=_("From"), required=False)
    date_to = LocaleDateField(label=_("To"), required=False)
    cashier = forms.ModelChoiceField(label=_("Cashier"), required=False, queryset=None, empty_label=_("All cashiers"))
    branch = forms.ModelChoiceField(label=_("Branch"), required=False, queryset=None, empty_label=_("All branches"))
    reseller = forms.TypedChoiceField(label=_("Reseller"), required=False, coerce=int, empty_value=None)

    def __init__(self, *args, cashiers, branches, resellers=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["cashier"].queryset = cashiers
        self.fields["branch"].queryset = branches
        self.fields["reseller"].choices = [("", _("All resellers")), *resellers]

    def filters(self) -> dict:
        if not self.is_valid():
            return {}
        return {key: value for key, value in self.cleaned_data.items() if value not in (None, "")}


DUE_SORTS = [("overdue", _("Most days overdue")), ("due", _("Largest amount due")), ("name", _("Name"))]


class DueFilterForm(forms.Form):
    area = forms.ModelChoiceField(label=_("Area"), required=False, queryset=None, empty_label=_("All areas"))
    branch = forms.ModelChoiceField(label=_("Branch"), required=False, queryset=None, empty_label=_("All branches"))
    assigned = forms.ModelChoiceField(label=_("Collector"), required=False, queryset=None, empty_label=_("Anyone's"))
    collector = forms.ModelChoiceField(label=_("Last called by"), required=False, queryset=None, empty_label=_("Anyone"))
    sort = forms.ChoiceField(label=_("Sort"), required=False, choices=DUE_SORTS)
    mine = forms.BooleanField(label=_("My customers"), required=False)

    def __init__(self, *args, areas, branches, collectors, assigned_collectors, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.user = user
        self.fields["area"].queryset = areas
        self.fields["branch"].queryset = branches
        self.fields["collector"].queryset = collectors
        self.fields["assigned"].queryset = assigned_collectors
        self.fields["assigned"].label_from_instance = lambda u: u.get_full_name() or u.username

    def filters(self) -> dict:
        if not self.is_valid():
            return {}
        filters = {key: value for key, value in self.cleaned_data.items() if value not in (None, "", False)}
        # "My customers": the signed-in collector's own collection list (their effective customers).
        if filters.pop("mine", False):
            filters["assigned"] = self.user
        return filters


class CallLogForm(MarkInvalidMixin, forms.Form):
    outcome = forms.ChoiceField(label=_("Outcome"), choices=CallLog.Outcome.choices)
    promise_to_pay_date = LocaleDateField(label=_("Promised to pay by"), required=False,
                                          help_text=_("Only when the customer promised to pay."))
    note = forms.CharField(label=_("Note"), required=False, widget=forms.Textarea(attrs={"rows": 2}))


class CashHandoverForm(MarkInvalidMixin, forms.Form):
    collector = forms.ModelChoiceField(label=_("Collector"), queryset=None, empty_label=None)
    branch = forms.ModelChoiceField(label=_("Received at branch"), queryset=None, empty_label=None)
    amount = forms.DecimalField(label=_("Amount counted (৳)"), max_digits=12, decimal_places=2, min_value=0.01)
    note = forms.CharField(label=_("Note"), required=False, max_length=255)

    def __init__(self, *args, collectors, branches, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["collector"].queryset = collectors
        self.fields["collector"].label_from_instance = lambda user: user.get_full_name() or user.username
        self.fields["branch"].queryset = branches
