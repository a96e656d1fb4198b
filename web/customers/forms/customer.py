from itertools import groupby

from django import forms
from django.contrib.auth import password_validation
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from customers.models import Customer, Package
from customers.selectors import DEFAULT_CUSTOMER_SORT
from ispbill.core.forms import FilterSelect, LocaleDateField, MarkInvalidMixin
from ispbill.core.phone import display_phone
from ispbill.notify.events import Language


class OneTemplateSelect(forms.Select):
    template_name = "customers/customer_select_widget.html"


SORT_LABELS = {
    "-account": _("Newest accounts first"),
    "account": _("Oldest accounts first"),
    "name": _("Name A–Z"),
    "-name": _("Name Z–A"),
    "-since": _("Customer since, newest"),
    "since": _("Customer since, oldest"),
    "-risk": _("Churn risk, highest first"),
}
# The churn app's bands (churn.models.RiskBand), named here since customers sits below churn.
RISK_BANDS = [("high", _("High risk")), ("medium", _("Medium risk")), ("low", _("Low risk"))]


def grouped_area_choices(areas) -> list:
    """`area_filter_choices` areas as one option group per branch (they come ordered by branch)."""
    return [
        (branch_name, [(pk, name) for pk, name, _branch_id, _branch_name in group])
        for branch_name, group in groupby(areas, key=lambda area: area[3])
    ]


