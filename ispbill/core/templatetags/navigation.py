from functools import lru_cache
from html import escape
from itertools import groupby

from django import template
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _

register = template.Library()
CURRENT = ' aria-current="page"'
TAB_EXTRA = ' class="tab-extra"'


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


@register.simple_tag
def portal_tabs(nav_items) -> str:
    """The portal's tab row: on a phone it holds the first two items and the current one, the rest
    sit in a "More" <details> menu (no script). Written once per distinct menu, like `sidenav`."""
    return _portal_tabs(tuple((str(i["label"]), i["url"], i["active"]) for i in nav_items), str(_("More")))


@lru_cache(maxsize=1024)
def _portal_tabs(items: tuple, more: str) -> str:
    tabs, extra = [], []
    for position, (label, url, active) in enumerate(items, start=1):
        hidden_on_phone = position > 2 and not active
        tabs.append(
            f'<li{TAB_EXTRA if hidden_on_phone else ""}><a href="{escape(url)}"{CURRENT if active else ""}>{escape(label)}</a></li>'
        )
        if hidden_on_phone:
            extra.append(f'<li><a href="{escape(url)}">{escape(label)}</a></li>')
    return mark_safe(
        f'<ul>{"".join(tabs)}<li class="tab-more"><details class="dropdown"><summary>{escape(more)}</summary>'
        f'<ul>{"".join(extra)}</ul></details></li></ul>'
    )
