from django.contrib.auth.decorators import login_not_required
from django.urls import URLPattern, URLResolver, path

from api import views
from api.main import api


def _public(patterns: list[URLPattern | URLResolver]) -> list[URLPattern | URLResolver]:
    """Every API view answers for itself (a bearer key, or a 401): never a login redirect."""
    for pattern in patterns:
        if isinstance(pattern, URLPattern):
            login_not_required(pattern.callback)
        else:
            _public(pattern.url_patterns)
    return patterns


api_patterns, api_app, api_namespace = api.urls

urlpatterns = [
    path("api/v1/", (_public(api_patterns), api_app, api_namespace)),
    path("api/v1/files/<str:token>", views.api_file, name="api_file"),
    path("organization/api-keys/", views.api_keys, name="api_keys"),
    path("organization/api-keys/<int:pk>/revoke/", views.api_key_revoke, name="api_key_revoke"),
    path("organization/webhooks/", views.webhooks, name="webhooks"),
    path("organization/webhooks/<int:pk>/", views.webhook_detail, name="webhook_detail"),
    path("organization/webhooks/<int:pk>/delete/", views.webhook_delete, name="webhook_delete"),
    path(
        "organization/webhooks/deliveries/<int:pk>/redeliver/",
        views.webhook_redeliver,
        name="webhook_redeliver",
    ),
]
