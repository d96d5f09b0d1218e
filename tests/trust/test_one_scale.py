"""Issue 15, item 3: one 0-100 points scale on pages and emails; JSON keeps 0..1; an
empty group is "not measured yet"; one person nobody reached earns no common ground."""

import re

import pytest
from django.utils import timezone

from planner.models import Stakeholder, Touch
from scoring.analysis import analyze
from suggestions.engine import suggest
from tests.content.factories import AssetFactory
from tests.factories import group_of
from tests.suggestions.engine_inputs import asset, person

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


def _doc(divergence, readiness, factors, members=9, missing=()):
    return {
        "group": {"members": members},
        "divergence": divergence,
        "readiness": {
            "score": readiness,
            "factors": [{"name": n, "effect": e, "why": w} for n, e, w in factors],
        },
        "missing_roles": list(missing),
    }


def test_since_last_week_says_one_sentence_per_change_in_points():
    from scoring.core.changes import what_changed

    why_then = "Members have heard very different stories (divergence 71 of 100)."
    why_now = "Members have heard partly different stories (divergence 54 of 100)."
    stance = "Dana Ross is an influential skeptic."
    before = _doc(0.71, 27, [("Divergence", -21, why_then), ("Stance mix", -7, stance)])
    after = _doc(0.54, 49, [("Divergence", -16, why_now), ("Stance mix", -4, stance)])
    lines = what_changed(before, after)
    text = " ".join(lines)
    assert lines[0] == "Readiness rose from 27 to 49 (+22 points)."
    assert lines[1] == (
        "Divergence shrank from 71 to 54 points: the stories come together; it now takes "
        "16 points off readiness (21 last week)."
    )
    assert lines[2] == (
        "Stance mix now takes 4 points off readiness (7 last week): Dana Ross is an "
        "influential skeptic."
    )
    assert len(lines) == 3  # the divergence factor is not said a second time
    assert "→" not in text and "-21" not in text and "-16" not in text
    assert not FRACTION.search(text)


def test_a_factor_that_changes_sign_says_both_in_words():
    from scoring.core.changes import what_changed

    before = _doc(0.5, 40, [("Bridge", -3, "a")])
    after = _doc(0.5, 48, [("Bridge", 5, "Li Wei bridges the factions.")])
    assert what_changed(before, after)[1] == (
        "Bridge now adds 5 points to readiness (it took 3 last week): Li Wei bridges the factions."
    )


def test_the_group_page_since_last_week_has_no_arrows_of_signed_numbers(
    client, marketer, org, group
):
    from datetime import timedelta

    from scoring.snapshots import snapshot_take

    now = timezone.now()
    first, second, *_ = Stakeholder.objects.filter(group=group).order_by("pk")
    for who, themes in ((first, {"roi": 1}), (second, {"security": 1})):
        Touch.objects.create(
            group=group,
            stakeholder=who,
            occurred_at=now - timedelta(days=10),
            asset=AssetFactory(organization=org, themes=themes),
            themes=[],
        )
    snapshot_take(group=group, now=now - timedelta(days=8))
    shared = AssetFactory(organization=org, themes={"roi": 1})
    for who in Stakeholder.objects.filter(group=group):
        Touch.objects.create(group=group, stakeholder=who, occurred_at=now, asset=shared, themes=[])
    client.force_login(marketer)
    page = client.get(group.get_absolute_url()).content.decode()
    since = page.split('id="changes-title"', 1)[1].split("</ul>", 1)[0]
    assert "Divergence shrank from" in since and " points" in since
    assert not re.search(r"[-+]\d+ → [-+]\d+", since), since
    assert not FRACTION.search(since), since


def _command(*args):
    from io import StringIO

    from django.core.management import call_command

    out = StringIO()
    call_command(*args, stdout=out)
    return out.getvalue()


def test_analyze_group_text_speaks_in_points_and_json_keeps_fractions(org, group):
    first, second, *_ = Stakeholder.objects.filter(group=group).order_by("pk")
    for who, themes in ((first, {"roi": 1}), (second, {"roi": 1, "security": 1})):
        Touch.objects.create(
            group=group,
            stakeholder=who,
            occurred_at=timezone.now(),
            asset=AssetFactory(organization=org, themes=themes),
            themes=[],
        )
    text = _command("analyze_group", str(group.pk))
    analysis = analyze(group)
    assert f"divergence {round(analysis.divergence.score * 100)} of 100" in text
    assert not FRACTION.search(text), text
    import json

    document = json.loads(_command("analyze_group", str(group.pk), "--format", "json"))
    assert 0 < document["divergence"] < 1


def test_analyze_group_text_of_a_group_nobody_reached_reads_not_measured_yet(org):
    text = _command("analyze_group", str(group_of(org, 3, name="Quiet").pk))
    assert "divergence not measured yet" in text


def test_suggest_and_forecast_text_speak_in_points(org, group):
    AssetFactory(organization=org, themes={"roi": 1, "security": 1})
    first, second, *_ = Stakeholder.objects.filter(group=group).order_by("pk")
    for who, themes in ((first, {"roi": 1}), (second, {"security": 1})):
        Touch.objects.create(
            group=group,
            stakeholder=who,
            occurred_at=timezone.now(),
            asset=AssetFactory(organization=org, themes=themes),
            themes=[],
        )
    for command in ("suggest_assets", "forecast_group"):
        text = _command(command, str(group.pk))
        assert not FRACTION.search(text), text
