"""Small builders for portfolio tests (plain functions; the world fixture brings the cast)."""

import datetime
from decimal import Decimal

from samdigi.organizations.models import AssociationMember, Municipality
from samdigi.portfolio.models import Participant, Project, ProjectModel


def project_model(world):
    return ProjectModel.objects.for_association(world.association)


def local_project(world, internal=False, index=0, **fields):
    return Project.objects.create(
        owner=world.own,
        project_model=project_model(world),
        title=fields.pop("title", f"Lokalt projekt {index}"),
        kind=Project.Kind.LOCAL,
        internal=internal,
        **fields,
    )


def joint_project(world, index=0, **fields):
    return Project.objects.create(
        owner=world.association,
        project_model=project_model(world),
        title=fields.pop("title", f"Fælles projekt {index}"),
        kind=Project.Kind.JOINT,
        **fields,
    )


def add_members(world, codes):
    """Make more Sjælland municipalities members of the test association."""
    municipalities = list(Municipality.objects.filter(code__in=codes))
    for municipality in municipalities:
        AssociationMember.objects.get_or_create(
            association=world.association,
            municipality=municipality,
            defaults={"joined": datetime.date(2024, 1, 1)},
        )
    return municipalities


def join(project, municipality, status=Participant.Status.JOINED, percentage=None):
    return Participant.objects.create(
        project=project,
        municipality=municipality,
        status=status,
        agreed_percentage=Decimal(percentage) if percentage is not None else None,
    )
