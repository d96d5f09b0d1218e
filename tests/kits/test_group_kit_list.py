"""The group page's list of kits: each version with who built it and what its share
links did (links, views added up, first view), read in two short queries."""

from datetime import UTC, datetime

import time_machine
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from kits.models import ConsensusKit, KitShare
from kits.selectors import group_kits


def _kit(group, version, *, by=None, status="ready"):
    return ConsensusKit.objects.create(
        group=group, version=version, problem_statement="p", created_by=by, status=status
    )


def _share(kit, nonce, *, views=0, first=None):
    return KitShare.objects.create(
        kit=kit, nonce=nonce, expires_at=timezone.now(), views=views, first_viewed_at=first
    )


def test_each_kit_adds_up_its_own_links(group, sales_rep):
    first = datetime(2026, 3, 2, 9, 30, tzinfo=UTC)
    older = _kit(group, 1, by=sales_rep)
    newer = _kit(group, 2, status="failed")
    _kit(group, 3)
    _share(older, "a", views=3, first=datetime(2026, 3, 4, 8, 0, tzinfo=UTC))
    _share(older, "b", views=2, first=first)
    _share(older, "c")  # never opened
    _share(newer, "d", views=1, first=datetime(2026, 3, 9, 12, 0, tzinfo=UTC))

    with CaptureQueriesContext(connection) as queries:
        kits = group_kits(group)
        listed = [(k.version, k.link_count, k.view_count, k.first_view, k.created_by) for k in kits]
        names = [k.created_by.get_full_name() for k in kits if k.created_by]
    assert len(queries.captured_queries) == 2  # who built it comes with the kit
    assert listed == [
        (3, 0, 0, None, None),
        (2, 1, 1, datetime(2026, 3, 9, 12, 0, tzinfo=UTC), None),
        (1, 3, 5, first, sales_rep),
    ]
    assert names == ["Sam Seller"]


def test_a_group_without_kits_costs_one_query(group):
    with CaptureQueriesContext(connection) as queries:
        assert group_kits(group) == []
    assert len(queries.captured_queries) == 1


def test_the_group_page_shows_the_kit_activity(client, sales_rep, group):
    kit = _kit(group, 1, by=sales_rep)
    _share(kit, "a", views=2, first=datetime(2026, 3, 4, 8, 15, tzinfo=UTC))
    _share(kit, "b", views=1)
    client.force_login(sales_rep)
    with time_machine.travel(datetime(2026, 3, 10, 12, 0, tzinfo=UTC), tick=False):
        page = client.get(f"/groups/{group.pk}/").content.decode()
    row = page[page.index("Kit v1") :][:900]
    assert "Sam Seller · 2 share links · " in row
    assert '<span class="kit-views">3 views</span>' in row
    assert "first viewed 4 Mar, 08:15" in row
