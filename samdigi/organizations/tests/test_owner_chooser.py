"""The "municipality or association" chooser (VersionedModelForm.owner_kind): a record owned by one
kind of organisation offers only that kind, under that kind's name."""

import pytest
from django.contrib.auth import get_user_model

from samdigi.landscape.forms import ContractForm, ItSystemForm
from samdigi.organizations.forms import UnitForm
from samdigi.organizations.models import Organization
from samdigi.portfolio.forms import SteeringMeetingForm

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    "form_class, kind",
    [
        (ContractForm, "municipality"),
        (UnitForm, "municipality"),
        (SteeringMeetingForm, "association"),
        (ItSystemForm, "association"),
    ],
)
def test_the_owner_field_offers_one_kind_of_organisation(world, form_class, kind):
    superuser = get_user_model().objects.create_superuser("root", "root@example.dk", "pw")
    owner = form_class(user=superuser).fields["owner"]
    offered = set(owner.queryset.values_list("kind", flat=True))
    assert offered == {kind}
    assert str(owner.label) == str(Organization.Kind(kind).label)
