"""Template helpers: Danish money, query-string building, Markdown rendered safely."""

import markdown as markdown_lib
import nh3
from django import template
from django.utils.safestring import mark_safe

from samdigi.core import formatting

register = template.Library()


@register.filter
def money(value):
    return formatting.money(value)


@register.filter
def number(value):
    return formatting.number(value)


@register.filter
def quarter(value):
    """A date (or a (year, quarter) pair) as "K4 2026" / "Q4 2026"."""
    from samdigi.core.quarters import quarter_label

    return quarter_label(value) if value else ""


@register.filter
def get_item(mapping, key):
    return mapping.get(key, key) if mapping else key


@register.simple_tag
def query_with(query: str, **params):
    """The current filter query string with some parameters replaced."""
    from django.http import QueryDict

    qd = QueryDict(query, mutable=True)
    for key, value in params.items():
        if value in (None, ""):
            qd.pop(key, None)
        else:
            qd[key] = value
    return qd.urlencode()


@register.filter
def markdown(text):
    """Markdown from users rendered to HTML, then sanitised: no script, no event handlers."""
    html = markdown_lib.markdown(text or "", extensions=["extra", "sane_lists"])
    return mark_safe(nh3.clean(html))  # noqa: S308 - nh3 has removed everything unsafe
