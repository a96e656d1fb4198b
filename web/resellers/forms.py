import uuid
from decimal import Decimal

from django import forms
from django.core.validators import RegexValidator
from django.utils.translation import gettext_lazy as _

from billing.wallet_models import WalletEntry
from customers.models import Area, Branch, Customer, Package
from ispbill.core import images
from resellers.models import Reseller, ResellerLogin
from tickets.models import Category


class IdempotentForm(forms.Form):
    """A hidden key per rendering: the same submission twice (double click, retry) does the work once."""

    key = forms.CharField(widget=forms.HiddenInput, max_length=64)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if not self.is_bound:
            self.initial.setdefault("key", uuid.uuid4().hex)


# Reseller portal ---------------------------------------------------------------------------------------


class CustomerFilterForm(forms.Form):
    q = forms.CharField(label=_("Search"), required=False, max_length=100)
    status = forms.ChoiceField(label=_("Status"), required=False, choices=[("", _("Any status")), *Customer.Status.choices])
    area = forms.ModelChoiceField(label=_("Area"), required=False, queryset=Area.objects.none(), empty_label=_("Any area"))
    due = forms.BooleanField(label=_("Has dues"), required=False)
    expiring = forms.BooleanField(label=_("Expiring in 7 days"), required=False)

    def __init__(self, *args, reseller, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["area"].queryset = reseller.areas.order_by("name")


class PackageSpeedsField(forms.ModelChoiceField):
    """A package with its speed per class (internet, BDIX, cache, speed windows): what the reseller sells."""

    def label_from_instance(self, package):
        return f"{package.name} · {package.speeds_summary}"


class ResellerCustomerForm(forms.Form):
    name = forms.CharField(label=_("Name"), max_length=150)
    phone = forms.CharField(label=_("Phone"), max_length=20)
    address = forms.CharField(label=_("Address"), widget=forms.Textarea(attrs={"rows": 2}))
    area = forms.ModelChoiceField(label=_("Area"), queryset=Area.objects.none())
    package = PackageSpeedsField(label=_("Package"), queryset=Package.objects.none())
    username = forms.CharField(label=_("PPPoE username"), max_length=64)
    password = forms.CharField(label=_("PPPoE password"), max_length=64)

    def __init__(self, *args, reseller, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["area"].queryset = reseller.areas.order_by("name")
        self.fields["package"].queryset = Package.objects.filter(
            is_active=True, pk__in=reseller.packages.values("package_id")
        ).order_by("price", "name")


class RenewForm(IdempotentForm):
    # A renewal takes money from the wallet: the box, next to the price, is the confirmation (no JS needed).
    confirm = forms.BooleanField(label=_("Take the price from my wallet"), required=True)


class CollectForm(IdempotentForm):
    amount = forms.DecimalField(label=_("Amount collected"), max_digits=14, decimal_places=2, min_value=1)
    reference = forms.CharField(label=_("Reference (optional)"), max_length=100, required=False)
    # Shown only once a large amount asks for it (the view takes it off otherwise); the rest of the
    # form, its key too, comes back filled in, so ticking it and sending records the payment once.
    confirm_large = forms.BooleanField(label=_("I confirm this large amount"), required=False)


class ResellerTicketForm(forms.Form):
    category = forms.ChoiceField(label=_("Category"), choices=Category.choices)
    subject = forms.CharField(label=_("Subject"), max_length=150)
    description = forms.CharField(label=_("What is wrong?"), widget=forms.Textarea(attrs={"rows": 3}))


class PayoutRequestForm(forms.Form):
    amount = forms.DecimalField(label=_("Amount"), max_digits=14, decimal_places=2)
    note = forms.CharField(label=_("Note"), max_length=255, required=False)


class SubResellerForm(forms.Form):
    name = forms.CharField(label=_("Business name"), max_length=150)
    phone = forms.CharField(label=_("Phone"), max_length=20)
    contact_person = forms.CharField(label=_("Contact person"), max_length=150, required=False)
    areas = forms.ModelMultipleChoiceField(label=_("Areas served"), queryset=Area.objects.none())
    username = forms.CharField(label=_("Username"), max_length=150)
    password = forms.CharField(label=_("Password"), widget=forms.PasswordInput, min_length=8)

    def __init__(self, *args, parent, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["areas"].queryset = parent.areas.order_by("name")


class SubTransferForm(IdempotentForm):
    amount = forms.DecimalField(label=_("Amount"), max_digits=14, decimal_places=2, min_value=1)


class SubPriceForm(forms.Form):
    package = forms.ModelChoiceField(label=_("Package"), queryset=Package.objects.none())
    price = forms.DecimalField(label=_("Their price"), max_digits=14, decimal_places=2, min_value=0)

    def __init__(self, *args, parent, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["package"].queryset = Package.objects.filter(
            is_active=True, pk__in=parent.packages.filter(price__isnull=False).values("package_id"),
        ).order_by("price", "name")


# Staff -------------------------------------------------------------------------------------------------


class ResellerForm(forms.Form):
    name = forms.CharField(label=_("Business name"), max_length=150)
    phone = forms.CharField(label=_("Phone"), max_length=20)
    contact_person = forms.CharField(label=_("Contact person"), max_length=150, required=False)
    email = forms.EmailField(label=_("E-mail"), required=False)
    address = forms.CharField(label=_("Address"), required=False, widget=forms.Textarea(attrs={"rows": 2}))
    branch = forms.ModelChoiceField(label=_("Branch"), queryset=Branch.objects.all())
    areas = forms.ModelMultipleChoiceField(label=_("Areas served"), queryset=Area.objects.select_related("branch"), required=False)
    model = forms.ChoiceField(label=_("Model"), choices=Reseller.Model.choices)
    kind = forms.ChoiceField(label=_("Sells"), choices=Reseller.Kind.choices, initial=Reseller.Kind.SUBSCRIBERS, required=False,
                             help_text=_("A card distributor buys batches of prepaid Wi-Fi cards from a prepaid wallet."))
    card_commission_percent = forms.DecimalField(
        label=_("Card commission (per cent)"), max_digits=5, decimal_places=2, min_value=0, max_value=Decimal("99.99"), initial=0,
        required=False, help_text=_("Card distributors: the share of the card price they keep."),
    )
    credit_limit = forms.DecimalField(label=_("Credit limit"), max_digits=14, decimal_places=2, min_value=0, initial=0)
    username = forms.CharField(label=_("Owner's username"), max_length=150)
    password = forms.CharField(label=_("Owner's password"), widget=forms.PasswordInput, min_length=8)
    # Set when editing a reseller.
    low_balance_alert = forms.DecimalField(
        label=_("SMS the reseller when the wallet falls below"), max_digits=14, decimal_places=2, min_value=0, required=False,
    )
    brand_on_documents = forms.BooleanField(label=_("Show the reseller's name and logo on their customers' invoices"), required=False)
    logo = forms.FileField(label=_("Reseller's logo"), required=False,
                           widget=forms.FileInput(attrs={"accept": "image/png,image/jpeg,image/gif,image/webp"}))
    logo_clear = forms.BooleanField(label=_("Remove the logo"), required=False)
    sms_sender_id = forms.CharField(
        label=_("SMS sender name for their customers"), max_length=11, required=False,
        validators=[RegexValidator(r"^[A-Za-z0-9 ]*$", _("Letters, digits and spaces only (the SMS provider approves it)."))],
        help_text=_("Empty: the ISP's own sender name. Used where the SMS gateway takes a sender id."),
    )

    EDIT_ONLY = ("low_balance_alert", "brand_on_documents", "logo", "logo_clear", "sms_sender_id")

    def __init__(self, *args, editing: bool = False, **kwargs):
        super().__init__(*args, **kwargs)
        if editing:
            del self.fields["username"], self.fields["password"], self.fields["branch"]
        else:
            for name in self.EDIT_ONLY:
                del self.fields[name]

    def clean_logo(self):
        logo = self.cleaned_data.get("logo")
        if logo:
            logo.seek(0)
            images.image_checked(logo.read(images.LOGO.max_bytes + 1), limits=images.LOGO)
            logo.seek(0)
        return logo


class TopupForm(forms.Form):
    amount = forms.DecimalField(label=_("Amount"), max_digits=14, decimal_places=2)
    method = forms.ChoiceField(label=_("Method"), choices=WalletEntry.Method.choices)
    reference = forms.CharField(label=_("Reference"), max_length=100, required=False)
    memo = forms.CharField(label=_("Note"), max_length=255, required=False)


class AdjustForm(forms.Form):
    amount = forms.DecimalField(label=_("Amount (+ adds, − takes)"), max_digits=14, decimal_places=2)
    memo = forms.CharField(label=_("Reason"), max_length=255)


class ResellerPackageForm(forms.Form):
    package = forms.ModelChoiceField(label=_("Package"), queryset=Package.objects.filter(is_active=True))
    price = forms.DecimalField(label=_("Reseller price"), max_digits=14, decimal_places=2, required=False)


class CommissionRuleForm(forms.Form):
    percent = forms.DecimalField(label=_("Percent"), max_digits=5, decimal_places=2)
    package = forms.ModelChoiceField(label=_("Package (empty: all)"), queryset=Package.objects.all(), required=False)
    months = forms.IntegerField(label=_("For months from first payment (empty: for ever)"), required=False, min_value=1)
    min_active_customers = forms.IntegerField(label=_("From active customers (tier)"), required=False, min_value=0, initial=0)


class LoginForm(forms.Form):
    username = forms.CharField(label=_("Username"), max_length=150)
    password = forms.CharField(label=_("Password"), widget=forms.PasswordInput, min_length=8)
    role = forms.ChoiceField(label=_("Role"), choices=ResellerLogin.Role.choices)


class StatementCloseForm(forms.Form):
    period = forms.DateField(label=_("Month"), widget=forms.DateInput(attrs={"type": "month"}), input_formats=["%Y-%m", "%Y-%m-%d"])


class PayoutDecisionForm(forms.Form):
    approve = forms.BooleanField(required=False)
    note = forms.CharField(label=_("Note"), max_length=255, required=False)
