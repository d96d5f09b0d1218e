"""The analysis and suggestions are exactly the documents the commands print."""

import io
import json

import pytest
from django.core.management import call_command

from planner.models import Touch

pytestmark = pytest.mark.django_db


@pytest.fixture
def touched_group(group, calculator):
    for person in group.stakeholders.all()[:2]:
        Touch.objects.create(
            group=group,
            stakeholder=person,
            occurred_at="2026-11-01T09:00:00Z",
            asset=calculator,
            themes={},
        )
    return group


def command_json(*args) -> dict:
    out = io.StringIO()
    call_command(*args, "--format", "json", stdout=out)
    return json.loads(out.getvalue())


def test_analysis_is_the_analyze_group_document(reader, touched_group):
    g = touched_group.pk
    response = reader.get(f"/groups/{g}/analysis", as_of="2026-11-03")
    assert response.status_code == 200
    expected = command_json("analyze_group", str(g), "--as-of", "2026-11-03")
    assert response.json() == expected
    assert expected["group"]["members"] == 4


def test_suggestions_are_the_suggest_assets_document(reader, touched_group):
    g = touched_group.pk
    response = reader.get(f"/groups/{g}/suggestions", as_of="2026-11-03", limit=3)
    expected = command_json("suggest_assets", str(g), "--as-of", "2026-11-03", "--limit", "3")
    assert response.json() == expected
    assert expected["suggestions"][0]["asset"] == "downtime-calculator"


def test_forecast_is_the_forecast_group_document(reader, touched_group):
    g = touched_group.pk
    response = reader.get(f"/groups/{g}/forecast", as_of="2026-11-03", weeks=8)
    assert response.json() == command_json(
        "forecast_group", str(g), "--as-of", "2026-11-03", "--weeks", "8"
    )
    assert response.json()["plan"] is None
    to = f"p0@{g}.example,p1@{g}.example"
    planned = reader.get(
        f"/groups/{g}/forecast", as_of="2026-11-03", send="downtime-calculator", to=to
    )
    expected = command_json(
        "forecast_group",
        str(g),
        "--as-of",
        "2026-11-03",
        "--send",
        "downtime-calculator",
        "--to",
        to,
    )
    assert planned.json() == expected
    assert expected["plan"] == {"asset": "downtime-calculator", "to": to.split(",")}
    assert len(expected["forecast"]["trajectory"]) == expected["weeks"] + 1


def test_a_forecast_with_a_bad_plan_is_a_422(reader, touched_group):
    g = touched_group.pk
    unknown = reader.get(f"/groups/{g}/forecast", send="nope")
    assert unknown.status_code == 422
    assert unknown.json()["errors"][0]["field"] == "send"
    stranger = reader.get(
        f"/groups/{g}/forecast", send="downtime-calculator", to="stranger@else.example"
    )
    assert stranger.status_code == 422
    assert "stranger@else.example" in stranger.json()["detail"]
    assert reader.get(f"/groups/{g}/forecast", to="all").status_code == 422
    assert reader.get(f"/groups/{g}/forecast", weeks=105).status_code == 422


def test_a_bad_date_is_a_422_naming_the_parameter(reader, group):
    response = reader.get(f"/groups/{group.pk}/analysis", as_of="yesterday")
    assert response.status_code == 422
    assert response.json()["errors"][0]["field"] == "as_of"


def test_the_analysis_is_cached_until_the_group_changes(api, reader, touched_group):
    g = touched_group.pk
    first = reader.get(f"/groups/{g}/analysis").json()
    assert reader.get(f"/groups/{g}/analysis").json() == first
    api.post(f"/groups/{g}/people", [{"email": "new@customer.example", "name": "New"}])
    after = reader.get(f"/groups/{g}/analysis").json()
    assert after["group"]["members"] == first["group"]["members"] + 1
