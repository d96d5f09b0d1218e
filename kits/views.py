"""Consensus kit pages: prepare and build (sales and admins), watch the build, download,
share by a tracked link, and the public page the link opens (no login)."""

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_not_required
from django.core.cache import cache
from django.core.exceptions import ValidationError
from django.http import Http404, HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from accounts.http import posted, see_other
from accounts.roles import KIT_BUILDERS
from accounts.throttling import client_ip
from content.delivery import file_response
from content.models import Asset
from content.uploads import BY_KEY
from kits import services as kits
from kits import tasks as kit_tasks
from kits.access import get_kit_for_user, get_share_for_user
from kits.content import phone_link
from kits.forms import KitForm
from kits.models import KitDownload
from planner.access import get_group_for_user

SHARE_RATE_LIMIT = 60  # page or PDF requests per address per minute


@require_http_methods(["GET", "POST"])
def kit_new(request, pk: int):
    group = get_group_for_user(request, pk, roles=KIT_BUILDERS)
    assets = Asset.objects.filter(organization_id=group.organization_id).order_by("title")
    draft = (
        kits.draft(group) if request.method == "GET" else {"assets": [], "plan": [], "glossary": []}
    )
    form = KitForm(
        posted(request),
        assets=assets,
        initial={"problem_statement": draft.get("problem_statement", "")},
        initial_assets=draft["assets"],
        initial_plan=draft["plan"],
        terms=kits.glossary_candidates(group),
        initial_terms=draft["glossary"],
    )
    if request.method == "POST" and form.is_valid():
        try:
            kit = kits.kit_request(
                group=group,
                by=request.user,
                problem_statement=form.cleaned_data["problem_statement"],
                assets=form.cleaned_data["assets"],
                plan=form.cleaned_data["plan"],
                glossary=form.cleaned_data["glossary"],
            )
        except ValidationError as error:
            form.add_error(None, error)
        else:
            return see_other(reverse("kit_detail", args=[group.pk, kit.pk]))
    return render(request, "kits/kit_new.html", {"group": group, "form": form})


@never_cache
@require_GET
def kit_detail(request, pk: int, kid: int):
    kit = get_kit_for_user(request, pk, kid)
    shares = list(kit.shares.all()) if kit.status == kit.Status.READY else []
    for share in shares:
        share.url = settings.SITE_URL + reverse("shared_kit", args=[kits.share_token(share)])
    context = {
        "group": kit.group,
        "kit": kit,
        "shares": shares,
        "can_share": request.membership.role in KIT_BUILDERS,
    }
    if request.htmx and kit.is_done:
        # The build finished while the page polled: reload once so the share section and
        # the download buttons appear together (a finished kit's page does not poll).
        response = HttpResponse(status=204)
        response["HX-Refresh"] = "true"
        return response
    template = "kits/kit_detail.html#progress" if request.htmx else "kits/kit_detail.html"
    return render(request, template, context)


@require_POST
def kit_retry(request, pk: int, kid: int):
    """The "Try again" button of a build that failed or is past its deadline: the same
    kit, queued once more (nothing happens to one that finished or is making progress)."""
    kit = get_kit_for_user(request, pk, kid, roles=KIT_BUILDERS)
    if kit_tasks.kit_retry(kit=kit):
        messages.success(request, "The kit is queued again.")
    else:
        messages.info(request, "This kit is not stuck: nothing to try again.")
    return see_other(reverse("kit_detail", args=[kit.group.pk, kit.pk]))


@require_GET
def kit_download(request, pk: int, kid: int, fmt: str):
    kit = get_kit_for_user(request, pk, kid)
    file = kit.pdf if fmt == "pdf" else kit.zip
    if kit.status != kit.Status.READY or not file:
        raise Http404("This kit is not ready yet.")
    KitDownload.objects.create(kit=kit, user=request.user, format=fmt)
    return file_response(
        file,
        filename=file.name.rsplit("/", 1)[-1],
        content_type="application/pdf" if fmt == "pdf" else "application/zip",
    )


