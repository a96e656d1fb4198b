"""The Accounts section's filters: they parse; the reports are books/selectors.py's."""

from decimal import Decimal

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from books.models import BankAccount, BankMovement, Bill, ExpenseCategory, Supplier
from customers.models import Branch
from fieldservice.models import EquipmentModel
from ispbill.core.attachments import ATTACHMENT_TYPES
from ispbill.core.forms import LocaleDateField, MarkInvalidMixin


class AsOfForm(forms.Form):
    as_of = LocaleDateField(label=_("As of"), required=False)

    def clean_as_of(self):
        return self.cleaned_data.get("as_of") or timezone.localdate()


class YearForm(forms.Form):
    year = forms.IntegerField(label=_("Year"), min_value=2000, max_value=2100, required=False)
    branch = forms.ModelChoiceField(label=_("Branch"), queryset=Branch.objects.order_by("name"), required=False,
                                    empty_label=_("All branches"))

    def clean_year(self):
        return self.cleaned_data.get("year") or timezone.localdate().year


class MonthForm(forms.Form):
    year = forms.IntegerField(label=_("Year"), min_value=2000, max_value=2100, required=False)
    month = forms.IntegerField(label=_("Month"), min_value=1, max_value=12, required=False)

    def clean(self):
        data = super().clean()
        today = timezone.localdate()
        data["year"] = data.get("year") or today.year
        data["month"] = data.get("month") or today.month
        return data


class RangeForm(forms.Form):
    first = LocaleDateField(label=_("From"))
    last = LocaleDateField(label=_("To"))

    def clean(self):
        data = super().clean()
        if data.get("first") and data.get("last") and data["first"] > data["last"]:
            raise forms.ValidationError(_("The first day comes after the last."))
        if data.get("first") and data.get("last") and (data["last"] - data["first"]).days > 366:
            raise forms.ValidationError(_("Export at most a year at a time."))
        return data


class JournalExportForm(RangeForm):
    layout = forms.ChoiceField(label=_("Layout"), required=False, initial="ispbill", choices=[
        ("ispbill", _("ispbill (every column)")), ("quickbooks", _("QuickBooks Online (journal entries)")),
        ("xero", _("Xero (manual journals)")),
    ])


# Expenses, cash and bank (docs/accounts.md) --------------------------------------------------------------

class SupplierForm(MarkInvalidMixin, forms.Form):
    name = forms.CharField(label=_("Name"), max_length=150)
    bin = forms.CharField(label=_("BIN"), max_length=20, required=False, help_text=_("13 digits, from the supplier's VAT registration"))
    phone = forms.CharField(label=_("Phone"), max_length=40, required=False)
    address = forms.CharField(label=_("Address"), max_length=255, required=False)


class BillForm(MarkInvalidMixin, forms.Form):
    supplier = forms.ModelChoiceField(label=_("Supplier"), queryset=Supplier.objects.order_by("name"))
    supplier_reference = forms.CharField(label=_("Supplier's invoice number"), max_length=64, required=False)
    category = forms.ChoiceField(label=_("Category"), choices=ExpenseCategory.choices)
    branch = forms.ModelChoiceField(label=_("Branch"), queryset=Branch.objects.order_by("name"))
    bill_date = LocaleDateField(label=_("Bill date"))
    description = forms.CharField(label=_("Description"), max_length=255)
    net = forms.DecimalField(label=_("Value before VAT (৳)"), max_digits=14, decimal_places=2, min_value=Decimal("0.01"))
    vat = forms.DecimalField(label=_("Input VAT (৳)"), max_digits=14, decimal_places=2, min_value=0, initial=0, required=False)
    attachment = forms.FileField(label=_("The bill (photo or PDF)"), required=False,
                                 widget=forms.ClearableFileInput(attrs={"accept": ",".join(ATTACHMENT_TYPES)}))
    equipment_model = forms.ModelChoiceField(label=_("Equipment model (equipment bought into the store)"),
                                             queryset=EquipmentModel.objects.order_by("name"), required=False)
    serials = forms.CharField(label=_("Serials received, one a line"), widget=forms.Textarea(attrs={"rows": 3}), required=False,
                              max_length=200_000)

    def clean(self):
        data = super().clean()
        data["vat"] = data.get("vat") or Decimal("0")
        data["serial_list"] = [s.strip() for s in (data.get("serials") or "").splitlines() if s.strip()]
        if data["serial_list"] and data.get("category") != ExpenseCategory.EQUIPMENT:
            self.add_error("serials", _("Serials are received into the store with an equipment bill only."))
        if data["serial_list"] and not data.get("equipment_model"):
            self.add_error("equipment_model", _("Choose the model of the equipment received."))
        return data


