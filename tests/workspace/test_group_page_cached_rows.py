"""The group page's rows (people, missing information, relationships, touches) are worked
out once per version of the group, yet each viewer gets them as for themselves: touch
times in their own time zone, links under the script prefix they came through, and the
edit buttons only for those who may edit."""

from datetime import UTC, datetime

import pytest
import time_machine
from django.urls import get_script_prefix, set_script_prefix

from accounts.roles import Role
from planner.models import Stakeholder, Touch
from tests.factories import member

pytestmark = pytest.mark.django_db
NOW = datetime(2026, 3, 20, 12, 0, tzinfo=UTC)


def _page(client, group, *, prefix: str = "/") -> str:
    """The page as served under `prefix` (what the WSGI handler sets from SCRIPT_NAME)."""
    before = get_script_prefix()
    set_script_prefix(prefix)
    try:
        return client.get(f"/groups/{group.pk}/").content.decode()
    finally:
        set_script_prefix(before)


@time_machine.travel(NOW, tick=False)
def test_each_viewer_reads_touch_times_in_their_own_time_zone(client, org, marketer, group):
    person = Stakeholder.objects.filter(group=group).order_by("pk").first()
    Touch.objects.create(
        group=group,
        stakeholder=person,
        occurred_at=datetime(2026, 3, 2, 23, 30, tzinfo=UTC),
        channel="call",
    )
    tokyo = member(org, Role.SALES, email="tokyo@acme.test", name="Toshi", time_zone="Asia/Tokyo")
    client.force_login(marketer)
    assert "2 Mar 2026, 23:30 · call" in _page(client, group)
    client.force_login(tokyo)
    page = _page(client, group)
    assert "3 Mar 2026, 08:30 · call" in page and "23:30" not in page
    client.force_login(marketer)
    assert "2 Mar 2026, 23:30 · call" in _page(client, group)


def test_the_rows_link_under_the_script_prefix_of_each_request(client, marketer, group):
    person = Stakeholder.objects.filter(group=group).order_by("pk").first()
    person.stance = "unknown"  # so the missing-information panel lists a "Fill in" too
    person.save()
    client.force_login(marketer)
    edit = f"/groups/{group.pk}/people/{person.pk}/"
    assert f'href="{edit}" hx-get="{edit}"' in _page(client, group)
    mounted = _page(client, group, prefix="/app/")
    assert f'href="/app{edit}" hx-get="/app{edit}"' in mounted
    assert f'href="{edit}"' not in mounted
    assert f'href="{edit}" hx-get="{edit}"' in _page(client, group)


def test_a_name_with_markup_in_the_missing_information_panel_is_text(client, marketer, group):
    person = Stakeholder.objects.filter(group=group).order_by("pk").first()
    person.name, person.stance, person.priorities = '<b>Bo</b> & "Co"', "unknown", {}
    person.save()
    client.force_login(marketer)
    page = _page(client, group)
    shown = "&lt;b&gt;Bo&lt;/b&gt; &amp; &quot;Co&quot;"
    assert f"<strong>{shown}</strong>: no stance, no priorities." in page
    assert f'Fill in<span class="visually-hidden"> {shown}</span>' in page
    assert "<b>Bo</b>" not in page
