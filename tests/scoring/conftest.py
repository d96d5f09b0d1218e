"""Fixtures of the analysis cache tests: `touched`, the group two of whose people heard
about security two days ago, and `shared_asset`, a story on downtime and uptime (in this
folder it replaces the root conftest's four-theme `shared_asset`)."""

from datetime import timedelta

import pytest
from django.utils import timezone

from planner import services
from planner.models import Stakeholder
from tests.factories import shared_story


@pytest.fixture
def shared_asset(org):
    return shared_story(org, {"cost-of-downtime": 2, "uptime": 1})


@pytest.fixture
def touched(group):
    people = list(Stakeholder.objects.filter(group=group).order_by("name"))
    services.touches_record(
        group=group,
        stakeholders=people[:2],
        occurred_at=timezone.now() - timedelta(days=2),
        themes={"security": 1},
    )
    group.refresh_from_db()  # as a request loads it: recording touches changed the row
    return group