class CustomerFilterForm(MarkInvalidMixin, forms.Form):
    """The customer list's search, filters and sort: the same parameters drive the list and the export.

    Choices come from `customer_filter_choices`, already limited to the user's branches.
    """

    q = forms.CharField(
        required=False,
        max_length=100,
        label=_("Search"),
        widget=forms.TextInput(
            attrs={"type": "search", "placeholder": _("Name, phone, account no. or username"), "autocomplete": "off"}
        ),
    )
    status = forms.ChoiceField(
        required=False, label=_("Status"), choices=[("", _("Any status")), *Customer.Status.choices], widget=FilterSelect
    )
    type = forms.ChoiceField(
        required=False, label=_("Type"), choices=[("", _("Any type")), *Package.Type.choices], widget=FilterSelect
    )
    package = forms.TypedChoiceField(required=False, label=_("Package"), coerce=int, empty_value=None, widget=FilterSelect)
    area = forms.TypedChoiceField(required=False, label=_("Area"), coerce=int, empty_value=None, widget=FilterSelect)
    branch = forms.TypedChoiceField(required=False, label=_("Branch"), coerce=int, empty_value=None, widget=FilterSelect)
    reseller = forms.TypedChoiceField(required=False, label=_("Reseller"), coerce=int, empty_value=None, widget=FilterSelect)
    risk = forms.ChoiceField(required=False, label=_("Churn risk"), choices=[("", _("Any churn risk")), *RISK_BANDS], widget=FilterSelect)
    sort = forms.ChoiceField(required=False, label=_("Sort"), choices=list(SORT_LABELS.items()), widget=FilterSelect)

    def __init__(self, *args, choices: dict, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["package"].choices = [("", _("Any package"))] + [
            (pk, name if active else _("%(name)s (retired)") % {"name": name}) for pk, name, active in choices["packages"]
        ]
        self.fields["area"].choices = [("", _("Any area")), *grouped_area_choices(choices["areas"])]
        self.fields["branch"].choices = [("", _("Any branch")), *choices["branches"]]
        self.fields["reseller"].choices = [("", _("Any reseller")), *choices.get("resellers", [])]
        self.show_reseller = bool(choices.get("resellers"))
        # One branch in scope: filtering by it changes nothing.
        self.show_branch = len(choices["branches"]) > 1

    def without_churn_risk(self) -> None:
        """For staff who may not see churn scores: no risk filter, no risk sort."""
        del self.fields["risk"]
        self.fields["sort"].choices = [choice for choice in self.fields["sort"].choices if choice[0] != "-risk"]

    def filters(self) -> dict:
        """Keyword arguments for `customers_filtered`; a value that did not validate is left out."""
        self.is_valid()
        data = self.cleaned_data
        return {
            "q": data.get("q", ""),
            "status": data.get("status", ""),
            "package_type": data.get("type", ""),
            "package_id": data.get("package"),
            "area_id": data.get("area"),
            "branch_id": data.get("branch") if self.show_branch else None,
            "reseller_id": data.get("reseller"),
            "risk_band": data.get("risk", ""),
        }

    @property
    def chosen_sort(self) -> str:
        self.is_valid()
        return self.cleaned_data.get("sort") or DEFAULT_CUSTOMER_SORT


class AreasByBranch(forms.models.ModelChoiceIterator):
    """Area options in one <optgroup> per branch (the queryset is ordered by branch)."""

    def __iter__(self):
        if self.field.empty_label is not None:
            yield ("", self.field.empty_label)
        for branch, areas in groupby(self.queryset, key=lambda area: area.branch):
            yield (branch.name, [self.choice(area) for area in areas])


class AreaChoiceField(forms.ModelChoiceField):
    iterator = AreasByBranch


class CustomerForm(MarkInvalidMixin, forms.Form):
    """Create or edit a customer. The phone is checked and normalised by the service."""

    name = forms.CharField(label=_("Name"), max_length=150)
    phone = forms.CharField(label=_("Phone"), max_length=32, help_text=_("Mobile number, e.g. 01712-345678"))
    email = forms.EmailField(label=_("Email"), required=False)
    national_id = forms.CharField(label=_("National ID"), max_length=32, required=False)
    vat_bin = forms.CharField(
        label=_("BIN"), max_length=16, required=False,
        help_text=_("A corporate customer's 13-digit VAT registration: printed on its Mushak-6.3 tax invoices."),
    )
    address = forms.CharField(label=_("Address"), widget=forms.Textarea(attrs={"rows": 2}))
    area = AreaChoiceField(label=_("Area"), queryset=None, empty_label=_("Choose an area"), widget=OneTemplateSelect)
    reseller = forms.ModelChoiceField(
        label=_("Reseller"), queryset=None, required=False, empty_label=_("None: a direct customer")
    )
    latitude = forms.DecimalField(
        label=_("Latitude"), required=False, max_digits=9, decimal_places=6, min_value=-90, max_value=90,
        widget=forms.NumberInput(attrs={"step": "0.000001", "placeholder": _("e.g. 23.810332")}),
    )
    longitude = forms.DecimalField(
        label=_("Longitude"), required=False, max_digits=9, decimal_places=6, min_value=-180, max_value=180,
        widget=forms.NumberInput(attrs={"step": "0.000001", "placeholder": _("e.g. 90.412518")}),
    )
    collector = forms.ModelChoiceField(
        label=_("Collector"), queryset=None, required=False, empty_label=_("The area's collector"),
        help_text=_("Only to assign this customer a collector other than their area's."),
    )
    customer_since = LocaleDateField(label=_("Customer since"))
    language = forms.ChoiceField(
        label=_("Language for messages and documents"), required=False,
        choices=[("", _("English (not chosen)")), *Language.CHOICES],
        help_text=_("SMS, WhatsApp and e-mail messages, invoices and receipts. The customer can change it in the portal."),
    )
    notes = forms.CharField(label=_("Notes"), required=False, widget=forms.Textarea(attrs={"rows": 3}))
    # Shown only when the phone already belongs to another customer (families share phones).
    shared_phone_confirmed = forms.BooleanField(
        label=_("Yes, this customer shares that phone"), required=False,
    )

    def __init__(self, *args, areas, resellers, collectors, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["area"].queryset = areas
        self.fields["reseller"].queryset = resellers
        self.fields["collector"].queryset = collectors
        self.fields["collector"].label_from_instance = lambda user: user.get_full_name() or user.username
        if not self.is_bound and "customer_since" not in self.initial:
            self.initial["customer_since"] = timezone.localdate()

    @staticmethod
    def initial_for(customer: Customer) -> dict:
        return {
            "name": customer.name,
            "phone": display_phone(customer.phone),
            "email": customer.email,
            "national_id": customer.national_id,
            "vat_bin": customer.vat_bin,
            "address": customer.address,
            "area": customer.area_id,
            "reseller": customer.reseller_id,
            "collector": customer.collector_id,
            "latitude": customer.latitude,
            "longitude": customer.longitude,
            "customer_since": customer.customer_since,
            "language": customer.language,
            "notes": customer.notes,
        }

    def clean_vat_bin(self):
        return (self.cleaned_data.get("vat_bin") or "").strip().replace("-", "").replace(" ", "")

    def clean(self):
        data = super().clean()
        if (data.get("latitude") is None) != (data.get("longitude") is None) and not self.has_error("latitude") and not self.has_error("longitude"):
            missing = "longitude" if data.get("longitude") is None else "latitude"
            self.add_error(missing, _("Give both latitude and longitude, or neither."))
        return data


class PortalAccessForm(MarkInvalidMixin, forms.Form):
    password = forms.CharField(
        label=_("New portal password"), strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
        help_text=_("At least 8 characters; not a common password."),
    )
    password_again = forms.CharField(
        label=_("Password again"), strip=False, widget=forms.PasswordInput(attrs={"autocomplete": "new-password"})
    )

    def __init__(self, *args, customer: Customer, **kwargs):
        super().__init__(*args, **kwargs)
        self.customer = customer

    def clean(self):
        data = super().clean()
        password, again = data.get("password"), data.get("password_again")
        if password and again and password != again:
            self.add_error("password_again", _("The two passwords differ."))
        elif password:
            try:
                password_validation.validate_password(password, user=self.customer.user)
            except forms.ValidationError as error:
                self.add_error("password", error)
        return data
