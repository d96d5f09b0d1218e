"""The faster suggestion engine (issue 14: a simulated send mixes every member at once, the
set's first pick reuses the ranking's exact checks and later picks the contributions of
the batch that scored them, every card's first recipients scored in one go) gives float
for float what the plain code below, the code it replaced, gives."""

import dataclasses
import itertools
from types import SimpleNamespace
from unittest import mock

import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st

from scoring.core.exposure import to_distribution
from scoring.core.forecast import Group, Model
from scoring.core.graph import Person, Tie
from suggestions import suggesting
from suggestions.candidates import (
    COVERED_RESIDUAL,
    EXACT_BATCH,
    EXACT_MAX,
    NEAR_DUPLICATE,
    SET_WIDEN_TOLERANCE,
    Candidate,
    Plan,
    Suggestion,
)
from suggestions.engine import simulate
from suggestions.measures import Pick, _mass, _normalised, _sent_mixes, _unchanged, _widen_factor
from suggestions.ranking import Engine
from tests.scoring.core.float_bits import same
from tests.suggestions.engine_inputs import THEMES, audiences, theme_weights

SOME = settings(max_examples=60, deadline=None)
shares = st.dictionaries(st.sampled_from(THEMES), st.floats(1e-6, 1), min_size=1, max_size=6)


@st.composite
def big_libraries(draw, min_size=1, max_size=45):
    """Enough assets for the set to look past one batch of exact checks."""
    framings = ["shared_problem", "solution", "individual"]
    levels = ["mass", "mass_customized", "individualized"]
    return [
        Candidate(
            key=f"a{i:02d}",
            title=f"Asset {i}",
            framing=draw(st.sampled_from(framings)),
            level=draw(st.sampled_from(levels)),
            stage="problem_identification",
            themes=draw(theme_weights),
        )
        for i in range(draw(st.integers(min_size, max_size)))
    ]


# ----------------------------------------------------------------------- the plain code


def plain_simulate(audience, assets, weight=1.0):
    sent = {}
    for asset in assets:
        for theme, value in _normalised(asset.themes).items():
            sent[theme] = sent.get(theme, 0.0) + value * weight
    result = {}
    for member in audience:
        current = _normalised(member.exposure)
        if not member.consent or not sent:
            result[member.key] = _unchanged(member.exposure, current)
            continue
        mass = _mass(member.mass, current)
        mixed = {theme: value * mass for theme, value in current.items()}
        for theme, value in sent.items():
            mixed[theme] = mixed.get(theme, 0.0) + value
        result[member.key] = to_distribution(mixed)
    return result


def plain_choose(self, size):
    picks, state, current = [], self.base.copy(), self.before
    covered, taken = np.zeros(len(self.themes)), np.zeros(len(self.assets), dtype=bool)
    closest = np.full(len(self.assets), -1.0)
    for step in range(max(0, size)):
        if step == 0:
            need, score = self.need, self.linear
        else:
            _, contributions = self.divergence_of(state, np.zeros((1, len(self.themes))), True)
            need = self.group_need(state, contributions[0])
            score = self.scored(need * COVERED_RESIDUAL**covered, need)
        eligible = (
            self.has_themes
            & ~self.one_to_one
            & ~self.everyone_has
            & ~taken
            & (closest < NEAR_DUPLICATE)
        )
        if step:
            lacking = ((covered == 0) & (need > 0)).astype(float)[self.cols]
            adds_theme = np.bincount(self.rows, weights=lacking, minlength=len(eligible)) > 0
            if (eligible & adds_theme).any():
                eligible &= adds_theme
        candidates = np.flatnonzero(eligible)
        if not len(candidates):
            break
        order = candidates[np.lexsort((candidates, -score[candidates]))].tolist()
        best, best_score, best_after = None, -1.0, current
        limit = min(len(order), EXACT_MAX)
        for start in range(0, limit, EXACT_BATCH):
            chunk = order[start : min(start + EXACT_BATCH, limit)]
            if best is not None and best_score >= score[chunk[0]]:
                break
            after, _ = self.divergence_of(state, self.mix[chunk] * self.weight)
            for i, value in zip(chunk, after.tolist(), strict=True):
                if value > min(current, self.before) + SET_WIDEN_TOLERANCE:
                    continue
                value_score = float(score[i]) * _widen_factor(max(0.0, value - current))
                if value_score > best_score:
                    best, best_score, best_after = i, value_score, value
        if best is None:
            break
        new = [j for j in np.flatnonzero(self.mix[best]).tolist() if not covered[j]]
        new.sort(key=lambda j: (-need[j], self.themes[j]))
        picks.append(Pick(best, tuple(self.themes[j] for j in new), current, best_after))
        taken[best] = True
        state = state + self.consent[:, None] * (self.mix[best] * self.weight)[None, :]
        current, covered = best_after, covered + (self.mix[best] > 0)
        closest = np.maximum(closest, self.similarity(best))
    return picks


