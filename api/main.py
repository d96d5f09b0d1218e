"""The API object: `/api/v1/`, its OpenAPI document and its docs page.

Bearer keys only: no session or cookie ever authenticates an API call, so CSRF does not
apply (ninja's views are CSRF-exempt) and the login-required middleware lets `/api/`
through (`config.urls` marks every API view `login_not_required`).
"""

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from ninja import NinjaAPI
from ninja.openapi.docs import Swagger

from api import errors, routes_groups, routes_insights, routes_kits


class VendoredSwagger(Swagger):
    """Swagger UI from our own static files (no CDN), started by a script file (the CSP
    allows no inline script)."""

    def render_page(self, request: HttpRequest, api: NinjaAPI, **kwargs) -> HttpResponse:
        self.settings["url"] = self.get_openapi_url(api, kwargs)
        return render(request, "api/docs.html", {"settings": self.settings, "api": api})


api = NinjaAPI(
    title="Consensus Planner API",
    version="1",
    description=(
        "Push people and touches in, pull analysis, suggestions and kits out. "
        "Send `Authorization: Bearer KEY` with an organization's API key (admins create "
        "keys on the API keys page; a key acts with its creator's rights and stops working, "
        "with a 401 saying why, when they leave the organization or stop being an admin). "
        'Errors: `{"detail": ..., "errors": [{"field", '
        '"item", "message"}]}`; `item` is the position (from 0) in a list body.'
    ),
    urls_namespace="api-1",
    docs=VendoredSwagger(settings={"persistAuthorization": False}),
    docs_url="/docs",
    openapi_url="/openapi.json",
)
errors.install(api)
api.add_router("", routes_groups.router)
api.add_router("", routes_insights.router)
api.add_router("", routes_kits.router)
