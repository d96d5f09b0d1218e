"""Issue 15, item 4: the digest preview names the moment the next digest really leaves, in
the reader's own time zone, across a daylight-saving change."""

from datetime import UTC, datetime

import pytest
import time_machine

from digests.models import DigestOutbox
from digests.schedule import local_week
from digests.schedule import zone as tz_of

pytestmark = pytest.mark.django_db


def _preview(client, user, *, weekday: int, hour: int, zone: str, now: datetime) -> str:
    user.digest_weekday, user.digest_hour, user.time_zone = weekday, hour, zone
    user.save()
    client.force_login(user)
    with time_machine.travel(now, tick=False):
        return client.get("/digest/preview/").content.decode()


def test_switching_to_friday_in_berlin_names_that_friday(client, marketer):
    # Tuesday 1 Dec 2026, 05:28 UTC: Friday 07:00 in Berlin is still ahead this week.
    page = _preview(
        client,
        marketer,
        weekday=4,
        hour=7,
        zone="Europe/Berlin",
        now=datetime(2026, 12, 1, 5, 28, tzinfo=UTC),
    )
    assert "<strong>Friday 4 December 2026, 07:00</strong> (Europe/Berlin time)" in page
    assert "05:28" not in page


def test_a_passed_moment_leaves_with_the_next_hourly_run_not_this_minute(client, marketer):
    page = _preview(
        client,
        marketer,
        weekday=0,
        hour=8,
        zone="UTC",
        now=datetime(2026, 12, 6, 5, 28, tzinfo=UTC),
    )
    assert "leaves with the next hourly run" in page
    assert "<strong>Sunday 6 December 2026, 06:05</strong>" in page


@pytest.mark.parametrize(
    ("zone", "now", "expected"),
    [
        # Berlin leaves summer time on Sunday 25 October 2026: Monday 08:00 is 07:00 UTC.
        (
            "Europe/Berlin",
            datetime(2026, 10, 24, 9, 0, tzinfo=UTC),
            "Monday 26 October 2026, 08:00",
        ),
        # New York leaves it on Sunday 1 November 2026.
        (
            "America/New_York",
            datetime(2026, 10, 31, 15, 0, tzinfo=UTC),
            "Monday 2 November 2026, 08:00",
        ),
    ],
)
def test_after_this_weeks_digest_the_next_is_named_in_local_time_across_dst(
    client, marketer, org, zone, now, expected
):
    week = local_week(now, tz_of(zone))
    DigestOutbox.objects.create(
        user=marketer,
        organization=org,
        iso_year=week.year,
        iso_week=week.week,
        status=DigestOutbox.Status.SENT,
    )
    page = _preview(client, marketer, weekday=0, hour=8, zone=zone, now=now)
    assert f"<strong>{expected}</strong> ({zone} time)" in page
