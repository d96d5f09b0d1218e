"""When a digest is due, on the user's own calendar: time zones, DST, week boundaries."""

from datetime import UTC, datetime

import pytest

from digests.schedule import Week, due_state, local_week, next_send, scheduled_at, zone

TOKYO, LA, BERLIN = zone("Asia/Tokyo"), zone("America/Los_Angeles"), zone("Europe/Berlin")


def test_the_same_instant_is_a_different_week_in_tokyo_and_los_angeles():
    instant = datetime(2026, 6, 7, 23, 30, tzinfo=UTC)  # Sunday night in UTC

    tokyo = due_state(instant, TOKYO, weekday=0, hour=8)  # Monday 08:30 there
    la = due_state(instant, LA, weekday=0, hour=8)  # Sunday 16:30 there

    assert tokyo.week == Week(2026, 24)
    assert tokyo.scheduled_at == datetime(2026, 6, 7, 23, 0, tzinfo=UTC)
    assert tokyo.due
    assert la.week == Week(2026, 23)
    assert la.scheduled_at == datetime(2026, 6, 1, 15, 0, tzinfo=UTC)
    assert la.due  # still the week whose Monday 08:00 has passed: catch-up territory


def test_monday_eight_in_los_angeles_is_due_at_three_pm_utc():
    before = datetime(2026, 6, 8, 14, 59, tzinfo=UTC)
    after = datetime(2026, 6, 8, 15, 0, tzinfo=UTC)

    assert local_week(before, LA) == Week(2026, 24)
    assert not due_state(before, LA, weekday=0, hour=8).due
    assert due_state(after, LA, weekday=0, hour=8).due


def test_berlin_monday_eight_moves_an_hour_in_utc_the_week_the_clocks_change():
    # Summer time starts on Sunday 29 March 2026 at 02:00.
    winter = scheduled_at(Week(2026, 13), BERLIN, weekday=0, hour=8)
    summer = scheduled_at(Week(2026, 14), BERLIN, weekday=0, hour=8)

    assert winter == datetime(2026, 3, 23, 7, 0, tzinfo=UTC)
    assert summer == datetime(2026, 3, 30, 6, 0, tzinfo=UTC)
    assert due_state(datetime(2026, 3, 30, 6, 5, tzinfo=UTC), BERLIN, weekday=0, hour=8).due
    assert not due_state(datetime(2026, 3, 23, 6, 5, tzinfo=UTC), BERLIN, weekday=0, hour=8).due


def test_an_hour_the_clocks_skip_means_the_same_instant_an_hour_earlier():
    # 02:00 on 29 March 2026 does not exist in Berlin: it is taken as 01:00 UTC (03:00 CEST).
    moment = scheduled_at(Week(2026, 13), BERLIN, weekday=6, hour=2)

    assert moment == datetime(2026, 3, 29, 1, 0, tzinfo=UTC)
    assert not due_state(datetime(2026, 3, 29, 0, 59, tzinfo=UTC), BERLIN, weekday=6, hour=2).due
    assert due_state(datetime(2026, 3, 29, 1, 0, tzinfo=UTC), BERLIN, weekday=6, hour=2).due


def test_an_hour_that_happens_twice_means_the_first_one():
    # On 25 October 2026 Berlin's clocks go from 03:00 back to 02:00.
    moment = scheduled_at(Week(2026, 43), BERLIN, weekday=6, hour=2)

    assert moment == datetime(2026, 10, 25, 0, 0, tzinfo=UTC)  # 02:00 CEST, not CET
    second_time_round = datetime(2026, 10, 25, 1, 30, tzinfo=UTC)  # 02:30 CET
    state = due_state(second_time_round, BERLIN, weekday=6, hour=2)
    assert state.due and state.week == Week(2026, 43)  # the same week: one digest


@pytest.mark.parametrize(
    ("local_time", "week", "due"),
    [
        # Sunday 23:30 local: still week 23, whose Monday 00:00 has long passed.
        (datetime(2026, 6, 7, 23, 30), Week(2026, 23), True),
        # Monday 00:30 local: week 24 has begun and its moment (Monday 00:00) has passed.
        (datetime(2026, 6, 8, 0, 30), Week(2026, 24), True),
    ],
)
def test_week_boundary_sunday_night_and_monday_morning_local(local_time, week, due):
    instant = local_time.replace(tzinfo=LA).astimezone(UTC)

    state = due_state(instant, LA, weekday=0, hour=0)

    assert (state.week, state.due) == (week, due)


def test_sunday_late_digest_is_no_longer_due_once_monday_begins():
    sunday = datetime(2026, 6, 7, 23, 30, tzinfo=TOKYO)
    monday = datetime(2026, 6, 8, 0, 30, tzinfo=TOKYO)

    assert due_state(sunday, TOKYO, weekday=6, hour=23).due
    state = due_state(monday, TOKYO, weekday=6, hour=23)
    assert state.week == Week(2026, 24) and not state.due


def test_iso_week_of_new_year_belongs_to_the_iso_year():
    assert local_week(datetime(2027, 1, 1, 12, tzinfo=UTC), BERLIN) == Week(2026, 53)
    assert Week(2026, 53).monday.isoformat() == "2026-12-28"


def test_next_send_is_this_week_then_next_week_once_done():
    now = datetime(2026, 6, 8, 5, 0, tzinfo=UTC)  # Monday 07:00 in Berlin

    assert next_send(now, BERLIN, weekday=0, hour=8, done_this_week=False) == datetime(
        2026, 6, 8, 6, 0, tzinfo=UTC
    )
    assert next_send(now, BERLIN, weekday=0, hour=8, done_this_week=True) == datetime(
        2026, 6, 15, 6, 0, tzinfo=UTC
    )
    later = datetime(2026, 6, 10, 12, 0, tzinfo=UTC)  # overdue: the dispatcher's next run
    assert next_send(later, BERLIN, weekday=0, hour=8, done_this_week=False) == datetime(
        2026, 6, 10, 12, 5, tzinfo=UTC
    )


def test_an_unknown_time_zone_name_falls_back_to_utc():
    assert zone("Mars/Olympus") == zone("UTC")
