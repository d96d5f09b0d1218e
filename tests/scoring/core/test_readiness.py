"""Consensus readiness on worked groups: the 0-100 score and the plain-words factors behind
it for a realistic two-faction group and small hand-made ones (no DB)."""

import random
from datetime import UTC, datetime, timedelta

from scoring.core.exposure import TouchEvent, exposure, tailoring_index
from scoring.core.graph import Person, Tie
from scoring.core.readiness import BASE, Factor, GroupState, faction_gap, readiness
from tests.scoring.core.group_states import THEMES, build_state, factor, names_of

AS_OF = datetime(2026, 11, 1, tzinfo=UTC)


# ---------------------------------------------------------- a realistic group

NAMES = {
    "dana@northwind.test": "Dana Ross",
    "marco@northwind.test": "Marco Silva",
    "aisha@northwind.test": "Aisha Khan",
    "tom@northwind.test": "Tom Becker",
    "li@northwind.test": "Li Wei",
    "omar@northwind.test": "Omar Haddad",
    "sara@northwind.test": "Sara Jones",
    "ken@northwind.test": "Ken Ito",
    "priya@northwind.test": "Priya Nair",
}
THEME_NAMES = {
    "cost-of-downtime": "Cost of downtime",
    "roi": "Return on investment",
    "security": "Security",
    "integration": "Integration effort",
}


def northwind_people():
    return [
        Person("dana@northwind.test", 5, "Decision Maker", "supporter"),
        Person("marco@northwind.test", 3, "End User", "neutral"),
        Person("aisha@northwind.test", 4, "Budget Holder", "neutral"),
        Person("tom@northwind.test", 2, "End User", "unknown"),
        Person("li@northwind.test", 5, "Executive Sponsor", "skeptic"),
        Person("omar@northwind.test", 4, "Influencer", "skeptic"),
        Person("sara@northwind.test", 3, "Influencer", "neutral"),
        Person("ken@northwind.test", 2, "End User", "unknown"),
        Person("priya@northwind.test", 4, "Champion", "supporter"),
    ]


def northwind_ties():
    return [
        Tie("marco@northwind.test", "dana@northwind.test", "reports_to", 5),
        Tie("tom@northwind.test", "marco@northwind.test", "reports_to", 4),
        Tie("aisha@northwind.test", "dana@northwind.test", "collaborates", 4),
        Tie("aisha@northwind.test", "marco@northwind.test", "collaborates", 3),
        Tie("sara@northwind.test", "li@northwind.test", "reports_to", 5),
        Tie("omar@northwind.test", "li@northwind.test", "reports_to", 4),
        Tie("ken@northwind.test", "sara@northwind.test", "reports_to", 4),
        Tie("omar@northwind.test", "sara@northwind.test", "collaborates", 3),
        Tie("priya@northwind.test", "dana@northwind.test", "collaborates", 3),
        Tie("priya@northwind.test", "li@northwind.test", "influences", 3),
        Tie("omar@northwind.test", "dana@northwind.test", "conflicts_with", 3),
    ]


def northwind_touches():
    """Operations heard downtime and ROI, IT heard security and integration, mostly 1:1."""

    def touch(who, days, themes, message=None):
        return TouchEvent(f"{who}@northwind.test", AS_OF - timedelta(days=days), themes, message)

    return [
        touch("dana", 3, {"cost-of-downtime": 2, "roi": 1}),
        touch("marco", 5, {"cost-of-downtime": 1}, "ops-brief"),
        touch("tom", 5, {"cost-of-downtime": 1}, "ops-brief"),
        touch("aisha", 8, {"roi": 2, "cost-of-downtime": 1}),
        touch("li", 2, {"security": 2, "integration": 1}),
        touch("omar", 6, {"security": 1}),
        touch("sara", 9, {"integration": 2}),
        touch("sara", 20, {"security": 1}),
        touch("priya", 45, {"cost-of-downtime": 1}),
    ]


