"""The digest's pages: a preview of your next digest, one-click unsubscribe (RFC 8058),
and the links in the email, which open a group in the digest's organization."""

from __future__ import annotations

from django.contrib.auth.decorators import login_not_required
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.clickjacking import xframe_options_sameorigin
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_GET, require_http_methods

from accounts import access
from accounts.middleware import SESSION_KEY
from accounts.models import Organization, User
from digests import services
from digests.emails import digest_email
from digests.models import DigestOutbox
from digests.schedule import due_state, next_send, zone
from digests.selectors import digest_content
from digests.tokens import unsubscribe_claim

# The email's own HTML, framed by the preview page: its inline styles may apply, nothing
# else loads, and only our own pages may frame it.
EMAIL_PREVIEW_CSP = (
    "default-src 'none'; style-src 'unsafe-inline'; img-src data:; frame-ancestors 'self'"
)


def _next_digest(request):
    """The active organization's digest for this user, as it would be sent now."""
    membership = access.require_role(request)
    user, organization = request.user, membership.organization
    now = timezone.now()
    tz = zone(user.time_zone)
    state = due_state(now, tz, weekday=user.digest_weekday, hour=user.digest_hour)
    content = digest_content(organization, now=now)
    message = digest_email(user=user, organization=organization, content=content, week=state.week)
    done = (
        DigestOutbox.objects.filter(
            user=user,
            organization=organization,
            iso_year=state.week.year,
            iso_week=state.week.week,
            status__in=[DigestOutbox.Status.SENT, DigestOutbox.Status.SKIPPED],
        )
        .only("status", "sent_at")
        .first()
    )
    upcoming = next_send(
        now, tz, weekday=user.digest_weekday, hour=user.digest_hour, done_this_week=bool(done)
    )
    return organization, content, message, done, upcoming


@require_GET
def digest_preview(request):
    organization, content, message, done, upcoming = _next_digest(request)
    return render(
        request,
        "digests/preview.html",
        {
            "organization": organization,
            "content": content,
            "message": message,
            "text_body": message.body,
            "done": done,
            "upcoming": upcoming,
        },
    )


@require_GET
@xframe_options_sameorigin
def digest_preview_email(request):
    _organization, _content, message, _done, _upcoming = _next_digest(request)
    [(html, _mimetype)] = message.alternatives
    # Links open in the whole window, not inside the frame (our pages refuse to be framed).
    html = html.replace("<head>", '<head><base target="_top">', 1)
    response = HttpResponse(html)
    response["Content-Security-Policy"] = EMAIL_PREVIEW_CSP
    response["Cache-Control"] = "private, no-store"
    return response


@login_not_required
@csrf_exempt  # RFC 8058: mail providers POST without cookies or a CSRF token
@require_http_methods(["GET", "POST"])
def digest_unsubscribe(request, token: str):
    """GET shows a confirmation with a button and changes nothing; POST unsubscribes and
    answers 200 (no redirect), with or without a session."""
    claim = unsubscribe_claim(token)
    if claim is None:
        return _noindex(render(request, "digests/unsubscribe_invalid.html", status=400))
    user = User.objects.filter(pk=claim.user_id).first()
    if not claim.holds_for(user):  # a deleted user, or a nonce that is not theirs
        return _noindex(render(request, "digests/unsubscribe_invalid.html", status=404))
    organization = Organization.objects.filter(pk=claim.organization_id).first()
    context = {"subscriber": user, "organization": organization}
    if request.method == "POST":
        services.digest_unsubscribe(user=user)
        response = render(request, "digests/unsubscribed.html", context)
    else:
        response = render(request, "digests/unsubscribe.html", context)
    return _noindex(response)


def _noindex(response: HttpResponse) -> HttpResponse:
    """Unsubscribe answers, good or bad, stay out of search engines and caches."""
    response["Cache-Control"] = "no-store"
    response["X-Robots-Tag"] = "noindex"
    return response


@require_GET
def digest_open_dashboard(request, organization_id: int):
    """A link in the digest: make its organization the active one, then show the page."""
    membership = access.get_membership_for_user(request, organization_id)
    request.session[SESSION_KEY] = membership.organization_id
    return redirect("dashboard")


@require_GET
def digest_open_group(request, organization_id: int, pk: int):
    membership = access.get_membership_for_user(request, organization_id)
    request.session[SESSION_KEY] = membership.organization_id
    return redirect("group_detail", pk=pk)
