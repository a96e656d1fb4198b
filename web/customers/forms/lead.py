"""Forms for the leads board. They parse input; customers.services validates and writes."""

from django import forms
from django.contrib.auth import get_user_model
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from customers.models import Area, Lead, Package
from customers.selectors import areas_visible_to
from ispbill.core.forms import MarkInvalidMixin

OPEN_STATUSES = (Lead.Status.NEW, Lead.Status.CONTACTED, Lead.Status.SITE_SURVEY)
CLOSED_STATUSES = (Lead.Status.CONVERTED, Lead.Status.LOST)
LEAD_FORM_FIELDS = ("name", "phone", "address", "area", "source", "interested_package", "assigned_to", "notes")


def assignable_users():
    """Whom a lead can be given to: active staff."""
    User = get_user_model()
    return User.objects.filter(is_active=True, kind=User.Kind.STAFF).order_by("first_name", "username")


class _AreaChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, area: Area) -> str:
        return f"{area.name} ({area.branch.name})"


class _UserChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, user) -> str:
        return user.get_full_name() or user.username


class LeadForm(MarkInvalidMixin, forms.Form):
    name = forms.CharField(label=_("Name"), max_length=150)
    phone = forms.CharField(
        label=_("Phone"), max_length=20, widget=forms.TextInput(attrs={"inputmode": "tel", "placeholder": "01712-345678"})
    )
    address = forms.CharField(label=_("Address"), required=False, widget=forms.Textarea(attrs={"rows": 2}))
    area = _AreaChoiceField(label=_("Area"), queryset=Area.objects.none(), required=False, empty_label=_("Not known yet"))
    source = forms.ChoiceField(label=_("Source"), choices=Lead.Source.choices, initial=Lead.Source.PHONE)
    interested_package = forms.ModelChoiceField(
        label=_("Interested in"), queryset=Package.objects.none(), required=False, empty_label=_("No package yet")
    )
    assigned_to = _UserChoiceField(
        label=_("Assigned to"), queryset=get_user_model().objects.none(), required=False, empty_label=_("Nobody")
    )
    notes = forms.CharField(label=_("Notes"), required=False, widget=forms.Textarea(attrs={"rows": 3}))

    def __init__(self, *args, user, lead: Lead | None = None, **kwargs):
        if lead is not None:
            kwargs.setdefault("initial", {
                **{name: getattr(lead, name) for name in ("name", "phone", "address", "source", "notes")},
                "area": lead.area_id, "interested_package": lead.interested_package_id, "assigned_to": lead.assigned_to_id,
            })
        super().__init__(*args, **kwargs)
        self.fields["area"].queryset = areas_visible_to(user)
        # A retired package or a deactivated colleague already on the lead stays choosable for it.
        keep_package = Q(pk=lead.interested_package_id) if lead is not None and lead.interested_package_id else Q(pk__in=[])
        self.fields["interested_package"].queryset = Package.objects.filter(Q(is_active=True) | keep_package)
        keep_user = Q(pk=lead.assigned_to_id) if lead is not None and lead.assigned_to_id else Q(pk__in=[])
        self.fields["assigned_to"].queryset = assignable_users() | get_user_model().objects.filter(keep_user)


class LeadFilterForm(forms.Form):
    VIEW_CHOICES = [("open", _("Open pipeline")), (Lead.Status.CONVERTED, _("Converted")), (Lead.Status.LOST, _("Lost"))]

    view = forms.ChoiceField(choices=VIEW_CHOICES, required=False, widget=forms.HiddenInput)
    area = _AreaChoiceField(label=_("Area"), queryset=Area.objects.none(), required=False, empty_label=_("All areas"))
    source = forms.ChoiceField(label=_("Source"), choices=[("", _("All sources")), *Lead.Source.choices], required=False)
    assigned_to = _UserChoiceField(
        label=_("Assigned to"), queryset=get_user_model().objects.none(), required=False, empty_label=_("Anyone")
    )

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["area"].queryset = areas_visible_to(user)
        User = get_user_model()
        self.fields["assigned_to"].queryset = User.objects.filter(kind=User.Kind.STAFF).order_by("first_name", "username")

    def criteria(self) -> dict:
        data = self.cleaned_data if self.is_valid() else {}
        return {
            "view": data.get("view") or "open",
            "area": data.get("area"),
            "source": data.get("source") or "",
            "assigned_to": data.get("assigned_to"),
        }


class LeadMoveForm(forms.Form):
    status = forms.ChoiceField(label=_("Move to"), choices=[(s.value, s.label) for s in OPEN_STATUSES])


class LeadLostForm(MarkInvalidMixin, forms.Form):
    note = forms.CharField(
        label=_("Why was this lead lost?"), widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("Kept in the lead's notes, e.g. “went with another ISP: cheaper”."),
    )


class LeadConvertForm(MarkInvalidMixin, forms.Form):
    area = _AreaChoiceField(label=_("Area"), queryset=Area.objects.none(), empty_label=_("Choose an area"))
    address = forms.CharField(label=_("Address"), widget=forms.Textarea(attrs={"rows": 2}))
    email = forms.EmailField(label=_("Email"), required=False)
    national_id = forms.CharField(label=_("National ID"), max_length=32, required=False)

    def __init__(self, *args, user, lead: Lead, **kwargs):
        kwargs.setdefault("initial", {"area": lead.area_id, "address": lead.address})
        super().__init__(*args, **kwargs)
        self.fields["area"].queryset = areas_visible_to(user)
