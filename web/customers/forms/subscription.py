import re
import secrets

from django import forms
from django.db.models import Q
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from billing.selectors import current_billing_settings, package_price_as_paid
from customers.models import Customer, Package, Subscription
from customers.services import subscription_connection_errors
from ispbill.core.forms import MarkInvalidMixin
from ispbill.core.money import format_money
from network.models import Router

MAC_ADDRESS = re.compile(r"^[0-9A-F]{2}([:-]?)[0-9A-F]{2}(\1[0-9A-F]{2}){4}$")


def package_choices(current: Package | None = None):
    """Packages on sale, plus the one a subscription already has (it may keep a retired package)."""
    condition = Q(is_active=True)
    if current is not None:
        condition |= Q(pk=current.pk)
    return Package.objects.filter(condition).order_by("price", "name")


def router_choices(customer: Customer, current=None):
    """Active routers of the customer's branch or of no branch, plus the subscription's current one."""
    condition = Q(is_active=True) & (Q(branch_id=customer.branch_id) | Q(branch__isnull=True))
    if current is not None:
        condition |= Q(pk=current.pk)
    return Router.objects.filter(condition).order_by("name")


# No look-alike characters (0/O, 1/l/I): the password is read out to a customer or typed into a router.
PASSWORD_ALPHABET = "abcdefghijkmnpqrstuvwxyzABCDEFGHJKLMNPQRSTUVWXYZ23456789"
PASSWORD_LENGTH = 10


def suggest_password() -> str:
    """A PPPoE / hotspot password for a new connection: the form offers it, staff may type their own."""
    return "".join(secrets.choice(PASSWORD_ALPHABET) for _ in range(PASSWORD_LENGTH))


CYCLE_PRICE_LABELS = {
    Package.Cycle.MONTHLY: _("%(price)s a month incl. VAT"),
    Package.Cycle.QUARTERLY: _("%(price)s a quarter incl. VAT"),
    Package.Cycle.ANNUAL: _("%(price)s a year incl. VAT"),
}


class PackageChoiceField(forms.ModelChoiceField):
    """Each package with what the customer pays per billing cycle, VAT included (Settings → Billing
    decides whether prices include VAT or have it added)."""

    def label_from_instance(self, package):
        price = format_money(package_price_as_paid(package=package))
        per_cycle = CYCLE_PRICE_LABELS.get(package.billing_cycle, _("%(price)s incl. VAT")) % {"price": price}
        return f"{package.name} · {package.speeds_summary} · {per_cycle}"


class SubscriptionForm(MarkInvalidMixin, forms.Form):
    """Add or edit a subscription. The password is write-only: never shown, blank on edit keeps it."""

    package = PackageChoiceField(label=_("Package"), queryset=None, empty_label=_("Choose a package"))
    connection_type = forms.ChoiceField(label=_("Connection type"), choices=Subscription.ConnectionType.choices)
    router = forms.ModelChoiceField(label=_("Router"), queryset=None, empty_label=_("Choose a router"))
    username = forms.CharField(
        label=_("Username"), max_length=64, required=False,
        help_text=_("PPPoE or hotspot login; unique on its router."),
        widget=forms.TextInput(attrs={"autocomplete": "off", "spellcheck": "false", "autocapitalize": "none"}),
    )
    # Shown as text: staff read it out to the customer or type it into the customer's router.
    password = forms.CharField(
        label=_("Password"), required=False, strip=False, max_length=128,
        widget=forms.TextInput(attrs={"autocomplete": "off", "spellcheck": "false", "autocapitalize": "none"}),
    )
    static_ip = forms.GenericIPAddressField(
        label=_("Static IP"), protocol="IPv4", required=False,
        help_text=_("Needed for a static-IP or IPoE connection; optional fixed address otherwise."),
    )
    mac_address = forms.CharField(
        label=_("MAC address"), max_length=17, required=False, widget=forms.TextInput(attrs={"placeholder": "AA:BB:CC:DD:EE:FF"})
    )

    def __init__(self, *args, customer: Customer, subscription: Subscription | None = None, **kwargs):
        super().__init__(*args, **kwargs)
        self.subscription = subscription
        self._add_anchor_field(subscription)
        self.fields["package"].queryset = package_choices(subscription.package if subscription else None)
        self.fields["router"].queryset = router_choices(customer, subscription.router if subscription else None)
        # Needed for the connection types that log in (PPPoE, hotspot): marked like the required fields.
        for name in ("username", "password") if subscription is None else ("username",):
            self.fields[name].conditionally_required = True
        if subscription is not None:
            self.fields["password"].help_text = _("Leave empty to keep the current password.")
            # Changed with "Change package" on the subscriptions tab: quoted and prorated before confirming.
            self.fields["package"].disabled = True
            self.fields["package"].help_text = _("Use “Change package” on the subscriptions tab: the change is quoted and prorated.")
        else:
            self.fields["password"].help_text = _("Needed for a PPPoE or hotspot login.")

    def _add_anchor_field(self, subscription: Subscription | None) -> None:
        """Calendar billing: the day of the month the subscription's periods start, from the ISP's
        allowed set (Settings → Billing). Blank = the ISP's default anchor day at the first invoice."""
        cfg = current_billing_settings()
        if cfg.mode != cfg.Mode.CALENDAR:
            return
        allowed = ", ".join(str(day) for day in cfg.allowed_anchor_days)
        days = list(cfg.allowed_anchor_days)
        current = subscription.billing_anchor_day if subscription else None
        if current and current not in days:
            days.append(current)  # set before the allowed set changed: shown, kept as it is
        field = forms.TypedChoiceField(
            label=_("Billing anchor day"), required=False, coerce=int, empty_value=None,
            choices=[("", _("Default (day %(day)s)") % {"day": cfg.default_anchor_day}), *((d, d) for d in sorted(days))],
            help_text=_("The day of the month each billing period starts."),
            error_messages={
                "invalid_choice": gettext("The anchor day %%(value)s is outside the allowed set (%(allowed)s).")
                % {"allowed": allowed}
            },
        )
        if subscription is not None and subscription.billed_through is not None and current is not None:
            field.disabled = True
            field.help_text = _("Fixed once the subscription has been invoiced.")
        self.fields["billing_anchor_day"] = field

    @staticmethod
    def initial_for(subscription: Subscription) -> dict:
        return {
            "billing_anchor_day": subscription.billing_anchor_day,
            "package": subscription.package_id,
            "connection_type": subscription.connection_type,
            "router": subscription.router_id,
            "username": subscription.username,
            "static_ip": subscription.static_ip,
            "mac_address": subscription.mac_address,
        }

    def clean_mac_address(self) -> str:
        mac = self.cleaned_data["mac_address"].strip().upper()
        if not mac:
            return ""
        if not MAC_ADDRESS.match(mac):
            raise forms.ValidationError(_("Enter a MAC address like AA:BB:CC:DD:EE:FF."))
        digits = re.sub(r"[^0-9A-F]", "", mac)
        return ":".join(digits[i : i + 2] for i in range(0, 12, 2))

    def clean(self):
        data = super().clean()
        needs_login = data.get("connection_type") in (
            Subscription.ConnectionType.PPPOE, Subscription.ConnectionType.HOTSPOT
        )
        if needs_login and self.subscription is None and not data.get("password"):
            self.add_error("password", _("A PPPoE or hotspot login needs a password."))
        # The login and address checks of the service, here too, so every error shows at once
        # instead of one per submit after the fields are right.
        if "connection_type" in data:
            errors = subscription_connection_errors(
                connection_type=data["connection_type"], username=data.get("username", ""), static_ip=data.get("static_ip"),
                router=data.get("router"), exclude_pk=self.subscription.pk if self.subscription else None,
                mac_address=data.get("mac_address", "") if "mac_address" not in self.errors else "00:00:00:00:00:00",
            )
            for name, messages in errors.items():
                if name not in self.errors:
                    self.add_error(name, messages)
        return data

    def service_kwargs(self) -> dict:
        data = dict(self.cleaned_data)
        data["static_ip"] = data.get("static_ip") or None
        if self.subscription is not None and not data.get("password"):
            data["password"] = None  # keep the stored one
        return data


