"""Recording VAT deducted at source on an invoice (web/billing/views/vat.py): the form parses; the
rules are payments/vds.py's."""

from django import forms
from django.utils.translation import gettext_lazy as _

from ispbill.core.forms import LocaleDateField, MarkInvalidMixin
from payments.models import Payment

# The money received beside the VAT withheld: the methods staff record by hand.
RECEIVED_METHODS = [(value, label) for value, label in Payment.Method.choices if value in ("bank", "cheque", "cash", "bkash", "nagad", "rocket")]


class VdsForm(MarkInvalidMixin, forms.Form):
    withheld = forms.DecimalField(label=_("VAT deducted at source"), max_digits=14, decimal_places=2, min_value=0.01)
    received = forms.DecimalField(label=_("Money received"), max_digits=14, decimal_places=2, min_value=0, required=False,
                                  help_text=_("What the customer paid beside the VAT it deducted; 0 if recorded already."))
    method = forms.ChoiceField(label=_("Received by"), choices=RECEIVED_METHODS, initial="bank")
    reference = forms.CharField(label=_("Reference"), max_length=100, required=False,
                                help_text=_("Bank, cheque or transaction reference of the money received."))
    certificate_number = forms.CharField(label=_("Certificate number (Mushak-6.6)"), max_length=64, required=False,
                                         help_text=_("Leave empty if the certificate has not come yet."))
    certificate_date = LocaleDateField(label=_("Certificate date"), required=False)
