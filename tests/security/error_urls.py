"""The app's URLs plus a view that fails, to see the 500 page."""

from django.urls import path

from config.urls import urlpatterns as app_urlpatterns


def broken(request):
    raise RuntimeError("boom")


urlpatterns = [path("broken/", broken), *app_urlpatterns]
