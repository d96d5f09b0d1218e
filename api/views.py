"""The admins' pages for API keys and webhooks, and the kit file download behind a
short-lived link (no login: the link is the credential)."""

from django.contrib.auth.decorators import login_not_required
from django.core.exceptions import ValidationError
from django.http import Http404, JsonResponse
from django.shortcuts import get_object_or_404, render
from django.urls import reverse
from django.views import defaults
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from accounts.access import require_role
from accounts.http import posted, see_other
from accounts.roles import ADMINS
from api import keys
from api.files import link_from_token
from api.forms import ApiKeyForm, WebhookForm
from api.models import ApiKey, WebhookDelivery, WebhookEndpoint
from api.webhooks import EVENTS, delivery_redeliver, endpoint_create, endpoint_delete
from content.delivery import file_response


@require_http_methods(["GET", "POST"])
def api_keys(request):
    admin = require_role(request, ADMINS)
    form = ApiKeyForm(posted(request))
    new_key = None
    if request.method == "POST" and form.is_valid():
        key, secret = keys.api_key_create(
            organization=admin.organization,
            name=form.cleaned_data["name"],
            scope=form.cleaned_data["scope"],
            by=request.user,
        )
        new_key = {"key": key, "secret": secret}
        form = ApiKeyForm()
    existing = keys.keys_of(admin.organization)
    response = render(
        request,
        "api/api_keys.html",
        {
            "form": form,
            "keys": existing,
            "new_key": new_key,
            "organization": admin.organization,
        },
    )
    response["Cache-Control"] = "no-store"  # the new key is on this page once
    return response


@require_POST
def api_key_revoke(request, pk: int):
    admin = require_role(request, ADMINS)
    key = get_object_or_404(ApiKey, pk=pk, organization=admin.organization)
    keys.api_key_revoke(key=key, by=request.user)
    return see_other(reverse("api_keys"))


@require_http_methods(["GET", "POST"])
def webhooks(request):
    admin = require_role(request, ADMINS)
    form = WebhookForm(posted(request))
    created = None
    if request.method == "POST" and form.is_valid():
        try:
            created = endpoint_create(
                organization=admin.organization,
                url=form.cleaned_data["url"],
                events=form.cleaned_data["events"],
                description=form.cleaned_data["description"],
                by=request.user,
            )
            form = WebhookForm()
        except ValidationError as error:
            for field, messages in error.message_dict.items():
                for message in messages:
                    form.add_error(field if field in form.fields else None, message)
    endpoints = WebhookEndpoint.objects.filter(organization=admin.organization)
    response = render(
        request,
        "api/webhooks.html",
        {"form": form, "endpoints": endpoints, "created": created, "events": EVENTS},
    )
    response["Cache-Control"] = "no-store"  # the new secret is on this page once
    return response


def _endpoint(request, pk: int) -> WebhookEndpoint:
    admin = require_role(request, ADMINS)
    return get_object_or_404(WebhookEndpoint, pk=pk, organization=admin.organization)


@require_GET
def webhook_detail(request, pk: int):
    endpoint = _endpoint(request, pk)
    deliveries = endpoint.deliveries.all()[:50]
    return render(
        request, "api/webhook_detail.html", {"endpoint": endpoint, "deliveries": deliveries}
    )


@require_POST
def webhook_delete(request, pk: int):
    endpoint_delete(endpoint=_endpoint(request, pk))
    return see_other(reverse("webhooks"))


@require_POST
def webhook_redeliver(request, pk: int):
    admin = require_role(request, ADMINS)
    delivery = get_object_or_404(
        WebhookDelivery.objects.select_related("endpoint"),
        pk=pk,
        endpoint__organization=admin.organization,
    )
    delivery_redeliver(delivery=delivery)
    return see_other(reverse("webhook_detail", args=[delivery.endpoint_id]))


@login_not_required
@never_cache
@require_GET
def api_file(request, token: str):
    link = link_from_token(token)
    if link is None:
        raise Http404("This download link is not valid or has expired.")
    kit = link.kit
    file = kit.pdf if link.format == "pdf" else kit.zip
    if kit.status != kit.Status.READY or not file:
        raise Http404("This kit is not ready.")
    return file_response(  # streamed, or redirected to a signed object-storage URL
        file,
        filename=file.name.rsplit("/", 1)[-1],
        content_type="application/pdf" if link.format == "pdf" else "application/zip",
    )


def not_found(request, exception):
    """404s under /api/ speak the API's error shape (a path that matches no route, such
    as a negative id); everything else gets Django's page."""
    if request.path.startswith("/api/"):
        return JsonResponse({"detail": "Not found.", "errors": []}, status=404)
    return defaults.page_not_found(request, exception)


def server_error(request):
    if request.path.startswith("/api/"):
        return JsonResponse(
            {"detail": "Something went wrong on our side.", "errors": []}, status=500
        )
    return defaults.server_error(request)
