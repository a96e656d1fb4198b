"""Forms for the router screens. They parse input; network.services, outbox and reconcile validate and write."""

from django import forms
from django.utils.translation import gettext_lazy as _

from customers.models import Area, Branch, Package
from customers.selectors import areas_visible_to, branches_visible_to
from ispbill.core.forms import LocaleDateField, LocaleDateTimeField, MarkInvalidMixin
from network.models import Router, SpeedDestination
from network.outbox import ORPHAN_TABLES
from network.selectors import routers_visible_to

ROUTER_FORM_FIELDS = (
    "name", "host", "api_port", "use_ssl", "ssl_port", "username", "branch", "is_active",
    "provision_pppoe", "provision_static", "provision_hotspot", "suspension_method", "suspended_address_list",
    "radius_coa_port", "radius_require_message_authenticator",
)


class RouterForm(MarkInvalidMixin, forms.Form):
    name = forms.CharField(label=_("Name"), max_length=100)
    host = forms.CharField(label=_("Host"), max_length=255, help_text=_("IP address or DNS name of the router"))
    api_port = forms.IntegerField(label=_("API port"), min_value=1, max_value=65535, initial=8728)
    use_ssl = forms.BooleanField(label=_("Use api-ssl (TLS)"), required=False)
    ssl_port = forms.IntegerField(label=_("api-ssl port"), min_value=1, max_value=65535, initial=8729)
    username = forms.CharField(label=_("API username"), max_length=100, initial="admin")
    password = forms.CharField(
        label=_("API password"), required=False, strip=False,
        widget=forms.PasswordInput(render_value=False, attrs={"autocomplete": "new-password"}),
    )
    empty_password = forms.BooleanField(
        label=_("The router has no password (fresh RouterOS)"), required=False,
    )
    branch = forms.ModelChoiceField(label=_("Branch"), queryset=Branch.objects.none(), required=False, empty_label=_("No branch (all staff)"))
    areas = forms.ModelMultipleChoiceField(
        label=_("Areas served"), queryset=Area.objects.none(), required=False, widget=forms.CheckboxSelectMultiple,
    )
    is_active = forms.BooleanField(label=_("Active (changes and checks go to this router)"), required=False, initial=True)
    provision_pppoe = forms.BooleanField(label=_("PPPoE secrets with profiles"), required=False, initial=True)
    provision_static = forms.BooleanField(label=_("Static IPs with simple queues"), required=False, initial=True)
    provision_hotspot = forms.BooleanField(label=_("Hotspot users"), required=False, initial=True)
    suspension_method = forms.ChoiceField(
        label=_("Suspend customers by"), choices=Router.SuspensionMethod.choices, initial=Router.SuspensionMethod.DISABLE,
        widget=forms.RadioSelect,
        help_text=_("Static-IP customers are always listed; logins without a fixed IP are always disabled."),
    )
    suspended_address_list = forms.CharField(label=_("Suspended address list"), max_length=64, initial="suspended")
    radius_coa_port = forms.IntegerField(
        label=_("RADIUS CoA port"), min_value=1, max_value=65535, initial=3799, required=False,
        help_text=_("Where the router takes CoA and Disconnect requests in RADIUS mode (/radius incoming); 3799 unless you changed it."),
    )

    radius_require_message_authenticator = forms.BooleanField(
        label=_("Require Message-Authenticator (RADIUS mode)"), required=False, initial=True,
        help_text=_(
            "FreeRADIUS then drops this router's login requests that are not signed with it, which stops forged "
            "answers (BlastRADIUS, CVE-2024-3596). RouterOS 7.15 and later sends it; untick only for an older RouterOS "
            "whose logins are dropped, and upgrade it."
        ),
    )

    def __init__(self, *args, user, router: Router | None = None, **kwargs):
        self.router = router
        if router is not None:
            initial = {name: getattr(router, name) for name in ROUTER_FORM_FIELDS}
            initial["branch"] = router.branch_id
            initial["areas"] = list(router.areas.values_list("pk", flat=True))
            kwargs.setdefault("initial", initial)
        super().__init__(*args, **kwargs)
        self.fields["branch"].queryset = branches_visible_to(user)
        self.fields["areas"].queryset = areas_visible_to(user).order_by("branch__name", "name")
        self.fields["areas"].label_from_instance = lambda area: f"{area.name} ({area.branch.name})"
        if router is not None:
            self.fields["password"].help_text = (
                _("Leave empty to keep the stored password.") if router.password else _("No password is stored.")
            )
        else:
            self.fields["password"].help_text = _("Stored encrypted; never shown again.")

    def clean(self):
        data = super().clean()
        if data.get("empty_password") and data.get("password"):
            self.add_error("password", _("Either type a password or tick “no password”, not both."))
        return data

    def service_kwargs(self) -> dict:
        data = dict(self.cleaned_data)
        empty = data.pop("empty_password")
        password = data.pop("password")
        areas = list(data.pop("areas"))
        # The service keeps the stored password for None, stores "" for a router without one.
        data["password"] = "" if empty else (password or None)
        data["areas"] = areas
        if data.get("radius_coa_port") is None:
            data.pop("radius_coa_port", None)  # left empty: keep the router's (3799 for a new one)
        if self.router is None and data["password"] is None:
            data["password"] = ""
        return data


