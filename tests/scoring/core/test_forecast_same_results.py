"""The faster forecast (issue 14: W built with one np.add.at, today's rows and touches read
once, the weeks and steady states of several forecasts scored in one batch, the mixes at
the horizon made when first read, the first recipients of several assets scored together
in batches of a bounded size) gives float for float what the plain model below, the code
it replaced, gives."""

import math
import pickle
from unittest import mock

import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st

from scoring.core.divergence_batch import divergence_batch
from scoring.core.exposure import positive_weights
from scoring.core.forecast import Group, Model, Send, listening
from scoring.core.forecast_data import FirstRecipient
from scoring.core.forecast_parameters import (
    DEFAULT_PARAMETERS,
    MAX_SETTLE_WEEKS,
    SETTLE_TOLERANCE,
    openness,
)
from scoring.core.graph import Person, Tie
from tests.scoring.core.float_bits import same

THEMES = ["cost", "security", "uptime", "roi", "compliance", "speed"]
SOME = settings(max_examples=120, deadline=None)
mixes = st.dictionaries(
    st.sampled_from(THEMES),
    st.one_of(st.floats(0.01, 5), st.sampled_from([0.0, -1.0, 2])),
    max_size=4,
)


@st.composite
def groups(draw, max_size=14):
    n = draw(st.integers(1, max_size))
    keys = [f"p{i}" for i in range(n)]
    people = tuple(
        Person(
            key=k,
            influence=draw(st.one_of(st.integers(0, 5), st.floats(0.1, 5))),
            role=draw(st.sampled_from(["Champion", "Blocker", "Decision Maker", "Other"])),
            stance=draw(st.sampled_from(["supporter", "neutral", "skeptic", "unknown"])),
        )
        for k in keys
    )
    kinds = ["influences", "reports_to", "collaborates", "conflicts_with", "unknown"]
    ties = tuple(
        Tie(
            a,
            b,
            draw(st.sampled_from(kinds)),
            draw(st.one_of(st.integers(0, 5), st.floats(0.1, 5))),
        )
        for a, b in draw(
            st.lists(st.tuples(st.sampled_from(keys), st.sampled_from(keys)), max_size=3 * n)
        )
    )
    exposures = {k: draw(mixes) for k in keys if draw(st.booleans())}
    mass = {k: draw(st.one_of(st.floats(0.5, 10), st.just(0.0))) for k in exposures}
    return Group(people=people, ties=ties, exposures=exposures, mass=mass)


# ----------------------------------------------------------------------- the plain model


def _positive(value):
    try:
        number = float(value)
    except (TypeError, ValueError, ArithmeticError):
        return 0.0
    return number if math.isfinite(number) and number > 0 else 0.0


def _shares(weights):
    values = positive_weights(weights)
    total = math.fsum(values.values()) if values else 0.0
    return {k: v / total for k, v in values.items()} if 0.0 < total < math.inf else {}


def plain_listening(people, ties):
    index = {p.key: i for i, p in enumerate(people)}
    influence = np.array([_positive(p.influence) for p in people])
    w = np.zeros((len(people), len(people)))
    for tie in ties:
        a, b = index.get(tie.source), index.get(tie.target)
        if a is None or b is None or a == b:
            continue
        pairs = {"influences": [(b, a)], "reports_to": [(a, b)], "collaborates": [(a, b), (b, a)]}
        for listener, speaker in pairs.get(tie.kind, []):
            w[listener, speaker] += _positive(tie.strength) * influence[speaker]
    totals = w.sum(axis=1)
    return np.divide(w, totals[:, None], out=np.zeros_like(w), where=totals[:, None] > 0)


