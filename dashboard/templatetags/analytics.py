from django import template

register = template.Library()


@register.filter
def get_item(mapping, key):
    """`{{ row|get_item:column.key }}`: a table cell by its column's key."""
    return mapping.get(key) if hasattr(mapping, "get") else None
