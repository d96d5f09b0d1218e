from django.conf import settings
from django.contrib import admin
from django.contrib.auth.decorators import login_not_required
from django.urls import include, path

from config.health import healthz

urlpatterns = [
    path("healthz", login_not_required(healthz), name="healthz"),
    path("", include("accounts.urls")),
    path("", include("planner.urls")),
    path("", include("digests.urls")),
    path("library/", include("content.urls")),
]

# The Django admin is off unless ADMIN_ENABLED=1; its sign-in shares the app's throttle.
if settings.ADMIN_ENABLED:
    urlpatterns.append(path("admin/", admin.site.urls))
