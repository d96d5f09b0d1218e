"""How far apart the stories heard by a buying group are: divergence, friction, common ground."""

import math

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from scoring.core.divergence import (
    Divergence,
    Member,
    common_ground,
    divergence,
    pairwise_divergence,
)

THEMES = [f"theme-{i}" for i in range(8)]
TOL = 1e-9

weights = st.floats(min_value=0.01, max_value=100)
influences = st.one_of(st.integers(1, 5), st.floats(min_value=0.1, max_value=5))
distributions = st.dictionaries(st.sampled_from(THEMES), weights, min_size=1, max_size=6)
maybe_empty = st.one_of(distributions, st.just({}))


@st.composite
def groups(draw, exposure=distributions, min_size=1, max_size=12):
    exposures = draw(st.lists(exposure, min_size=min_size, max_size=max_size))
    return [
        Member(
            key=f"p{i}@buyer.com",
            influence=draw(influences),
            exposure=e,
            priorities=draw(maybe_empty),
        )
        for i, e in enumerate(exposures)
    ]


def as_dict(pairs):
    return dict(pairs)


def total(pairs):
    return math.fsum(v for _, v in pairs)


def assert_well_formed(result: Divergence, members):
    assert math.isfinite(result.score)
    assert 0.0 <= result.score <= 1.0
    for pairs in (result.theme_contributions, result.member_contributions):
        values = [v for _, v in pairs]
        assert all(math.isfinite(v) and 0.0 <= v <= 1.0 for v in values)
        assert values == sorted(values, reverse=True)
    assert {k for k, _ in result.member_contributions} == {m.key for m in members}
    assert total(result.member_contributions) == pytest.approx(result.score, abs=TOL)
    if len(result.unaligned) < len(members):
        assert total(result.theme_contributions) == pytest.approx(result.score, abs=TOL)


# worked examples ---------------------------------------------------------------------


def test_a_worked_example_matches_the_formula():
    # M = (0.75, 0.25); JS = H(M) - (0 + 1) / 2 = 0.811278 - 0.5; H(w) = 1 bit.
    members = [
        Member("ana@buyer.com", 2, {"roi": 1.0}),
        Member("bo@buyer.com", 2, {"roi": 1.0, "security": 1.0}),
    ]
    result = divergence(members)
    expected = -(0.75 * math.log2(0.75) + 0.25 * math.log2(0.25)) - 0.5
    assert result.score == pytest.approx(expected)
    # The theme only one member heard drives the divergence.
    assert result.theme_contributions[0] == ("security", pytest.approx(0.25))
    assert as_dict(result.member_contributions) == pytest.approx(
        {
            "ana@buyer.com": 0.5 * math.log2(1 / 0.75),
            "bo@buyer.com": 0.5 * (0.5 * math.log2(0.5 / 0.75) + 0.5 * math.log2(0.5 / 0.25)),
        }
    )
    assert result.unaligned == ()


def test_the_more_influential_member_pulls_the_group_story():
    heavy_ana = divergence([Member("ana", 5, {"roi": 1}), Member("bo", 1, {"roi": 1, "sec": 1})])
    heavy_bo = divergence([Member("ana", 1, {"roi": 1}), Member("bo", 5, {"roi": 1, "sec": 1})])
    assert heavy_ana.score != pytest.approx(heavy_bo.score)
    assert heavy_ana.member_contributions[0][0] == "bo"


def test_nobody_in_the_group_gives_zero():
    assert divergence([]) == Divergence(0.0, (), (), ())


def test_one_aligned_member_alone_gives_zero():
    result = divergence([Member("ana", 3, {"roi": 0.4, "security": 0.6})])
    assert result.score == 0.0
    assert result.member_contributions == (("ana", 0.0),)


def test_unaligned_members_blend_the_score_toward_one_by_their_influence_share():
    members = [
        Member("ana", 1, {"roi": 1}),
        Member("bo", 1, {"roi": 1}),
        Member("cy", 2, {}),
    ]
    result = divergence(members)
    assert result.score == pytest.approx(0.5)
    assert result.unaligned == ("cy",)
    assert as_dict(result.member_contributions)["cy"] == pytest.approx(0.5)
    # The unaligned part is spread over the story the group has heard.
    assert result.theme_contributions == (("roi", pytest.approx(0.5)),)


def test_one_aligned_member_and_one_unaligned_member():
    result = divergence([Member("ana", 3, {"roi": 1}), Member("bo", 1, {})])
    assert result.score == pytest.approx(0.25)


def test_a_group_nobody_has_touched_shares_nothing():
    result = divergence([Member("ana", 1, {}), Member("bo", 3, {})])
    assert result.score == 1.0
    assert result.unaligned == ("bo", "ana")
    assert result.theme_contributions == ()
    assert as_dict(result.member_contributions) == pytest.approx({"ana": 0.25, "bo": 0.75})


