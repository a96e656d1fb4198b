"""Forms of the prepaid-card screens (staff console and the card distributor's portal)."""

from datetime import timedelta

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from customers.models import Area
from customers.selectors import areas_visible_to
from network.models import Router
from network.selectors import routers_visible_to
from vouchers.models import VoucherBatch, VoucherPlan, WifiZone
from vouchers.selectors import GROUPS, distributors, plans, speed_packages, staff_branches, zones

# The form takes as many cards as a batch may have; above WEB_SYNC_MAX they are made in the background.
WEB_MAX_BATCH = 100_000
MAX_SERIAL = 10**12


class PlanForm(forms.ModelForm):
    class Meta:
        model = VoucherPlan
        fields = ["name", "name_bn", "duration", "duration_unit", "data_mb", "download_kbps", "upload_kbps", "speed_package", "devices",
                  "price", "valid_from", "unused_days", "is_active"]
        labels = {
            "name": _("Name"), "name_bn": _("Name on Bangla cards"), "duration": _("Duration"), "duration_unit": _("Unit"),
            "data_mb": _("Data allowance (MB)"), "download_kbps": _("Download speed (kbit/s)"), "upload_kbps": _("Upload speed (kbit/s)"),
            "devices": _("Devices at a time"), "price": _("Price"), "valid_from": _("Time starts at"),
            "unused_days": _("Unused cards expire after (days)"), "is_active": _("Active (new batches may use it)"),
            "speed_package": _("BDIX, cache and night speeds"),
        }
        help_texts = {
            "speed_package": _("A package's BDIX and cache speeds and speed windows, given to the card's logins on routers in "
                               "RADIUS mode (a window's speed replaces the plan's while it lasts); empty = the plan's speed only"),
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        field = self.fields["speed_package"]
        field.queryset = speed_packages()
        field.label_from_instance = lambda package: f"{package.name} — {package.speeds_summary}"
        field.empty_label = _("None (the plan's speed only)")


class ZoneForm(forms.Form):
    name = forms.CharField(label=_("Name"), max_length=120)
    area = forms.ModelChoiceField(label=_("Area"), queryset=Area.objects.select_related("branch"))
    router = forms.ModelChoiceField(label=_("Router"), queryset=Router.objects.all(), required=False)
    is_active = forms.BooleanField(label=_("Open"), required=False, initial=True)
    sells_online = forms.BooleanField(
        label=_("Sells online"), required=False,
        help_text=_("Visitors may buy a plan on the zone's sign-up page (/wifi/<zone>/) with their phone and bKash or Nagad"))
    remember_mac = forms.BooleanField(
        label=_("Remember devices"), required=False, initial=True,
        help_text=_("A visitor's device logs in again by itself while the plan lasts"))

    def __init__(self, *args, user=None, **kwargs):
        super().__init__(*args, **kwargs)
        if user is not None:  # a branch's staff place zones in their branches' areas only
            self.fields["area"].queryset = areas_visible_to(user)
            self.fields["router"].queryset = routers_visible_to(user)


class BatchForm(forms.Form):
    plan = forms.ModelChoiceField(label=_("Plan"), queryset=VoucherPlan.objects.none())
    count = forms.IntegerField(label=_("Number of cards"), min_value=1, max_value=WEB_MAX_BATCH, initial=100)
    zone = forms.ModelChoiceField(label=_("Wi-Fi zone"), queryset=WifiZone.objects.none(), required=False)
    note = forms.CharField(label=_("Note"), max_length=200, required=False)

    def __init__(self, *args, user=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["plan"].queryset = plans(active_only=True)
        self.fields["zone"].queryset = zones(active_only=True, user=user)
        if user is not None and staff_branches(user) is not None:
            # A batch without zone (and not yet issued) is head-office stock no branch sees: a branch's
            # staff make batches for one of their zones (docs/vouchers.md, "Branches").
            self.fields["zone"].required = True


class PrintForm(forms.Form):
    language = forms.ChoiceField(label=_("Language"), choices=[("en", _("English")), ("bn", _("Bangla"))], initial="en", required=False)
    first_serial = forms.IntegerField(label=_("From serial"), min_value=1, max_value=MAX_SERIAL, required=False)
    last_serial = forms.IntegerField(label=_("To serial"), min_value=1, max_value=MAX_SERIAL, required=False)

    def __init__(self, *args, batch: VoucherBatch, max_cards: int, **kwargs):
        super().__init__(*args, **kwargs)
        self.batch, self.max_cards = batch, max_cards

    def clean(self):
        data = super().clean()
        first = data.get("first_serial") or self.batch.first_serial
        last = data.get("last_serial") or min(self.batch.last_serial, first + self.max_cards - 1)
        if not (self.batch.first_serial <= first <= last <= self.batch.last_serial):
            raise forms.ValidationError(_("Choose serials within the batch, the first before the last."))
        if last - first + 1 > self.max_cards:
            raise forms.ValidationError(_("Print at most %(n)s cards at a time.") % {"n": self.max_cards})
        data["first_serial"], data["last_serial"] = first, last
        data["language"] = data.get("language") or "en"
        return data


class StatusForm(forms.Form):
    action = forms.ChoiceField(choices=[("suspend", _("Suspend")), ("resume", _("Resume")), ("cancel", _("Cancel"))])
    reason = forms.CharField(label=_("Reason"), max_length=255, required=False)


class IssueForm(forms.Form):
    distributor = forms.ModelChoiceField(label=_("Card distributor"), queryset=distributors())

    def __init__(self, *args, user=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["distributor"].queryset = distributors(user=user)


class BlockForm(forms.Form):
    serial = forms.IntegerField(label=_("Card serial"), min_value=1, max_value=MAX_SERIAL)
    reason = forms.CharField(label=_("Reason"), max_length=200, initial=_("Reported lost"))


class SoldForm(forms.Form):
    first_serial = forms.IntegerField(label=_("From serial"), min_value=1, max_value=MAX_SERIAL)
    last_serial = forms.IntegerField(label=_("To serial"), min_value=1, max_value=MAX_SERIAL, required=False,
                                     help_text=_("Empty: only the first card"))

    def clean(self):
        data = super().clean()
        if data.get("first_serial") and not data.get("last_serial"):
            data["last_serial"] = data["first_serial"]
        return data


class ReportForm(forms.Form):
    start = forms.DateField(label=_("From"), required=False, widget=forms.DateInput(attrs={"type": "date"}))
    end = forms.DateField(label=_("To"), required=False, widget=forms.DateInput(attrs={"type": "date"}))
    group = forms.ChoiceField(label=_("Per"), choices=list(GROUPS.items()), required=False)

    def clean(self):
        data = super().clean()
        today = timezone.localdate()
        data["end"] = data.get("end") or today
        data["start"] = data.get("start") or data["end"].replace(day=1)
        data["group"] = data.get("group") or "day"
        if data["start"] > data["end"]:
            raise forms.ValidationError(_("The first day comes before the last."))
        if data["end"] - data["start"] > timedelta(days=366):
            raise forms.ValidationError(_("Choose at most a year."))
        return data


class CardRechargeForm(forms.Form):
    """The customer portal's "Recharge with a card": the code as printed or typed any way."""

    code = forms.CharField(label=_("Card code"), max_length=40, help_text=_("The 12 letters and digits on the card, for example ABCD-EFGH-JKMN"))


class PhoneRechargeForm(forms.Form):
    """The public recharge page: whose account (their registered phone or account number) and the card."""

    account = forms.CharField(label=_("Mobile number or account number"), max_length=40,
                              help_text=_("The phone number registered with us, or the account number on your invoice"))
    code = forms.CharField(label=_("Card code"), max_length=40, help_text=_("The 12 letters and digits on the card"))
    confirm = forms.BooleanField(required=False, widget=forms.HiddenInput)


class CardRefundForm(forms.Form):
    """Staff give a visitor's online card purchase back, whole; the hidden key makes a double click one refund."""

    reason = forms.CharField(label=_("Reason"), max_length=255, widget=forms.Textarea(attrs={"rows": 2}),
                             help_text=_("Shown in the audit log and sent to the gateway."))
    request_key = forms.CharField(widget=forms.HiddenInput, max_length=64, required=False)


class OnlinePurchaseSearchForm(forms.Form):
    q = forms.CharField(label=_("Phone, transaction id or card serial"), max_length=64, required=False)
