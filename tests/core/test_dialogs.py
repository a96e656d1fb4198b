"""The one modal-dialog shell: `{% dialog %}` (ispbill/core/templatetags/dialogs.py) renders
web/templates/includes/dialog.html, and no other template writes a <dialog> of its own."""

from pathlib import Path

import pytest
from django.template import Context, Template, TemplateSyntaxError

ROOT = Path(__file__).resolve().parent.parent.parent
SHELL = ROOT / "web" / "templates" / "includes" / "dialog.html"


def render(source: str, **context) -> str:
    return Template(source).render(Context(context))


def test_the_dialog_tag_renders_the_shell_with_its_title_body_and_names():
    html = render(
        '{% dialog "decide-title" key=change id="decide-dialog" wide=True %}Approve <b>{{ who }}</b>{% dialogbody %}'
        "<form>{% if in_dialog %}htmx{% else %}page{% endif %}</form>{% enddialog %}",
        change=17, who="<script>",
    )
    assert '<dialog data-autoopen id="decide-dialog" aria-labelledby="decide-title-17">' in html
    assert '<article class="dialog-wide">' in html
    assert '<h2 id="decide-title-17" class="dialog-title">Approve <b>&lt;script&gt;</b></h2>' in html  # escaped once
    assert "data-close-dialog" in html
    assert "<form>htmx</form>" in html  # the body knows it is in a dialog


def test_without_options_the_dialog_has_no_id_and_the_normal_width():
    html = render('{% dialog "void-title" %}Void{% dialogbody %}body{% enddialog %}{% if in_dialog %}leaked{% endif %}')
    assert '<dialog data-autoopen aria-labelledby="void-title">' in html
    assert "<article>" in html and "leaked" not in html  # in_dialog is set for the body only


@pytest.mark.parametrize("source", [
    "{% dialog %}t{% dialogbody %}b{% enddialog %}",
    '{% dialog "t" colour="red" %}t{% dialogbody %}b{% enddialog %}',
    '{% dialog "t" %}no body marker{% enddialog %}',
])
def test_a_malformed_dialog_tag_is_refused_when_the_template_is_compiled(source):
    with pytest.raises(TemplateSyntaxError):
        Template(source)


def test_no_template_but_the_shell_writes_a_dialog_element():
    writers = [
        path.relative_to(ROOT).as_posix()
        for path in ROOT.rglob("*.html")
        if ".venv" not in path.parts and "node_modules" not in path.parts and path != SHELL
        and "<dialog" in path.read_text(encoding="utf-8")
    ]
    assert writers == []
    assert "<dialog data-autoopen" in SHELL.read_text(encoding="utf-8")
