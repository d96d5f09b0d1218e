from django.contrib import admin
from django.contrib.auth.decorators import login_not_required
from django.urls import include, path

from config.health import healthz

urlpatterns = [
    path("healthz", login_not_required(healthz), name="healthz"),
    path("admin/", admin.site.urls),
    path("", include("accounts.urls")),
    path("", include("planner.urls")),
    path("", include("digests.urls")),
    path("", include("api.urls")),
    path("library/", include("content.urls")),
]

handler404 = "api.views.not_found"
handler500 = "api.views.server_error"
