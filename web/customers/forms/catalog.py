"""Forms for packages, areas and branches. They parse input; customers.services validates and writes."""

import re
from datetime import time
from decimal import Decimal

from django import forms
from django.contrib.auth import get_user_model
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from customers.districts import DISTRICT_CHOICES
from customers.models import Branch, Package
from customers.selectors import branches_visible_to, collector_candidates_for
from ispbill.core.forms import MarkInvalidMixin

PACKAGE_FORM_FIELDS = (
    "name", "type", "download_mbps", "upload_mbps", "price", "billing_cycle", "ott_bundle", "live_channels",
    "data_cap_gb", "router_profile", "installation_fee", "minimum_term_months",
    "bdix_download_mbps", "bdix_upload_mbps", "cache_download_mbps", "cache_upload_mbps",
)
SPEED_CLASS_PAIRS = (("bdix_download_mbps", "bdix_upload_mbps"), ("cache_download_mbps", "cache_upload_mbps"))
WINDOW_LINE = re.compile(r"^(\d{1,2}):(\d{2})\s*[-–]\s*(\d{1,2}):(\d{2})\s+(\d+)\s*/\s*(\d+)$")


def parse_speed_windows(text: str) -> list[tuple]:
    """One window a line: ``00:00-08:00 40/40`` (start-end download/upload in Mbps). Raises
    ValidationError naming the first line it cannot read."""
    windows = []
    for number, line in enumerate((text or "").splitlines(), start=1):
        line = line.strip()
        if not line:
            continue
        match = WINDOW_LINE.match(line)
        if not match:
            raise forms.ValidationError(
                _("Line %(n)s: write a window as 00:00-08:00 40/40 (start-end download/upload in Mbps).") % {"n": number}
            )
        h1, m1, h2, m2, down, up = (int(part) for part in match.groups())
        if h1 > 23 or h2 > 23 or m1 > 59 or m2 > 59:
            raise forms.ValidationError(_("Line %(n)s: not a time of day.") % {"n": number})
        windows.append((time(h1, m1), time(h2, m2), down, up))
    return windows


class PackageForm(MarkInvalidMixin, forms.Form):
    name = forms.CharField(label=_("Name"), max_length=100)
    type = forms.ChoiceField(label=_("Type"), choices=Package.Type.choices, initial=Package.Type.FIBER)
    download_mbps = forms.IntegerField(
        label=_("Download (Mbps)"), min_value=1, error_messages={"min_value": _("A speed must be at least 1 Mbps.")}
    )
    upload_mbps = forms.IntegerField(
        label=_("Upload (Mbps)"), min_value=1, error_messages={"min_value": _("A speed must be at least 1 Mbps.")}
    )
    price = forms.DecimalField(
        label=_("Price per cycle"), max_digits=14, decimal_places=2, min_value=0,
        error_messages={"min_value": _("The price cannot be negative.")},
    )
    billing_cycle = forms.ChoiceField(label=_("Billing cycle"), choices=Package.Cycle.choices, initial=Package.Cycle.MONTHLY)
    ott_bundle = forms.CharField(
        label=_("OTT bundle"), max_length=200, required=False, help_text=_("Streaming apps included, comma-separated")
    )
    live_channels = forms.IntegerField(
        label=_("Live TV channels"), min_value=0, initial=0,
        error_messages={"min_value": _("The number of channels cannot be negative.")},
    )
    data_cap_gb = forms.IntegerField(
        label=_("Data cap (GB per month)"), min_value=1, required=False, help_text=_("Leave empty for no cap.")
    )
    router_profile = forms.CharField(
        label=_("Router profile"), max_length=64, help_text=_("PPPoE profile / queue name on the routers")
    )
    installation_fee = forms.DecimalField(
        label=_("Installation fee"), max_digits=14, decimal_places=2, min_value=0, initial=0, required=False,
        help_text=_("Charged once on the first invoice of a new subscription; 0 = none"),
        error_messages={"min_value": _("A fee cannot be negative; 0 turns it off.")},
    )
    minimum_term_months = forms.IntegerField(
        label=_("Minimum term (months)"), min_value=1, max_value=60, required=False,
        help_text=_("Leave empty for no minimum term."),
    )

    bdix_download_mbps = forms.IntegerField(label=_("BDIX download (Mbps)"), min_value=1, required=False,
                                            help_text=_("Traffic to the BDIX list; empty = the internet speed."))
    bdix_upload_mbps = forms.IntegerField(label=_("BDIX upload (Mbps)"), min_value=1, required=False)
    cache_download_mbps = forms.IntegerField(label=_("Cache download (Mbps)"), min_value=1, required=False,
                                             help_text=_("Traffic to the cache servers (YouTube, Facebook …); empty = the internet speed."))
    cache_upload_mbps = forms.IntegerField(label=_("Cache upload (Mbps)"), min_value=1, required=False)
    speed_windows = forms.CharField(
        label=_("Speed windows"), required=False, widget=forms.Textarea(attrs={"rows": 2, "placeholder": "00:00-08:00 40/40"}),
        help_text=_("One a line: start-end download/upload in Mbps, local time, e.g. 00:00-08:00 40/40 for a night boost."),
    )

    def clean_speed_windows(self):
        return parse_speed_windows(self.cleaned_data.get("speed_windows", ""))

    def clean(self):
        cleaned = super().clean()
        for down, up in SPEED_CLASS_PAIRS:
            if (cleaned.get(down) is None) != (cleaned.get(up) is None):
                self.add_error(up if cleaned.get(up) is None else down, _("Give both the download and the upload speed, or neither."))
        return cleaned

    def clean_installation_fee(self):
        return self.cleaned_data.get("installation_fee") or Decimal("0.00")  # empty = no fee

    def __init__(self, *args, package: Package | None = None, **kwargs):
        if package is not None:
            kwargs.setdefault("initial", {
                **{name: getattr(package, name) for name in PACKAGE_FORM_FIELDS},
                "speed_windows": "\n".join(f"{w.starts:%H:%M}-{w.ends:%H:%M} {w.download_mbps}/{w.upload_mbps}" for w in package.speed_windows.all()),
            })
        super().__init__(*args, **kwargs)
        self.fields["download_mbps"].widget.attrs["min"] = 1
        self.fields["upload_mbps"].widget.attrs["min"] = 1


