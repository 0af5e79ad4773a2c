"""The access rules, seen through the querysets every view and API uses."""

import datetime

import pytest
from django.contrib.auth import get_user_model

from samdigi.core import access
from samdigi.core.access import scope_for
from samdigi.organizations.models import (
    Association,
    AssociationMember,
    Membership,
    Municipality,
    Unit,
)

pytestmark = pytest.mark.django_db


def fresh(user):
    access.forget_scope(user)
    return user


def test_a_municipality_member_reaches_its_associations_and_their_members(world):
    scope = scope_for(world.user("own_viewer"))
    assert scope.association_ids == {world.association.pk}
    assert scope.peer_municipality_ids == {world.peer.pk}
    assert world.outside.pk not in scope.reachable_org_ids


def test_internal_records_are_visible_only_inside_the_owning_municipality(world):
    unit = Unit.objects.create(owner=world.own, name="Hemmelig", internal=True)
    for persona in ("own_viewer", "own_editor", "own_admin"):
        assert unit in Unit.objects.visible_to(world.user(persona))
    for persona in ("peer", "association_admin", "steering_member", "outsider"):
        assert unit not in Unit.objects.visible_to(world.user(persona))


def test_only_admins_and_editors_of_the_owner_edit(world):
    unit = Unit.objects.create(owner=world.own, name="Delt")
    editors = {
        p for p in world.users if world.user(p) and unit in Unit.objects.editable_by(world.user(p))
    }
    assert editors == {"own_editor", "own_admin"}


def test_a_municipality_that_left_loses_sight_of_the_association(world):
    member = AssociationMember.objects.get(association=world.association, municipality=world.peer)
    member.left = datetime.date.today()
    member.save()
    peer = fresh(world.user("peer"))
    assert world.association not in Association.objects.visible_to(peer)
    unit = Unit.objects.create(owner=world.own, name="Delt")
    assert unit not in Unit.objects.visible_to(peer)
    # …and the remaining members no longer see the peer's shared records.
    peer_unit = Unit.objects.create(owner=world.peer, name="Peers")
    assert peer_unit not in Unit.objects.visible_to(fresh(world.user("own_viewer")))


def test_a_future_member_is_not_yet_a_member(world):
    new = Municipality.objects.get(code="253")  # Greve
    AssociationMember.objects.create(
        association=world.association,
        municipality=new,
        joined=datetime.date.today() + datetime.timedelta(days=3),
    )
    assert new.pk not in scope_for(fresh(world.user("own_viewer"))).peer_municipality_ids


def test_anonymous_and_inactive_users_see_nothing(world):
    Unit.objects.create(owner=world.own, name="Delt")
    assert not Unit.objects.visible_to(None).exists()
    user = world.user("own_admin")
    user.is_active = False
    user.save()
    assert not Unit.objects.visible_to(fresh(user)).exists()


def test_superuser_sees_and_edits_everything(world):
    root = get_user_model().objects.create_superuser("root", "root@example.dk", "x")
    unit = Unit.objects.create(owner=world.outside, name="Aalborgs", internal=True)
    assert unit in Unit.objects.visible_to(root)
    assert unit in Unit.objects.editable_by(root)


def test_memberships_are_visible_to_co_members_but_not_across_associations(world):
    own_admin_membership = Membership.objects.get(user=world.user("own_admin"))
    assert own_admin_membership in Membership.objects.visible_to(world.user("own_viewer"))
    assert own_admin_membership in Membership.objects.visible_to(world.user("association_admin"))
    assert own_admin_membership not in Membership.objects.visible_to(world.user("outsider"))
    # A peer municipality's staff list is not shown to another municipality's viewer.
    peer_membership = Membership.objects.get(user=world.user("peer"))
    assert peer_membership not in Membership.objects.visible_to(world.user("own_viewer"))


def test_membership_role_must_fit_the_kind_of_organisation(world):
    from django.core.exceptions import ValidationError

    membership = Membership(
        user=world.user("peer"), organization=world.association, role="municipality_admin"
    )
    with pytest.raises(ValidationError) as error:
        membership.full_clean()
    assert "role" in error.value.message_dict


def test_overlapping_association_membership_periods_are_refused(world):
    from django.core.exceptions import ValidationError

    duplicate = AssociationMember(
        association=world.association, municipality=world.own, joined=datetime.date(2025, 6, 1)
    )
    with pytest.raises(ValidationError) as error:
        duplicate.full_clean()
    assert "joined" in error.value.message_dict
