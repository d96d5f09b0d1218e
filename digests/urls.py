from django.urls import path

from digests import views

urlpatterns = [
    path("digest/preview/", views.digest_preview, name="digest_preview"),
    path("digest/preview/email/", views.digest_preview_email, name="digest_preview_email"),
    path("digest/unsubscribe/<str:token>/", views.digest_unsubscribe, name="digest_unsubscribe"),
    path(
        "digest/org/<int:organization_id>/",
        views.digest_open_dashboard,
        name="digest_open_dashboard",
    ),
    path(
        "digest/org/<int:organization_id>/groups/<int:pk>/",
        views.digest_open_group,
        name="digest_open_group",
    ),
]