class BranchForm(MarkInvalidMixin, forms.Form):
    name = forms.CharField(label=_("Name"), max_length=100)
    code = forms.CharField(label=_("Code"), max_length=10, help_text=_("Short code, e.g. MIR for Mirpur"))
    address = forms.CharField(label=_("Address"), required=False, widget=forms.Textarea(attrs={"rows": 2}))
    phone = forms.CharField(label=_("Phone"), max_length=20, required=False)

    def __init__(self, *args, branch: Branch | None = None, **kwargs):
        if branch is not None:
            kwargs.setdefault("initial", {name: getattr(branch, name) for name in ("name", "code", "address", "phone")})
        super().__init__(*args, **kwargs)


def collector_label(user) -> str:
    return user.get_full_name() or user.username


class AreaForm(MarkInvalidMixin, forms.Form):
    branch = forms.ModelChoiceField(label=_("Branch"), queryset=Branch.objects.none())
    name = forms.CharField(label=_("Name"), max_length=100)
    collector = forms.ModelChoiceField(
        label=_("Collector"), queryset=None, required=False, empty_label=_("Nobody yet"),
        help_text=_("The bill collector who covers this area. A customer can be given their own collector instead."),
    )
    district = forms.ChoiceField(
        label=_("District"), required=False, choices=[("", "—"), *DISTRICT_CHOICES],
        help_text=_("The regulator's monthly subscriber figures are counted by district."),
    )

    def __init__(self, *args, user, area=None, **kwargs):
        if area is not None:
            kwargs.setdefault("initial", {"branch": area.branch_id, "name": area.name, "collector": area.collector_id,
                                          "district": area.district})
        super().__init__(*args, **kwargs)
        self.fields["branch"].queryset = branches_visible_to(user)
        # Active staff who may record payments; the one the area has stays listed even if no longer so,
        # so the form shows it (saving it unchanged is allowed; choosing it again is not).
        current = Q(pk=area.collector_id) if area is not None and area.collector_id else Q(pk__in=[])
        self.fields["collector"].queryset = get_user_model().objects.filter(
            Q(pk__in=collector_candidates_for(user).values("pk")) | current).order_by("first_name", "last_name", "username")
        self.fields["collector"].label_from_instance = collector_label


class AreaFilterForm(forms.Form):
    branch = forms.ModelChoiceField(label=_("Branch"), queryset=Branch.objects.none(), required=False, empty_label=_("All branches"))

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["branch"].queryset = branches_visible_to(user)


class PackageFilterForm(forms.Form):
    SHOW_CHOICES = [("all", _("All packages")), ("active", _("On sale")), ("inactive", _("Retired"))]

    show = forms.ChoiceField(label=_("Show"), choices=SHOW_CHOICES, required=False)
