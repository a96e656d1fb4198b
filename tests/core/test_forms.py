import re

import pytest
from django import forms

from customers.models import Area
from ispbill.core.forms import FilterSelect
from tests.factories import AreaFactory


def squeeze(html: str) -> str:
    return re.sub(r">\s+<", "><", str(html)).strip()


CHOICES = [("", "Any"), ("a", "Alpha & <b>"), ("Group", [("g1", "One"), ("g2", "Two")]), ("z", "Zulu")]


@pytest.mark.parametrize("value", [None, "", "a", "g2", "missing"])
def test_filter_select_writes_what_django_select_writes(value):
    attrs = {"id": "id_pick", "aria-invalid": "true", "disabled": True, "hidden": False}
    ours = FilterSelect(choices=CHOICES).render("pick", value, attrs=attrs)
    django = forms.Select(choices=CHOICES).render("pick", value, attrs=attrs)
    assert squeeze(ours) == squeeze(django)


def test_only_the_first_of_equal_values_is_selected():
    choices = [("x", "First"), ("x", "Again")]
    assert squeeze(FilterSelect(choices=choices).render("pick", "x")) == squeeze(forms.Select(choices=choices).render("pick", "x"))


@pytest.mark.django_db
def test_model_choices_as_a_bound_field_renders_them():
    area = AreaFactory(name="Mirpur <10>")

    class Filter(forms.Form):
        area = forms.ModelChoiceField(queryset=Area.objects.all(), required=False, empty_label="All", widget=FilterSelect)

    class Plain(forms.Form):
        area = forms.ModelChoiceField(queryset=Area.objects.all(), required=False, empty_label="All")

    data = {"area": str(area.pk)}
    assert squeeze(Filter(data)["area"]) == squeeze(Plain(data)["area"])
    assert "Mirpur &lt;10&gt;" in str(Filter(data)["area"])
