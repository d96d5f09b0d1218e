"""The consensus forecast: speed, and how well it predicts.

Speed (pure core, in process), on the bench's deterministic groups (bench_analysis):

* a forecast with a plan (one asset to one person), 50 members, preparing the model
  included; goal <= 20 ms. Baseline: one `divergence()` of the same group (the forecast
  scores 13 weeks and the steady state with the same measure).
* ranking every first recipient of an asset, 50 members; goal <= 200 ms. Baseline: the
  naive way, one full forecast per candidate.
* the same ranking for 500 members; goal <= 2 s. Baseline: one forecast, nothing sent.

Validation (mean absolute error of divergence, 0..1; baseline = "nothing changes", the
divergence at week k carried forward):

* simulated groups with known outcomes: the truth evolves by the same kind of dynamics
  but with each member's real openness off by up to +-0.2 and a few stray touches each
  week; the forecast made at week k (default parameters) against the truth at week k+4.
  Goal: better than "nothing changes".
* the demo groups (`seed_demo` on a scratch SQLite database, in a child process): the
  forecast made at week k against the divergence the app measures at week k+4. Reported
  only: the app measures what was *sent*, never what people told each other, so this
  compares the model with a measurement that cannot see its subject.
"""

from __future__ import annotations

import random
import sys
from datetime import timedelta

import numpy as np

from bench.children import child_main, run_child, setup_django
from bench.group_spec import AS_OF, group_spec
from bench.results import Result, median_ms
from planner.buying_roles import ROLE_LABELS
from scoring.core import forecast
from scoring.core.divergence import Member, divergence
from scoring.core.exposure import TouchEvent, exposure
from scoring.core.graph import Person, Tie

HORIZON = 4  # weeks between the forecast and the measurement
SIMULATED_GROUPS = 40


def forecast_group(members: int, ties: int, touches: int, seed: int) -> forecast.Group:
    spec = group_spec(members=members, ties=ties, touches=touches, seed=seed)
    people = tuple(
        Person(p.email, p.influence, role=ROLE_LABELS.get(p.buying_role, "Other"), stance=p.stance)
        for p in spec.people
    )
    links = tuple(Tie(people[a].key, people[b].key, kind, s) for a, b, kind, s in spec.ties)
    events = [
        TouchEvent(people[t.person].key, t.occurred_at, t.themes, t.message_key or None)
        for t in spec.touches
    ]
    return forecast.Group(people=people, ties=links, exposures=exposure(events, as_of=AS_OF))


def _asset(group: forecast.Group) -> dict[str, float]:
    themes = sorted({t for mix in group.exposures.values() for t in mix})
    return dict.fromkeys(themes[:3], 1.0)


def speed() -> list[Result]:
    results = []
    group = forecast_group(50, 150, 2_000, seed=50)
    asset = _asset(group)
    first = group.people[0].key
    send = forecast.Send(themes=asset, recipients=(first,))
    value = median_ms(lambda: forecast.forecast(group, send=send), runs=100, warmup=10)
    members = [Member(p.key, p.influence, group.exposures.get(p.key, {})) for p in group.people]
    baseline = median_ms(lambda: divergence(members), runs=100, warmup=10)
    results.append(
        Result.measured(
            "forecast: 12 weeks with a plan (50 members, model built); baseline = one divergence",
            value,
            "ms",
            "<= 20 ms",
            baseline,
            value <= 20,
        )
    )

    value = median_ms(lambda: forecast.first_recipients(group, asset), runs=30, warmup=3)

    def naive():
        model = forecast.Model(group)
        for person in group.people:
            model.forecast(send=forecast.Send(themes=asset, recipients=(person.key,)))

    baseline = median_ms(naive, runs=5, warmup=1)
    results.append(
        Result.measured(
            "forecast: rank every first recipient (50 members); baseline = one forecast each",
            value,
            "ms",
            "<= 200 ms",
            baseline,
            value <= 200,
        )
    )

    big = forecast_group(500, 1_500, 10_000, seed=500)
    big_asset = _asset(big)
    value = median_ms(lambda: forecast.first_recipients(big, big_asset), runs=3, warmup=1)
    baseline = median_ms(lambda: forecast.forecast(big), runs=3, warmup=1)
    results.append(
        Result.measured(
            "forecast: rank every first recipient (500 members); baseline = one forecast",
            value,
            "ms",
            "<= 2000 ms",
            baseline,
            value <= 2000,
        )
    )
    return results


# ----------------------------------------------------------------------- validation


