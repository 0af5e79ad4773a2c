"""Every page and API action for every persona: local projects and their rows, owned through the
`own` municipality (core.testing.OwnedModelPersonaTests)."""

import datetime

from samdigi.core.testing import OwnedModelPersonaTests
from samdigi.portfolio.models import Benefit, Milestone, Project, Risk, StatusReport
from samdigi.portfolio.tests.factories import local_project, project_model


class TestLocalProjectPersonas(OwnedModelPersonaTests):
    url_prefix = "portfolio:project"
    api_path = "/api/v1/projects/"
    stale_field = "title"
    # Two of them are the summary on top (counts per light and budget in one aggregate, spend).
    list_query_budget = 11
    api_list_query_budget = 7

    def model_class(self):
        return Project

    def make(self, world, internal=False, index=0):
        return local_project(world, internal=internal, index=index)

    def form_data(self, world, variant=1):
        return {
            "title": f"Digital post {variant}",
            "kind": "local",
            "owner": world.own.pk,
            "project_model": project_model(world).pk,
            "cost_key": "population",
        }

    def api_data(self, world, variant=1):
        return {
            "title": f"Digital post {variant}",
            "kind": "local",
            "owner": world.own.pk,
            "project_model": project_model(world).pk,
        }


class ProjectRowPersonaTests(OwnedModelPersonaTests):
    """A row of a local project: the project's access is the row's access."""

    stale_field = "title"

    def project(self, world, internal=False):
        title = "Internt projekt" if internal else "Projekt"
        existing = Project.objects.filter(title=title, owner=world.own).first()
        return existing or local_project(world, internal=internal, title=title)

    def make(self, world, internal=False, index=0):
        return self.model_class().objects.create(
            project=self.project(world, internal), **self.fields(index)
        )

    def form_data(self, world, variant=1):
        return {"project": self.project(world).pk, **self.data(variant)}

    def api_data(self, world, variant=1):
        return {"project": self.project(world).pk, **self.data(variant)}


class TestRiskPersonas(ProjectRowPersonaTests):
    url_prefix = "portfolio:risk"
    api_path = "/api/v1/risks/"
    list_query_budget = 7
    api_list_query_budget = 4

    def model_class(self):
        return Risk

    def fields(self, index):
        return {"title": f"Risiko {index}", "probability": 3, "consequence": 4}

    def data(self, variant):
        return {
            "title": f"Leverandøren leverer for sent {variant}",
            "probability": 2,
            "consequence": 5,
            "response": "reduce",
            "status": "open",
        }


class TestStatusReportPersonas(ProjectRowPersonaTests):
    url_prefix = "portfolio:statusreport"
    api_path = "/api/v1/status-reports/"
    stale_field = "summary"
    list_query_budget = 6
    api_list_query_budget = 4

    def model_class(self):
        return StatusReport

    def fields(self, index):
        return {"period_end": datetime.date(2026, 1, 31), "manager_rating": "green"}

    def data(self, variant):
        return {
            "period_end": "2026-02-28",
            "manager_rating": "yellow",
            "summary": f"Fremdrift {variant}",
        }


class TestMilestonePersonas(ProjectRowPersonaTests):
    url_prefix = "portfolio:milestone"
    api_path = "/api/v1/milestones/"
    list_query_budget = 6
    api_list_query_budget = 4

    def model_class(self):
        return Milestone

    def fields(self, index):
        return {"title": f"Milepæl {index}", "due": datetime.date(2026, 6, 1)}

    def data(self, variant):
        return {"title": f"Kontrakt underskrevet {variant}", "due": "2026-09-01"}


class TestBenefitPersonas(ProjectRowPersonaTests):
    url_prefix = "portfolio:benefit"
    api_path = "/api/v1/benefits/"
    list_query_budget = 6
    api_list_query_budget = 5

    def model_class(self):
        return Benefit

    def fields(self, index):
        return {"title": f"Gevinst {index}", "kind": "budget_releasing"}

    def data(self, variant):
        return {"title": f"Færre manuelle sagsskridt {variant}", "kind": "other_economic"}
