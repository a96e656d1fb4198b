"""The Accounts section's VAT forms (web/books/vat_views.py): they parse; the rules are payments/vds.py's."""

from django import forms
from django.conf import settings
from django.utils.translation import gettext_lazy as _

from ispbill.core.forms import LocaleDateField, MarkInvalidMixin


class AwaitingForm(forms.Form):
    days = forms.IntegerField(label=_("Without a certificate for at least (days)"), min_value=0, max_value=3650, required=False)

    def clean_days(self):
        days = self.cleaned_data.get("days")
        return settings.VDS_CERTIFICATE_DAYS if days is None else days


class CertificateForm(MarkInvalidMixin, forms.Form):
    number = forms.CharField(label=_("Certificate number (Mushak-6.6)"), max_length=64)
    date = LocaleDateField(label=_("Certificate date"))
