"""Request middleware: the acting user for the history, and Danish as the default language."""

from samdigi.core.history import _current_user


class CurrentUserMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        user = getattr(request, "user", None)
        token = _current_user.set(user if user is not None and user.is_authenticated else None)
        try:
            return self.get_response(request)
        finally:
            _current_user.reset(token)


class DanishFirstMiddleware:
    """Danish unless the user chose otherwise: the browser's Accept-Language is ignored, so a
    municipal PC with an English Windows still gets the Danish interface; the language switch
    (a cookie) decides."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        request.META.pop("HTTP_ACCEPT_LANGUAGE", None)
        return self.get_response(request)
