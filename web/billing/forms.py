"""Forms of the billing screens: Settings → Billing, the invoices list filters, void, statement range."""

from datetime import timedelta

from django import forms
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from billing.charges import Item
from billing.models import BillingSettings, Invoice, OneTimeCharge
from billing.services import VAT_RATE_MAX
from ispbill.core import images
from ispbill.core.forms import LocaleDateField, MarkInvalidMixin

STATEMENT_MAX_DAYS = 3 * 366


class BillingSettingsForm(MarkInvalidMixin, forms.ModelForm):
    """Every field of Settings → Billing; the service validates the whole and audits the change."""

    allowed_anchor_days = forms.CharField(
        label=_("Allowed anchor days"), max_length=100,
        help_text=_("Days of the month a billing period may start on, separated by commas, e.g. 1, 5, 25, 30."),
    )
    vat_rate = forms.DecimalField(
        label=_("VAT rate (%)"), max_digits=5, decimal_places=2,
        help_text=_("0 to 100; 0 charges no VAT."),
        widget=forms.NumberInput(attrs={"step": "0.01", "min": "0", "max": "100", "inputmode": "decimal"}),
    )

    class Meta:
        model = BillingSettings
        fields = [
            "mode", "allowed_anchor_days", "default_anchor_day", "issue_days_before", "invoice_at_activation", "due_days", "grace_days",
            "vat_rate", "prices_include_vat", "vat_registration_number", "late_fee", "reconnection_fee",
            "credit_unused_days_on_cancel", "downgrade_at_next_cycle", "rent_during_pause", "blocked_access", "walled_garden_pool", "session_log_retention_months",
            "card_guess_device_limit", "card_guess_zone_limit", "card_guess_window_minutes", "card_lockout_minutes", "isp_name", "isp_address", "isp_phone",
            "isp_email", "logo", "currency",
        ]
        labels = {
            "mode": _("Billing mode"),
            "default_anchor_day": _("Default anchor day"),
            "issue_days_before": _("Issue invoices this many days before the period starts"),
            "invoice_at_activation": _("Issue the first invoice at activation"),
            "due_days": _("Days until due"),
            "grace_days": _("Grace days before suspension"),
            "prices_include_vat": _("Package prices include VAT"),
            "vat_registration_number": _("VAT registration number (BIN)"),
            "late_fee": _("Late fee"),
            "reconnection_fee": _("Reconnection fee"),
            "credit_unused_days_on_cancel": _("Credit the unused invoiced days when a subscription is cancelled"),
            "downgrade_at_next_cycle": _("Apply downgrades at the next cycle (upgrades apply at once)"),
            "rent_during_pause": _("Keep charging rented equipment's rent while a connection is paused"),
            "blocked_access": _("Suspended or expired connections on RADIUS routers"),
            "walled_garden_pool": _("Walled-garden address pool"),
            "session_log_retention_months": _("Keep RADIUS session logs for (months)"),
            "card_guess_device_limit": _("Prepaid cards: wrong codes allowed per device"),
            "card_guess_zone_limit": _("Prepaid cards: wrong codes allowed per hotspot router"),
            "card_guess_window_minutes": _("Prepaid cards: counted over (minutes)"),
            "card_lockout_minutes": _("Prepaid cards: lockout (minutes)"),
            "isp_name": _("ISP name on documents"),
            "isp_address": _("Address on documents"),
            "isp_phone": _("Phone on documents"),
            "isp_email": _("Email on documents"),
            "logo": _("Logo on documents"),
            "currency": _("Currency (ISO code)"),
        }
        help_texts = {
            "blocked_access": _("Applies at the next login: refused, or let in with the walled-garden pool and the router's suspended address list."),
            "walled_garden_pool": _("The IP pool on each RADIUS router for walled-garden logins."),
            "session_log_retention_months": _("Who had which IP address when, for the regulator: 1 to 120 months after a session ends; older sessions are deleted every night."),
            "card_guess_device_limit": _("More wrong card codes than this from one device (MAC) within the minutes below locks that device out of card logins."),
            "card_guess_zone_limit": _("More wrong card codes than this at one hotspot router within the same minutes locks card logins there (remembered devices still log in)."),
            "card_lockout_minutes": _("How long a lockout lasts after the wrong code that caused it."),
            "default_anchor_day": _("Where a subscription has no anchor day of its own; must be one of the allowed days."),
            "logo": _("PNG, JPEG, GIF or WebP, at most 1 MB."),
            "invoice_at_activation": _(
                "On: activating a connection (staff, a technician's installation, a reseller) invoices its first days at once, "
                "from the activation day to the next anchor day, prorated (a whole period when billing on the anniversary), "
                "with its installation fee, so a payment taken at installation pays it. Off: the first invoice waits for the next night's billing run."
            ),
            "rent_during_pause": _("Off: a pause with skip billing stops the rent too, and it is charged again, prorated, from the reactivation day."),
        }
        widgets = {
            "isp_address": forms.Textarea(attrs={"rows": 3}),
            "logo": forms.FileInput(attrs={"accept": "image/png,image/jpeg,image/gif,image/webp"}),
        }

    logo_clear = forms.BooleanField(label=_("Remove the logo"), required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if not self.is_bound:
            self.initial["allowed_anchor_days"] = ", ".join(str(day) for day in self.instance.allowed_anchor_days)

    def clean_allowed_anchor_days(self) -> list[int]:
        raw = self.cleaned_data["allowed_anchor_days"]
        parts = [part.strip() for part in raw.replace(";", ",").split(",") if part.strip()]
        if not parts:
            raise ValidationError(_("Allow at least one anchor day."))
        days = []
        for part in parts:
            if not part.isdigit() or not 1 <= int(part) <= 31:
                raise ValidationError(_("“%(part)s” is not a day of the month (1 to 31).") % {"part": part})
            days.append(int(part))
        return sorted(set(days))

    def clean_vat_rate(self):
        rate = self.cleaned_data["vat_rate"]
        if rate < 0 or rate > VAT_RATE_MAX:
            raise ValidationError(_("The VAT rate must be between 0 and 100 percent."))
        return rate

    def clean_currency(self) -> str:
        code = self.cleaned_data["currency"].strip().upper()
        if len(code) != 3 or not code.isalpha():
            raise ValidationError(_("Enter a three-letter currency code such as BDT."))
        return code

    def clean_logo(self):
        logo = self.cleaned_data.get("logo")
        if not isinstance(logo, UploadedFile):
            return logo  # unchanged, or cleared
        if logo.size > images.LOGO.max_bytes:
            raise ValidationError(_("The logo is larger than 1 MB."))
        logo.seek(0)
        images.image_checked(logo.read(), limits=images.LOGO)
        logo.seek(0)
        return logo

    def clean(self):
        data = super().clean()
        days, default = data.get("allowed_anchor_days"), data.get("default_anchor_day")
        if days and default is not None and default not in days:
            self.add_error("default_anchor_day", _("The default anchor day must be one of the allowed anchor days."))
        return data

    def _post_clean(self):
        # The service validates and saves; the form must not write onto the live instance first.
        pass

    def service_kwargs(self) -> dict:
        data = dict(self.cleaned_data)
        if data.pop("logo_clear", False) and not isinstance(data.get("logo"), UploadedFile):
            data["logo"] = ""
        elif not isinstance(data.get("logo"), UploadedFile):
            data.pop("logo", None)  # unchanged
        return data


class InvoiceFilterForm(forms.Form):
    q = forms.CharField(label=_("Search"), required=False, max_length=100,
                        widget=forms.SearchInput(attrs={"placeholder": _("Invoice number, account or name")}))
    status = forms.ChoiceField(label=_("Status"), required=False, choices=[("", _("Any status")), *Invoice.Status.choices])
    issued_from = LocaleDateField(label=_("Issued from"), required=False)
    issued_to = LocaleDateField(label=_("to"), required=False)
    area = forms.ModelChoiceField(label=_("Area"), queryset=None, required=False, empty_label=_("All areas"))
    branch = forms.ModelChoiceField(label=_("Branch"), queryset=None, required=False, empty_label=_("All branches"))
    overdue = forms.BooleanField(label=_("Overdue only"), required=False)
    reseller = forms.TypedChoiceField(label=_("Reseller"), required=False, coerce=int, empty_value=None)

    def __init__(self, *args, areas, branches, resellers=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["area"].queryset = areas
        self.fields["branch"].queryset = branches
        self.fields["reseller"].choices = [("", _("All resellers")), *resellers]

    def filters(self) -> dict:
        if not self.is_bound or not self.is_valid():
            return {}
        data = self.cleaned_data
        return {
            "status": data["status"], "period_from": data["issued_from"], "period_to": data["issued_to"],
            "area": data["area"], "branch": data["branch"], "overdue_only": data["overdue"], "query": data["q"],
            "reseller_id": data["reseller"],
        }


class VoidForm(MarkInvalidMixin, forms.Form):
    reason = forms.CharField(
        label=_("Reason"), max_length=500, widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("Shown on the customer's statement and kept in the audit log."),
        error_messages={"required": _("Give a reason for voiding the invoice.")},
    )


class StatementForm(MarkInvalidMixin, forms.Form):
    start = LocaleDateField(label=_("From"))
    end = LocaleDateField(label=_("To"))

    @staticmethod
    def default_initial() -> dict:
        today = timezone.localdate()
        return {"start": (today - timedelta(days=90)).replace(day=1), "end": today}

    def clean(self):
        data = super().clean()
        start, end = data.get("start"), data.get("end")
        if start and end:
            if end < start:
                self.add_error("end", _("The end date is before the start date."))
            elif (end - start).days > STATEMENT_MAX_DAYS:
                self.add_error("end", _("A statement covers at most three years."))
        return data


# One-time charges, manual invoices, credit notes (billing/charges.py) ----------------------------


def _money_field(label, **kwargs):
    return forms.DecimalField(
        label=label, max_digits=14, decimal_places=2,
        widget=forms.NumberInput(attrs={"step": "0.01", "inputmode": "decimal"}), **kwargs,
    )


class OneTimeChargeForm(MarkInvalidMixin, forms.Form):
    WHEN_CHOICES = [("next", _("Add to the next invoice")), ("now", _("Invoice it now"))]

    kind = forms.ChoiceField(label=_("Charge for"), choices=[])
    subscription = forms.ModelChoiceField(label=_("Subscription"), queryset=None, required=False, empty_label=_("None"))
    description = forms.CharField(label=_("Description"), max_length=200, required=False,
                                  help_text=_("Shown on the invoice; empty = the kind of charge."))
    amount = _money_field(_("Amount"), help_text=_("On the price side, as package prices are."))
    when = forms.ChoiceField(label=_("When"), choices=WHEN_CHOICES, initial="next", widget=forms.RadioSelect)

    def __init__(self, *args, customer, **kwargs):

        super().__init__(*args, **kwargs)
        self.fields["kind"].choices = OneTimeCharge.Kind.choices
        self.fields["subscription"].queryset = customer.subscriptions.select_related("package").order_by("id")


class ChargeCancelForm(MarkInvalidMixin, forms.Form):
    reason = forms.CharField(label=_("Reason"), max_length=255,
                             error_messages={"required": _("Give a reason for withdrawing the charge.")})


class ManualInvoiceForm(MarkInvalidMixin, forms.Form):
    """Up to ITEMS items; a row without an amount is skipped."""

    ITEMS = 4

    due_date = LocaleDateField(label=_("Due date"), required=False,
                               help_text=_("Empty = the usual due days from today."))

    def __init__(self, *args, **kwargs):

        super().__init__(*args, **kwargs)
        for n in range(1, self.ITEMS + 1):
            self.fields[f"kind_{n}"] = forms.ChoiceField(
                label=_("Item %(n)s") % {"n": n}, choices=OneTimeCharge.Kind.choices, initial=OneTimeCharge.Kind.CUSTOM
            )
            self.fields[f"description_{n}"] = forms.CharField(label=_("Description"), max_length=200, required=False)
            self.fields[f"amount_{n}"] = _money_field(_("Amount"), required=False)

    def rows(self):
        return [(self[f"kind_{n}"], self[f"description_{n}"], self[f"amount_{n}"]) for n in range(1, self.ITEMS + 1)]

    def items(self):

        return [
            Item(kind=self.cleaned_data[f"kind_{n}"], description=self.cleaned_data[f"description_{n}"],
                 amount=self.cleaned_data[f"amount_{n}"])
            for n in range(1, self.ITEMS + 1)
            if self.cleaned_data.get(f"amount_{n}") is not None
        ]


class DebitNoteForm(MarkInvalidMixin, forms.Form):
    net = _money_field(_("Value before VAT"))
    reason = forms.CharField(label=_("Reason"), max_length=255, help_text=_("Shown on the customer's statement and the Mushak-6.8."),
                             error_messages={"required": _("Give a reason: it is shown on the customer's statement.")})


class CreditNoteForm(MarkInvalidMixin, forms.Form):
    amount = _money_field(_("Amount"))
    reason = forms.CharField(label=_("Reason"), max_length=255, help_text=_("Shown on the customer's statement."),
                             error_messages={"required": _("Give a reason: it is shown on the customer's statement.")})
