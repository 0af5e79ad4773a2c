"""Demo data: two associations, their members, units and a user for each kind of role.

Idempotent: running it again finds what exists and creates nothing twice. Later apps add their own
demo data by registering a function in DEMO_SEEDERS (see samdigi.core.demo).
"""

import datetime

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

from samdigi.core.demo import run_seeders
from samdigi.core.history import acting_as
from samdigi.organizations.models import (
    Association,
    AssociationMember,
    Membership,
    Municipality,
    Region,
    Role,
    Unit,
)

DEMO_PASSWORD = "samdigi-demo"  # noqa: S105 - published demo logins, refused outside DEBUG
JOINED = datetime.date(2025, 1, 1)

ASSOCIATIONS = [
    {
        "short_name": "DFS",
        "name": "Digitaliseringsfællesskab Sjælland (demo)",
        "region": Region.SJAELLAND,
        "description": (
            "Demo: de 17 kommuner i Region Sjælland samarbejder om fælles it-projekter og udbud."
        ),
        "secretariat_name": "Sekretariatet, Digitaliseringsfællesskab Sjælland",
        "secretariat_email": "sekretariat@dfs.example.dk",
    },
    {
        "short_name": "NDS",
        "name": "Nordjysk Digitaliseringssamarbejde (demo)",
        "region": Region.NORDJYLLAND,
        "description": "Demo: de 11 nordjyske kommuner.",
        "secretariat_name": "Sekretariatet, Nordjysk Digitaliseringssamarbejde",
        "secretariat_email": "sekretariat@nds.example.dk",
    },
]

# username, first name, last name, organisation (association short name or municipality name), role
USERS = [
    ("sekretariat", "Sara", "Sekretær", "DFS", Role.ASSOCIATION_ADMIN),
    ("styregruppe", "Søren", "Styregruppe", "DFS", Role.STEERING_MEMBER),
    ("cio-roskilde", "Rikke", "Roskilde", "Roskilde", Role.MUNICIPALITY_ADMIN),
    ("pm-roskilde", "Peter", "Projektleder", "Roskilde", Role.MUNICIPALITY_EDITOR),
    ("laeser-koege", "Karen", "Køge", "Køge", Role.MUNICIPALITY_VIEWER),
    ("cio-aalborg", "Anders", "Aalborg", "Aalborg", Role.MUNICIPALITY_ADMIN),
    ("sekretariat-nord", "Nina", "Nord", "NDS", Role.ASSOCIATION_ADMIN),
]

UNITS = {
    "Roskilde": [
        ("Økonomi og Digitalisering", "forvaltning", None),
        ("Digitalisering og IT", "afdeling", "Økonomi og Digitalisering"),
        ("Børn og Unge", "forvaltning", None),
    ],
    "Køge": [
        ("Digitalisering og IT", "afdeling", None),
        ("Social og Sundhed", "forvaltning", None),
    ],
    "Holbæk": [("IT og Digitalisering", "afdeling", None)],
    "Aalborg": [("ITK – IT og Digitalisering", "afdeling", None)],
}


class Command(BaseCommand):
    help = "Load the demo associations, users and units (idempotent)."

    def add_arguments(self, parser):
        parser.add_argument(
            "--force", action="store_true", help="Run even when DEBUG is off (never in production)."
        )

    def handle(self, *args, **options):
        if not settings.DEBUG and not options["force"]:
            raise CommandError(
                "seed_demo creates users with a published password; it runs only with DEBUG on, "
                "or with --force."
            )
        with transaction.atomic(), acting_as(None):
            created = seed_organizations()
            created += run_seeders(self.stdout)
        self.stdout.write(self.style.SUCCESS(f"Demo data ready ({created} new records)."))
        self.stdout.write(f"Demo logins (password: {DEMO_PASSWORD}):")
        for username, _first, _last, org, role in USERS:
            self.stdout.write(f"  {username:<18} {Role(role).label} – {org}")


def seed_organizations() -> int:
    created = 0
    associations = {}
    for spec in ASSOCIATIONS:
        association, new = Association.objects.get_or_create(
            short_name=spec["short_name"],
            defaults={
                key: spec[key]
                for key in ("name", "description", "secretariat_name", "secretariat_email")
            },
        )
        created += new
        associations[spec["short_name"]] = association
        for municipality in Municipality.objects.filter(region=spec["region"]):
            _member, new = AssociationMember.objects.get_or_create(
                association=association, municipality=municipality, defaults={"joined": JOINED}
            )
            created += new
    User = get_user_model()
    for username, first, last, org_name, role in USERS:
        user, new = User.objects.get_or_create(
            username=username,
            defaults={"first_name": first, "last_name": last, "email": f"{username}@example.dk"},
        )
        if new:
            user.set_password(DEMO_PASSWORD)
            user.save()
            created += 1
        organization = associations.get(org_name) or Municipality.objects.get(name=org_name)
        _membership, new = Membership.objects.get_or_create(
            user=user, organization=organization, defaults={"role": role}
        )
        created += new
    for municipality_name, units in UNITS.items():
        municipality = Municipality.objects.get(name=municipality_name)
        for name, kind, parent_name in units:
            parent = Unit.objects.get(owner=municipality, name=parent_name) if parent_name else None
            _unit, new = Unit.objects.get_or_create(
                owner=municipality, name=name, defaults={"kind": kind, "parent": parent}
            )
            created += new
    return created
