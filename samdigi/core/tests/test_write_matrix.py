"""The write matrix, beside the read matrix of core/testing.py: for every API model endpoint and
every persona, each kind of write — create, update, owner change, every link to another tenant's
record, delete — is either rightful and succeeds, or is refused and changes nothing.

"Another tenant" is Aalborg and the other association (the outsider's world), and, where a link
crosses municipalities, the peer municipality of the same association. The totals are printed
at the end (run with -s to see "0 of N wrongly accepted").
"""

from __future__ import annotations

import datetime
import itertools
from collections.abc import Callable
from dataclasses import dataclass, field

import pytest

from samdigi.core.testing import PERSONAS, api_client_for

OWN = {"own_editor", "own_admin"}
ASSOCIATION = {"association_admin"}
CATALOGUE = {"peer", "own_editor", "own_admin", "association_admin"}
ANY_EDITOR = {"outsider", "peer", "own_editor", "own_admin", "association_admin"}

_counter = itertools.count(1)
RESULTS: list[dict] = []


def unique() -> int:
    return next(_counter)


@dataclass
class Foreign:
    """Records of other tenants that a write might try to reach."""

    vendor: object
    system: object  # in the other association's catalogue
    contract: object  # Aalborg's
    peer_contract: object  # Køge's: visible to the association, but not the own municipality's
    unit: object  # Aalborg's
    strategy: object  # Aalborg's
    goal: object
    project_model: object  # the other association's
    project: object  # Aalborg's local project


def build_foreign(world) -> Foreign:
    from samdigi.landscape.models import Contract, ItSystem, Vendor
    from samdigi.organizations.models import Unit
    from samdigi.portfolio.models import Project, ProjectModel, Strategy, StrategyGoal

    vendor = Vendor.objects.create(name="Nordisk Software")
    strategy = Strategy.objects.create(
        owner=world.outside, title="Aalborgs strategi", period_start=2024, period_end=2028
    )
    model = ProjectModel.objects.for_association(world.other_association)
    return Foreign(
        vendor=vendor,
        system=ItSystem.objects.create(owner=world.other_association, name=f"Nord {unique()}"),
        contract=Contract.objects.create(owner=world.outside, vendor=vendor, name="Aalborg ESDH"),
        peer_contract=Contract.objects.create(owner=world.peer, vendor=vendor, name="Køge ESDH"),
        unit=Unit.objects.create(owner=world.outside, name=f"Aalborg IT {unique()}"),
        strategy=strategy,
        goal=StrategyGoal.objects.create(strategy=strategy, number=1, title="Digital først"),
        project_model=model,
        project=Project.objects.create(
            owner=world.outside, project_model=model, title="Aalborgs projekt"
        ),
    )


def vendor():
    from samdigi.landscape.models import Vendor

    return Vendor.objects.get_or_create(name="Leverandør")[0]


def catalogue_system(world, name=None):
    from samdigi.landscape.models import ItSystem

    return ItSystem.objects.create(owner=world.association, name=name or f"System {unique()}")


def local_project(world):
    from samdigi.portfolio.models import Project, ProjectModel

    return Project.objects.create(
        owner=world.own,
        project_model=ProjectModel.objects.for_association(world.association),
        title=f"Projekt {unique()}",
    )


def joint_project(world):
    from samdigi.portfolio.models import Project, ProjectModel

    return Project.objects.create(
        owner=world.association,
        project_model=ProjectModel.objects.for_association(world.association),
        title=f"Fælles projekt {unique()}",
        kind=Project.Kind.JOINT,
    )


def contract(world):
    from samdigi.landscape.models import Contract

    return Contract.objects.create(owner=world.own, vendor=vendor(), name=f"Kontrakt {unique()}")


def usage(world):
    from samdigi.landscape.models import SystemUsage

    return SystemUsage.objects.create(owner=world.own, system=catalogue_system(world))


def unit(world):
    from samdigi.organizations.models import Unit

    return Unit.objects.create(owner=world.own, name=f"Enhed {unique()}")


def tender(owner):
    from samdigi.procurement.models import Tender

    return Tender.objects.create(owner=owner, title=f"Udbud {unique()}")


def state_model(world):
    from samdigi.portfolio.models import ProjectModel

    return ProjectModel.objects.for_association(world.association)


def participant(world):
    from samdigi.portfolio.models import Participant

    return Participant.objects.create(project=joint_project(world), municipality=world.own)


