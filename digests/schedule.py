"""When a user's weekly digest is due: plain Python, no Django.

A user chooses a weekday (0 = Monday) and an hour in their own time zone. Weeks are ISO
weeks (Monday to Sunday) *in that time zone*. The digest of a week is due from the chosen
moment of that week until the week ends; after that the week is over and its digest is
never sent (the next week's is due at its own moment).

Daylight saving: the chosen moment is a wall-clock time. A time the clocks skip (02:30 on
the night they spring forward) means the same instant as one hour earlier in the old
offset (so, 03:30 on the new clock); a time that happens twice (the night they fall back)
means the first of the two. Comparisons are always made in UTC: Python compares two
datetimes of the same zone by wall clock, ignoring their offsets, which would be wrong
around the change.
"""

from __future__ import annotations

import zoneinfo
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta


@dataclass(frozen=True, order=True)
class Week:
    """An ISO week: `year` is the ISO year (1 January can belong to the previous one)."""

    year: int
    week: int

    @property
    def label(self) -> str:
        return f"{self.year}-W{self.week:02d}"

    @property
    def monday(self) -> date:
        return date.fromisocalendar(self.year, self.week, 1)


def zone(name: str) -> zoneinfo.ZoneInfo:
    """The user's time zone; UTC when the stored name is unknown here."""
    try:
        return zoneinfo.ZoneInfo(name or "UTC")
    except (zoneinfo.ZoneInfoNotFoundError, ValueError):
        return zoneinfo.ZoneInfo("UTC")


def local_week(now: datetime, tz: zoneinfo.ZoneInfo) -> Week:
    """The ISO week `now` falls in, on the calendar of `tz`."""
    iso = now.astimezone(tz).isocalendar()
    return Week(iso.year, iso.week)


def scheduled_at(week: Week, tz: zoneinfo.ZoneInfo, *, weekday: int, hour: int) -> datetime:
    """The moment (in UTC) the digest of `week` is due for someone in `tz`."""
    day = week.monday + timedelta(days=weekday)
    return datetime.combine(day, time(hour), tzinfo=tz).astimezone(UTC)


@dataclass(frozen=True)
class Due:
    week: Week
    scheduled_at: datetime  # UTC
    due: bool  # now is at or after the moment, still inside the week


def due_state(now: datetime, tz: zoneinfo.ZoneInfo, *, weekday: int, hour: int) -> Due:
    week = local_week(now, tz)
    moment = scheduled_at(week, tz, weekday=weekday, hour=hour)
    return Due(week=week, scheduled_at=moment, due=now.astimezone(UTC) >= moment)


# The dispatcher runs at this minute of every hour (config/celery.py, "send-digests-hourly").
DISPATCH_MINUTE = 5


def next_dispatch(now: datetime) -> datetime:
    """The dispatcher's next run strictly after `now` (UTC)."""
    now = now.astimezone(UTC)
    run = now.replace(minute=DISPATCH_MINUTE, second=0, microsecond=0)
    return run if run > now else run + timedelta(hours=1)


def week_end(week: Week, tz: zoneinfo.ZoneInfo) -> datetime:
    """The moment (UTC) `week` ends on the calendar of `tz`: the next Monday's midnight."""
    return datetime.combine(week.monday + timedelta(days=7), time(0), tzinfo=tz).astimezone(UTC)


def next_send(
    now: datetime, tz: zoneinfo.ZoneInfo, *, weekday: int, hour: int, done_this_week: bool
) -> datetime:
    """When the next digest leaves (UTC): this week's moment; when that has passed and
    this week's is not sent yet, the dispatcher's next run (if it comes before the week
    ends); otherwise next week's moment."""
    state = due_state(now, tz, weekday=weekday, hour=hour)
    if not done_this_week:
        if not state.due:
            return state.scheduled_at
        run = next_dispatch(now)
        if run < week_end(state.week, tz):
            return run
    following = local_week(week_end(state.week, tz) + timedelta(hours=12), tz)
    return scheduled_at(following, tz, weekday=weekday, hour=hour)
