"""Content-Security-Policy header (Django 5.2 has none built in; no inline scripts or
styles), and the refusal of NUL characters in requests."""

from django.conf import settings
from django.core.exceptions import SuspiciousOperation
from django.views.defaults import bad_request


class ContentSecurityPolicyMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        response.headers.setdefault("Content-Security-Policy", settings.CONTENT_SECURITY_POLICY)
        return response


class RejectNulCharactersMiddleware:
    """A NUL character in the path, a query parameter or a form field is malformed input:
    a 400 page, never a 500 from PostgreSQL (which cannot store or compare one)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if _carries_nul(request):
            return bad_request(request, SuspiciousOperation("NUL character in the request"))
        return self.get_response(request)


def _carries_nul(request) -> bool:
    if "\x00" in request.path:
        return True
    params = [request.GET]
    if request.method == "POST":
        params.append(request.POST)
    return any(
        "\x00" in key or any("\x00" in value for value in values)
        for query in params
        for key, values in query.lists()
    )