class AaaModeForm(forms.Form):
    """Switch a router between API and RADIUS mode: the mode it goes to, and the staff member's
    confirmation that they read what will happen."""

    mode = forms.ChoiceField(label=_("Mode"), choices=Router.AaaMode.choices, widget=forms.HiddenInput)
    confirm = forms.BooleanField(label=_("I understand: the router is reconfigured and its subscribers move to the new mode."))


class OrphanForm(forms.Form):
    table = forms.ChoiceField(choices=[(key, key) for key in ORPHAN_TABLES])
    name = forms.CharField(required=False, max_length=255)
    address = forms.CharField(required=False, max_length=64)

    def clean(self):
        data = super().clean()
        if not data.get("name") and not data.get("address"):
            raise forms.ValidationError(_("Which entry? Its name or address is missing."))
        return data


class LoginLookupForm(forms.Form):
    login = forms.CharField(
        label=_("Login"), max_length=64, required=False,
        widget=forms.TextInput(attrs={"placeholder": _("PPPoE or hotspot login, or static-IP queue name")}),
    )


# Usage and fair usage ----------------------------------------------------------------------------


class FupLiftForm(MarkInvalidMixin, forms.Form):
    reason = forms.CharField(
        label=_("Reason"), max_length=500, widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("Recorded in the audit log; the full speed stays until the cycle ends."),
    )


class HeavyUsersForm(MarkInvalidMixin, forms.Form):
    start = LocaleDateField(label=_("From"))
    end = LocaleDateField(label=_("To"))
    area = forms.ModelChoiceField(label=_("Area"), queryset=Area.objects.none(), required=False, empty_label=_("All areas"))
    package = forms.ModelChoiceField(label=_("Package"), queryset=None, required=False, empty_label=_("All packages"))
    limit = forms.TypedChoiceField(
        label=_("Show"), choices=[(n, n) for n in (20, 50, 100, 200)], coerce=int, initial=50, required=False,
    )

    def __init__(self, *args, user, **kwargs):

        super().__init__(*args, **kwargs)
        self.fields["area"].queryset = areas_visible_to(user)
        self.fields["package"].queryset = Package.objects.order_by("name")

    def clean(self):
        data = super().clean()
        start, end = data.get("start"), data.get("end")
        if start and end and end < start:
            self.add_error("end", _("The period ends before it starts."))
        if start and end and (end - start).days > 366:
            self.add_error("end", _("Choose a period of at most a year."))
        return data


class PackageFupForm(MarkInvalidMixin, forms.Form):
    data_cap_gb = forms.IntegerField(
        label=_("Monthly data cap (GB)"), min_value=1, required=False, help_text=_("Empty: no cap, no fair-usage policy."),
    )
    fup_download_mbps = forms.IntegerField(label=_("Throttled download (Mbps)"), min_value=1, required=False)
    fup_upload_mbps = forms.IntegerField(label=_("Throttled upload (Mbps)"), min_value=1, required=False)
    fup_profile = forms.CharField(
        label=_("FUP router profile"), max_length=64, required=False,
        help_text=_("Empty: the package's profile name followed by “-FUP”."),
    )

    def clean(self):
        data = super().clean()
        down, up = data.get("fup_download_mbps"), data.get("fup_upload_mbps")
        if (down is None) != (up is None):
            self.add_error("fup_upload_mbps" if up is None else "fup_download_mbps", _("Give both throttled speeds, or neither."))
        if down and not data.get("data_cap_gb"):
            self.add_error("data_cap_gb", _("A throttled speed needs a data cap."))
        return data