def plain_with_forecast_recipients(plan, analysis, model, assets, budget):
    names = {s.email: s.name or s.email for s in analysis.map.stakeholders}
    rankings, spent = {}, 0

    def reordered(suggestion):
        nonlocal spent
        asset = assets.get(suggestion.asset)
        if asset is None or not suggestion.recipients:
            return suggestion
        key = (suggestion.asset, suggestion.recipients)
        if key not in rankings:
            cost = len(suggestion.recipients) * len(model.keys)
            if spent and spent + cost > budget:
                return suggestion
            spent += cost
            themes = {k: float(v) for k, v in (asset.themes or {}).items()}
            rankings[key] = model.first_recipients(themes, candidates=suggestion.recipients)
        return suggesting._reordered(suggestion, rankings[key], names)

    return dataclasses.replace(
        plan,
        suggestions=tuple(reordered(s) for s in plan.suggestions),
        ranked=tuple(reordered(s) for s in plan.ranked),
    )


# ----------------------------------------------------------------------- the same results


@settings(max_examples=300, deadline=None)
@given(
    current=st.lists(shares, max_size=8),
    masses=st.lists(st.one_of(st.floats(0.1, 50), st.just(1e-300)), min_size=8, max_size=8),
    sent=st.dictionaries(st.sampled_from([*THEMES, "new-theme"]), st.floats(1e-9, 3), max_size=4),
)
def test_a_send_mixes_every_member_as_to_distribution_does(current, masses, sent):
    expected = []
    for shares_now, mass in zip(current, masses, strict=False):
        mixed = {theme: value * mass for theme, value in shares_now.items()}
        for theme, value in sent.items():
            mixed[theme] = mixed.get(theme, 0.0) + value
        expected.append(to_distribution(mixed))
    assert same(_sent_mixes(current, masses[: len(current)], sent), expected)


@SOME
@given(audience=audiences(max_size=12), library=big_libraries(min_size=0, max_size=4))
def test_simulate_is_the_plain_loop(audience, library):
    for assets in ([], library):
        assert same(simulate(audience, assets), plain_simulate(audience, assets))


@SOME
@given(audience=audiences(max_size=12), library=big_libraries(), size=st.integers(0, 4))
def test_the_set_is_the_plain_greedy_choice(audience, library, size):
    people, assets = sorted(audience, key=lambda m: m.key), library

    def engine():
        found = Engine(people, assets, stage="problem_identification", weight=1.0, theme_names={})
        found.rank(3)
        return found

    fast, plain = engine(), engine()
    checked = dict(fast._after)
    needs = {"fast": [], "plain": []}  # what each pick's group need was worked out from

    def recorded(name, engine):
        def group_need(weights, contributions):
            needs[name].append((weights.copy(), np.array(contributions)))
            return Engine.group_need(engine, weights, contributions)

        return mock.patch.object(engine, "group_need", group_need)

    with recorded("fast", fast), recorded("plain", plain):
        assert same(fast.choose(size), plain_choose(plain, size))
    assert same(needs["fast"], needs["plain"])
    assert fast._after == checked  # the set records no exact check the cards could show
    given_exposures = Engine(
        people,
        assets,
        stage="problem_identification",
        weight=1.0,
        theme_names={},
        exposures=[_normalised(m.exposure) for m in people],
    )
    assert same((given_exposures.base, given_exposures.prio), (fast.base, fast.prio))


@SOME
@given(data=st.data())
def test_every_card_gets_the_first_recipients_the_card_by_card_loop_gave(data):
    keys = [f"p{i}" for i in range(data.draw(st.integers(1, 9)))]
    people = tuple(Person(k, data.draw(st.integers(1, 5))) for k in keys)
    ties = tuple(Tie(a, b, "collaborates", 1) for a, b in itertools.pairwise(keys))
    exposures = {k: data.draw(shares) for k in keys if data.draw(st.booleans())}
    model = Model(Group(people=people, ties=ties, exposures=exposures))
    assets = {f"a{i}": SimpleNamespace(themes=data.draw(theme_weights)) for i in range(4)}

    def card(i):
        chosen = data.draw(st.lists(st.sampled_from(keys), unique=True))
        first = chosen[0] if chosen and data.draw(st.booleans()) else None
        reasons = ("Covers it.", "Send it to them first.")
        asset = data.draw(st.sampled_from([*assets, "unknown"]))
        return Suggestion(asset, f"Card {i}", 0.5, reasons, tuple(chosen), first)

    plan = Plan(
        suggestions=tuple(card(i) for i in range(data.draw(st.integers(0, 3)))),
        ranked=tuple(card(i) for i in range(data.draw(st.integers(0, 4)))),
        divergence_before=0.5,
        divergence_after=0.4,
        readiness_before=None,
        readiness_after=None,
        warnings=(),
    )
    analysis = SimpleNamespace(
        map=SimpleNamespace(stakeholders=[SimpleNamespace(email=k, name=k.upper()) for k in keys])
    )
    budget = data.draw(st.sampled_from([1, 2 * len(keys) ** 2, suggesting.FORECAST_PAIRS]))
    expected = plain_with_forecast_recipients(plan, analysis, Model(model.group), assets, budget)
    with mock.patch.object(suggesting, "FORECAST_PAIRS", budget):
        found = suggesting.with_forecast_recipients(plan, analysis, model, assets)
    assert same(found, expected)
