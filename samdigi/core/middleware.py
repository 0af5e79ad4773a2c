"""Request middleware: the acting user for the history, Danish as the default language, a 503
instead of a 500 while the database is unreachable, and no caching of user-dependent answers."""

import logging
import sys

from django.conf import settings
from django.core.signals import got_request_exception
from django.db import InterfaceError, OperationalError
from django.http import HttpResponse, JsonResponse
from django.template.loader import get_template
from django.utils import translation
from django.utils.cache import patch_cache_control, patch_vary_headers
from django.utils.translation import gettext

from samdigi.core.client_address import client_address
from samdigi.core.history import acting_for_request

logger = logging.getLogger(__name__)

# Errors that mean "the database cannot be reached right now" (server restarting, connection
# dropped, SQLite locked), as opposed to a bug in a query: worth retrying in a moment.
DATABASE_UNAVAILABLE = (OperationalError, InterfaceError)
_OUTAGE_MARK = "_samdigi_database_unavailable"
# SQLite reports a missing table or column and bad SQL as OperationalError too: bugs, not outages.
_SQLITE_MISTAKES = ("no such ", "has no column", "syntax error")


def is_database_outage(error) -> bool:
    if not isinstance(error, DATABASE_UNAVAILABLE):
        return False
    text = str(error).lower()
    return not any(mistake in text for mistake in _SQLITE_MISTAKES)


class CurrentUserMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        # The user is looked up when a change is recorded: a token-authenticated API request
        # has its user only once the view has run its authentication.
        with acting_for_request(request):
            return self.get_response(request)


class DanishFirstMiddleware:
    """Danish unless the user chose otherwise: the browser's Accept-Language is ignored, so a
    municipal PC with an English Windows still gets the Danish interface; the language switch
    (a cookie) decides. API clients are programs that ask for a language on purpose, so under
    /api/ Accept-Language is kept (Danish still when they ask for none)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if not request.path_info.startswith("/api/"):
            request.META.pop("HTTP_ACCEPT_LANGUAGE", None)
        return self.get_response(request)


def _remember_database_outage(sender, request=None, **kwargs):
    # Django turns an exception raised in a middleware (the session or user lookup, say) into a
    # 500 response right where it happens, so an outer middleware never sees it; this signal is
    # sent while the exception is being handled, which is where its type can still be read.
    error = sys.exc_info()[1]
    if request is not None and is_database_outage(error):
        setattr(request, _OUTAGE_MARK, error)


got_request_exception.connect(_remember_database_outage, dispatch_uid="samdigi-database-outage")


class DatabaseUnavailableMiddleware:
    """Answer 503 Service Unavailable with Retry-After while the database cannot be reached.

    Must sit above every middleware that reads the database (sessions, users, lock-outs). The
    page it shows needs neither the database nor the context processors; API paths get JSON.
    Django closes the broken connection at the end of the request and CONN_HEALTH_CHECKS tests
    reused ones, so the site recovers by itself once the database is back.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        error = getattr(request, _OUTAGE_MARK, None)
        if error is not None and response.status_code >= 500:
            return self._unavailable(request, error)
        return response

    def process_exception(self, request, exception):
        if is_database_outage(exception):
            return self._unavailable(request, exception)
        return None

    def _unavailable(self, request, error):
        logger.warning("Database unavailable for %s %s: %s", request.method, request.path, error)
        language = translation.get_language_from_request(request)
        with translation.override(language):
            message = gettext(
                "samdigi cannot reach its database right now. Please try again in a moment."
            )
            if request.path.startswith("/api/"):
                response = JsonResponse({"detail": message}, status=503)
            else:
                html = get_template("core/unavailable.html").render(
                    {"message": message, "LANGUAGE_CODE": language}
                )
                response = HttpResponse(html, status=503)
        response["Retry-After"] = str(settings.DATABASE_RETRY_AFTER)
        patch_cache_control(response, no_store=True)
        patch_vary_headers(response, ("Cookie",))
        return response


def client_ip(request) -> str:
    """The client's address for django-axes (AXES_CLIENT_IP_CALLABLE), trusting exactly
    TRUSTED_PROXY_COUNT reverse proxies in front of the application."""
    return client_address(
        request.META.get("REMOTE_ADDR"),
        request.META.get("HTTP_X_FORWARDED_FOR"),
        settings.TRUSTED_PROXY_COUNT,
    )


class PrivateCacheMiddleware:
    """`Cache-Control: private, no-store` on every answer that depends on who asks.

    That is any answer to a signed-in user (session or API token) and any answer to a request
    that carried credentials and varies on them, so neither a shared proxy nor the browser's
    back button keeps one user's data. Anonymous answers (the login form, open data, static
    files) keep whatever caching they had.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        if self._depends_on_user(request, response):
            patch_cache_control(response, private=True, no_store=True)
            # max-age/public from a view would contradict no-store.
            cache_control = response.get("Cache-Control", "")
            parts = [
                part.strip()
                for part in cache_control.split(",")
                if part.strip().split("=")[0].lower() not in {"public", "max-age", "s-maxage"}
            ]
            response["Cache-Control"] = ", ".join(parts)
        return response

    @staticmethod
    def _depends_on_user(request, response) -> bool:
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated:
            return True
        if "HTTP_AUTHORIZATION" in request.META:
            return True
        # A session cookie (signed out, or an expired session) matters only where the answer
        # says it does.
        vary = {v.strip().lower() for v in response.get("Vary", "").split(",")}
        return settings.SESSION_COOKIE_NAME in request.COOKIES and bool(
            vary & {"cookie", "authorization"}
        )