def northwind_state(**changes) -> GroupState:
    touches = northwind_touches()
    recent = {t.key for t in touches if AS_OF - t.occurred_at <= timedelta(days=30)}
    arguments = {
        "people": northwind_people(),
        "ties": northwind_ties(),
        "exposures": exposure(touches, as_of=AS_OF),
        "names": NAMES,
        "required": ("Decision Maker", "Budget Holder", "Champion", "Legal & Compliance"),
        "tailoring": tailoring_index(touches, as_of=AS_OF),
        "recently_touched": recent,
        "theme_names": THEME_NAMES,
    }
    arguments.update(changes)
    people = arguments.pop("people")
    ties = arguments.pop("ties")
    exposures = arguments.pop("exposures")
    return build_state(people, ties, exposures, **arguments)


def test_realistic_two_faction_group_is_explained_by_name():
    state = northwind_state()
    result = readiness(state)

    # Priya is the strongest bridge; Li Wei, the IT lead, also has a tie across.
    assert state.insights.brokers == ("priya@northwind.test", "li@northwind.test")
    assert 0 <= result.score <= 40  # split, 1:1 messages, a missing role, two skeptics
    assert factor(result, "Factions") == Factor(
        "Factions", -15, "Dana Ross's side and Li Wei's side have heard no theme in common."
    )
    assert factor(result, "Bridge").effect == 5
    assert factor(result, "Bridge").why.startswith("Li Wei bridges the factions and was reached")
    assert factor(result, "Bridge").why.endswith(
        "; Priya Nair also bridges them but has not been reached in 30 days."
    )
    assert factor(result, "Missing roles").effect == -4
    assert "Legal & Compliance" in factor(result, "Missing roles").why
    stance = factor(result, "Stance mix")
    assert stance.effect == -8 + 4
    assert "Li Wei and Omar Haddad" in stance.why and "Priya Nair" in stance.why
    assert factor(result, "Group size").effect == -6
    assert "31% with six" in factor(result, "Group size").why
    assert "Ken Ito" in factor(result, "Unaligned members").why
    assert factor(result, "Individual tailoring").effect < 0
    assert "Nobody in the group" not in factor(result, "Divergence").why


def test_bridges_nobody_has_reached_lately_cost_points():
    result = readiness(northwind_state(recently_touched={"dana@northwind.test"}))
    assert factor(result, "Bridge") == Factor(
        "Bridge",
        -3,
        "Priya Nair and Li Wei bridge the factions but have not been reached in 30 days.",
    )


def test_reaching_the_broker_and_sharing_one_theme_raises_the_score():
    before = readiness(northwind_state())
    touches = [
        *northwind_touches(),
        *(
            TouchEvent(key, AS_OF - timedelta(days=1), {"cost-of-downtime": 1}, "shared-problem")
            for key in NAMES
        ),
    ]
    after_state = northwind_state(
        exposures=exposure(touches, as_of=AS_OF),
        tailoring=tailoring_index(touches, as_of=AS_OF),
        recently_touched=set(NAMES),
    )
    after = readiness(after_state)
    assert after.score > before.score
    assert factor(after, "Bridge").effect == 5
    assert "Priya Nair" in factor(after, "Bridge").why
    assert factor(after, "Common ground").effect > 0
    assert "Cost of downtime has reached the whole group" in factor(after, "Common ground").why
    assert "Factions" not in names_of(after)
    assert "Unaligned members" not in names_of(after)


# ------------------------------------------------------------------- examples


def test_empty_group_scores_zero_with_one_reason():
    result = readiness(build_state([]))
    assert result.score == 0
    assert len(result.factors) == 1
    assert result.score == max(0, BASE + result.factors[0].effect)
    assert "Nobody is mapped" in result.factors[0].why


def test_group_nobody_has_reached_gets_sensible_sentences():
    state = northwind_state(exposures={}, tailoring=0.0, recently_touched=set())
    result = readiness(state)
    assert state.divergence.score == 1.0
    assert factor(result, "Divergence") == Factor(
        "Divergence",
        -30,
        "Nobody in the group has been reached yet, so there is no shared story so far.",
    )
    assert factor(result, "Unaligned members").effect == -10
    assert "None of the 9 members" in factor(result, "Unaligned members").why
    assert "Dana Ross" in factor(result, "Unaligned members").why
    assert factor(result, "Factions").why == (
        "Neither Dana Ross's side nor Li Wei's side has been reached yet."
    )
    assert factor(result, "Common ground").effect == -10
    assert not any("1.00" in f.why for f in result.factors)
    assert result.score < readiness(northwind_state()).score