# Outages -------------------------------------------------------------------------------------------


def _datetime_field(label, required=True, help_text=""):
    return LocaleDateTimeField(label=label, required=required, help_text=help_text)


class OutageForm(MarkInvalidMixin, forms.Form):
    """Declare an outage, or confirm a suggested one. The service refuses one with no area and no router."""

    title = forms.CharField(label=_("Title"), max_length=200, help_text=_("Customers read this, e.g. “Fibre cut on Mirpur Road”"))
    description = forms.CharField(label=_("Description"), required=False, widget=forms.Textarea(attrs={"rows": 3}))
    title_bn = forms.CharField(
        label=_("Title in Bangla"), max_length=200, required=False,
        help_text=_("Customers who read Bangla get this, e.g. “মিরপুর রোডে ফাইবার কাটা”; empty: the English title"),
        widget=forms.TextInput(attrs={"lang": "bn"}),
    )
    description_bn = forms.CharField(
        label=_("Description in Bangla"), required=False, widget=forms.Textarea(attrs={"rows": 3, "lang": "bn"}),
    )
    # Ticked in a list grouped by branch with a filter box (network/outage_area_picker.html).
    areas = forms.ModelMultipleChoiceField(label=_("Affected areas"), queryset=Area.objects.none(), required=False,
                                           widget=forms.CheckboxSelectMultiple)
    routers = forms.ModelMultipleChoiceField(label=_("Affected routers"), queryset=Router.objects.none(), required=False,
                                             widget=forms.CheckboxSelectMultiple)
    started_at = _datetime_field(_("Started"))
    estimated_restoration_at = _datetime_field(_("Estimated restoration"), required=False)

    def __init__(self, *args, user, **kwargs):

        super().__init__(*args, **kwargs)
        self.fields["areas"].queryset = areas_visible_to(user).select_related("branch").order_by("branch__name", "name")
        self.fields["routers"].queryset = routers_visible_to(user).filter(is_active=True).order_by("name")


    def areas_by_branch(self) -> list[tuple[str, list]]:
        """The area checkboxes under their branch's name, for the picker."""
        chosen = {str(value) for value in (self["areas"].value() or [])}
        groups: dict[str, list] = {}
        for area in self.fields["areas"].queryset:
            groups.setdefault(area.branch.name, []).append((area, str(area.pk) in chosen))
        return list(groups.items())

    def chosen_routers(self) -> set[str]:
        return {str(value) for value in (self["routers"].value() or [])}


class OutageUpdateForm(MarkInvalidMixin, forms.Form):
    message = forms.CharField(label=_("Update for customers"), widget=forms.Textarea(attrs={"rows": 2}))
    message_bn = forms.CharField(
        label=_("Update in Bangla"), required=False, widget=forms.Textarea(attrs={"rows": 2, "lang": "bn"}),
        help_text=_("Empty: customers who read Bangla get the English text."),
    )
    estimated_restoration_at = _datetime_field(_("New estimated restoration"), required=False)


class OutageRestoreForm(MarkInvalidMixin, forms.Form):
    restored_at = _datetime_field(_("Restored at"), required=False, help_text=_("Empty: now"))
    note = forms.CharField(label=_("Note for customers"), required=False, widget=forms.Textarea(attrs={"rows": 2}))
    note_bn = forms.CharField(label=_("Note in Bangla"), required=False, widget=forms.Textarea(attrs={"rows": 2, "lang": "bn"}))


class OutageDismissForm(MarkInvalidMixin, forms.Form):
    reason = forms.CharField(label=_("Why is this not an outage?"), max_length=500)


class SpeedDestinationForm(forms.Form):
    """Prefixes for the BDIX or cache list; the service checks each one (network/speeds.normalize_prefix)."""

    kind = forms.ChoiceField(label=_("List"), choices=SpeedDestination.Kind.choices)
    prefixes = forms.CharField(
        label=_("Prefixes"), max_length=20000, widget=forms.Textarea(attrs={"rows": 3, "placeholder": "103.4.144.0/22"}),
        help_text=_("One a line (or separated by spaces or commas), e.g. 103.4.144.0/22; a single address is a /32."),
    )
    note = forms.CharField(label=_("Note"), max_length=100, required=False)
