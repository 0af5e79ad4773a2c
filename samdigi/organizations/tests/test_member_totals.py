"""Association member totals count the members of the day of the request, not of the day the
process started: a municipality whose membership starts tomorrow is counted from tomorrow on."""

import datetime

from django.urls import reverse
from django.utils import timezone

from samdigi.core.testing import api_client_for, client_for
from samdigi.organizations.models import AssociationMember, Municipality


def test_a_membership_that_starts_later_is_counted_from_its_first_day(world, monkeypatch):
    today = timezone.localdate()
    tomorrow = today + datetime.timedelta(days=1)
    holbaek = Municipality.objects.get(code="316")
    AssociationMember.objects.create(
        association=world.association, municipality=holbaek, joined=tomorrow
    )

    def totals():
        page = client_for(world, "association_admin").get(reverse("organizations:association_list"))
        row = next(
            r["object"] for r in page.context["rows"] if r["object"].pk == world.association.pk
        )
        body = api_client_for(world, "association_admin").get("/api/v1/associations/").json()
        api = next(a for a in body["results"] if a["id"] == world.association.pk)
        return row.member_count, row.population_total, api["population_total"]

    two = world.own.population + world.peer.population
    assert totals() == (2, two, two)
    # The next day, in the same process: Holbæk is now a member.
    monkeypatch.setattr(timezone, "localdate", lambda *args, **kwargs: tomorrow)
    three = two + holbaek.population
    assert totals() == (3, three, three)
