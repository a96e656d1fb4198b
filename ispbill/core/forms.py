from html import escape

from django import forms
from django.core.exceptions import ValidationError
from django.utils.safestring import mark_safe
from django.utils.translation import gettext_lazy


class FilterSelect(forms.Select):
    """A <select> built in Python, markup as Django's templates write it: lists draw several on every
    search keystroke, and the template engine spent more time on their options than on the results."""

    def render(self, name, value, attrs=None, renderer=None):
        # Straight from the choices: Django's get_context builds a dict of attributes per option.
        attrs = self.build_attrs(self.attrs, attrs)
        if self.allow_multiple_selected:
            attrs["multiple"] = True
        chosen = set(self.format_value(value))
        # Attributes as django/forms/widgets/attrs.html writes them, in the same order.
        parts = [f'<select name="{escape(name)}"']
        parts += (
            f" {escape(key)}" if attr_value is True else f' {escape(key)}="{escape(str(attr_value))}"'
            for key, attr_value in attrs.items()
            if attr_value is not False
        )
        parts.append(">")
        has_selected = False
        for option_value, option_label in self.choices:
            if isinstance(option_label, (list, tuple)):
                parts.append(f'<optgroup label="{escape(str(option_value))}">')
                for sub_value, sub_label in option_label:
                    has_selected = self._option(parts, sub_value, sub_label, chosen, has_selected)
                parts.append("</optgroup>")
            else:
                has_selected = self._option(parts, option_value, option_label, chosen, has_selected)
        parts.append("</select>")
        return mark_safe("".join(parts))

    def _option(self, parts: list, value, label, chosen: set, has_selected: bool) -> bool:
        value = "" if value is None else str(value)
        selected = (not has_selected or self.allow_multiple_selected) and value in chosen
        parts.append(f'<option value="{escape(value)}"{" selected" if selected else ""}>{escape(str(label))}</option>')
        return has_selected or selected


class MarkInvalidMixin:
    """Sets aria-invalid on fields with errors, which Pico CSS draws in red."""

    def full_clean(self):
        super().full_clean()
        for name in self.errors:
            if name in self.fields:
                self.fields[name].widget.attrs["aria-invalid"] = "true"
                self.fields[name].widget.attrs["aria-describedby"] = f"{self[name].auto_id}_error"


def add_service_errors(form, error: ValidationError) -> None:
    """Put a service's ValidationError onto the form: field keys onto fields, the rest on top."""
    if hasattr(error, "error_dict"):
        for field, messages in error.message_dict.items():
            form.add_error(field if field in form.fields else None, messages)
    else:
        form.add_error(None, error.messages)
    for name in form.errors:
        if name in form.fields:
            form.fields[name].widget.attrs["aria-invalid"] = "true"


# Dates typed the way people here write them ----------------------------------------------------------
# A browser's <input type="date"> shows the browser's own format (mm/dd/yyyy on most machines), not
# the page's language. These are plain text inputs in the console's one date style, day first,
# which read Bangla digits too and need no script; ISO dates (links, older bookmarks) still parse.

DATE_INPUT_FORMAT = "%d/%m/%Y"
DATETIME_INPUT_FORMAT = "%d/%m/%Y %H:%M"
DATE_INPUT_FORMATS = [DATE_INPUT_FORMAT, "%d-%m-%Y", "%d.%m.%Y", "%Y-%m-%d"]
DATETIME_INPUT_FORMATS = [
    DATETIME_INPUT_FORMAT, "%d/%m/%Y %H.%M", "%d-%m-%Y %H:%M", "%d/%m/%Y", "%Y-%m-%dT%H:%M", "%Y-%m-%d %H:%M",
    "%Y-%m-%dT%H:%M:%S", "%Y-%m-%d %H:%M:%S",
]
_BANGLA_DIGITS = str.maketrans("০১২৩৪৫৬৭৮৯", "0123456789")


def ascii_digits(value):
    return value.translate(_BANGLA_DIGITS).strip() if isinstance(value, str) else value


class LocaleDateInput(forms.DateInput):
    input_type = "text"

    def __init__(self, attrs=None):
        defaults = {"placeholder": gettext_lazy("dd/mm/yyyy"), "inputmode": "numeric", "autocomplete": "off",
                    "size": 10, "data-date-input": "date"}
        super().__init__({**defaults, **(attrs or {})}, format=DATE_INPUT_FORMAT)


class LocaleDateTimeInput(forms.DateTimeInput):
    input_type = "text"

    def __init__(self, attrs=None):
        defaults = {"placeholder": gettext_lazy("dd/mm/yyyy hh:mm"), "autocomplete": "off", "size": 16,
                    "data-date-input": "datetime"}
        super().__init__({**defaults, **(attrs or {})}, format=DATETIME_INPUT_FORMAT)


class LocaleDateField(forms.DateField):
    """A date typed day first (20/11/2026, ২০/১১/২০২৬)."""

    widget = LocaleDateInput
    input_formats = DATE_INPUT_FORMATS

    def __init__(self, **kwargs):
        kwargs.setdefault("error_messages", {"invalid": gettext_lazy("Enter a date as dd/mm/yyyy, e.g. 20/11/2026.")})
        super().__init__(**kwargs)

    def to_python(self, value):
        return super().to_python(ascii_digits(value))


class LocaleDateTimeField(forms.DateTimeField):
    """A date and a 24-hour time typed day first (20/11/2026 16:00)."""

    widget = LocaleDateTimeInput
    input_formats = DATETIME_INPUT_FORMATS

    def __init__(self, **kwargs):
        kwargs.setdefault("error_messages", {"invalid": gettext_lazy("Enter a date and time as dd/mm/yyyy hh:mm, e.g. 20/11/2026 16:00.")})
        super().__init__(**kwargs)

    def to_python(self, value):
        return super().to_python(ascii_digits(value))