def test_priority_divergence_uses_priorities_and_does_not_penalise_unknown_ones():
    members = [
        Member("ana", 1, {"roi": 1}, {"security": 2}),
        Member("bo", 1, {"roi": 1}, {"security": 5}),
        Member("cy", 5, {"roi": 1}),
    ]
    assert divergence(members).score == 0.0
    result = divergence(members, use="priorities")
    assert result.score == 0.0
    assert result.unaligned == ("cy",)
    disagree = [
        Member("ana", 1, {"roi": 1}, {"security": 1}),
        Member("bo", 1, {"roi": 1}, {"uptime": 1}),
    ]
    assert divergence(disagree, use="priorities").score == 1.0


def test_zero_or_broken_influence_never_breaks_the_score():
    members = [
        Member("ana", 0, {"roi": 1}),
        Member("bo", math.nan, {"security": 1}),
        Member("cy", -3, {"roi": 1, "security": 1}),
    ]
    result = divergence(members)
    assert_well_formed(result, members)
    assert 0.0 < result.score < 1.0  # all weigh nothing, so all weigh equally
    mixed = [Member("ana", 0, {"roi": 1}), Member("bo", 2, {"security": 1})]
    assert divergence(mixed).score == 0.0  # only bo carries weight
    assert as_dict(divergence(mixed).member_contributions)["ana"] == 0.0


def test_unusable_theme_weights_are_ignored():
    members = [
        Member("ana", 1, {"roi": 1, "noise": math.nan, "junk": -1}),
        Member("bo", 1, {"roi": 2, "big": math.inf}),
        Member("cy", 1, {"roi": 0}),
    ]
    result = divergence(members)
    assert result.unaligned == ("cy",)
    assert result.score == pytest.approx(1 / 3)


def test_unknown_use_and_duplicate_keys_are_refused():
    with pytest.raises(ValueError, match="use"):
        divergence([Member("ana", 1, {"roi": 1})], use="vibes")
    with pytest.raises(ValueError, match="unique"):
        divergence([Member("ana", 1, {"roi": 1}), Member("ana", 2, {"x": 1})])


def test_member_mappings_are_read_only_copies():
    exposure = {"roi": 1.0}
    member = Member("ana", 1, exposure)
    exposure["security"] = 1.0
    assert dict(member.exposure) == {"roi": 1.0}
    assert dict(member.priorities) == {}
    with pytest.raises(TypeError):
        member.exposure["roi"] = 0.5
    assert hash(member) == hash(Member("ana", 1, {"other": 1}))


# properties ----------------------------------------------------------------------------


@settings(max_examples=60, deadline=None)
@given(members=groups(exposure=maybe_empty), data=st.data())
def test_member_order_never_changes_divergence(members, data):
    shuffled = data.draw(st.permutations(members))
    for use in ("exposure", "priorities"):
        before, after = divergence(members, use=use), divergence(shuffled, use=use)
        assert after.score == pytest.approx(before.score, abs=TOL)
        assert as_dict(after.member_contributions) == pytest.approx(
            as_dict(before.member_contributions), abs=TOL
        )
        assert as_dict(after.theme_contributions) == pytest.approx(
            as_dict(before.theme_contributions), abs=TOL
        )
        assert set(after.unaligned) == set(before.unaligned)


@settings(max_examples=60, deadline=None)
@given(shared=distributions, infl=st.lists(influences, min_size=1, max_size=12))
def test_identical_exposures_give_zero(shared, infl):
    members = [Member(f"p{i}", w, shared) for i, w in enumerate(infl)]
    result = divergence(members)
    assert result.score == 0.0
    assert all(v == 0.0 for _, v in result.theme_contributions)
    assert all(v == 0.0 for _, v in result.member_contributions)


@settings(max_examples=60, deadline=None)
@given(
    infl=st.lists(influences, min_size=2, max_size=12),
    sizes=st.lists(st.integers(1, 4), min_size=12, max_size=12),
    data=st.data(),
)
def test_pairwise_disjoint_exposures_give_one(infl, sizes, data):
    members = [
        Member(
            f"p{i}",
            w,
            {f"p{i}-theme-{j}": data.draw(weights) for j in range(sizes[i])},
        )
        for i, w in enumerate(infl)
    ]
    result = divergence(members)
    assert result.score == pytest.approx(1.0, abs=TOL)
    assert_well_formed(result, members)


@settings(max_examples=60, deadline=None)
@given(members=groups(exposure=maybe_empty, min_size=0))
def test_scores_are_finite_in_range_and_explained_by_their_contributions(members):
    for use in ("exposure", "priorities"):
        assert_well_formed(divergence(members, use=use), members)


