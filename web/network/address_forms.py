"""Forms for address management (docs/ipam.md). They parse; network.ipam validates and writes."""

from django import forms
from django.utils.translation import gettext_lazy as _

from ispbill.core.forms import MarkInvalidMixin
from network.ipam_selectors import pools_visible_to
from network.models import AddressPool
from network.selectors import routers_visible_to


class AddressPoolForm(MarkInvalidMixin, forms.Form):
    name = forms.CharField(label=_("Name"), max_length=100)
    router = forms.ModelChoiceField(label=_("Router"), queryset=None, empty_label=_("Choose a router"))
    network = forms.CharField(
        label=_("Network"), max_length=43, help_text=_("In CIDR form: 103.148.40.0/24 or 2001:db8:100::/40"),
        widget=forms.TextInput(attrs={"spellcheck": "false", "autocapitalize": "none"}),
    )
    kind = forms.ChoiceField(label=_("Kind"), choices=AddressPool.Kind.choices)
    assign_length = forms.IntegerField(
        label=_("Prefix length handed out"), required=False, min_value=1, max_value=128,
        help_text=_("IPv6 only: 56 or 64 for delegated prefixes, 128 for single addresses. Empty: /56 to delegate, else single addresses."),
    )
    note = forms.CharField(label=_("Note"), max_length=200, required=False)

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["router"].queryset = routers_visible_to(user).order_by("name")


class AddressAssignForm(MarkInvalidMixin, forms.Form):
    pool = forms.ModelChoiceField(label=_("Pool"), queryset=None, empty_label=_("Choose a pool"))
    address = forms.CharField(
        label=_("Address or prefix"), max_length=43, required=False,
        help_text=_("Empty: the pool's first free one."),
        widget=forms.TextInput(attrs={"spellcheck": "false", "autocapitalize": "none"}),
    )

    def __init__(self, *args, user, subscription, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["pool"].queryset = pools_visible_to(user).filter(router_id=subscription.router_id).order_by("family", "name")
