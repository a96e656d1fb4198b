"""`{% dialog %}`: the one shell of every modal dialog (web/templates/includes/dialog.html), so each
screen writes only its title and body.

    {% dialog "void-title" id="void-dialog" wide=True %}{% translate "Void invoice" %}
    {% dialogbody %}{% partial void-form %}{% enddialog %}

The first argument is the id of the title (the dialog's accessible name), `key` a suffix making it
unique on a page with several (`{% dialog "decide-title" key=change.pk %}` → decide-title-17); `id`
names the dialog when a form inside swaps it (hx-target); `wide` widens it. The body is rendered with `in_dialog` set, so a
form partial shared with the full page knows to post with htmx and offer Cancel. static/js/app.js
opens a dialog that arrives (`data-autoopen`) and removes it when closed.
"""

from django import template
from django.template.loader import render_to_string
from django.utils.safestring import mark_safe

register = template.Library()


class DialogNode(template.Node):
    def __init__(self, title_id, options, title, body):
        self.title_id, self.options, self.title, self.body = title_id, options, title, body

    def render(self, context):
        with context.push(in_dialog=True):
            title = self.title.render(context).strip()
            body = self.body.render(context)
        options = {name: value.resolve(context) for name, value in self.options.items()}
        title_id = str(self.title_id.resolve(context))
        if options.get("key") not in (None, ""):
            title_id = f"{title_id}-{options['key']}"
        return render_to_string("includes/dialog.html", {
            "title_id": title_id, "dialog_id": options.get("id", ""),
            "wide": bool(options.get("wide")), "title": mark_safe(title), "body": mark_safe(body),  # noqa: S308 - rendered template output, escaped there
        }, request=context.get("request"))


@register.tag
def dialog(parser, token):
    bits = token.split_contents()
    if len(bits) < 2:
        raise template.TemplateSyntaxError("{% dialog %} needs the id of its title: {% dialog \"x-title\" %}")
    options = {}
    for bit in bits[2:]:
        name, sep, value = bit.partition("=")
        if not sep or name not in ("key", "id", "wide"):
            raise template.TemplateSyntaxError(f"{{% dialog %}} takes key=, id= and wide=, not {bit!r}")
        options[name] = parser.compile_filter(value)
    title = parser.parse(("dialogbody",))
    parser.delete_first_token()
    body = parser.parse(("enddialog",))
    parser.delete_first_token()
    return DialogNode(parser.compile_filter(bits[1]), options, title, body)
