from django.conf import settings
from django.contrib import admin
from django.contrib.auth.decorators import login_not_required
from django.urls import include, path

from config import health

urlpatterns = [
    # Answered by config.health.HealthCheckMiddleware before the host check; named here.
    path("healthz", login_not_required(health.ready), name="healthz"),
    path("healthz/live", login_not_required(health.live), name="healthz_live"),
    path("healthz/ready", login_not_required(health.ready), name="healthz_ready"),
    path("", include("accounts.urls")),
    path("", include("workspace.urls")),
    path("", include("digests.urls")),
    path("", include("api.urls")),
    path("library/", include("content.urls")),
]

# The Django admin is off unless ADMIN_ENABLED=1; its sign-in shares the app's throttle.
if settings.ADMIN_ENABLED:
    urlpatterns.append(path("admin/", admin.site.urls))

handler404 = "api.views.not_found"
handler500 = "api.views.server_error"
