"""Issue 15, item 3: one 0-100 points scale on pages and emails; JSON keeps 0..1; an
empty group is "not measured yet"; one person nobody reached earns no common ground."""

import re

import pytest
from django.utils import timezone

from planner.models import Stakeholder, Touch
from scoring.analysis import analyze
from suggestions.engine import suggest
from tests.analysis.test_suggestions import asset, person
from tests.content.factories import AssetFactory
from tests.factories import group_of

pytestmark = pytest.mark.django_db

FRACTION = re.compile(r"\b0\.\d\d\b|of 1\b")


def test_readiness_factors_speak_in_points(org, group):
    first, second, *_ = Stakeholder.objects.filter(group=group).order_by("pk")
    for who, themes in ((first, {"roi": 1}), (second, {"security": 1})):
        asset_ = AssetFactory(organization=org, themes=themes)
        Touch.objects.create(
            group=group, stakeholder=who, occurred_at=timezone.now(), asset=asset_, themes=[]
        )
    analysis = analyze(group)
    assert "of 100" in " ".join(f.why for f in analysis.readiness.factors)
    for factor in analysis.readiness.factors:
        assert not FRACTION.search(factor.why), factor.why


def test_suggestion_reasons_and_warnings_speak_in_points():
    people = [
        person("ana@b.com", exposure={"roi": 1}),
        person("bo@b.com", exposure={"security": 1}),
    ]
    library = [asset("kit", {"roi": 1, "security": 1}, stage="consensus_creation")]
    plan = suggest(people, library, stage="problem_identification")
    text = " ".join([*(r for s in plan.ranked + plan.suggestions for r in s.reasons)])
    text += " ".join(plan.warnings)
    assert "points" in text or "of 100" in text, text
    assert not FRACTION.search(text), text


def test_an_empty_group_reads_not_measured_yet(client, marketer, org):
    empty = group_of(org, 0, name="Nobody yet")
    client.force_login(marketer)
    page = client.get(empty.get_absolute_url()).content.decode()
    assert "not measured yet" in page


def test_one_person_nobody_reached_earns_no_common_ground_points(org):
    solo = group_of(org, 1, name="Solo")
    Stakeholder.objects.filter(group=solo).update(priorities={"roi": 1})
    factors = {f.name: f for f in analyze(solo).readiness.factors}
    assert factors["Common ground"].effect <= 0, factors["Common ground"].why


def test_the_docs_say_json_keeps_zero_to_one(settings):
    formats = (settings.BASE_DIR / "docs" / "formats.md").read_text(encoding="utf-8")
    assert "0 to 100" in formats and "0 to 1" in formats
