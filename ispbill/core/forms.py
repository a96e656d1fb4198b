from django import forms
from django.core.exceptions import ValidationError
from django.utils.html import escape
from django.utils.safestring import mark_safe


class FilterSelect(forms.Select):
    """A <select> built in Python, markup as Django's templates write it: lists draw several on every
    search keystroke, and the template engine spent more time on their options than on the results."""

    def render(self, name, value, attrs=None, renderer=None):
        widget = self.get_context(name, value, attrs)["widget"]
        # Attributes as django/forms/widgets/attrs.html writes them, in the same order.
        attrs = "".join(
            f" {escape(key)}" if attr_value is True else f' {escape(key)}="{escape(attr_value)}"'
            for key, attr_value in widget["attrs"].items()
            if attr_value is not False
        )
        parts = [f'<select name="{escape(widget["name"])}"{attrs}>']
        for group_name, group_choices, _index in widget["optgroups"]:
            if group_name:
                parts.append(f'<optgroup label="{escape(group_name)}">')
            for option in group_choices:
                selected = " selected" if option["selected"] else ""
                parts.append(f'<option value="{escape(option["value"])}"{selected}>{escape(option["label"])}</option>')
            if group_name:
                parts.append("</optgroup>")
        parts.append("</select>")
        return mark_safe("".join(parts))


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
