"""Consensus readiness, properties over generated groups: a clamped sum of whole-point
factors, independent of order, higher for one shared story, never raised by an influential
skeptic, lowered by a missing role (no DB)."""

import re

from hypothesis import given, settings
from hypothesis import strategies as st

from scoring.core.graph import CONFLICT, POSITIVE_KINDS, Person, Tie
from scoring.core.readiness import BASE, GroupState, faction_gap, readiness
from tests.scoring.core.group_states import THEMES, build_state, factor, names_of

ROLES = ("Champion", "Decision Maker", "Budget Holder", "Influencer", "End User", "Other")
STANCES = ("supporter", "neutral", "skeptic", "unknown")


# ------------------------------------------------------------------ strategies


@st.composite
def group_inputs(draw, min_people=0, max_people=9):
    n = draw(st.integers(min_people, max_people))
    keys = [f"p{i}@buyer.test" for i in range(n)]
    people = [
        Person(
            k, draw(st.integers(1, 5)), draw(st.sampled_from(ROLES)), draw(st.sampled_from(STANCES))
        )
        for k in keys
    ]
    ties = []
    if n >= 2:
        ties = draw(
            st.lists(
                st.builds(
                    Tie,
                    st.sampled_from(keys),
                    st.sampled_from(keys),
                    st.sampled_from((*POSITIVE_KINDS, CONFLICT)),
                    st.integers(1, 5),
                ),
                max_size=14,
            )
        )
    exposures = {}
    for k in keys:
        heard = draw(
            st.dictionaries(st.sampled_from(THEMES), st.floats(0.05, 5), min_size=0, max_size=3)
        )
        if heard:
            exposures[k] = heard
    required = tuple(draw(st.lists(st.sampled_from(ROLES[:4]), max_size=4, unique=True)))
    tailoring = draw(st.floats(0, 1))
    touched = draw(st.sets(st.sampled_from(keys))) if keys else set()
    return people, ties, exposures, required, tailoring, touched


def state_of(inputs) -> GroupState:
    people, ties, exposures, required, tailoring, touched = inputs
    return build_state(
        people,
        ties,
        exposures,
        required=required,
        tailoring=tailoring,
        recently_touched=touched,
    )


# ------------------------------------------------------------------ properties


@settings(max_examples=50, deadline=None)
@given(group_inputs())
def test_score_is_a_clamped_sum_of_whole_point_factors_sorted_by_size(inputs):
    result = readiness(state_of(inputs))
    assert isinstance(result.score, int)
    assert 0 <= result.score <= 100
    assert result.score == min(100, max(0, BASE + sum(f.effect for f in result.factors)))
    assert all(isinstance(f.effect, int) for f in result.factors)
    assert list(result.factors) == sorted(result.factors, key=lambda f: (-abs(f.effect), f.name))
    assert len(names_of(result)) == len(result.factors)
    for f in result.factors:
        assert f.why.endswith(".") and "\n" not in f.why
        assert not re.search(r"\d\.\d{3}", f.why), f.why  # no spurious precision
        assert "nan" not in f.why.lower().split()


@settings(max_examples=30, deadline=None)
@given(group_inputs(), st.randoms(use_true_random=False))
def test_same_group_in_any_order_gives_the_same_readiness(inputs, rng):
    people, ties, exposures, required, tailoring, touched = inputs
    shuffled_people = rng.sample(people, len(people))
    shuffled_ties = rng.sample(ties, len(ties))
    keys = list(exposures)
    rng.shuffle(keys)
    shuffled_exposures = {k: exposures[k] for k in keys}
    again = (shuffled_people, shuffled_ties, shuffled_exposures, required, tailoring, touched)
    state, state_again = state_of(inputs), state_of(again)
    assert readiness(state) == readiness(state_again)
    assert faction_gap(state) == faction_gap(state_again)


@settings(max_examples=30, deadline=None)
@given(group_inputs(min_people=2))
def test_one_shared_story_scores_higher_than_disjoint_stories(inputs):
    people, ties, _, required, tailoring, touched = inputs
    shared = {p.key: {"cost-of-downtime": 1.0} for p in people}
    disjoint = {p.key: {f"theme-{i}": 1.0} for i, p in enumerate(people)}
    one_story = readiness(state_of((people, ties, shared, required, tailoring, touched)))
    many = readiness(state_of((people, ties, disjoint, required, tailoring, touched)))
    assert one_story.score > many.score or one_story.score == many.score == 100


@settings(max_examples=30, deadline=None)
@given(group_inputs(min_people=1), st.integers(4, 5))
def test_an_influential_skeptic_never_raises_the_score(inputs, influence):
    people, ties, exposures, required, tailoring, recent = inputs
    before = readiness(state_of(inputs)).score
    # A new, unreached, influential skeptic (role Other, so no missing role gets filled).
    newcomer = Person("zz-skeptic@buyer.test", influence, "Other", "skeptic")
    added = ([*people, newcomer], ties, exposures, required, tailoring, recent)
    assert readiness(state_of(added)).score <= before
    # An existing influential person turning skeptic, nothing else changed.
    for i, person in enumerate(people):
        if person.influence >= 4 and person.stance != "skeptic":
            turned = [*people]
            turned[i] = Person(person.key, person.influence, person.role, "skeptic")
            state = state_of((turned, ties, exposures, required, tailoring, recent))
            assert readiness(state).score <= before


@settings(max_examples=30, deadline=None)
@given(group_inputs(min_people=1))
def test_missing_roles_lower_the_score(inputs):
    people, ties, exposures, _, tailoring, touched = inputs
    complete = tuple(sorted({p.role for p in people}))
    with_gap = (*complete, "Legal & Compliance")
    full = readiness(state_of((people, ties, exposures, complete, tailoring, touched)))
    gap = readiness(state_of((people, ties, exposures, with_gap, tailoring, touched)))
    assert "Missing roles" not in names_of(full)
    assert factor(gap, "Missing roles").effect == -4
    assert "Legal & Compliance" in factor(gap, "Missing roles").why
    assert gap.score <= full.score
    if 4 <= full.score <= 100:
        assert gap.score == full.score - 4
