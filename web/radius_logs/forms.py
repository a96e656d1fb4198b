"""The session-log search: what the regulator asks ("who had 103.x.y.z at 21:14 on 3 March?"), by
login, customer or date range. Dates and times are the ISP's (TIME_ZONE)."""

from datetime import datetime, time, timedelta

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from customers.selectors import customers_visible_to
from ispbill.core.forms import DATETIME_INPUT_FORMATS, LocaleDateField, LocaleDateTimeField, MarkInvalidMixin
from network.selectors import routers_visible_to
from radius.selectors import SessionLogCursor, SessionLogQuery

EARLIEST_YEAR, LATEST_YEAR = 2000, 2100  # outside this no session exists (and date + 1 day never overflows)


class SessionLogSearchForm(MarkInvalidMixin, forms.Form):
    ip = forms.GenericIPAddressField(label=_("IP address"), required=False, unpack_ipv4=True)
    at = LocaleDateTimeField(
        label=_("At (date and time)"), required=False,
        input_formats=[*DATETIME_INPUT_FORMATS, "%d/%m/%Y %H:%M:%S"],
        help_text=_("The moment the address was in use, e.g. 03/03/2026 21:14."),
    )
    username = forms.CharField(label=_("Login"), max_length=253, required=False)
    customer = forms.CharField(label=_("Customer account number"), max_length=40, required=False)
    router = forms.ModelChoiceField(label=_("NAS (router)"), queryset=None, required=False, empty_label=_("Every router"))
    start = LocaleDateField(label=_("From"), required=False)
    end = LocaleDateField(label=_("To"), required=False)
    # Where the page starts: the last row of the one before (keyset; radius.selectors.SessionLogCursor).
    after = forms.CharField(max_length=40, required=False, widget=forms.HiddenInput)

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.user = user
        self.customer_obj = None
        self.fields["router"].queryset = routers_visible_to(user).order_by("name")

    def clean_after(self) -> SessionLogCursor | None:
        text = self.cleaned_data["after"]
        if not text:
            return None
        try:
            return SessionLogCursor.decode(text)
        except (ValueError, OverflowError):
            raise forms.ValidationError(_("This page link is not valid: start the search again.")) from None

    def _in_years(self, name: str, value) -> None:
        if value is not None and not EARLIEST_YEAR <= value.year <= LATEST_YEAR:
            self.add_error(name, _("Choose a date between %(first)s and %(last)s.") % {"first": EARLIEST_YEAR, "last": LATEST_YEAR})

    def clean_username(self) -> str:
        return self.cleaned_data["username"].strip()

    def clean_customer(self) -> str:
        number = self.cleaned_data["customer"].strip()
        if number:
            self.customer_obj = customers_visible_to(self.user).filter(account_number__iexact=number).first()
            if self.customer_obj is None:
                raise forms.ValidationError(_("No customer has the account number %(number)s.") % {"number": number})
        return number

    def clean(self):
        data = super().clean()
        for name in ("at", "start", "end"):
            self._in_years(name, data.get(name))
        start, end = data.get("start"), data.get("end")
        if start and end and end < start:
            self.add_error("end", _("The period ends before it starts."))
        return data

    def query(self) -> SessionLogQuery:
        data = self.cleaned_data
        zone = timezone.get_current_timezone()
        start, end = data.get("start"), data.get("end")
        return SessionLogQuery.for_user(
            self.user,
            ip=data.get("ip") or None,
            at=data.get("at"),
            username=data.get("username") or None,
            customer_id=self.customer_obj.pk if self.customer_obj else None,
            router_id=data["router"].pk if data.get("router") else None,
            start=timezone.make_aware(datetime.combine(start, time.min), zone) if start else None,
            end=timezone.make_aware(datetime.combine(end + timedelta(days=1), time.min), zone) if end else None,
        )

    def description(self) -> dict:
        """The criteria as the audit entry keeps them (JSON: text)."""
        data = self.cleaned_data
        return {
            "ip": data.get("ip") or "", "at": data["at"].isoformat() if data.get("at") else "",
            "username": data.get("username") or "", "customer": self.customer_obj.account_number if self.customer_obj else "",
            "router": data["router"].name if data.get("router") else "",
            "from": data["start"].isoformat() if data.get("start") else "", "to": data["end"].isoformat() if data.get("end") else "",
        }


class SessionLogExportForm(SessionLogSearchForm):
    """The export: a date range is required (what the regulator asks for), the other criteria narrow it."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["start"].required = True
        self.fields["end"].required = True
