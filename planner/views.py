from django.shortcuts import render
from django.views.decorators.http import require_GET

from accounts.access import require_role
from accounts.models import Membership


@require_GET
def dashboard(request):
    if not request.memberships:
        return render(request, "planner/no_organization.html", status=200)
    membership = require_role(request)
    team_size = Membership.objects.filter(organization=membership.organization).count()
    return render(request, "planner/dashboard.html", {"team_size": team_size})
