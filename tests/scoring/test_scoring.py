"""The scores of a group: the `analyze_group --format json` contract of INTERFACES.md, with
the clock frozen, what the group page shows of them, and the cost of computing them."""

import json
import math
import re
from datetime import UTC, datetime, timedelta
from io import StringIO

import pytest
from django.core.management import call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils.html import escape

from planner import services
from planner.models import BuyingGroup, Stakeholder
from scoring.analysis import analyze
from tests.conftest import NOW
from tests.factories import group_of

AS_OF = "2026-11-01"


def people(group) -> list[Stakeholder]:
    return list(Stakeholder.objects.filter(group=group).order_by("name"))


def log(group, recipients, when, themes=None, asset=None):
    services.touches_record(
        group=group,
        stakeholders=list(recipients),
        occurred_at=when,
        channel="email",
        asset=asset,
        themes=themes or {},
    )


def analyze_json(group, *extra) -> str:
    out = StringIO()
    call_command("analyze_group", str(group.pk), "--format", "json", *extra, stdout=out)
    return out.getvalue()


def numbers(value):
    """Every number anywhere in a JSON document."""
    if isinstance(value, bool):
        return
    if isinstance(value, int | float):
        yield value
    elif isinstance(value, dict):
        for item in value.values():
            yield from numbers(item)
    elif isinstance(value, list):
        for item in value:
            yield from numbers(item)


def descending(values) -> bool:
    values = list(values)
    return values == sorted(values, reverse=True)


@pytest.fixture
def mixed_group(org, downtime_calculator, frozen_clock):
    """Five people who heard different stories; the last one was only reached after the
    as-of day (2026-11-01)."""
    group = group_of(org, 5, name="Contoso expansion")
    ana, ben, cy, dee, eve = people(group)
    day = datetime(2026, 10, 20, 9, 0, tzinfo=UTC)
    log(group, [ana, ben], day, themes={"cost-of-downtime": 2})
    log(group, [ana], day + timedelta(days=3), themes={"security": 1})
    log(group, [cy], day + timedelta(days=5), themes={"uptime": 1})
    log(group, [dee], datetime(2026, 11, 1, 23, 59, tzinfo=UTC), asset=downtime_calculator)
    log(group, [eve], datetime(2026, 11, 2, 0, 0, tzinfo=UTC), themes={"late-news": 1})
    return group


def test_analyze_group_json_has_every_key_of_the_contract(mixed_group):
    doc = json.loads(analyze_json(mixed_group, "--as-of", AS_OF))

    assert doc["group"] == {"id": mixed_group.pk, "name": "Contoso expansion", "members": 5}
    assert doc["as_of"] == AS_OF
    assert 0 < doc["divergence"] < 1
    assert 0 <= doc["readiness"]["score"] <= 100
    assert doc["readiness"]["factors"]
    for factor in doc["readiness"]["factors"]:
        assert set(factor) >= {"name", "effect", "why"}
        assert isinstance(factor["effect"], int) and factor["name"] and factor["why"]
    assert len(doc["members"]) == 5
    for member in doc["members"]:
        assert set(member) >= {
            "email",
            "role",
            "exposure",
            "divergence_contribution",
            "centrality",
        }
        assert member["role"] == "Influencer"
    assert doc["friction"]  # group_of ties everyone in a chain, plus one conflict
    for edge in doc["friction"]:
        assert set(edge) >= {"a", "b", "score"} and 0 <= edge["score"] <= 1
    assert isinstance(doc["factions"], list) and all(isinstance(f, list) for f in doc["factions"])
    assert isinstance(doc["brokers"], list)
    for item in doc["common_ground"]:
        assert set(item) >= {"theme", "coverage"}
    for item in doc["themes"]:
        assert set(item) >= {"theme", "contribution"}
    assert "Decision Maker" in doc["missing_roles"]
    assert doc["baseline_purchase_likelihood"] == pytest.approx(0.31, abs=0.1)


def test_every_number_is_finite_and_lists_come_most_important_first(mixed_group):
    doc = json.loads(analyze_json(mixed_group, "--as-of", AS_OF))

    assert all(math.isfinite(n) for n in numbers(doc))
    assert descending(abs(f["effect"]) for f in doc["readiness"]["factors"])
    assert descending(m["divergence_contribution"] for m in doc["members"])
    assert descending(f["score"] for f in doc["friction"])
    assert descending(len(f) for f in doc["factions"])
    assert descending(c["coverage"] for c in doc["common_ground"])
    assert descending(t["contribution"] for t in doc["themes"])
    assert doc["common_ground"][0] == {"theme": "cost-of-downtime", "coverage": 0.6}
    # Ana heard two themes: the larger share comes first.
    ana = next(m for m in doc["members"] if m["email"].startswith("p0@"))
    assert list(ana["exposure"]) == ["cost-of-downtime", "security"]


