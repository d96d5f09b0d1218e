"""Who a suggestion goes to and which asset ranks first: only consenting members, the
strongest broker first; more common ground, the group's stage, consensus content and
unseen assets rank higher; one-to-one assets are never a group send; the order of the
input never matters, and the top of a large library is ranked exactly."""

import math
import random

from hypothesis import assume, event, given
from hypothesis import strategies as st

from scoring.core.divergence import Member, common_ground
from suggestions.candidates import STAGES, Plan
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


def assert_well_formed(plan: Plan, audience):
    keys = {m.key for m in audience}
    consented = {m.key for m in audience if m.consent}
    for value in (plan.divergence_before, plan.divergence_after):
        assert math.isfinite(value) and 0.0 <= value <= 1.0
    for s in (*plan.suggestions, *plan.ranked):
        assert math.isfinite(s.score) and 0.0 <= s.score <= 1.0
        assert 2 <= len(s.reasons) <= 4
        assert all(r.endswith(".") for r in s.reasons)
        assert set(s.recipients) <= keys
        assert set(s.recipients) == consented
        assert len(s.recipients) == len(set(s.recipients))
        assert s.send_first in consented
        assert s.recipients[0] == s.send_first
    ranked_scores = [s.score for s in plan.ranked]
    assert ranked_scores == sorted(ranked_scores, reverse=True)


# recipients -------------------------------------------------------------------------


@FAST
@given(audiences(), libraries())
def test_only_consenting_members_of_the_group_are_ever_recipients(audience, library):
    plan = suggest(audience, library, stage="problem_identification")
    assert_well_formed(plan, audience)
    if not any(m.consent for m in audience) or not library:
        assert plan.suggestions == () and plan.ranked == ()
        assert plan.warnings


def test_send_first_is_the_strongest_broker_then_the_champion_then_the_most_influential():
    library = [asset("roi-guide", {"roi": 1})]
    group = [
        person("ana@b.com", influence=5, role="Champion"),
        person("bo@b.com", influence=2, broker=True),
        person("cy@b.com", influence=4, broker=True, consent=False),
        person("di@b.com", influence=3, broker=True),
        person("ed@b.com", influence=5, name="Ed Stone"),
    ]
    plan = suggest(group, library, stage="problem_identification")
    (first,) = plan.suggestions
    assert first.send_first == "di@b.com"  # cy is a stronger broker but did not consent
    assert first.recipients == ("di@b.com", "ana@b.com", "ed@b.com", "bo@b.com")
    assert "Send it to Di first, who links the sides of the group." in first.reasons

    no_brokers = [p for p in group if not p.broker]
    (first,) = suggest(no_brokers, library, stage="problem_identification").suggestions
    assert first.send_first == "ana@b.com"
    assert any("as the champion" in r for r in first.reasons)

    nobody_special = [person("bo@b.com", influence=2), person("ed@b.com", influence=5)]
    (first,) = suggest(nobody_special, library, stage="problem_identification").suggestions
    assert first.send_first == "ed@b.com"


# ranking ----------------------------------------------------------------------------


@st.composite
def superset_cases(draw):
    audience = draw(audiences(min_size=2))
    ground = [
        t
        for t, _ in common_ground(
            [Member(m.key, m.influence, m.exposure, m.priorities) for m in audience]
        )
    ]
    shared = draw(st.lists(st.sampled_from(ground), min_size=1, unique=True)) if ground else []
    extra = [t for t in ground if t not in shared]
    more = draw(st.lists(st.sampled_from(extra), min_size=1, unique=True)) if extra else []
    weight = st.floats(min_value=0.1, max_value=10)
    narrow = {t: draw(weight) for t in shared}
    wide = {**narrow, **{t: draw(weight) for t in more}}
    framing = draw(st.sampled_from(["shared_problem", "solution", "individual"]))
    level = draw(st.sampled_from(["mass", "mass_customized", "individualized"]))
    stage = draw(st.sampled_from(STAGES))
    keys = draw(st.permutations(["narrow-x", "wide-x"]))
    others = draw(libraries(max_size=4))
    return audience, narrow, wide, (framing, level, stage), keys, others


def widening(audience, library_asset):
    before = official_divergence(audience, simulate(audience, []))
    return official_divergence(audience, simulate(audience, [library_asset])) - before


