"""The demo data: tenders in different states, a joint tender awarded with its contracts, and
joint-tender opportunities left for the finder to discover."""

import datetime

import pytest
from django.contrib.auth import get_user_model
from django.core.management import call_command

from samdigi.organizations.models import Association
from samdigi.procurement import services
from samdigi.procurement.models import Tender

pytestmark = pytest.mark.django_db


def test_demo_seeds_tenders_and_leaves_opportunities_to_discover(tmp_path):
    with open(tmp_path / "out.txt", "w") as out:
        call_command("seed_demo", "--force", stdout=out)
        call_command("seed_demo", "--force", stdout=out)  # idempotent
    statuses = set(Tender.objects.values_list("status", flat=True))
    assert {"planned", "preparing", "published", "contract_signed"} <= statuses
    awarded = Tender.objects.get(reference="DEMO-T4")
    assert awarded.participants.count() == 3
    assert all(p.resulting_contract_id for p in awarded.participants.all())
    # The outcome is data: the tenders received and one award decision, shown on the outcome tab.
    assert awarded.bids.count() == 3
    assert list(awarded.award_decisions.values_list("status", flat=True)) == ["active"]
    association = Association.objects.get(short_name="DFS")
    secretariat = get_user_model().objects.get(username="sekretariat")
    result = services.find_for_association(
        association, secretariat, as_of=datetime.date(2026, 11, 29)
    )
    assert len(result.views) >= 3
