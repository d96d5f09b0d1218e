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
