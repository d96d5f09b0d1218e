"""The digest's "forecast to drift apart" line: groups whose consensus forecast rises."""

import pytest
from django.core import mail
from django.core.management import call_command

from digests.selectors import digest_content
from tests.digests.conftest import MONDAY, WEEK_AGO, snapshot
from tests.digests.test_email import _bodies, _received
from tests.factories import BuyingGroupFactory


def _with_forecast(group, *, divergence, forecast):
    shot = snapshot(group, MONDAY, divergence=divergence, readiness=50)
    shot.document["forecast"] = {"weeks": 12, "divergence": forecast, "steady_state": forecast}
    shot.save()
    return shot


def test_only_groups_whose_forecast_rises_get_the_line(org):
    rising = BuyingGroupFactory(organization=org, name="Rising")
    settling = BuyingGroupFactory(organization=org, name="Settling")
    barely = BuyingGroupFactory(organization=org, name="Barely")
    _with_forecast(rising, divergence=0.30, forecast=0.45)
    _with_forecast(settling, divergence=0.40, forecast=0.20)
    _with_forecast(barely, divergence=0.30, forecast=0.31)

    section = digest_content(org, now=MONDAY).section("forecast_drift")

    [line] = section.items
    assert (line.group_name, line.divergence, line.forecast, line.weeks) == (
        "Rising",
        pytest.approx(0.30),
        pytest.approx(0.45),
        12,
    )


def test_the_line_is_in_both_bodies_with_the_name_escaped_in_html(clock, marketer, org):
    marketer.time_zone = "Europe/Berlin"  # Monday 08:05 there: the digest is due
    marketer.save()
    group = BuyingGroupFactory(organization=org, name="R&D <pilot>")
    snapshot(group, WEEK_AGO, divergence=0.3, readiness=50)
    _with_forecast(group, divergence=0.30, forecast=0.52)

    call_command("send_digests")

    text, html = _bodies(_received(mail.outbox[0]))
    assert "FORECAST TO DRIFT APART" in text
    assert "* R&D <pilot>: divergence 0.30 today, forecast 0.52 in 12 weeks" in text
    assert "Forecast to drift apart" in html and "R&amp;D &lt;pilot&gt;" in html
    assert "forecast to drift apart" in mail.outbox[0].subject


def test_a_rescored_group_keeps_its_forecast_in_the_snapshot(group):
    from scoring.snapshots import snapshot_take

    shot = snapshot_take(group=group, now=MONDAY)
    assert set(shot.document["forecast"]) == {
        "weeks",
        "divergence",
        "steady_state",
        "settles_in_weeks",
    }
    assert shot.document["forecast"]["weeks"] == 12