class BillPayForm(MarkInvalidMixin, forms.Form):
    amount = forms.DecimalField(label=_("Amount (৳)"), max_digits=14, decimal_places=2, min_value=Decimal("0.01"), required=False,
                                help_text=_("All that is open, or a part: the rest stays open."))
    paid_from = forms.ChoiceField(label=_("Paid from"), choices=Bill.PaidFrom.choices)
    bank = forms.ModelChoiceField(label=_("Bank account"), queryset=BankAccount.objects.order_by("name"), required=False)
    paid_on = LocaleDateField(label=_("Paid on"))
    reference = forms.CharField(label=_("Reference (cheque, transfer)"), max_length=64, required=False)


class BillFilterForm(forms.Form):
    status = forms.ChoiceField(label=_("Status"), choices=[("", _("All"))] + list(Bill.Status.choices), required=False)
    category = forms.ChoiceField(label=_("Category"), choices=[("", _("All"))] + list(ExpenseCategory.choices), required=False)


class BankAccountForm(MarkInvalidMixin, forms.Form):
    name = forms.CharField(label=_("Name"), max_length=100, help_text=_("How staff call it, e.g. “DBBL current”"))
    bank = forms.CharField(label=_("Bank"), max_length=100)
    number = forms.CharField(label=_("Account number"), max_length=40)


class DepositForm(MarkInvalidMixin, forms.Form):
    prefix = "deposit"  # beside the transfer form on the bank's page: distinct field ids
    branch = forms.ModelChoiceField(label=_("Cash of branch"), queryset=Branch.objects.order_by("name"))
    amount = forms.DecimalField(label=_("Amount (৳)"), max_digits=14, decimal_places=2, min_value=Decimal("0.01"))
    date = LocaleDateField(label=_("Date"))
    reference = forms.CharField(label=_("Deposit slip"), max_length=64, required=False)


class TransferForm(MarkInvalidMixin, forms.Form):
    prefix = "transfer"
    to_bank = forms.ModelChoiceField(label=_("To account"), queryset=BankAccount.objects.order_by("name"))
    amount = forms.DecimalField(label=_("Amount (৳)"), max_digits=14, decimal_places=2, min_value=Decimal("0.01"))
    date = LocaleDateField(label=_("Date"))
    reference = forms.CharField(label=_("Reference"), max_length=64, required=False)


class SettlementForm(MarkInvalidMixin, forms.Form):
    prefix = "settlement"
    gateway = forms.ChoiceField(label=_("Gateway"), choices=BankMovement.Gateway.choices)
    amount = forms.DecimalField(label=_("Amount (৳)"), max_digits=14, decimal_places=2, min_value=Decimal("0.01"))
    date = LocaleDateField(label=_("Date"))
    reference = forms.CharField(label=_("Settlement reference"), max_length=64, required=False)


class StatementForm(MarkInvalidMixin, forms.Form):
    statement = forms.FileField(label=_("Bank statement (CSV)"), widget=forms.ClearableFileInput(attrs={"accept": ".csv,text/csv"}))


class BookRangeForm(forms.Form):
    """A book's dates: this month when none are given."""

    first = LocaleDateField(label=_("From"), required=False)
    last = LocaleDateField(label=_("To"), required=False)

    def clean(self):
        data = super().clean()
        today = timezone.localdate()
        data["first"] = data.get("first") or today.replace(day=1)
        data["last"] = data.get("last") or today
        if data["first"] > data["last"]:
            raise forms.ValidationError(_("The first day comes after the last."))
        if (data["last"] - data["first"]).days > 366:
            raise forms.ValidationError(_("Show at most a year at a time."))
        return data


class CashBookForm(BookRangeForm):
    branch = forms.ModelChoiceField(label=_("Branch"), queryset=Branch.objects.order_by("name"), required=False)

    field_order = ["branch", "first", "last"]
