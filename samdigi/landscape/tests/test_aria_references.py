"""Help texts are announced with their fields: every `aria-describedby` (Django points it at
`<id>_helptext`) names an element on the page. A dangling reference silently drops the help text
for screen-reader users; axe-core only lists it "to review"."""

import re

import pytest
from django.urls import reverse

from samdigi.core.testing import client_for
from samdigi.landscape.models import Contract, Vendor
from samdigi.portfolio.tests.factories import local_project

pytestmark = pytest.mark.django_db

REFERENCE = re.compile(r'aria-(?:describedby|labelledby|controls)="([^"]*)"')


def dangling_references(html: str) -> list[str]:
    ids = set(re.findall(r'\sid="([^"]+)"', html))
    return [ref for refs in REFERENCE.findall(html) for ref in refs.split() if ref not in ids]


def test_the_check_finds_a_dangling_reference():
    html = '<input id="id_a" aria-describedby="id_a_helptext"><p id="id_b_helptext">'
    assert dangling_references(html) == ["id_a_helptext"]
    assert dangling_references(html.replace("id_b_", "id_a_")) == []


def test_form_help_texts_are_referenced_by_their_fields(world):
    editor = client_for(world, "own_editor")
    admin = client_for(world, "own_admin")
    contract = Contract.objects.create(
        owner=world.own, vendor=Vendor.objects.create(name="V"), name="Kontrakt"
    )
    project = local_project(world)
    pages = {
        "contract form": (editor, reverse("landscape:contract_add")),
        "import": (editor, reverse("landscape:import")),
        "contract documents": (
            editor,
            reverse("landscape:contract_tab", args=[contract.pk, "documents"]),
        ),
        "project documents": (
            admin,
            reverse("portfolio:project_tab", args=[project.pk, "documents"]),
        ),
        "people": (
            admin,
            reverse("organizations:municipality_tab", args=[world.own.code, "people"]),
        ),
    }
    for name, (client, url) in pages.items():
        response = client.get(url)
        assert response.status_code == 200, name
        html = response.content.decode()
        assert "aria-describedby" in html, f"{name}: no field with a help text to check"
        assert dangling_references(html) == [], name