@FAST
@given(superset_cases())
def test_an_asset_covering_more_common_ground_never_ranks_below_one_covering_less(case):
    audience, narrow_themes, wide_themes, (framing, level, stage), keys, others = case
    assume(narrow_themes and len(wide_themes) > len(narrow_themes))
    narrow = asset(keys[0], narrow_themes, framing=framing, level=level, stage=stage)
    wide = asset(keys[1], wide_themes, framing=framing, level=level, stage=stage)
    plan = suggest(audience, [narrow, wide, *others], stage="requirements_building", top=20)
    if not any(m.consent for m in audience):
        return
    # Other things equal includes the effect of the send: an asset that would widen the
    # split more is penalised for that, whatever it covers.
    if widening(audience, wide) > widening(audience, narrow) + 1e-12:
        event("the wider asset widens the split more")
        return
    order = keys_of(plan.ranked)
    if wide.key not in order or narrow.key not in order:
        event("one-to-one or already sent to everyone: not ranked")
        return
    assert order.index(wide.key) < order.index(narrow.key)


@FAST
@given(audiences(), some_themes, st.sampled_from(STAGES), st.permutations(["a-one", "b-two"]))
def test_an_individualized_individual_asset_is_never_proposed_as_a_group_send(
    audience, themes, stage, keys
):
    personal = asset(keys[0], themes, framing="individual", level="individualized", stage=stage)
    shared = asset(keys[1], themes, framing="shared_problem", level="mass_customized", stage=stage)
    plan = suggest(audience, [personal, shared], stage="problem_identification")
    if not any(m.consent for m in audience):
        return
    assert personal.key not in keys_of(plan.ranked)
    assert personal.key not in keys_of(plan.suggestions)
    assert shared.key in keys_of(plan.ranked) + keys_of(plan.already_sent)


def test_the_group_stage_consensus_content_and_unseen_assets_are_preferred():
    group = [
        person("ana@b.com", exposure={"roi": 1}, seen={"seen-guide"}),
        person("bo@b.com", exposure={"security": 1}, seen={"seen-guide"}),
    ]
    library = [
        asset("now", {"roi": 1, "security": 1}, stage="requirements_building"),
        asset("later", {"roi": 1, "security": 1}, stage="validation"),
        asset("next", {"roi": 1, "security": 1}, stage="supplier_selection"),
        asset("seen-guide", {"roi": 1, "security": 1}, stage="requirements_building"),
    ]
    plan = suggest(group, library, stage="requirements_building")
    assert keys_of(plan.ranked) == ["now", "next", "later"]
    assert keys_of(plan.already_sent) == ["seen-guide"]
    seen = plan.already_sent[0]
    assert "Everyone you can contact has already received it." in seen.reasons

    split = suggest(
        group,
        [*library, asset("kit", {"roi": 1, "security": 1}, stage="consensus_creation")],
        stage="problem_identification",
    )
    assert plan.divergence_before == 1.0  # nothing shared: consensus content fits
    assert keys_of(split.ranked).index("kit") < keys_of(split.ranked).index("later")


@FAST
@given(audiences(), libraries(), st.randoms(use_true_random=False))
def test_deterministic_and_independent_of_input_order(audience, library, rnd):
    plan = suggest(audience, library, stage="validation")
    shuffled_audience, shuffled_library = list(audience), list(library)
    rnd.shuffle(shuffled_audience)
    rnd.shuffle(shuffled_library)
    assert suggest(shuffled_audience, shuffled_library, stage="validation") == plan
    assert suggest(audience, library, stage="validation") == plan


def test_a_large_library_is_ranked_exactly_at_the_top():
    rnd = random.Random(7)
    group = [
        person(
            f"p{i}@b.com",
            influence=rnd.randint(1, 5),
            exposure={t: rnd.random() for t in rnd.sample(THEMES, 2)},
            mass=rnd.random() * 5,
        )
        for i in range(8)
    ]
    library = [
        asset(
            f"a{i:03d}",
            dict.fromkeys(rnd.sample(THEMES, rnd.randint(1, 3)), 1),
            framing=rnd.choice(["shared_problem", "solution"]),
            stage=rnd.choice(STAGES),
        )
        for i in range(400)
    ]
    plan = suggest(group, library, stage="validation", top=10)
    assert_well_formed(plan, group)
    assert len(plan.ranked) == 10
    # Every shown score is the exact one: it includes the effect of the send.
    people = sorted(group, key=lambda m: m.key)
    engine = Engine(people, library, stage="validation", weight=1.0, theme_names={})
    for s in plan.ranked:
        index = next(k for k, c in enumerate(library) if c.key == s.asset)
        assert s.score == round(engine.exact_score(index), 4)
