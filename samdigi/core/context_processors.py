"""Navigation context shared by every page."""

from django.conf import settings


def navigation(request):
    return {"LANGUAGES": settings.LANGUAGES}
