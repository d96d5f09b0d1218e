"""The consensus forecast: where the stories a buying group has heard go as its members talk.

Plain Python and numpy, no Django. The model is Friedkin and Johnsen's social influence
model (J. Math. Sociology 15, 1990; *Social Influence Network Theory*, Cambridge 2011),
run on every theme at once as Parsegov, Proskurnikov, Tempo and Friedkin do for several
issues (IEEE TAC 62(5), 2017, with no coupling between themes). Week by week::

    x(t+1) = Λ W x(t) + (I - Λ) x(0)

* ``x(0)``: each member's exposure today (a row of theme shares; all zeros for someone
  who has heard nothing). A planned send first mixes its asset's themes into its
  recipients' rows, exactly as the suggestion engine simulates a send:
  ``normalise(exposure * mass + asset mix * weight)``.
* ``W``: whom each member listens to (row-stochastic). ``A influences B``: B hears A.
  ``A reports_to B``: A hears B. ``collaborates``: both hear each other.
  ``conflicts_with`` carries no story. Listener i hears speaker j with weight
  ``strength * influence_j`` (several ties add up), each row scaled to sum 1.
* ``Λ = diag(openness)``: how much of a member's story comes from the people they
  listen to, by stance and buying role (see :data:`PARAMETERS`); 0 for someone who
  listens to nobody, who keeps their own story (`forecast_parameters`, with reasons).

The steady state is ``x* = (I - ΛW)^-1 (I - Λ) x(0)`` (solved in closed form; openness
stays below 1, so the matrix is invertible). Because ``x(t)`` is linear in ``x(0)``, the
effect of sending an asset to any single person is one column of ``A_T`` (``x(T) = A_T
x(0)``) times the change in that person's row, so every possible first recipient is
scored exactly, in one batch, for groups of any size.

Rows are normalised before scoring. Rows always add up to the share of the group's
stories a member can reach: a member who heard nothing takes what they hear; one who
hears only people who heard nothing stays empty (unaligned). Divergence is the app's one
measure (:func:`scoring.core.divergence_batch.divergence_batch`, influence-weighted
Jensen-Shannon, unaligned members count as fully apart).

This is a model, not a promise: it knows only the relationships that were mapped, treats
a week as one round of conversations, and lets nobody invent a theme they never heard.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence

import numpy as np

from scoring.core.divergence import influence_shares
from scoring.core.divergence_batch import BATCH_VALUES, divergence_batch
from scoring.core.exposure import positive_weights
from scoring.core.forecast_data import (
    FirstRecipient,
    Forecast,
    Group,
    Mixes,
    Send,
    checked_weeks,
    frozen_mapping,
    positive,
    theme_shares,
    unit,
)
from scoring.core.forecast_first import FirstRecipients
from scoring.core.forecast_parameters import (
    DEFAULT_PARAMETERS,
    DEFAULT_WEEKS,
    MAX_SETTLE_WEEKS,
    SETTLE_TOLERANCE,
    Parameters,
    openness,
)
from scoring.core.graph import Person, Tie

# ----------------------------------------------------------------------------- the model


def listening(people: Sequence[Person], ties: Sequence[Tie]) -> np.ndarray:
    """W: row i says whom member i listens to, rows sum to 1 (or 0: listens to nobody)."""
    index = {p.key: i for i, p in enumerate(people)}
    influence = np.array([positive(p.influence) for p in people])
    w = np.zeros((len(people), len(people)))
    listeners: list[int] = []
    speakers: list[int] = []
    strengths: list[float] = []
    for tie in ties:
        a, b = index.get(tie.source), index.get(tie.target)
        if a is None or b is None or a == b:
            continue
        kind = tie.kind
        if kind == "influences":
            pairs = ((b, a),)
        elif kind == "reports_to":
            pairs = ((a, b),)
        elif kind == "collaborates":
            pairs = ((a, b), (b, a))
        else:  # conflicts_with, or a kind the model does not know: no story
            continue
        strength = positive(tie.strength)
        for listener, speaker in pairs:
            listeners.append(listener)
            speakers.append(speaker)
            strengths.append(strength)
    if listeners:  # several ties between two people add up, in the order of the ties
        heard = np.array(speakers, dtype=np.intp)
        weights = np.array(strengths) * influence[heard]
        np.add.at(w, (np.array(listeners, dtype=np.intp), heard), weights)
    totals = w.sum(axis=1)
    return np.divide(w, totals[:, None], out=np.zeros_like(w), where=totals[:, None] > 0)


class Model(FirstRecipients):
    """One group prepared for forecasting: build once, ask many questions (who should hear
    an asset first: :class:`scoring.core.forecast_first.FirstRecipients`)."""

    def __init__(self, group: Group, parameters: Parameters = DEFAULT_PARAMETERS) -> None:
        self.group = group
        self.parameters = parameters
        self.people = list(group.people)
        self.keys = [p.key for p in self.people]
        if len(set(self.keys)) != len(self.keys):
            raise ValueError("member keys must be unique")
        self.index = {key: i for i, key in enumerate(self.keys)}
        self.influence = np.array([positive(p.influence) for p in self.people])
        self.w = listening(self.people, group.ties)
        listens = self.w.sum(axis=1) > 0
        self.lam = np.array(
            [
                openness(p, listens=bool(heard), parameters=parameters)
                for p, heard in zip(self.people, listens.tolist(), strict=True)
            ]
        )
        # x(0): each member's exposure as `theme_shares` normalises it, all rows at once
        usable = [positive_weights(group.exposures.get(key, {})) for key in self.keys]
        totals = [math.fsum(values.values()) if values else 0.0 for values in usable]
        rows = [v if 0.0 < t < math.inf else {} for v, t in zip(usable, totals, strict=True)]
        themes = sorted({t for values in rows for t in values})
        self.themes = themes
        self.column = {t: j for j, t in enumerate(themes)}
        self.x0 = np.zeros((len(self.keys), len(themes)))
        if themes:
            at = np.repeat(np.arange(len(rows)), [len(values) for values in rows])
            entries = np.array([v for values in rows for v in values.values()], dtype=float)
            columns = [self.column[t] for values in rows for t in values]
            self.x0[at, columns] = entries / np.array(totals)[at]
        # x(0) rows' touches (0: heard nothing), and influence as divergence weighs it
        heard = self.x0.any(axis=1).tolist()
        self.masses = np.array(
            [
                (positive(group.mass.get(key, 1.0)) or 1.0) if row else 0.0
                for key, row in zip(self.keys, heard, strict=True)
            ]
        )
        self.shares = influence_shares(self.influence)
        self.p = self.lam[:, None] * self.w  # ΛW
        self.keep = 1.0 - self.lam  # diag(I - Λ)
        self._responses: dict[int, np.ndarray] = {}  # weeks -> A_T (see response)
        self._firsts: dict[tuple, dict[str, FirstRecipient]] = {}  # (asset mix, weeks) ->

    # -- pieces

    def _widen(self, themes: Mapping[str, float]) -> tuple[np.ndarray, np.ndarray]:
        """(x0, the asset's mix) over today's themes plus the asset's."""
        mix = theme_shares(themes)
        extra = sorted(set(mix) - set(self.column))
        x0 = np.hstack([self.x0, np.zeros((len(self.keys), len(extra)))])
        columns = {**self.column, **{t: len(self.themes) + k for k, t in enumerate(extra)}}
        row = np.zeros(x0.shape[1])
        for theme, value in mix.items():
            row[columns[theme]] = value
        return x0, row

    def sent_rows(self, x0: np.ndarray, mix: np.ndarray, touches: float = 1.0) -> np.ndarray:
        """Every member's x(0) row if the asset were sent to them (members x themes)."""
        weight = self.parameters.new_touch_weight * (positive(touches) or 1.0)
        rows = x0 * self.masses[:, None] + mix[None, :] * weight
        totals = rows.sum(axis=1)
        return rows / np.where(totals > 0, totals, 1.0)[:, None]

    def step(self, x: np.ndarray, x0: np.ndarray) -> np.ndarray:
        return self.p @ x + self.keep[:, None] * x0

    def steady_state(self, x0: np.ndarray) -> np.ndarray:
        """x* = (I - ΛW)^-1 (I - Λ) x(0), in closed form."""
        n = len(self.keys)
        if n == 0:
            return x0.copy()
        return np.linalg.solve(np.eye(n) - self.p, self.keep[:, None] * x0)

    def response(self, weeks: int) -> np.ndarray:
        """A_T with x(T) = A_T x(0): A_0 = I, A_{t+1} = ΛW A_t + (I - Λ). Computed once
        per model and horizon (members x members, `weeks` products: at 500 members a
        tenth of a second), however many assets ask who should get them first. Read-only."""
        found = self._responses.get(weeks)
        if found is None:
            n = len(self.keys)
            found = np.eye(n)
            keep = np.diag(self.keep)
            for _ in range(weeks):
                found = self.p @ found + keep
            found.flags.writeable = False
            self._responses[weeks] = found
        return found

    def scores(self, states: np.ndarray) -> np.ndarray:
        """Divergence of each state (K x members x themes)."""
        return divergence_batch(states, self.influence, shares=self.shares)[0]

    # -- questions

    def forecast(self, *, weeks: int = DEFAULT_WEEKS, send: Send | None = None) -> Forecast:
        """The next `weeks` weeks, with `send` made at week 0 (or nothing sent)."""
        return self.forecasts([send], weeks=weeks)[0]

    def forecasts(
        self, sends: Sequence[Send | None], *, weeks: int = DEFAULT_WEEKS
    ) -> list[Forecast]:
        """:meth:`forecast` of each send (None: nothing sent), their weeks scored together."""
        weeks = checked_weeks(weeks)
        runs = []
        for send in sends:
            x0 = self.x0
            if send is not None and send.recipients:
                x0, mix = self._widen(send.themes)
                sent = self.sent_rows(x0, mix, send.touches)
                for key in send.recipients:
                    i = self.index.get(key)
                    if i is not None:
                        x0[i] = sent[i]
            states = [x0]
            x = x0
            for _ in range(weeks):
                x = self.step(x, x0)
                states.append(x)
            runs.append((send, x0, [*states, self.steady_state(x0)]))
        # the weeks and the steady states of runs with as many themes in one batch (each
        # state is scored on its own)
        scores: list[list[float]] = [[] for _ in runs]
        widths: dict[int, list[int]] = {}
        for n, (_, x0, _) in enumerate(runs):
            widths.setdefault(x0.shape[1], []).append(n)
        for found in widths.values():
            states = np.stack([state for n in found for state in runs[n][2]])
            values = self._scores_cut(states).tolist()
            for at, n in enumerate(found):
                scores[n] = values[at * (weeks + 2) : (at + 1) * (weeks + 2)]
        return [
            self._forecast(send, x0, states, values, weeks)
            for (send, x0, states), values in zip(runs, scores, strict=True)
        ]

    def _scores_cut(self, states: np.ndarray) -> np.ndarray:
        """:meth:`scores`, in batches of about BATCH_VALUES numbers."""
        size = max(1, BATCH_VALUES // max(1, states[0].size))
        if len(states) <= size:
            return self.scores(states)
        return np.concatenate(
            [self.scores(states[start : start + size]) for start in range(0, len(states), size)]
        )

    def _forecast(self, send, x0, states, values: list[float], weeks: int) -> Forecast:
        *trajectory, steady = values
        x = states[weeks]
        settles = self._settles_in(trajectory, x, x0, steady, weeks)
        themes = self.themes
        if x0.shape[1] > len(themes):
            themes = themes + sorted(set(theme_shares(send.themes)) - set(self.column))
        return Forecast(
            weeks=weeks,
            trajectory=tuple(unit(v) for v in trajectory),
            divergence=unit(trajectory[-1]),
            steady=unit(steady),
            settles_in=settles,
            mixes=Mixes(self.keys, themes, x),
            openness=frozen_mapping(dict(zip(self.keys, self.lam.tolist(), strict=True))),
        )

    def _settles_in(self, trajectory, x, x0, steady: float, weeks: int) -> int:
        for week, value in enumerate(trajectory):
            if abs(value - steady) <= SETTLE_TOLERANCE:
                return week
        week = weeks
        while week < MAX_SETTLE_WEEKS:
            x = self.step(x, x0)
            week += 1
            if abs(float(self.scores(x[None])[0]) - steady) <= SETTLE_TOLERANCE:
                return week
        return MAX_SETTLE_WEEKS


def forecast(
    group: Group,
    *,
    weeks: int = DEFAULT_WEEKS,
    send: Send | None = None,
    parameters: Parameters = DEFAULT_PARAMETERS,
) -> Forecast:
    """The group's forecast for the next `weeks` weeks (see the module docstring)."""
    return Model(group, parameters).forecast(weeks=weeks, send=send)


def first_recipients(
    group: Group,
    themes: Mapping[str, float],
    *,
    candidates: Sequence[str] | None = None,
    weeks: int = DEFAULT_WEEKS,
    parameters: Parameters = DEFAULT_PARAMETERS,
) -> tuple[FirstRecipient, ...]:
    """Who to send an asset with `themes` to first: see :meth:`Model.first_recipients`."""
    return Model(group, parameters).first_recipients(themes, candidates=candidates, weeks=weeks)
