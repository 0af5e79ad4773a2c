"""The project's URLs plus views that refuse and fail, for the error pages' tests."""

from django.core.exceptions import PermissionDenied
from django.urls import path

from samdigi.urls import urlpatterns as project_urlpatterns


def forbidden(request):
    raise PermissionDenied


def plain_bug(request):
    raise ValueError("a bug")


urlpatterns = [
    path("forbidden/", forbidden),
    path("bug/", plain_bug),
    *project_urlpatterns,
]