def _simulated(seed: int) -> tuple[list[float], list[float]]:
    """(forecast errors, "nothing changes" errors) for one simulated group, weeks 0..8."""
    rng = random.Random(seed)
    n = rng.randint(5, 14)
    themes = [f"t{i}" for i in range(6)]
    stances = ["supporter", "neutral", "skeptic", "unknown"]
    people = tuple(Person(f"p{i}", rng.randint(1, 5), stance=rng.choice(stances)) for i in range(n))
    kinds = ["influences", "reports_to", "collaborates", "collaborates", "conflicts_with"]
    ties = tuple(
        Tie(f"p{a}", f"p{b}", rng.choice(kinds), rng.randint(1, 5))
        for a in range(n)
        for b in range(a + 1, n)
        if rng.random() < 2.5 / n
    )
    x = np.zeros((n, len(themes)))
    for i in range(n):
        if rng.random() < 0.8:
            for t in rng.sample(range(len(themes)), rng.randint(1, 2)):
                x[i, t] = rng.uniform(0.5, 2)
    x0 = x / np.maximum(x.sum(axis=1, keepdims=True), 1e-12)
    truth = forecast.Model(forecast.Group(people=people, ties=ties, exposures=_mixes(x0, themes)))
    lam = np.clip(truth.lam + np.array([rng.uniform(-0.2, 0.2) for _ in range(n)]), 0, 0.9)
    lam = np.where(truth.w.sum(axis=1) > 0, lam, 0.0)
    states, state, anchor = [x0], x0, x0.copy()
    for _ in range(8 + HORIZON):
        stray = np.zeros_like(anchor)
        for _ in range(rng.randint(0, 2)):  # a stray touch now and then
            stray[rng.randrange(n), rng.randrange(len(themes))] += 0.3
        anchor = anchor + stray
        anchor = anchor / np.maximum(anchor.sum(axis=1, keepdims=True), 1e-12)
        state = lam[:, None] * (truth.w @ state) + (1 - lam)[:, None] * anchor
        states.append(state)
    errors, persistence = [], []
    for k in range(0, 9, 2):
        group = forecast.Group(people=people, ties=ties, exposures=_mixes(states[k], themes))
        predicted = forecast.forecast(group, weeks=HORIZON).divergence
        actual = forecast.Model(group).scores(states[k + HORIZON][None])[0]
        now = forecast.Model(group).scores(states[k][None])[0]
        errors.append(abs(predicted - actual))
        persistence.append(abs(now - actual))
    return errors, persistence


def _mixes(x: np.ndarray, themes: list[str]) -> dict[str, dict[str, float]]:
    return {
        f"p{i}": {t: float(v) for t, v in zip(themes, row, strict=True) if v > 0}
        for i, row in enumerate(x)
    }


def simulated() -> Result:
    errors, persistence = [], []
    for seed in range(SIMULATED_GROUPS):
        e, p = _simulated(seed)
        errors += e
        persistence += p
    value, baseline = float(np.mean(errors)), float(np.mean(persistence))
    return Result.measured(
        f"forecast validation: {SIMULATED_GROUPS} simulated groups, forecast at week k vs "
        f"truth at k+{HORIZON} (MAE); baseline = nothing changes",
        value,
        "divergence",
        "< baseline",
        baseline,
        value < baseline,
    )


def _child() -> list[dict]:
    """The demo groups: forecast at week k vs the divergence measured at week k+4."""
    setup_django()
    from django.core.management import call_command
    from django.utils import timezone

    from planner.models import BuyingGroup, Touch
    from scoring.analysis import analyze, forecast_model

    call_command("seed_demo", verbosity=0)
    now = timezone.now()
    errors, persistence = [], []
    for group in BuyingGroup.objects.all():
        first = Touch.objects.filter(group=group).order_by("occurred_at").first()
        if first is None:
            continue
        moment = first.occurred_at + timedelta(weeks=1)
        while moment + timedelta(weeks=HORIZON) <= now:
            analysis = analyze(group, as_of=moment)
            predicted = forecast_model(analysis).forecast(weeks=HORIZON).divergence
            actual = analyze(group, as_of=moment + timedelta(weeks=HORIZON)).divergence.score
            errors.append(abs(predicted - actual))
            persistence.append(abs(analysis.divergence.score - actual))
            moment += timedelta(weeks=1)
    value = float(np.mean(errors)) if errors else 0.0
    baseline = float(np.mean(persistence)) if persistence else 0.0
    return [
        {
            "name": f"forecast validation: demo groups, forecast at week k vs divergence "
            f"measured at k+{HORIZON} (MAE, {len(errors)} forecasts); baseline = nothing changes",
            "value": value,
            "unit": "divergence",
            "goal": "report",
            "baseline": baseline,
            "ok": True,
        }
    ]


def run() -> list[Result]:
    return [*speed(), simulated(), *run_child("bench.bench_forecast", timeout=300)]


if __name__ == "__main__":
    sys.exit(child_main(sys.argv[1:], _child))