@settings(max_examples=60, deadline=None)
@given(
    members=groups(exposure=maybe_empty),
    common=distributions,
    t=st.floats(min_value=0, max_value=1),
    s=st.floats(min_value=0, max_value=1),
)
def test_moving_everyone_toward_the_same_message_never_raises_divergence(members, common, t, s):
    def toward(group, amount):
        moved = []
        for m in group:
            if not m.exposure:  # nobody has reached this member yet: still unaligned
                moved.append(m)
                continue
            own_total = math.fsum(m.exposure.values())
            common_total = math.fsum(common.values())
            mixed = {
                theme: (1 - amount) * m.exposure.get(theme, 0.0) / own_total
                + amount * common.get(theme, 0.0) / common_total
                for theme in set(m.exposure) | set(common)
            }
            moved.append(Member(m.key, m.influence, mixed))
        return moved

    lo, hi = sorted((t, s))
    original = divergence(members).score
    a_little = divergence(toward(members, lo)).score
    more = divergence(toward(members, hi)).score
    assert a_little <= original + TOL
    assert more <= a_little + TOL


# friction (pairwise) -------------------------------------------------------------------


@settings(max_examples=60, deadline=None)
@given(p=maybe_empty, q=maybe_empty)
def test_pairwise_divergence_is_symmetric_and_in_range(p, q):
    forward, backward = pairwise_divergence(p, q), pairwise_divergence(q, p)
    assert forward == pytest.approx(backward, abs=TOL)
    assert math.isfinite(forward)
    assert 0.0 <= forward <= 1.0


@settings(max_examples=60, deadline=None)
@given(p=distributions, scale=st.floats(0.1, 10))
def test_pairwise_divergence_of_the_same_mix_is_zero(p, scale):
    assert pairwise_divergence(p, {k: v * scale for k, v in p.items()}) == 0.0


@settings(max_examples=60, deadline=None)
@given(p=distributions, q=distributions)
def test_pairwise_divergence_of_disjoint_mixes_is_one(p, q):
    q = {f"other-{k}": v for k, v in q.items()}
    assert pairwise_divergence(p, q) == 1.0


def test_pairwise_divergence_worked_example_and_empty_sides():
    assert pairwise_divergence({"roi": 1}, {"roi": 1, "security": 1}) == pytest.approx(
        -(0.75 * math.log2(0.75) + 0.25 * math.log2(0.25)) - 0.5
    )
    assert pairwise_divergence({}, {"roi": 1}) == 1.0
    assert pairwise_divergence({"roi": 1}, {}) == 1.0
    assert pairwise_divergence({}, {}) == 1.0


def test_pairwise_divergence_agrees_with_a_two_member_group_of_equal_influence():
    p, q = {"a": 0.2, "b": 0.8}, {"b": 0.5, "c": 0.5}
    group = divergence([Member("x", 3, p), Member("y", 3, q)])
    assert pairwise_divergence(p, q) == pytest.approx(group.score)


# common ground -------------------------------------------------------------------------


def test_common_ground_is_the_influence_share_that_heard_or_cares():
    members = [
        Member("ana", 1, {"roi": 0.5, "security": 0.5}),
        Member("bo", 3, {"roi": 1.0}, {"compliance": 2}),
        Member("cy", 1, {}, {"roi": 1}),
    ]
    assert common_ground(members) == (
        ("roi", pytest.approx(1.0)),
        ("compliance", pytest.approx(0.6)),
        ("security", pytest.approx(0.2)),
    )
    assert common_ground(members, use_priorities=False) == (
        ("roi", pytest.approx(0.8)),
        ("security", pytest.approx(0.2)),
    )


def test_common_ground_ties_are_sorted_by_slug_and_empty_groups_have_none():
    members = [Member("ana", 1, {"zeta": 1, "alpha": 1})]
    assert common_ground(members) == (("alpha", 1.0), ("zeta", 1.0))
    assert common_ground([]) == ()
    assert common_ground([Member("ana", 1, {})]) == ()


@settings(max_examples=60, deadline=None)
@given(members=groups(exposure=maybe_empty, min_size=0), use_priorities=st.booleans())
def test_common_ground_coverage_is_a_share_sorted_most_shared_first(members, use_priorities):
    ground = common_ground(members, use_priorities=use_priorities)
    coverage = [c for _, c in ground]
    assert all(math.isfinite(c) and 0.0 <= c <= 1.0 for c in coverage)
    assert ground == tuple(sorted(ground, key=lambda item: (-item[1], item[0])))
    heard_by_all = set.intersection(*(set(m.exposure) for m in members)) if members else set()
    for theme in heard_by_all:
        assert dict(ground)[theme] == pytest.approx(1.0)