class LifecycleForm(MarkInvalidMixin, forms.Form):
    reason = forms.CharField(
        label=_("Reason"),
        widget=forms.Textarea(attrs={"rows": 3}),
        max_length=500,
        help_text=_("Kept in the customer's history."),
        error_messages={"required": _("Give a reason: it is kept in the customer's history.")},
    )


    def service_kwargs(self) -> dict:
        return dict(self.cleaned_data)


FEE_CHARGE, FEE_WAIVE = "charge", "waive"


class CancelForm(LifecycleForm):
    """Cancelling: the reason, and — when a contract's early-termination fee is due — the choice to
    charge or waive it (a reason for waiving), with the fee total the dialog quoted: a fee that has
    changed since (the dialog left open past midnight) is refused, so what is charged is what was shown."""

    def __init__(self, *args, quote=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.quote = quote
        if quote is not None and quote.fee.due:
            self.fields["fee"] = forms.ChoiceField(
                label=_("Early-termination fee"), widget=forms.RadioSelect,
                choices=[(FEE_CHARGE, _("Charge the fee")), (FEE_WAIVE, _("Waive the fee"))],
                error_messages={"required": _("Choose whether the fee is charged or waived.")},
            )
            self.fields["fee_waive_reason"] = forms.CharField(
                label=_("Why the fee is waived"), required=False, max_length=255,
                help_text=_("Kept in the contract's history and the audit log."),
            )
            self.fields["quoted_fee"] = forms.DecimalField(
                widget=forms.HiddenInput, max_digits=14, decimal_places=2, initial=quote.fee.gross,
            )

    @property
    def malformed(self) -> bool:
        """Errors no one makes through the dialog: a fee choice or quoted total that is not one."""
        return self.has_error("quoted_fee") or self.has_error("fee", code="invalid_choice")

    def clean(self):
        data = super().clean()
        if "fee" not in self.fields:
            return data
        if data.get("fee") == FEE_WAIVE and not (data.get("fee_waive_reason") or "").strip():
            self.add_error("fee_waive_reason", _("Give a reason for waiving the fee."))
        quoted = data.get("quoted_fee")
        if quoted is not None and quoted != self.quote.fee.gross:
            self.add_error(None, gettext("The fee is %(fee)s now, not %(quoted)s: close the dialog and open it again.") % {
                "fee": format_money(self.quote.fee.gross), "quoted": format_money(quoted)})
        return data

    @property
    def waives_fee(self) -> bool:
        return self.cleaned_data.get("fee") == FEE_WAIVE

    def service_kwargs(self) -> dict:
        return {
            "reason": self.cleaned_data["reason"],
            "fee_waive_reason": self.cleaned_data["fee_waive_reason"].strip() if self.waives_fee else "",
        }


class SuspendForm(LifecycleForm):
    suspension_type = forms.ChoiceField(
        label=_("Suspension type"),
        choices=[("", _("Choose why")), *Subscription.SuspensionType.choices],
        error_messages={"required": _("Choose why the subscription is suspended.")},
    )
    skip_billing = forms.BooleanField(
        label=_("Skip billing while suspended"), required=False,
    )

    field_order = ["suspension_type", "skip_billing", "reason"]