def test_as_of_ignores_later_touches_and_is_reproducible(mixed_group, frozen_clock):
    first = analyze_json(mixed_group, "--as-of", AS_OF)
    assert analyze_json(mixed_group, "--as-of", AS_OF) == first
    frozen_clock.shift(timedelta(days=40))  # a month later, the same day still reads the same
    assert analyze_json(mixed_group, "--as-of", AS_OF) == first

    members = {m["email"][:3]: m for m in json.loads(first)["members"]}
    # Dee's calculator reached her at 23:59 on the day: it counts, with the asset's themes.
    assert members["p3@"]["exposure"] == pytest.approx(
        {"cost-of-downtime": 2 / 3, "security": 1 / 3}, abs=1e-4
    )
    # Eve was reached the day after: on the as-of day she had heard nothing.
    assert members["p4@"]["exposure"] == {}
    assert members["p4@"]["divergence_contribution"] == max(
        m["divergence_contribution"] for m in members.values()
    )
    later = json.loads(analyze_json(mixed_group, "--as-of", "2026-11-02"))
    assert {m["email"][:3]: m["exposure"] for m in later["members"]}["p4@"] == {"late-news": 1.0}


def test_members_without_touches_have_an_empty_exposure(group, frozen_clock):
    doc = json.loads(analyze_json(group, "--as-of", AS_OF))
    assert [m["exposure"] for m in doc["members"]] == [{}] * 4
    assert doc["divergence"] == 1.0  # nobody heard any story
    assert doc["common_ground"] == [] and doc["themes"] == []


def test_the_same_message_to_everyone_gives_divergence_0(group, frozen_clock):
    log(group, people(group), NOW - timedelta(days=10), themes={"cost-of-downtime": 2, "risk": 1})
    doc = json.loads(analyze_json(group))
    assert doc["divergence"] == 0.0
    assert doc["themes"] == []
    assert [m["divergence_contribution"] for m in doc["members"]] == [0.0] * 4
    assert {c["theme"]: c["coverage"] for c in doc["common_ground"]} == {
        "cost-of-downtime": 1.0,
        "risk": 1.0,
    }


def test_disjoint_messages_give_divergence_1(group, frozen_clock):
    for i, person in enumerate(people(group)):
        log(group, [person], NOW - timedelta(days=i + 1), themes={f"theme-{i}": 1})
    doc = json.loads(analyze_json(group))
    assert doc["divergence"] == 1.0
    assert all(edge["score"] == 1.0 for edge in doc["friction"])
    assert [c["coverage"] for c in doc["common_ground"]] == [0.25] * 4


def test_group_page_shows_readiness_its_factors_and_the_heatmap(
    client, marketer, mixed_group, frozen_clock
):
    analysis = analyze(mixed_group)
    client.force_login(marketer)
    html = client.get(f"/groups/{mixed_group.pk}/").content.decode()

    scores = html.split('id="scores-title"', 1)[1]
    assert f'<span class="score__value">{analysis.readiness.score}</span>' in scores
    assert analysis.readiness.factors
    for factor in analysis.readiness.factors:
        assert f"<strong>{escape(factor.name)}.</strong> {escape(factor.why)}" in scores
    heatmap = html.split('id="heatmap-title"', 1)[1].split("</section>", 1)[0]
    assert "<svg" in heatmap
    assert "What each member of Contoso expansion has heard" in heatmap
    for theme in ("Cost of downtime", "Security", "Uptime", "Late news"):
        assert theme in heatmap
    assert "No touches logged yet" not in heatmap


def _queries_to_analyze(org, size: int) -> int:
    group = group_of(org, size)
    members = people(group)
    log(group, members, NOW - timedelta(days=3), themes={"cost-of-downtime": 1})
    for i, person in enumerate(members):
        log(group, [person], NOW - timedelta(days=1), themes={f"theme-{i % 7}": 1})
    fresh = BuyingGroup.objects.get(pk=group.pk)
    with CaptureQueriesContext(connection) as queries:
        analysis = analyze(fresh)
    assert len(analysis.exposures) == size
    return len(queries.captured_queries)


def test_analysis_costs_the_same_queries_for_5_and_50_members(org, frozen_clock):
    assert _queries_to_analyze(org, 5) == _queries_to_analyze(org, 50)


def test_a_big_groups_heatmap_shows_its_25_most_influential_members(
    client, marketer, org, frozen_clock
):
    group = group_of(org, 45, name="Big rollout")
    Stakeholder.objects.filter(group=group, email=f"p44@{group.pk}.example").update(influence=5)
    log(group, people(group), NOW - timedelta(days=3), themes={"cost-of-downtime": 1})
    client.force_login(marketer)
    html = client.get(f"/groups/{group.pk}/").content.decode()

    heatmap = html.split('id="heatmap-title"', 1)[1].split("</section>", 1)[0]
    assert "What the 25 most influential of the 45 members of Big rollout have heard" in heatmap
    assert "Person 44" in heatmap  # the most influential comes first
    assert len(set(re.findall(r"Person \d\d", heatmap))) == 25
