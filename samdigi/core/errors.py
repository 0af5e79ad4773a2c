"""The styled 404 page also in debug mode, which is how the demo runs (`make run`)."""

from django.conf import settings
from django.http import Http404
from django.views.defaults import page_not_found

# Django's technical 404 page says this; the site's own 404 page never does.
TECHNICAL_404_MARK = b"<code>DEBUG = True</code>"


class FriendlyNotFoundMiddleware:
    """With DEBUG on, Django answers a missing page with its technical 404 (URL patterns and all);
    a person trying the demo gets the site's own page instead. The API keeps its JSON, and with
    DEBUG off Django already renders 404.html."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        if (
            settings.DEBUG
            and response.status_code == 404
            and not response.streaming
            and not request.path_info.startswith("/api/")
            and TECHNICAL_404_MARK in response.content
        ):
            return page_not_found(request, Http404())
        return response