def test_small_aligned_complete_group_scores_high():
    people = [
        Person("ann@acme.test", 5, "Decision Maker", "supporter"),
        Person("bob@acme.test", 3, "Budget Holder", "neutral"),
        Person("cat@acme.test", 3, "Champion", "supporter"),
    ]
    ties = [Tie("bob@acme.test", "ann@acme.test", "reports_to", 4)]
    ties.append(Tie("cat@acme.test", "ann@acme.test", "collaborates", 4))
    exposures = {p.key: {"cost-of-downtime": 2, "roi": 1} for p in people}
    result = readiness(build_state(people, ties, exposures, theme_names=THEME_NAMES))
    assert result.score >= 85
    assert all(f.effect > 0 for f in result.factors)
    assert factor(result, "Divergence").why == (
        "Everyone has heard the same mix of themes (divergence 0 of 100)."
    )
    assert "Ann" in factor(result, "Stance mix").why


def test_common_ground_names_the_widest_theme_and_warns_below_half():
    people = [Person(f"p{i}@acme.test", 3) for i in range(4)]
    spread = {p.key: {THEMES[i]: 1} for i, p in enumerate(people)}
    result = readiness(build_state(people, (), spread, theme_names=THEME_NAMES))
    cg = factor(result, "Common ground")
    assert cg.effect < 0
    assert cg.why.startswith("No theme has reached even half the group (by influence)")
    assert "25%" in cg.why

    half = {p.key: {"security": 1} if i < 2 else {"roi": 1} for i, p in enumerate(people)}
    middle = factor(
        readiness(build_state(people, (), half, theme_names=THEME_NAMES)), "Common ground"
    )
    assert middle.effect == 0
    assert "Return on investment has reached 50%" in middle.why


def test_individual_tailoring_costs_points_only_above_half():
    people = [Person(f"p{i}@acme.test", 3) for i in range(3)]
    exposures = {p.key: {"security": 1} for p in people}
    low = readiness(build_state(people, (), exposures, tailoring=0.5))
    high = readiness(build_state(people, (), exposures, tailoring=0.9))
    assert "Individual tailoring" not in names_of(low)
    tailored = factor(high, "Individual tailoring")
    assert tailored.effect == -8
    assert tailored.why == (
        "Most recent touches went to one person only (90% in the last 30 days): "
        "each member hears a different story."
    )
    assert high.score == low.score - 8


def test_group_size_follows_the_published_baseline():
    def size_effect(n):
        people = [Person(f"p{i}@acme.test", 3) for i in range(n)]
        exposures = {p.key: {"security": 1} for p in people}
        result = readiness(build_state(people, (), exposures, required=()))
        return next((f.effect for f in result.factors if f.name == "Group size"), 0)

    effects = [size_effect(n) for n in range(1, 14)]
    assert effects[:3] == [0, 0, 0]
    assert effects == sorted(effects, reverse=True)
    assert min(effects) == -8


def test_faction_gap_pools_each_side_and_counts_an_unreached_side_as_apart():
    people = [Person(k, 3) for k in ("a1", "a2", "b1", "b2", "c1", "c2")]
    ties = [Tie("a1", "a2", "collaborates", 5), Tie("b1", "b2", "collaborates", 5)]
    ties.append(Tie("c1", "c2", "collaborates", 5))
    exposures = {"a1": {"security": 1}, "a2": {"roi": 1}, "b1": {"security": 1, "roi": 1}}
    state = build_state(people, ties, exposures)
    gaps = faction_gap(state)
    factions = state.insights.factions
    by_pair = {frozenset((*factions[i], *factions[j])): g for i, j, g in gaps}
    assert [g for _, _, g in gaps] == sorted((g for _, _, g in gaps), reverse=True)
    assert by_pair[frozenset(("a1", "a2", "b1", "b2"))] == 0.0  # same pooled mix
    assert by_pair[frozenset(("a1", "a2", "c1", "c2"))] == 1.0  # c's side heard nothing
    assert "Nobody on C1's side has been reached yet" in factor(readiness(state), "Factions").why


def test_order_of_people_does_not_change_the_realistic_example():
    people = northwind_people()
    random.Random(7).shuffle(people)
    assert readiness(northwind_state(people=people)) == readiness(northwind_state())
