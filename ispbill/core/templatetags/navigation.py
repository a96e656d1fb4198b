from functools import lru_cache
from html import escape
from itertools import groupby

from django import template
from django.utils.safestring import mark_safe

register = template.Library()
CURRENT = ' aria-current="page"'


@register.simple_tag
def sidenav(nav_items) -> str:
    """The staff console's side navigation, sections in order: on every page, so written once per
    distinct menu (language, permissions and current page decide it) rather than by the template
    engine each time."""
    return _sidenav(tuple((str(i["section"]), str(i["label"]), i["url"], i["active"]) for i in nav_items))


@lru_cache(maxsize=1024)
def _sidenav(items: tuple) -> str:
    parts = []
    for section, group in groupby(items, key=lambda item: item[0]):
        if section:
            parts.append(f'<p class="nav-section">{escape(section)}</p>')
        links = "".join(
            f'<li><a href="{escape(url)}"{CURRENT if active else ""}>{escape(label)}</a></li>'
            for _section, label, url, active in group
        )
        parts.append(f"<ul>{links}</ul>")
    return mark_safe("".join(parts))
