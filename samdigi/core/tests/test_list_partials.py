"""Every list page answers htmx's filter, sort and page requests with its table, and the export
links in that table follow the active filter and sort."""

import csv
import io
import re

import pytest
from django.urls import URLPattern, URLResolver, get_resolver, reverse

from samdigi.core.testing import client_for
from samdigi.core.views import ObjectListView
from samdigi.portfolio.tests.factories import local_project

HTMX = {"HTTP_HX_REQUEST": "true", "HTTP_HX_TARGET": "object-table"}


def _list_urls(patterns=None, namespace=""):
    """The names of every URL served by a generic list view that needs no arguments."""
    for entry in patterns if patterns is not None else get_resolver().url_patterns:
        if isinstance(entry, URLResolver):
            inner = f"{namespace}{entry.namespace}:" if entry.namespace else namespace
            yield from _list_urls(entry.url_patterns, inner)
        elif isinstance(entry, URLPattern) and entry.name:
            view_class = getattr(entry.callback, "view_class", None)
            if (
                view_class
                and issubclass(view_class, ObjectListView)
                and not entry.pattern.regex.groups
            ):
                yield f"{namespace}{entry.name}"


LIST_URLS = sorted(set(_list_urls()))


def test_the_discovery_finds_the_portfolio_and_risk_lists():
    assert "portfolio:project_list" in LIST_URLS
    assert "portfolio:risk_list" in LIST_URLS
    assert len(LIST_URLS) >= 10


@pytest.mark.parametrize("name", LIST_URLS)
def test_every_list_answers_htmx_sort_and_page_with_its_table(world, name):
    client = client_for(world, "association_admin")
    url = reverse(name)
    full = client.get(url)
    assert full.status_code == 200
    sort_links = re.findall(r'hx-get="\?([^"]*sort=[^"]*)"', full.content.decode())
    query = (sort_links[0].replace("&amp;", "&") + "&page=2") if sort_links else "page=2"
    partial = client.get(f"{url}?{query}", **HTMX)
    assert partial.status_code == 200, name
    body = partial.content.decode()
    assert 'id="object-table"' in body
    assert "<html" not in body, "htmx got the whole page instead of the table"
    if sort_links:
        sort = re.search(r"sort=([^&]*)", query).group(1)
        assert 'data-testid="export-csv"' in body
        export_href = re.search(r'href="\?([^"]*export=csv[^"]*)"', body).group(1)
        assert f"sort={sort}" in export_href.replace("&amp;", "&")


def test_the_export_after_filtering_exports_only_the_filtered_rows(world):
    local_project(world, title="Borgerportal", index=1)
    local_project(world, title="Ydelsesrobot", index=2)
    client = client_for(world, "own_admin")
    url = reverse("portfolio:project_list")
    partial = client.get(f"{url}?q=Borgerportal", **HTMX)
    assert partial.status_code == 200
    body = partial.content.decode()
    assert "<html" not in body
    export_href = re.search(r'href="\?([^"]*export=csv[^"]*)"', body).group(1).replace("&amp;", "&")
    assert "q=Borgerportal" in export_href
    exported = client.get(f"{url}?{export_href}")
    assert exported.status_code == 200
    text = b"".join(exported.streaming_content if exported.streaming else [exported.content])
    rows = list(csv.reader(io.StringIO(text.decode("utf-8-sig")), delimiter=";"))
    titles = {cell for row in rows[1:] for cell in row}
    assert "Borgerportal" in titles
    assert "Ydelsesrobot" not in titles
