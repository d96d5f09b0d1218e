"""Resolve the active organization of each request.

Sets `request.memberships` (all of the user's memberships, organization loaded, in one
query) and `request.membership` (the active one, or None). The active organization is
kept in the session; when it is missing or no longer one of the user's, the organization
the user joined first is used.
"""

import zoneinfo

from django.utils import timezone

from accounts.models import Membership

SESSION_KEY = "active_organization_id"


class ActiveMembershipMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        request.memberships = []
        request.membership = None
        if request.user.is_authenticated:
            request.memberships = list(
                Membership.objects.filter(user=request.user)
                .select_related("organization")
                .order_by("organization__name", "organization_id")
            )
            wanted = request.session.get(SESSION_KEY)
            first_joined = min(request.memberships, key=lambda m: (m.joined_at, m.pk), default=None)
            request.membership = next(
                (m for m in request.memberships if m.organization_id == wanted), first_joined
            )
        return self.get_response(request)


class UserTimezoneMiddleware:
    """Show and read dates in the signed-in user's own time zone."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if request.user.is_authenticated and request.user.time_zone:
            try:
                timezone.activate(zoneinfo.ZoneInfo(request.user.time_zone))
            except (zoneinfo.ZoneInfoNotFoundError, ValueError):
                timezone.deactivate()
        else:
            timezone.deactivate()
        return self.get_response(request)
