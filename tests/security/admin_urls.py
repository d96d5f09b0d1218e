"""The app's URLs with the Django admin mounted, as ADMIN_ENABLED=1 mounts it."""

from django.contrib import admin
from django.urls import path

from config.urls import urlpatterns as app_urlpatterns

urlpatterns = [path("admin/", admin.site.urls), *app_urlpatterns]
