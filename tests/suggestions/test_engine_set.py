"""The set of assets the engine proposes to send, and its effect: distinct group assets
that never widen the split much (an asset that would is ranked but left out), no two with
the same mix; the simulated exposures after the send, readiness asked for twice only, and
the fast divergence used for ranking equal to the published one."""

import pytest
from hypothesis import given
from hypothesis import strategies as st

from suggestions.candidates import SET_WIDEN_TOLERANCE
from suggestions.engine import simulate, suggest
from suggestions.ranking import Engine
from tests.suggestions.engine_inputs import (
    FAST,
    THEMES,
    asset,
    audiences,
    keys_of,
    libraries,
    official_divergence,
    person,
    some_themes,
)

# the set ----------------------------------------------------------------------------


@FAST
@given(audiences(), libraries(max_size=8), st.integers(0, 5))
def test_the_set_has_distinct_group_assets_and_never_widens_the_split_much(audience, library, size):
    plan = suggest(audience, library, stage="solution_exploration", set_size=size)
    picked = keys_of(plan.suggestions)
    assert len(picked) == len(set(picked)) <= size
    by_key = {c.key: c for c in library}
    assert all(by_key[k].level != "individualized" and by_key[k].themes for k in picked)
    assert plan.divergence_after <= plan.divergence_before + SET_WIDEN_TOLERANCE + 1e-9
    if picked:
        expected = simulate(audience, [by_key[k] for k in picked])
        assert plan.divergence_after == pytest.approx(official_divergence(audience, expected))


@FAST
@given(audiences(min_size=2), some_themes, some_themes)
def test_the_set_never_holds_two_assets_with_the_same_mix(audience, same, other):
    library = [
        asset("copy-a", same),
        asset("copy-b", same),
        asset("copy-c", same),
        asset("different", other),
    ]
    picked = keys_of(suggest(audience, library, stage="problem_identification").suggestions)
    assert sum(k.startswith("copy") for k in picked) <= 1


def test_three_near_duplicates_and_a_different_asset_the_set_takes_the_different_one():
    group = [
        person(
            "ana@b.com",
            influence=5,
            exposure={"cost-of-downtime": 2, "security": 1},
            priorities={"cost-of-downtime": 1},
        ),
        person("bo@b.com", influence=4, exposure={"cost-of-downtime": 1, "compliance": 1}),
        person("cy@b.com", influence=3, exposure={"compliance": 1}, priorities={"compliance": 2}),
        person("di@b.com", influence=2, exposure={"security": 1, "cost-of-downtime": 1}),
    ]
    same = {"cost-of-downtime": 2, "security": 1}
    library = [
        asset("downtime-a", same),
        asset("downtime-b", same),
        asset("downtime-c", same),
        asset("compliance-checklist", {"compliance": 1}),
    ]
    plan = suggest(group, library, stage="problem_identification")
    picked = keys_of(plan.suggestions)
    assert "compliance-checklist" in picked
    assert sum(k.startswith("downtime") for k in picked) == 1
    second = plan.suggestions[1]
    assert any(r.startswith("Adds") for r in second.reasons)


def test_a_set_of_shared_problem_assets_on_common_ground_brings_the_group_together():
    group = [
        person(
            "ana@b.com",
            influence=5,
            exposure={"cost-of-downtime": 3, "security": 1},
            mass=4,
            priorities={"cost-of-downtime": 2},
        ),
        person("bo@b.com", influence=4, exposure={"compliance": 2, "security": 1}, mass=2),
        person(
            "cy@b.com",
            influence=3,
            exposure={"roi": 1},
            mass=1,
            priorities={"cost-of-downtime": 1, "roi": 1},
        ),
        person("di@b.com", influence=2, role="Champion"),
        person("ed@b.com", influence=1, exposure={"security": 1}, mass=1, consent=False),
    ]
    library = [
        asset("downtime-cost", {"cost-of-downtime": 2, "security": 1}),
        asset("audit-ready", {"compliance": 1, "security": 1}),
        asset("roi-of-uptime", {"roi": 1, "cost-of-downtime": 1}),
    ]
    names = {"cost-of-downtime": "Cost of downtime"}
    plan = suggest(group, library, stage="problem_identification", theme_names=names)
    assert plan.suggestions
    assert plan.divergence_after < plan.divergence_before
    assert "1 person has not consented to contact and is left out." in plan.warnings
    assert all("ed@b.com" not in s.recipients for s in (*plan.suggestions, *plan.ranked))
    assert any("Cost of downtime" in r for r in plan.suggestions[0].reasons)
    assert not any("cost-of-downtime" in r for s in plan.ranked for r in s.reasons)