class PlainModel:
    def __init__(self, group):
        self.group, self.keys = group, [p.key for p in group.people]
        self.index = {key: i for i, key in enumerate(self.keys)}
        self.influence = np.array([_positive(p.influence) for p in group.people])
        self.w = plain_listening(group.people, group.ties)
        listens = (self.w.sum(axis=1) > 0).tolist()
        self.lam = np.array(
            [openness(p, listens=h) for p, h in zip(group.people, listens, strict=True)]
        )
        today = {key: _shares(group.exposures.get(key, {})) for key in self.keys}
        self.themes = sorted({t for shares in today.values() for t in shares})
        self.column = {t: j for j, t in enumerate(self.themes)}
        self.x0 = np.zeros((len(self.keys), len(self.themes)))
        for i, key in enumerate(self.keys):
            for theme, value in today[key].items():
                self.x0[i, self.column[theme]] = value
        self.p, self.keep = self.lam[:, None] * self.w, 1.0 - self.lam

    def widen(self, themes):
        mix = _shares(themes)
        extra = sorted(set(mix) - set(self.column))
        x0 = np.hstack([self.x0, np.zeros((len(self.keys), len(extra)))])
        columns = {**self.column, **{t: len(self.themes) + k for k, t in enumerate(extra)}}
        row = np.zeros(x0.shape[1])
        for theme, value in mix.items():
            row[columns[theme]] = value
        return x0, row

    def sent_rows(self, x0, mix, touches=1.0):
        weight = DEFAULT_PARAMETERS.new_touch_weight * (_positive(touches) or 1.0)
        masses = np.array(
            [
                (_positive(self.group.mass.get(k, 1.0)) or 1.0) if self.x0[i].any() else 0.0
                for i, k in enumerate(self.keys)
            ]
        )
        rows = x0 * masses[:, None] + mix[None, :] * weight
        totals = rows.sum(axis=1)
        return rows / np.where(totals > 0, totals, 1.0)[:, None]

    def scores(self, states):
        return divergence_batch(states, self.influence)[0]

    def forecast(self, weeks, send):
        x0 = self.x0
        if send is not None and send.recipients:
            x0, mix = self.widen(send.themes)
            sent = self.sent_rows(x0, mix, send.touches)
            for key in send.recipients:
                if key in self.index:
                    x0[self.index[key]] = sent[self.index[key]]
        states, x = [x0], x0
        for _ in range(weeks):
            x = self.p @ x + self.keep[:, None] * x0
            states.append(x)
        trajectory = self.scores(np.stack(states)).tolist()
        steady_x = np.linalg.solve(np.eye(len(self.keys)) - self.p, self.keep[:, None] * x0)
        steady = float(self.scores(steady_x[None])[0])
        settles = next(
            (w for w, v in enumerate(trajectory) if abs(v - steady) <= SETTLE_TOLERANCE), None
        )
        week = weeks
        while settles is None and week < MAX_SETTLE_WEEKS:
            x, week = self.p @ x + self.keep[:, None] * x0, week + 1
            if abs(float(self.scores(x[None])[0]) - steady) <= SETTLE_TOLERANCE:
                settles = week
        themes = self.themes
        if x0.shape[1] > len(themes):
            themes = themes + sorted(set(_shares(send.themes)) - set(self.column))
        mixes = {}
        for i, key in enumerate(self.keys):
            total = float(states[-1][i].sum())
            pairs = [
                (t, float(v) / total)
                for t, v in zip(themes, states[-1][i].tolist(), strict=True)
                if v > 0
            ]
            mixes[key] = (
                dict(sorted(pairs, key=lambda tv: (-tv[1], tv[0]))) if total > 1e-12 else {}
            )
        unit = [min(1.0, max(0.0, v)) if math.isfinite(v) else 0.0 for v in (*trajectory, steady)]
        return unit, settles if settles is not None else MAX_SETTLE_WEEKS, mixes

    def first_recipients(self, themes, candidates, weeks):
        keys = sorted({k for k in candidates if k in self.index})
        if not keys or not _shares(themes):
            return ()
        x0, mix = self.widen(themes)
        a = np.eye(len(self.keys))
        for _ in range(weeks):
            a = self.p @ a + np.diag(self.keep)
        base, change = a @ x0, self.sent_rows(x0, mix) - x0
        columns = np.array([self.index[k] for k in keys])
        states = base[None, :, :] + a[:, columns].T[:, :, None] * change[columns][:, None, :]
        values = [
            round(min(1.0, max(0.0, v)) if math.isfinite(v) else 0.0, 12)
            for v in self.scores(states).tolist()
        ]
        return tuple(
            FirstRecipient(k, v)
            for k, v in sorted(zip(keys, values, strict=True), key=lambda kv: (kv[1], kv[0]))
        )


# ----------------------------------------------------------------------- the same results


def sends(group):
    keys = [p.key for p in group.people]
    recipients = st.lists(st.sampled_from(keys), max_size=3)
    return st.one_of(st.none(), st.builds(Send, themes=mixes, recipients=recipients))


@SOME
@given(data=st.data())
def test_forecasts_are_the_plain_model(data):
    group = data.draw(groups())
    weeks = data.draw(st.integers(0, 14))
    asked = data.draw(st.lists(sends(group), min_size=1, max_size=3))
    model, plain = Model(group), PlainModel(group)
    assert same(listening(group.people, group.ties), plain_listening(group.people, group.ties))
    found = model.forecasts(asked, weeks=weeks)
    for send, result in zip(asked, found, strict=True):
        assert same(result, model.forecast(weeks=weeks, send=send))  # alone or together
        values, settles, mixes = plain.forecast(weeks, send)
        assert same((*result.trajectory, result.steady), values)
        assert result.divergence == values[weeks] and result.settles_in == settles
        assert same(dict(result.mixes), mixes)
        assert same(dict(result.openness), dict(zip(plain.keys, plain.lam.tolist(), strict=True)))
        again = pickle.loads(pickle.dumps(result.mixes))  # noqa: S301 - as the cache keeps them
        assert same(dict(again), mixes) and again == result.mixes and len(again) == len(mixes)


@SOME
@given(data=st.data())
def test_first_recipients_are_the_plain_model_however_they_are_asked(data):
    group = data.draw(groups())
    keys = [p.key for p in group.people]
    weeks = data.draw(st.integers(0, 12))
    asks = data.draw(
        st.lists(st.tuples(mixes, st.lists(st.sampled_from([*keys, "nobody"]))), max_size=4)
    )
    together, plain = Model(group), PlainModel(group)
    tiny = data.draw(st.sampled_from([65_536, 1, 40]))  # batches of 1, or a few, futures
    with mock.patch("scoring.core.forecast_first.BATCH_VALUES", tiny):
        together.score_first_recipients(asks, weeks=weeks)
    for themes, candidates in asks:
        expected = plain.first_recipients(themes, candidates, weeks)
        assert same(together.first_recipients(themes, candidates=candidates, weeks=weeks), expected)
        alone = Model(group).first_recipients(themes, candidates=candidates, weeks=weeks)
        assert same(alone, expected)
