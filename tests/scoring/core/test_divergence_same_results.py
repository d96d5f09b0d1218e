"""The faster divergence (issue 14: one Jensen-Shannon setup for the score and its parts,
the members x themes table built at once, the batch's shortcut when everybody heard
something, x log x without a masked logarithm) gives float for float what the plain code
below, the code it replaced, gives."""

import math

import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st

from scoring.core.divergence import (
    Member,
    common_ground,
    divergence,
    divergence_and_common_ground,
    exposure_divergence,
)
from scoring.core.divergence_batch import divergence_batch
from scoring.core.exposure import positive_weights, to_distribution
from scoring.core.jensen_shannon import entropy, terms, xlog2x
from tests.scoring.core.float_bits import same

THEMES = [f"t{i}" for i in range(12)]
SOME = settings(max_examples=300, deadline=None)
# Weights as the app never sends them too: zeros, negatives, huge, tiny, not numbers.
odd = st.one_of(
    st.floats(min_value=1e-6, max_value=50),
    st.sampled_from([0.0, -1.0, 1e-300, 1e300, math.inf, math.nan, 3]),
)
weights = st.dictionaries(st.sampled_from(THEMES), odd, max_size=8)
influence = st.one_of(st.integers(0, 5), st.sampled_from([0.5, -2.0, math.nan, math.inf]))


@st.composite
def groups(draw, max_size=14):
    n = draw(st.integers(0, max_size))
    return [
        Member(f"p{i}", draw(influence), draw(weights), priorities=draw(weights)) for i in range(n)
    ]


# ----------------------------------------------------------------------- the plain code


def _normalised(values):
    values = positive_weights(values)
    total = sum(values.values())
    if 0.0 < total < math.inf:
        return {key: v / total for key, v in values.items()}
    return to_distribution(values)


def _influence(value):
    try:
        number = float(value)
    except (TypeError, ArithmeticError, ValueError):
        return 0.0
    return number if math.isfinite(number) and number > 0 else 0.0


def _shares(values):
    if not values:
        return []
    largest = max(values)
    if largest <= 0:
        return [1.0 / len(values)] * len(values)
    scaled = [v / largest for v in values]
    total = math.fsum(scaled)
    return [v / total for v in scaled]


def _unit(value):
    if not math.isfinite(value):
        return 1.0 if value == math.inf else 0.0
    return min(1.0, max(0.0, value))


def _snap(value):
    value = _unit(value)
    return 0.0 if value < 1e-12 else 1.0 if value > 1.0 - 1e-12 else value


def _ranked(items):
    return tuple(sorted(((k, _unit(float(v))) for k, v in items), key=lambda i: (-i[1], i[0])))


def plain_divergence(members, use="exposure"):
    penalise = use == "exposure"
    dists = [_normalised(m.exposure if penalise else m.priorities) for m in members]
    influence = [_influence(m.influence) for m in members]
    aligned = [i for i, d in enumerate(dists) if d]
    unaligned = [i for i, d in enumerate(dists) if not d]
    group_shares = _shares(influence)
    if not penalise or not unaligned:
        unaligned_share = 0.0
    elif not aligned:
        unaligned_share = 1.0
    else:
        unaligned_share = _unit(math.fsum(group_shares[i] for i in unaligned))
    weights = _shares([influence[i] for i in aligned])
    used = [(i, w) for i, w in zip(aligned, weights, strict=True) if w > 0]
    themes = sorted({t for i, _ in used for t in dists[i]})
    column = {t: j for j, t in enumerate(themes)}
    p = np.zeros((len(used), len(themes)))
    for row, (i, _) in enumerate(used):
        for t, v in dists[i].items():
            p[row, column[t]] = v
    w = np.array([wi for _, wi in used], dtype=float)
    batch_terms, batch_mix, found = terms(w[None, :], p[None, :, :])
    found_terms, mix, weight_entropy = batch_terms[0], batch_mix[0], float(found[0])
    theme_raw = np.maximum(found_terms.sum(axis=0), 0.0)
    member_raw = np.maximum(found_terms.sum(axis=1), 0.0)
    js = float(theme_raw.sum())
    normalised = _snap(js / weight_entropy) if weight_entropy > 0 and js > 0 else 0.0
    aligned_part = (1.0 - unaligned_share) * normalised
    theme_scale = aligned_part / js if js > 0 else 0.0
    theme_values = theme_raw * theme_scale + unaligned_share * mix
    member_values = [0.0] * len(members)
    member_total = float(member_raw.sum())
    if member_total > 0:
        for (i, _), raw in zip(used, member_raw.tolist(), strict=True):
            member_values[i] = aligned_part * raw / member_total
    if penalise:
        for i in unaligned:
            member_values[i] = group_shares[i]
    order = sorted(unaligned, key=lambda i: (-influence[i], members[i].key))
    return (
        _unit(aligned_part + unaligned_share),
        _ranked(zip(themes, theme_values.tolist(), strict=True)),
        _ranked((m.key, v) for m, v in zip(members, member_values, strict=True)),
        tuple(members[i].key for i in order),
    )


def plain_xlog2x(values):
    logs = np.zeros_like(values)
    np.log2(values, out=logs, where=values > 0)
    logs *= values
    return logs


