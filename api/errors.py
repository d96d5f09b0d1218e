"""One JSON shape for every error the API answers:

    {"detail": "what went wrong", "errors": [{"field": "email", "item": 3, "message": "..."}]}

`item` is the position (from 0) in the list the request sent, for list bodies; `field`
names the field (or header) at fault. 401 no or bad key, 403 a read key writing, 404 not
found or another organization's, 422 invalid input, 429 too many requests.
"""

from __future__ import annotations

import logging

from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.core.exceptions import ValidationError as DjangoValidationError
from django.http import Http404, HttpRequest, HttpResponse
from ninja import NinjaAPI, Schema
from ninja.errors import AuthenticationError, HttpError
from ninja.errors import ValidationError as NinjaValidationError

log = logging.getLogger(__name__)


class FieldError(Schema):
    field: str | None = None
    item: int | None = None
    message: str


class Error(Schema):
    detail: str
    errors: list[FieldError] = []


class ApiError(Exception):
    """Raised anywhere below a route to answer with the error shape."""

    def __init__(
        self,
        status: int,
        detail: str,
        errors: list[dict] | None = None,
        headers: dict[str, str] | None = None,
    ) -> None:
        super().__init__(detail)
        self.status = status
        self.detail = detail
        self.errors = errors or []
        self.headers = headers or {}


ERRORS = dict.fromkeys((401, 403, 404, 422, 429), Error)
READ_ERRORS = dict.fromkeys((401, 404, 422, 429), Error)


def invalid(errors: list[dict], detail: str = "The request is not valid.") -> ApiError:
    return ApiError(422, detail, errors)


def _answer(api: NinjaAPI, request, error: ApiError) -> HttpResponse:
    response = api.create_response(
        request, {"detail": error.detail, "errors": error.errors}, status=error.status
    )
    for name, value in error.headers.items():
        response[name] = value
    return response


def _pydantic_errors(errors: list[dict]) -> list[dict]:
    """Pydantic's `loc` ("body", "payload", 3, "email") -> field "email", item 3."""
    found = []
    for error in errors:
        loc = [part for part in error.get("loc", ()) if part not in ("body", "query", "path")]
        if loc and isinstance(loc[0], str) and len(loc) > 1 and not isinstance(loc[1], str):
            loc = loc[1:]  # the name of the body parameter itself
        elif len(loc) > 1 and isinstance(loc[0], str) and loc[0] in ("payload", "items"):
            loc = loc[1:]
        item = next((part for part in loc if isinstance(part, int)), None)
        names = [str(part) for part in loc if isinstance(part, str)]
        found.append(
            {
                "field": ".".join(names) or None,
                "item": item,
                "message": str(error.get("msg", "is not valid")),
            }
        )
    return found


def _django_errors(error: DjangoValidationError) -> list[dict]:
    if hasattr(error, "error_dict"):
        return [
            {"field": None if field == "__all__" else field, "item": None, "message": message}
            for field, messages in error.message_dict.items()
            for message in messages
        ]
    return [{"field": None, "item": None, "message": message} for message in error.messages]


def install(api: NinjaAPI) -> None:
    def on_api_error(request: HttpRequest, exc: ApiError) -> HttpResponse:
        return _answer(api, request, exc)

    def on_validation(request: HttpRequest, exc: NinjaValidationError) -> HttpResponse:
        errors = _pydantic_errors(exc.errors)
        return _answer(api, request, invalid(errors, "The request is not valid: " + _first(errors)))

    def on_django_validation(request: HttpRequest, exc: DjangoValidationError) -> HttpResponse:
        errors = _django_errors(exc)
        return _answer(api, request, invalid(errors, " ".join(e["message"] for e in errors)))

    def on_http_error(request: HttpRequest, exc: HttpError) -> HttpResponse:
        if isinstance(exc, AuthenticationError) or exc.status_code == 401:
            error = ApiError(
                401,
                "Send a valid API key: Authorization: Bearer KEY.",
                headers={"WWW-Authenticate": "Bearer"},
            )
            return _answer(api, request, error)
        status = exc.status_code if exc.status_code in (403, 404, 429) else 422
        return _answer(api, request, ApiError(status, str(exc)))

    def on_404(request: HttpRequest, exc: Http404) -> HttpResponse:
        return _answer(api, request, ApiError(404, "Not found."))

    def on_403(request: HttpRequest, exc: PermissionDenied) -> HttpResponse:
        return _answer(api, request, ApiError(403, str(exc) or "Forbidden."))

    def on_exception(request: HttpRequest, exc: Exception) -> HttpResponse:
        if settings.DEBUG and getattr(settings, "API_DEBUG_RAISE", False):
            raise exc
        log.exception("API request failed", extra={"path": request.path})
        return _answer(api, request, ApiError(500, "Something went wrong on our side."))

    api.add_exception_handler(ApiError, on_api_error)
    api.add_exception_handler(NinjaValidationError, on_validation)
    api.add_exception_handler(DjangoValidationError, on_django_validation)
    api.add_exception_handler(HttpError, on_http_error)
    api.add_exception_handler(Http404, on_404)
    api.add_exception_handler(PermissionDenied, on_403)
    api.add_exception_handler(Exception, on_exception)


def _first(errors: list[dict]) -> str:
    if not errors:
        return "check the fields."
    error = errors[0]
    where = ", ".join(
        part
        for part in (
            f"item {error['item']}" if error["item"] is not None else "",
            error["field"] or "",
        )
        if part
    )
    return f"{where}: {error['message']}" if where else error["message"]
