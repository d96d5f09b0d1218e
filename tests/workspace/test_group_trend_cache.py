"""The group page's trend is drawn once per version of the group, set of snapshots and
time zone: a snapshot taken since (no write to the group) and a viewer in another time
zone each get their own drawing."""

import re
from datetime import UTC, datetime

import pytest
import time_machine

from scoring.models import Snapshot

pytestmark = pytest.mark.django_db
NOW = datetime(2026, 3, 20, 12, 0, tzinfo=UTC)


def _trend_desc(client, group) -> str:
    html = client.get(f"/groups/{group.pk}/").content.decode()
    trend = html[html.index('<div class="trend">') :]
    return re.search(r"<desc[^>]*>(.*?)</desc>", trend).group(1)


def _snapshot(group, at, readiness):
    Snapshot.objects.create(
        group=group, taken_at=at, divergence=0.4, readiness=readiness, members=4
    )


@time_machine.travel(NOW, tick=False)
def test_a_snapshot_taken_since_the_last_view_joins_the_trend(client, marketer, group):
    client.force_login(marketer)
    _snapshot(group, datetime(2026, 3, 9, 10, 0, tzinfo=UTC), 37)
    before = _trend_desc(client, group)
    assert "over 2 analyses from 9 Mar 2026 to 20 Mar 2026. Readiness 37 then" in before
    _snapshot(group, datetime(2026, 3, 2, 10, 0, tzinfo=UTC), 12)  # the rescore's, say
    after = _trend_desc(client, group)
    assert "over 3 analyses from 2 Mar 2026 to 20 Mar 2026. Readiness 12 then" in after


@time_machine.travel(NOW, tick=False)
def test_each_viewer_sees_the_days_of_their_own_time_zone(client, marketer, group):
    _snapshot(group, datetime(2026, 3, 2, 23, 30, tzinfo=UTC), 37)  # 3 Mar in Tokyo
    client.force_login(marketer)
    assert "from 2 Mar 2026 to 20 Mar 2026" in _trend_desc(client, group)
    marketer.time_zone = "Asia/Tokyo"
    marketer.save(update_fields=["time_zone"])
    assert "from 3 Mar 2026 to 20 Mar 2026" in _trend_desc(client, group)
    marketer.time_zone = "UTC"
    marketer.save(update_fields=["time_zone"])
    assert "from 2 Mar 2026 to 20 Mar 2026" in _trend_desc(client, group)
