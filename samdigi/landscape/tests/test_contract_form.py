"""The contract form from the user's side: sections, the only municipality chosen for you, the
error summary on top, and searchable multi-selects that work without script too."""

import pytest
from django.urls import reverse

from samdigi.core.testing import client_for
from samdigi.landscape.forms import ContractForm
from samdigi.landscape.models import Contract, Vendor

pytestmark = pytest.mark.django_db


def test_the_form_is_grouped_in_sections(world):
    response = client_for(world, "own_editor").get(reverse("landscape:contract_add"))
    assert response.status_code == 200
    html = response.content.decode()
    legends = ["Parter", "Datoer", "Optioner og opsigelse", "Værdi", "Udbud"]
    for legend in legends:
        assert f"<legend>{legend}</legend>" in html, legend
    positions = [html.index(f"<legend>{legend}</legend>") for legend in legends]
    assert positions == sorted(positions)
    # Every field of the form is on the page once, in one of the sections.
    form = response.context["form"]
    placed = [field.name for _legend, fields in form.sections() for field in fields]
    assert sorted(placed) == sorted(field.name for field in form.visible_fields())
    # Expiry is among the dates, the notice among options and notice.
    sections = {str(legend): [f.name for f in fields] for legend, fields in form.sections()}
    assert "expiration" in sections["Datoer"]
    assert "notice_months" in sections["Optioner og opsigelse"]


def test_the_only_municipality_the_user_edits_for_is_preselected(world):
    response = client_for(world, "own_editor").get(reverse("landscape:contract_add"))
    html = response.content.decode()
    assert f'<option value="{world.own.pk}" selected>' in html


def test_no_municipality_is_preselected_when_there_is_a_choice(world):
    from samdigi.core import access
    from samdigi.organizations.models import Membership

    user = world.user("own_editor")
    Membership.objects.create(user=user, organization=world.peer, role=access.MUNICIPALITY_EDITOR)
    form = ContractForm(user=user)
    assert form.fields["owner"].queryset.count() == 2
    assert not form.initial.get("owner")
    html = client_for(world, "own_editor").get(reverse("landscape:contract_add")).content.decode()
    assert f'<option value="{world.own.pk}" selected>' not in html


def test_the_multi_selects_are_plain_lists_marked_for_the_local_script(world):
    html = client_for(world, "own_editor").get(reverse("landscape:contract_add")).content.decode()
    for name in ("co_owners", "systems"):
        assert f'name="{name}"' in html
        start = html.index(f'name="{name}"')
        tag = html[html.rindex("<select", 0, start) : html.index(">", start)]
        assert "multiple" in tag and "data-searchable" in tag
    assert '<script src="/static/core/multiselect.js" defer></script>' in html
    assert "<script>" not in html  # nothing inline: the CSP allows script-src 'self' only
    csp = client_for(world, "own_editor").get(reverse("landscape:contract_add"))
    assert "script-src 'self'" in csp.headers["Content-Security-Policy"]


def test_an_invalid_contract_gets_an_error_summary_linking_to_the_field(world):
    vendor = Vendor.objects.create(name="V")
    client = client_for(world, "own_editor")
    response = client.post(
        reverse("landscape:contract_add"),
        {"owner": world.own.pk, "vendor": vendor.pk, "name": "", "notice_months": "0"},
    )
    assert response.status_code == 400
    html = response.content.decode()
    start = html.index('data-testid="error-summary"')
    summary = html[start : html.index("</ul>", start)]
    assert '<a href="#id_name">' in summary and "Navn" in summary
    assert html.index('data-testid="error-summary"') < html.index('<form method="post"')
    assert not Contract.objects.exists()