def test_an_asset_that_would_split_the_group_is_ranked_but_never_put_in_the_set():
    group = [
        person("ana@b.com", exposure={"roi": 1}),
        person("bo@b.com", exposure={"roi": 1}),
        person("cy@b.com", influence=5, exposure={"roi": 1}, mass=9, consent=False),
        person("di@b.com", influence=5, exposure={"roi": 1}, mass=9, consent=False),
    ]
    library = [asset("security-brief", {"security": 1})]
    plan = suggest(group, library, stage="validation")
    assert plan.divergence_before == 0.0
    assert plan.suggestions == ()
    assert plan.divergence_after == 0.0
    assert any("without widening the split" in w for w in plan.warnings)
    (ranked,) = plan.ranked
    assert any("it would widen the split (divergence 0 to" in r for r in ranked.reasons)
    assert ranked.score < suggest(group[:2], library, stage="validation").ranked[0].score

    unknown = suggest(group, library, stage="shortlisting")
    assert any("Unknown buying stage 'shortlisting'" in w for w in unknown.warnings)


# effect of the set ------------------------------------------------------------------


def test_readiness_is_asked_for_before_and_after_only():
    calls = []

    def readiness_of(exposures):
        calls.append(dict(exposures))
        return 40 + 10 * len(calls)

    heard = {"roi": 0.7, "security": 0.3}  # as the analysis computed it
    group = [
        person("ana@b.com", exposure=heard),
        person("bo@b.com"),
        person("cy@b.com", exposure={"security": 1}, consent=False),
    ]
    library = [asset(f"guide-{i}", {THEMES[i % 6]: 1, "roi": 1}) for i in range(40)]
    plan = suggest(group, library, stage="validation", readiness_of=readiness_of)
    assert len(calls) == 2
    assert (plan.readiness_before, plan.readiness_after) == (50, 60)
    # Before: today's exposures exactly as given, only for people who heard something.
    assert calls[0] == {"ana@b.com": heard, "cy@b.com": {"security": 1.0}}
    assert calls[1]["bo@b.com"]  # the set reached the person nobody had reached
    assert calls[1]["cy@b.com"] == {"security": 1.0}  # no consent: unchanged


def test_simulate_mixes_the_sent_themes_into_each_consenting_members_exposure():
    group = [
        person("ana@b.com", exposure={"roi": 1}, mass=3),
        person("bo@b.com"),
        person("cy@b.com", exposure={"security": 1}, consent=False),
        person("di@b.com", exposure={"roi": 1}, mass=0),  # no mass: counts as one touch
    ]
    sent = [asset("a", {"security": 1}), asset("b", {"security": 1, "roi": 3})]
    after = simulate(group, sent, weight_new_touch=2)
    # roi: 3 + 2 * 0.75 = 4.5; security: 2 * (1 + 0.25) = 2.5
    assert after["ana@b.com"] == pytest.approx({"roi": 4.5 / 7, "security": 2.5 / 7})
    assert after["bo@b.com"] == pytest.approx({"security": 2.5 / 4, "roi": 1.5 / 4})
    assert after["cy@b.com"] == {"security": 1.0}
    assert after["di@b.com"] == pytest.approx({"roi": 2.5 / 5, "security": 2.5 / 5})
    assert simulate(group, [])["bo@b.com"] == {}
    with pytest.raises(ValueError):
        simulate(group, sent, weight_new_touch=0)


@FAST
@given(audiences(), libraries(min_size=1), st.floats(min_value=0.1, max_value=5))
def test_the_fast_divergence_used_for_ranking_matches_the_published_score(
    audience, library, weight
):
    people = sorted(audience, key=lambda m: m.key)
    assets = sorted(library, key=lambda c: c.key)
    engine = Engine(people, assets, stage="validation", weight=weight, theme_names={})
    assert engine.before == pytest.approx(
        official_divergence(people, simulate(people, [])), abs=1e-9
    )
    fast, _ = engine.divergence_of(engine.base, engine.mix * weight)
    for k, candidate in enumerate(assets):
        expected = official_divergence(
            people, simulate(people, [candidate], weight_new_touch=weight)
        )
        assert fast[k] == pytest.approx(expected, abs=1e-9)
