from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from customers.models import Area, Package
from imports.models import ImportBatch, ImportProfile
from imports.services import fields_of
from ispbill.core.forms import LocaleDateField
from network.models import Router


class UploadForm(forms.Form):
    kind = forms.ChoiceField(
        label=_("The file holds"), choices=ImportBatch.Kind.choices, initial=ImportBatch.Kind.CUSTOMERS, required=False,
        help_text=_("Past payments are kept as history of customers already in ispbill; they change no balance."),
    )
    file = forms.FileField(label=_("Spreadsheet (.csv or .xlsx)"))
    cutover_date = LocaleDateField(
        label=_("Cut-over date"), initial=timezone.localdate,
        help_text=_("Opening balances are dated on this day."),
    )

    def clean_kind(self) -> str:
        return self.cleaned_data.get("kind") or ImportBatch.Kind.CUSTOMERS


class MappingForm(forms.Form):
    """One select per field, offering the file's column headers."""

    profile_name = forms.CharField(label=_("Save this mapping as"), max_length=100, required=False,
                                   help_text=_("A name to reuse the mapping for the next file of this shape."))
    cutover_date = LocaleDateField(label=_("Cut-over date"))
    activate = forms.BooleanField(label=_("Subscriptions without a status column start active"), required=False)

    def __init__(self, *args, headers: list[str], kind: str = ImportBatch.Kind.CUSTOMERS, **kwargs):
        super().__init__(*args, **kwargs)
        self.kind_fields = fields_of(kind)
        if kind == ImportBatch.Kind.PAST_PAYMENTS:
            del self.fields["activate"]  # no subscriptions in a payments sheet
            self.fields["cutover_date"].help_text = _("Payments dated after this day are refused: they belong in ispbill's own payments.")
        choices = [("", "—")] + [(h, h) for h in headers]
        for f in self.kind_fields:
            self.fields[f"map_{f.key}"] = forms.ChoiceField(
                label=f.label + (" *" if f.required else ""), choices=choices, required=False, help_text=f.help,
            )
        self.field_names = [f"map_{f.key}" for f in self.kind_fields]

    def mapping(self) -> dict[str, str]:
        return {f.key: self.cleaned_data.get(f"map_{f.key}") or "" for f in self.kind_fields}


class ProfileChoiceForm(forms.Form):
    profile = forms.ModelChoiceField(label=_("Use a saved mapping"), queryset=ImportProfile.objects.order_by("name"), required=False)


class RouterImportForm(forms.Form):
    router = forms.ModelChoiceField(label=_("Router"), queryset=None)
    cutover_date = LocaleDateField(label=_("Cut-over date"), initial=timezone.localdate)

    def __init__(self, *args, **kwargs):

        super().__init__(*args, **kwargs)
        self.fields["router"].queryset = Router.objects.filter(is_active=True).order_by("name")


class RouterMappingForm(forms.Form):
    """Per router profile: the package it maps to (or a new one at a price); one area for all."""

    area = forms.ModelChoiceField(label=_("Area of the imported customers"), queryset=None)
    activate = forms.BooleanField(label=_("Enabled secrets start as active subscriptions"), required=False, initial=True)

    def __init__(self, *args, profiles: list[dict], batch, **kwargs):

        super().__init__(*args, **kwargs)
        areas = Area.objects.select_related("branch").order_by("branch__name", "name")
        self.fields["area"].queryset = areas
        router_area = batch.router.areas.order_by("name").first() if batch.router_id else None
        self.fields["area"].initial = router_area.pk if router_area else None
        package_choices = [("new", _("Create a new package"))] + [
            (str(p.pk), f"{p.name} ({p.router_profile})") for p in Package.objects.filter(is_active=True).order_by("name")
        ]
        self.profile_rows = []
        for index, profile in enumerate(profiles):
            pkey, qkey = f"profile_{index}", f"price_{index}"
            self.fields[pkey] = forms.ChoiceField(label=profile["name"], choices=package_choices,
                                                  initial=str(profile["package_id"]) if profile["package_id"] else "new")
            self.fields[qkey] = forms.DecimalField(label=_("Monthly price of the new package"), required=False, min_value=0,
                                                   max_digits=14, decimal_places=2)
            self.profile_rows.append((profile, pkey, qkey))

    def clean(self):
        data = super().clean()
        for profile, pkey, qkey in self.profile_rows:
            if data.get(pkey) == "new" and data.get(qkey) is None:
                self.add_error(qkey, _("Give the price of the new package %(name)s.") % {"name": profile["name"]})
        return data

    def choices(self) -> dict[str, dict]:
        return {
            profile["name"]: {"package": self.cleaned_data[pkey], "price": self.cleaned_data.get(qkey)}
            for profile, pkey, qkey in self.profile_rows
        }

    def bound_rows(self):
        return [(profile, self[pkey], self[qkey]) for profile, pkey, qkey in self.profile_rows]