def risk(world):
    from samdigi.portfolio.models import Risk

    return Risk.objects.create(
        project=local_project(world), title="Risiko", probability=2, consequence=2
    )


def milestone(world):
    from samdigi.portfolio.models import Milestone

    return Milestone.objects.create(
        project=local_project(world), title="Milepæl", due=datetime.date(2027, 1, 1)
    )


def benefit(world):
    from samdigi.portfolio.models import Benefit

    return Benefit.objects.create(
        project=local_project(world), title="Gevinst", kind="other_economic"
    )


def strategy(world):
    from samdigi.portfolio.models import Strategy

    return Strategy.objects.create(
        owner=world.own, title=f"Strategi {unique()}", period_start=2025, period_end=2029
    )


def goal(world):
    from samdigi.portfolio.models import StrategyGoal

    return StrategyGoal.objects.create(strategy=own_strategy(world), number=unique(), title="Mål")


def meeting(world):
    from samdigi.portfolio.models import SteeringMeeting

    return SteeringMeeting.objects.create(
        owner=world.association, title="Styregruppemøde", date=datetime.date(2026, 9, 1)
    )


def new_vendor(world):
    from samdigi.landscape.models import Vendor

    return Vendor.objects.create(name=f"Firma {unique()}")


def own_strategy(world):
    from samdigi.portfolio.models import Strategy

    return Strategy.objects.get_or_create(
        owner=world.own, title="Roskildes strategi", period_start=2024, period_end=2028
    )[0]


@dataclass
class Endpoint:
    name: str
    path: str
    make: Callable  # (world) -> a record of the own side
    create_data: Callable  # (world) -> a body a rightful creator may post
    update: dict  # a harmless change
    writers: set  # who may update and delete
    creators: set | None = None  # who may create (default: the writers)
    owner_moves: Callable | None = None  # (world) -> organisations another owner could be
    links: Callable | None = None  # (world, foreign) -> {field: value pointing elsewhere}
    deleters: set | None = None
    extra: dict = field(default_factory=dict)


