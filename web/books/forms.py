"""The Accounts section's filters: they parse; the reports are books/selectors.py's."""

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from customers.models import Branch
from ispbill.core.forms import LocaleDateField


class AsOfForm(forms.Form):
    as_of = LocaleDateField(label=_("As of"), required=False)

    def clean_as_of(self):
        return self.cleaned_data.get("as_of") or timezone.localdate()


class YearForm(forms.Form):
    year = forms.IntegerField(label=_("Year"), min_value=2000, max_value=2100, required=False)
    branch = forms.ModelChoiceField(label=_("Branch"), queryset=Branch.objects.order_by("name"), required=False,
                                    empty_label=_("All branches"))

    def clean_year(self):
        return self.cleaned_data.get("year") or timezone.localdate().year


class MonthForm(forms.Form):
    year = forms.IntegerField(label=_("Year"), min_value=2000, max_value=2100, required=False)
    month = forms.IntegerField(label=_("Month"), min_value=1, max_value=12, required=False)

    def clean(self):
        data = super().clean()
        today = timezone.localdate()
        data["year"] = data.get("year") or today.year
        data["month"] = data.get("month") or today.month
        return data


class RangeForm(forms.Form):
    first = LocaleDateField(label=_("From"))
    last = LocaleDateField(label=_("To"))

    def clean(self):
        data = super().clean()
        if data.get("first") and data.get("last") and data["first"] > data["last"]:
            raise forms.ValidationError(_("The first day comes after the last."))
        if data.get("first") and data.get("last") and (data["last"] - data["first"]).days > 366:
            raise forms.ValidationError(_("Export at most a year at a time."))
        return data
