from __future__ import annotations

from decimal import Decimal

from django import forms
from django.utils.translation import gettext_lazy as _

from customers.models import Area, Branch
from fibre.models import Olt
from fibre.profiles import profile_choices


class OltForm(forms.Form):
    name = forms.CharField(label=_("Name"), max_length=100)
    branch = forms.ModelChoiceField(label=_("Branch"), queryset=Branch.objects.all())
    site = forms.CharField(label=_("POP / site"), max_length=120, required=False)
    address = forms.CharField(label=_("Address"), max_length=255, required=False)
    host = forms.CharField(label=_("Host"), max_length=255)
    snmp_port = forms.IntegerField(label=_("SNMP port"), min_value=1, max_value=65535, initial=161)
    profile = forms.ChoiceField(label=_("Vendor profile"), choices=())
    snmp_version = forms.ChoiceField(label=_("SNMP version"), choices=Olt.Version.choices)
    community = forms.CharField(label=_("Community"), required=False, widget=forms.PasswordInput(render_value=False),
                                help_text=_("Stored encrypted; leave empty to keep the stored one."))
    v3_user = forms.CharField(label=_("SNMPv3 user"), max_length=64, required=False)
    v3_auth_protocol = forms.ChoiceField(label=_("Authentication"), choices=Olt.AuthProtocol.choices, required=False)
    v3_auth_key = forms.CharField(label=_("Authentication key"), required=False, widget=forms.PasswordInput(render_value=False))
    v3_priv_protocol = forms.ChoiceField(label=_("Privacy"), choices=Olt.PrivProtocol.choices, required=False)
    v3_priv_key = forms.CharField(label=_("Privacy key"), required=False, widget=forms.PasswordInput(render_value=False))
    timeout_seconds = forms.DecimalField(label=_("Timeout (seconds)"), min_value=Decimal("0.2"), max_value=Decimal("30"), initial=2, decimal_places=1)
    retries = forms.IntegerField(label=_("Retries"), min_value=0, max_value=5, initial=2)
    is_active = forms.BooleanField(label=_("Active (polled)"), required=False, initial=True)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["profile"].choices = profile_choices()


class MatchForm(forms.Form):
    subscription = forms.IntegerField(label=_("Subscription id"), required=False, min_value=1,
                                      help_text=_("Empty: not matched."))


class PortAreaForm(forms.Form):
    area = forms.ModelChoiceField(label=_("Area served"), queryset=Area.objects.all(), required=False)


class ThresholdForm(forms.Form):
    rx_warning_dbm = forms.DecimalField(label=_("Warning below (dBm)"), max_digits=5, decimal_places=2, min_value=-50, max_value=10)
    rx_critical_dbm = forms.DecimalField(label=_("Critical below (dBm)"), max_digits=5, decimal_places=2, min_value=-50, max_value=10)
    rx_overload_dbm = forms.DecimalField(label=_("Too strong above (dBm)"), max_digits=5, decimal_places=2, min_value=-50, max_value=10)
    drift_db = forms.DecimalField(label=_("Worsening over 7 days (dB)"), max_digits=4, decimal_places=2, min_value=Decimal("0.1"), max_value=30)


class FibreSettingsForm(forms.Form):
    declare_outages = forms.BooleanField(label=_("Tell customers of a fibre cut at once"), required=False)