ENDPOINTS = [
    Endpoint(
        "contract",
        "/api/v1/contracts/",
        make=contract,
        create_data=lambda w: {"owner": w.own.pk, "vendor": vendor().pk, "name": "Ny kontrakt"},
        update={"name": "Omdøbt kontrakt"},
        writers=OWN,
        owner_moves=lambda w: [w.outside, w.peer],
        links=lambda w, f: {
            "co_owners": [w.outside.pk],
            "systems": [f.system.pk],
            "vendor": f.vendor.pk,
        },
    ),
    Endpoint(
        "system usage",
        "/api/v1/system-usages/",
        make=usage,
        create_data=lambda w: {"owner": w.own.pk, "system": catalogue_system(w).pk},
        update={"local_name": "Lokalt navn"},
        writers=OWN,
        owner_moves=lambda w: [w.outside, w.peer],
        links=lambda w, f: {
            "system": f.system.pk,
            "responsible_unit": f.unit.pk,
            "main_contract": f.contract.pk,
        },
    ),
    Endpoint(
        "catalogue system",
        "/api/v1/systems/",
        make=lambda w: catalogue_system(w),
        create_data=lambda w: {"owner": w.association.pk, "name": f"Fagsystem {unique()}"},
        update={"description": "Opdateret"},
        writers=CATALOGUE,
        owner_moves=lambda w: [w.other_association],
    ),
    Endpoint(
        "unit",
        "/api/v1/units/",
        make=unit,
        create_data=lambda w: {"owner": w.own.pk, "name": f"Ny enhed {unique()}"},
        update={"contact_email": "it@example.dk"},
        writers=OWN,
        owner_moves=lambda w: [w.outside, w.peer],
        links=lambda w, f: {"parent": f.unit.pk},
    ),
    Endpoint(
        "municipality's tender",
        "/api/v1/tenders/",
        make=lambda w: tender(w.own),
        create_data=lambda w: {"owner": w.own.pk, "title": "Nyt udbud"},
        update={"description": "Opdateret"},
        writers=OWN,
        owner_moves=lambda w: [w.outside, w.peer, w.association],
        links=lambda w, f: {
            "contracts": [f.contract.pk],
            "contracts (peer's)": [f.peer_contract.pk],
            "systems": [f.system.pk],
            "coordinator": w.user("outsider").pk,
        },
    ),
    Endpoint(
        "joint tender",
        "/api/v1/tenders/",
        make=lambda w: tender(w.association),
        create_data=lambda w: {"owner": w.association.pk, "title": "Nyt fællesudbud"},
        update={"description": "Opdateret"},
        writers=ASSOCIATION,
        owner_moves=lambda w: [w.other_association, w.own],
        links=lambda w, f: {"contracts": [f.contract.pk], "systems": [f.system.pk]},
    ),
    Endpoint(
        "local project",
        "/api/v1/projects/",
        make=local_project,
        create_data=lambda w: {
            "owner": w.own.pk,
            "title": "Nyt projekt",
            "kind": "local",
            "project_model": state_model(w).pk,
        },
        update={"summary": "Opdateret"},
        writers=OWN,
        owner_moves=lambda w: [w.outside, w.peer],
        links=lambda w, f: {
            "systems": [f.system.pk],
            "goals": [f.goal.pk],
            "project_model": f.project_model.pk,
        },
    ),
    Endpoint(
        "project participant",
        "/api/v1/project-participants/",
        make=participant,
        create_data=lambda w: {"project": joint_project(w).pk, "municipality": w.peer.pk},
        update={"agreed_percentage": "50.0000"},
        # The association runs the project; a participating municipality's admin answers for
        # (and may withdraw) its own participation.
        writers=ASSOCIATION | {"own_admin"},
        creators=ASSOCIATION,
        links=lambda w, f: {"municipality": w.outside.pk, "project": f.project.pk},
    ),
    Endpoint(
        "risk",
        "/api/v1/risks/",
        make=risk,
        create_data=lambda w: {
            "project": local_project(w).pk,
            "title": "Ny risiko",
            "probability": 3,
            "consequence": 3,
        },
        update={"title": "Omdøbt risiko"},
        writers=OWN,
        links=lambda w, f: {"project": f.project.pk},
    ),
    Endpoint(
        "milestone",
        "/api/v1/milestones/",
        make=milestone,
        create_data=lambda w: {
            "project": local_project(w).pk,
            "title": "Ny milepæl",
            "due": "2027-06-01",
        },
        update={"title": "Omdøbt milepæl"},
        writers=OWN,
        links=lambda w, f: {"project": f.project.pk},
    ),
    Endpoint(
        "benefit",
        "/api/v1/benefits/",
        make=benefit,
        create_data=lambda w: {
            "project": local_project(w).pk,
            "title": "Ny gevinst",
            "kind": "non_monetary",
        },
        update={"title": "Omdøbt gevinst"},
        writers=OWN,
        links=lambda w, f: {"project": f.project.pk, "receiving_municipality": w.outside.pk},
    ),
    Endpoint(
        "strategy",
        "/api/v1/strategies/",
        make=strategy,
        create_data=lambda w: {
            "owner": w.own.pk,
            "title": "Ny strategi",
            "period_start": 2026,
            "period_end": 2030,
        },
        update={"description": "Opdateret"},
        writers=OWN,
        owner_moves=lambda w: [w.outside, w.peer],
    ),
    Endpoint(
        "strategy goal",
        "/api/v1/strategy-goals/",
        make=goal,
        create_data=lambda w: {
            "strategy": own_strategy(w).pk,
            "number": unique(),
            "title": "Nyt mål",
        },
        update={"title": "Omdøbt mål"},
        writers=OWN,
        links=lambda w, f: {"strategy": f.strategy.pk},
    ),
    Endpoint(
        "steering meeting",
        "/api/v1/meetings/",
        make=meeting,
        create_data=lambda w: {
            "owner": w.association.pk,
            "title": "Nyt møde",
            "date": "2026-10-01",
        },
        update={"location": "Roskilde"},
        writers=ASSOCIATION,
        owner_moves=lambda w: [w.other_association, w.own],
    ),
    Endpoint(
        "vendor",
        "/api/v1/vendors/",
        make=new_vendor,
        create_data=lambda w: {"name": f"Nyt firma {unique()}"},
        update={"phone": "12345678"},
        writers=ANY_EDITOR,
    ),
]


def _accepted(response) -> bool:
    return response.status_code in (200, 201, 204)


