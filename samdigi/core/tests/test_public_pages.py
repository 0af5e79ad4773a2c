"""The public pages: what the associations publish, readable without logging in, and nothing else."""

import pytest
from django.core.management import call_command
from django.test import Client

from samdigi.core.testing import count_queries
from samdigi.portfolio.models import Project
from samdigi.procurement.models import Tender

pytestmark = pytest.mark.django_db


@pytest.fixture
def demo(settings):
    settings.DEBUG = True
    call_command("seed_demo", stdout=open("/dev/null", "w"))  # noqa: SIM115


def test_published_projects_are_public_and_nothing_else_is(demo):
    client = Client()
    published = Project.objects.filter(published=True, internal=False).first()
    hidden = Project.objects.filter(published=False).first()
    assert published is not None and hidden is not None
    listing = client.get("/public/projects/")
    assert listing.status_code == 200
    titles = [p.title for p in listing.context["page"]]
    assert published.title in titles and hidden.title not in titles
    assert client.get(f"/public/projects/{published.pk}/").status_code == 200
    assert client.get(f"/public/projects/{hidden.pk}/").status_code == 404
    # An internal project stays inside its municipality even if someone ticks "published".
    Project.objects.filter(pk=hidden.pk).update(published=True, internal=True)
    assert client.get(f"/public/projects/{hidden.pk}/").status_code == 404
    # The public sees no money, risks or people.
    html = client.get(f"/public/projects/{published.pk}/").content.decode()
    assert "kr." not in html and "Risici" not in html


def test_published_tenders_are_public_with_their_ocds(demo):
    client = Client()
    tender = Tender.objects.first()
    Tender.objects.update(published=False)
    assert client.get(f"/public/tenders/{tender.pk}/").status_code == 404
    assert client.get(f"/api/v1/tenders/{tender.pk}/ocds/").status_code in (401, 404)
    Tender.objects.filter(pk=tender.pk).update(published=True)
    page = client.get(f"/public/tenders/{tender.pk}/")
    assert page.status_code == 200 and tender.title in page.content.decode()
    assert client.get(f"/api/v1/tenders/{tender.pk}/ocds/").status_code == 200
    assert [t.pk for t in client.get("/public/tenders/").context["page"]] == [tender.pk]


def test_public_lists_cost_the_same_queries_whatever_their_length(demo):
    client = Client()
    Tender.objects.update(published=False)
    Project.objects.update(published=False)
    first = Tender.objects.first()
    Tender.objects.filter(pk=first.pk).update(published=True)
    Project.objects.filter(pk=Project.objects.filter(internal=False).first().pk).update(
        published=True
    )
    one = (
        count_queries(lambda: client.get("/public/tenders/")),
        count_queries(lambda: client.get("/public/projects/")),
    )
    Tender.objects.update(published=True)
    Project.objects.filter(internal=False).update(published=True)
    many = (
        count_queries(lambda: client.get("/public/tenders/")),
        count_queries(lambda: client.get("/public/projects/")),
    )
    assert one == many


def test_the_open_data_page_is_linked_for_anonymous_visitors(db):
    html = Client().get("/accounts/login/").content.decode()
    assert 'href="/public/"' in html
    assert Client().get("/public/").status_code == 200
