from django import forms
from django.contrib.auth import authenticate
from django.contrib.auth.forms import AuthenticationForm
from django.utils.translation import gettext_lazy as _


class SurfaceLoginForm(AuthenticationForm):
    """Django's login form, authenticating against one surface only."""

    surface: str = "staff"

    def __init__(self, request=None, *args, surface: str = "staff", **kwargs):
        super().__init__(request, *args, **kwargs)
        self.surface = surface
        if surface == "portal":
            self.fields["username"].label = _("Account number or phone")
            self.fields["username"].widget.attrs["placeholder"] = "CT-2026-00042 / 01712-345678"
        self.fields["username"].widget.attrs["autocomplete"] = "username"

    def clean(self):
        username = self.cleaned_data.get("username")
        password = self.cleaned_data.get("password")
        if username is not None and password:
            self.user_cache = authenticate(self.request, username=username, password=password, surface=self.surface)
            if self.user_cache is None:
                raise self.get_invalid_login_error()
            self.confirm_login_allowed(self.user_cache)
        return self.cleaned_data

    def get_invalid_login_error(self):
        message = (
            _("That account number or phone and password do not match.")
            if self.surface == "portal"
            else _("That username and password do not match.")
        )
        return forms.ValidationError(message, code="invalid_login")
