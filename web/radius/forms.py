"""Forms for the RADIUS screens: they parse input; radius.selectors read and radius.services write."""

from django import forms
from django.utils.translation import gettext_lazy as _

from customers.selectors import areas_visible_to
from ispbill.core.forms import MarkInvalidMixin
from network.selectors import routers_visible_to


class OnlineFilterForm(MarkInvalidMixin, forms.Form):
    """The online list's filters: router, area (within the user's branches) and a search."""

    q = forms.CharField(
        label=_("Search"), required=False, max_length=100,
        widget=forms.TextInput(attrs={"type": "search", "placeholder": _("Login, account, name, IP or MAC")}),
    )
    router = forms.ModelChoiceField(label=_("Router"), queryset=None, required=False, empty_label=_("Every router"))
    area = forms.ModelChoiceField(label=_("Area"), queryset=None, required=False, empty_label=_("Every area"))

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["router"].queryset = routers_visible_to(user).order_by("name")
        self.fields["area"].queryset = areas_visible_to(user).order_by("name")


class LoginTestForm(MarkInvalidMixin, forms.Form):
    """A login and its password to try on a RADIUS router. The password is never kept or shown again."""

    username = forms.CharField(label=_("Login"), max_length=64, widget=forms.TextInput(attrs={"autocomplete": "off", "autocapitalize": "none"}))
    password = forms.CharField(
        label=_("Password"), max_length=128, strip=False,
        widget=forms.PasswordInput(render_value=False, attrs={"autocomplete": "off"}),
    )

    def clean_username(self):
        value = self.cleaned_data["username"]
        if any(ord(ch) < 32 for ch in value):
            raise forms.ValidationError(_("A login has no control characters."))
        if len(value.encode()) > 64:
            raise forms.ValidationError(_("A login is at most 64 bytes."))
        return value

    def clean_password(self):
        value = self.cleaned_data["password"]
        if "\x00" in value:
            raise forms.ValidationError(_("A password has no NUL characters."))
        if len(value.encode()) > 128:
            # RADIUS carries at most 128 bytes of a PAP password (RFC 2865, 5.2).
            raise forms.ValidationError(_("A password is at most 128 bytes."))
        return value
