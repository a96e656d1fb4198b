from html import escape

from django import forms
from django.core.exceptions import ValidationError
from django.utils.safestring import mark_safe


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