def plain_batch(weights, influence, contributions=False):
    weights = np.asarray(weights, dtype=float)
    n_batch, n_members, n_themes = weights.shape
    if n_members == 0:
        return np.zeros(n_batch), (np.zeros((n_batch, n_themes)) if contributions else None)
    influence = np.asarray(influence, dtype=float)
    with np.errstate(invalid="ignore"):
        influence = np.where(np.isfinite(influence) & (influence > 0), influence, 0.0)
    shares = np.array(_shares(influence.tolist()))
    sums = weights.sum(axis=2)
    aligned = sums > 0
    unaligned_share = (shares[None, :] * ~aligned).sum(axis=1)
    unaligned_share = np.where(aligned.any(axis=1), np.clip(unaligned_share, 0.0, 1.0), 1.0)
    unaligned_share = np.where(aligned.all(axis=1), 0.0, unaligned_share)
    raw = influence[None, :] * aligned
    total = raw.sum(axis=1)
    raw = np.where((total <= 0)[:, None], aligned.astype(float), raw)
    total = raw.sum(axis=1)
    w = raw / np.where(total > 0, total, 1.0)[:, None]
    p = weights / np.where(sums > 0, sums, 1.0)[:, :, None]
    mix = np.einsum("km,kmt->kt", w, p)
    theme_raw = np.einsum("km,kmt->kt", w, plain_xlog2x(p)) - plain_xlog2x(mix)
    weight_entropy = entropy(w)
    theme_raw = np.maximum(theme_raw, 0.0)
    js = theme_raw.sum(axis=1)
    ok = (weight_entropy > 0) & (js > 0)
    normalised = np.where(ok, js / np.where(ok, weight_entropy, 1.0), 0.0)
    normalised = np.clip(normalised, 0.0, 1.0)
    normalised = np.where(normalised < 1e-12, 0.0, normalised)
    normalised = np.where(normalised > 1.0 - 1e-12, 1.0, normalised)
    aligned_part = (1.0 - unaligned_share) * normalised
    score = np.clip(aligned_part + unaligned_share, 0.0, 1.0)
    if not contributions:
        return score, None
    scale = np.where(js > 0, aligned_part / np.where(js > 0, js, 1.0), 0.0)
    return score, theme_raw * scale[:, None] + unaligned_share[:, None] * mix


# ----------------------------------------------------------------------- the same results


def as_tuple(result):
    return (
        result.score,
        result.theme_contributions,
        result.member_contributions,
        result.unaligned,
    )


@SOME
@given(members=groups(), use=st.sampled_from(["exposure", "priorities"]))
def test_divergence_is_the_plain_code(members, use):
    assert same(as_tuple(divergence(members, use=use)), plain_divergence(members, use))


@SOME
@given(members=groups())
def test_the_score_alone_and_with_common_ground_are_the_same_numbers(members):
    full = divergence(members)
    exposures = [m.exposure for m in members]
    influences = [m.influence for m in members]
    assert same(exposure_divergence(exposures, influences), full.score)
    both = divergence_and_common_ground(
        [m.key for m in members], influences, exposures, [m.priorities for m in members]
    )
    assert same(both, (full, common_ground(members)))


@st.composite
def futures(draw):
    k, n, t = draw(st.integers(1, 9)), draw(st.integers(0, 9)), draw(st.integers(1, 11))
    rng = np.random.default_rng(draw(st.integers(0, 2**32 - 1)))
    values = rng.random((k, n, t)) * (rng.random((k, n, t)) < draw(st.floats(0, 1)))
    if draw(st.booleans()):
        values[:, :, 0] += 0.25  # everybody heard something (the batch's shortcut)
    values *= 10.0 ** draw(st.integers(-200, 200))
    choices = st.sampled_from([0.0, 1.0, 5.0, -1.0, math.inf, math.nan, 1e300])
    one = st.one_of(choices, st.floats(0.01, 10), st.floats(0.01, 10))
    spread = draw(st.lists(one, min_size=n, max_size=n))
    return values, np.array(spread)


@settings(max_examples=400, deadline=None)
@given(case=futures(), contributions=st.booleans(), cut=st.integers(0, 9))
def test_the_batch_is_the_plain_code_in_any_batches(case, contributions, cut):
    values, influences = case
    expected = plain_batch(values, influences, contributions)
    assert same(divergence_batch(values, influences, contributions=contributions), expected)
    # a future's score does not depend on the batch it is in (callers cut batches)
    parts = [part for part in (values[:cut], values[cut:]) if len(part)]
    found = [divergence_batch(part, influences, contributions=contributions) for part in parts]
    assert same(np.concatenate([score for score, _ in found]), expected[0])


@settings(max_examples=200, deadline=None)
@given(seed=st.integers(0, 2**32 - 1), size=st.integers(1, 3000), zeros=st.floats(0, 1))
def test_x_log_x_is_the_masked_logarithm(seed, size, zeros):
    """numpy's log2 gives the same value for an entry whether it runs under `where=` or not
    (the masked loop runs the same kernel on the unmasked runs); what xlog2x relies on."""
    rng = np.random.default_rng(seed)
    values = rng.random(size) ** rng.uniform(0.2, 40) * (rng.random(size) >= zeros)
    assert same(xlog2x(values), plain_xlog2x(values))
    assert same(xlog2x(values + 0.5), plain_xlog2x(values + 0.5))  # nothing masked