def _stored_value(obj, name):
    """What the record now points at for `name` (pk or set of pks), read from the database."""
    model = type(obj)
    fresh = model._base_manager.get(pk=obj.pk)
    model_field = model._meta.get_field(name)
    if model_field.many_to_many:
        return set(getattr(fresh, name).values_list("pk", flat=True))
    return getattr(fresh, model_field.attname)


def _record(endpoint, persona, action, expected, response, changed):
    RESULTS.append(
        {
            "endpoint": endpoint.name,
            "persona": persona,
            "action": action,
            "rightful": expected,
            "status": response.status_code,
            "accepted": _accepted(response) or changed,
        }
    )


def run_matrix(world, endpoint) -> list[str]:
    """All attempts of one endpoint; returns the problems found (empty when all is well)."""
    problems = []
    foreign = build_foreign(world)
    creators = endpoint.creators if endpoint.creators is not None else endpoint.writers
    deleters = endpoint.deleters if endpoint.deleters is not None else endpoint.writers

    def check(persona, action, rightful, response, changed):
        _record(endpoint, persona, action, rightful, response, changed)
        accepted = _accepted(response) or changed
        if rightful and not (_accepted(response) and changed):
            problems.append(
                f"{endpoint.name} / {persona} / {action}: rightful write refused "
                f"({response.status_code} {getattr(response, 'data', '')})"
            )
        if not rightful and accepted:
            problems.append(
                f"{endpoint.name} / {persona} / {action}: wrongly accepted ({response.status_code})"
            )

    for persona in PERSONAS:
        client = api_client_for(world, persona)

        # create
        sample = endpoint.make(world)
        model = type(sample)
        before = model._base_manager.count()
        response = client.post(endpoint.path, endpoint.create_data(world), format="json")
        check(
            persona,
            "create",
            persona in creators,
            response,
            model._base_manager.count() != before,
        )

        # update
        obj = endpoint.make(world)
        response = client.patch(
            f"{endpoint.path}{obj.pk}/", {**endpoint.update, "version": obj.version}, format="json"
        )
        changed = model._base_manager.get(pk=obj.pk).version != obj.version
        check(persona, "update", persona in endpoint.writers, response, changed)

        # owner change: moving a record is creating it under the new owner
        for organisation in endpoint.owner_moves(world) if endpoint.owner_moves else []:
            obj = endpoint.make(world)
            response = client.patch(
                f"{endpoint.path}{obj.pk}/",
                {"owner": organisation.pk, "version": obj.version},
                format="json",
            )
            changed = _stored_value(obj, "owner") != obj.owner_id
            check(persona, f"move to {organisation}", False, response, changed)

        # every link to another tenant's record
        for label, value in (endpoint.links(world, foreign) if endpoint.links else {}).items():
            name = label.split(" ")[0]
            obj = endpoint.make(world)
            before_value = _stored_value(obj, name)
            response = client.patch(
                f"{endpoint.path}{obj.pk}/", {name: value, "version": obj.version}, format="json"
            )
            changed = _stored_value(obj, name) != before_value
            # A global record (a vendor) may be linked by whoever edits the record.
            rightful = label == "vendor" and persona in endpoint.writers
            check(persona, f"link {label}", rightful, response, changed)

        # delete
        obj = endpoint.make(world)
        response = client.delete(f"{endpoint.path}{obj.pk}/")
        check(
            persona,
            "delete",
            persona in deleters,
            response,
            not model._base_manager.filter(pk=obj.pk).exists(),
        )
    return problems


@pytest.mark.parametrize("endpoint", ENDPOINTS, ids=[e.name for e in ENDPOINTS])
def test_no_write_reaches_another_tenant_and_rightful_writes_succeed(world, endpoint):
    problems = run_matrix(world, endpoint)
    assert not problems, "\n".join(problems)


def test_the_matrix_totals(world):
    """Printed for the closing note: how many write attempts, and how many wrongly accepted.
    (Run alone, it runs the whole matrix itself.)"""
    if not RESULTS:
        for endpoint in ENDPOINTS:
            run_matrix(world, endpoint)
    wrong = [r for r in RESULTS if r["accepted"] and not r["rightful"]]
    rightful = [r for r in RESULTS if r["rightful"]]
    print(
        f"\nwrite matrix: {len(wrong)} of {len(RESULTS)} write attempts wrongly accepted; "
        f"{sum(1 for r in rightful if r['accepted'])} of {len(rightful)} rightful writes succeeded"
    )
    assert not wrong
    assert all(r["accepted"] for r in rightful)