@require_POST
def kit_share(request, pk: int, kid: int):
    kit = get_kit_for_user(request, pk, kid, roles=KIT_BUILDERS)
    try:
        days = int(request.POST.get("days") or kits.SHARE_DAYS)
        kits.share_create(kit=kit, by=request.user, days=days)
    except (ValueError, ValidationError) as error:
        text = (
            " ".join(error.messages)
            if isinstance(error, ValidationError)
            else "Days must be a number."
        )
        messages.error(request, text)
    else:
        messages.success(request, "Share link created. Copy it from the list below.")
    return see_other(reverse("kit_detail", args=[kit.group.pk, kit.pk]) + "#shares-title")


@require_POST
def kit_share_revoke(request, pk: int, kid: int, sid: int):
    share = get_share_for_user(request, pk, kid, sid, roles=KIT_BUILDERS)
    kits.share_revoke(share=share)
    messages.success(request, "The link was revoked: it no longer opens the kit.")
    return see_other(reverse("kit_detail", args=[pk, kid]) + "#shares-title")


def _rate_limited(request) -> bool:
    key = f"kit-share-rate:{client_ip(request)}"
    if cache.add(key, 1, timeout=60):
        return False
    try:
        return cache.incr(key) > SHARE_RATE_LIMIT
    except ValueError:
        return False


def _shared(request, token: str):
    """The share behind a token, or a response explaining why the link does not work."""
    if _rate_limited(request):
        response = render(request, "kits/kit_shared_closed.html", {"reason": "busy"}, status=429)
        response["Retry-After"] = "60"
        return None, response
    share = kits.share_from_token(token)
    if share is None:
        return None, render(
            request, "kits/kit_shared_closed.html", {"reason": "invalid"}, status=404
        )
    if share.state != "active":
        # Who to ask for a new link: the rep's contact, as the kit itself showed it.
        context = {"reason": share.state, **_contact(share.kit)}
        return None, render(request, "kits/kit_shared_closed.html", context, status=410)
    return share, None


def _contact(kit) -> dict:
    """What kits/_contact.html reads: the kit's document and its rep's phone as a link."""
    doc = kit.document or {}
    return {"doc": doc, "tel": phone_link(doc.get("prepared_by_phone") or "")}


def _noindex(response: HttpResponse) -> HttpResponse:
    response["X-Robots-Tag"] = "noindex, nofollow, noarchive"
    response["Referrer-Policy"] = "no-referrer"
    response["Cache-Control"] = "private, no-store"
    return response


@login_not_required
@never_cache
@require_GET
def shared_kit(request, token: str):
    share, refusal = _shared(request, token)
    if refusal is not None:
        return _noindex(refusal)
    kits.share_viewed(share=share)
    linked = {str(a.get("file_key")) for a in share.kit.document.get("assets") or ()}
    return _noindex(
        render(
            request,
            "kits/kit_shared.html",
            {
                "kit": share.kit,
                **_contact(share.kit),
                "token": token,
                # Files of assets the document does not link itself (kits built before
                # assets carried their file).
                "files": [a for a in _shared_files(share.kit) if str(a.pk) not in linked],
            },
        )
    )


def _shared_files(kit) -> list:
    """The kit's assets that have a file: the share link grants them, and only them."""
    ids = [a["id"] for a in kit.assets]
    return [a for a in Asset.objects.filter(pk__in=ids).exclude(file="") if a.file]


@login_not_required
@require_GET
def shared_kit_file(request, token: str, asset_pk: int):
    """An asset file of a shared kit, through the share's own signed, expiring link: it
    stops with the share (revoked or expired)."""
    share, refusal = _shared(request, token)
    if refusal is not None:
        return _noindex(refusal)
    asset = next((a for a in _shared_files(share.kit) if a.pk == asset_pk), None)
    if asset is None:
        raise Http404("This kit has no such file.")
    file_type = BY_KEY.get(asset.file_type)
    response = file_response(
        asset.file,
        filename=asset.file_name or "download",
        content_type=file_type.content_type if file_type else "application/octet-stream",
    )
    return _noindex(response)


@login_not_required
@require_GET
def shared_kit_pdf(request, token: str):
    share, refusal = _shared(request, token)
    if refusal is not None:
        return _noindex(refusal)
    kit = share.kit
    pdf = kits.share_pdf(share=share, site_url=settings.SITE_URL)
    response = file_response(
        pdf, filename=kit.pdf.name.rsplit("/", 1)[-1], content_type="application/pdf"
    )
    return _noindex(response)
