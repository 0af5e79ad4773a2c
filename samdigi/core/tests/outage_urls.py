"""The project's URLs plus views that fail as a lost database (and as a plain bug) would."""

from django.db import OperationalError
from django.urls import path

from samdigi.urls import urlpatterns as project_urlpatterns


def lost_database(request):
    raise OperationalError("terminating connection due to administrator command")


def plain_bug(request):
    raise ValueError("a bug, not an outage")


def missing_table(request):
    # What SQLite says about a missing migration: a bug, even though it is an OperationalError.
    raise OperationalError("no such table: landscape_contract")


urlpatterns = [
    path("outage/", lost_database),
    path("api/v1/outage/", lost_database),
    path("bug/", plain_bug),
    path("missing-table/", missing_table),
    *project_urlpatterns,
]
