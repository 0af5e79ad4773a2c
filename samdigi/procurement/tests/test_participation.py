"""A participating municipality's admin keeps its own part of a joint tender, and nothing else."""

from decimal import Decimal

import pytest
from django.urls import reverse

from samdigi.core.testing import PERSONAS, client_for
from samdigi.procurement.tests.helpers import joint_tender

pytestmark = pytest.mark.django_db

# world.own (Roskilde) and world.peer (Køge) take part; the association admin edits the tender.
EXPECTED = {
    "anonymous": 302,
    "outsider": 404,
    "peer": 403,  # Køge's admin: not Roskilde's row
    "own_viewer": 403,
    "own_editor": 403,
    "own_admin": 302,
    "association_admin": 302,
    "steering_member": 403,
}


@pytest.mark.parametrize("persona", PERSONAS)
def test_a_participants_own_admin_edits_its_share(world, persona):
    tender = joint_tender(world)
    roskilde = tender.participants.get(municipality=world.own)
    response = client_for(world, persona).post(
        reverse("procurement:tenderparticipant_edit", args=[roskilde.pk]),
        {"estimated_value": "4500000.00", "options_needed": "1", "version": roskilde.version},
    )
    assert response.status_code == EXPECTED[persona]
    roskilde.refresh_from_db()
    changed = response.status_code == 302 and persona != "anonymous"
    assert (roskilde.estimated_value == Decimal("4500000.00")) == changed


def test_the_tender_page_offers_the_edit_link_only_for_the_users_own_part(world):
    tender = joint_tender(world)
    html = client_for(world, "own_admin").get(tender.get_absolute_url()).content.decode()
    assert f'data-testid="edit-participant-{world.own.code}"' in html
    assert f'data-testid="edit-participant-{world.peer.code}"' not in html
