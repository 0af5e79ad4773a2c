"""The main navigation and the import link, rendered from the registry in core/navigation.py."""

from django import template
from django.utils.html import format_html
from django.utils.translation import gettext as _

from samdigi.core.navigation import registry

register = template.Library()


def _sections(context):
    request = context.get("request")
    if request is None:
        return []
    # Computed once per request and language: the header and the section tabs share it.
    cache_key = "_samdigi_menu"
    cached = getattr(request, cache_key, None)
    if cached is None:
        cached = registry.sections(getattr(request, "user", None), request.path)
        setattr(request, cache_key, cached)
    return cached


@register.simple_tag(takes_context=True)
def main_menu(context):
    """The sections the user may see, the current one marked."""
    return _sections(context)


@register.simple_tag(takes_context=True)
def current_section(context):
    """The section the page lies in (its items are shown as tabs), or None."""
    return next((section for section in _sections(context) if section.current), None)


@register.simple_tag(takes_context=True)
def import_link(context, opts):
    """An "Import" button for a list whose model has an importer the user may use."""
    request = context.get("request")
    if request is None or opts is None:
        return ""
    url = registry.import_url(opts.label_lower, getattr(request, "user", None))
    if url is None:
        return ""
    return format_html(
        '<a class="button" href="{}" data-testid="import-link">{}</a>', url, _("Import")
    )
