"""The full analysis of a 50-member group with 2,000 touches; goal <= 10 ms (issue 5, where
json.dumps of the touches took 3.64 ms: held as that ratio, `bench.results.Budget`).

1. Pure pipeline (no Django, no database), in this process: everything
   `scoring.analysis.analyze` computes once the rows are loaded, as it computes it: the
   touches as columns (no TouchEvent), analyze_graph, role coverage, the narrative,
   exposure, exposure and priority divergence, friction on every tie, common ground,
   tailoring index and readiness (with a GroupState built as scoring/analysis.py builds
   it). tests/bench/test_bench_analysis.py holds its results to `analyze`'s. Baseline,
   same run: `json.dumps` of the 2,000 touch rows (ISO timestamps), i.e. serialising the
   input once.
2. The DB-backed adapter `scoring.analysis.analyze` on the same group in a scratch SQLite
   database, in a child process (Django is set up once per process, and other bench
   modules use other scratch databases). Informational (goal "report"); baseline: the
   pure pipeline measured in that child.

Also home of what the Django bench modules share: `group_spec` (a deterministic group as
plain data), `seed_group` (writes one to the database) and `run_child` (runs a module's
`--child` mode in a subprocess on its own scratch database).
"""

from __future__ import annotations

import json
import sys
from collections import Counter
from datetime import datetime
from itertools import compress

import numpy as np

from bench.children import child_main, log, run_child, seed_group, seed_organization, setup_django
from bench.group_spec import (
    AS_OF,
    HALF_LIFE_DAYS,
    MEMBERS,
    RECENT_DAYS,
    TIES,
    TOUCHES,
    GroupSpec,
    group_spec,
    theme_slugs,
)
from bench.results import Budget, Result, median_ms
from planner.buying_roles import DEFAULT_REQUIRED_ROLES, ROLE_LABELS
from scoring.core.baseline import baseline_note, baseline_purchase_likelihood
from scoring.core.divergence import Member, common_ground, divergence, pairwise_divergences
from scoring.core.exposure import (
    SECONDS_PER_DAY,
    TouchTable,
    read_only_weights,
    table_exposure_and_mass,
)
from scoring.core.graph import Person, Tie, analyze_graph
from scoring.core.graph import missing_roles as role_coverage
from scoring.core.narrative import describe
from scoring.core.readiness import GroupState, readiness

PIPELINE = Budget(10.0, 3.64, "json.dumps of the touches")

# ----------------------------------------------------------------- pure pipeline


def touch_rows(spec: GroupSpec) -> list[tuple]:
    """What `scoring.touch_history` reads of each touch, as the database gives it: (email,
    occurred_at, the themes' JSON text, message id)."""
    return [
        (
            spec.people[t.person].email,
            t.occurred_at,
            json.dumps(t.themes),
            t.message_key or f"touch-{i}",
        )
        for i, t in enumerate(spec.touches)
    ]


def touch_table(rows: list[tuple], *, as_of: datetime):
    """What `scoring.touch_history.read_touches` makes of the rows, as it makes it: the
    touches as columns (`TouchTable`: each distinct moment's age and each distinct themes
    text decoded once, no TouchEvent), the tailoring index and the recently touched
    people (the messages that reached one person only, among the touches of the last
    RECENT_DAYS)."""
    emails, occurred, texts, messages = zip(*rows, strict=True)
    keys = list(dict.fromkeys(emails))
    number = {key: n for n, key in enumerate(keys)}
    ages = {
        moment: (as_of - moment).total_seconds() / SECONDS_PER_DAY
        for moment in dict.fromkeys(occurred)
    }
    distinct = list(dict.fromkeys(texts))
    place = {text: n for n, text in enumerate(distinct)}
    table = TouchTable(
        keys=keys,
        person=np.fromiter(map(number.__getitem__, emails), dtype=np.intp, count=len(rows)),
        age_days=np.fromiter(map(ages.__getitem__, occurred), dtype=float, count=len(rows)),
        themes=list(map(place.__getitem__, texts)),
        weights=[read_only_weights(json.loads(text)) for text in distinct],
    )
    recipients = Counter(message for message, _ in set(zip(messages, emails, strict=True)))
    alone = {message for message, count in recipients.items() if count == 1}
    recent = [0 <= ages[moment] <= RECENT_DAYS for moment in occurred]
    recent_messages = list(compress(messages, recent))
    single = sum(map(alone.__contains__, recent_messages))
    tailoring = single / len(recent_messages) if recent_messages else 0.0
    return table, tailoring, frozenset(compress(emails, recent))


def pure_pipeline(spec: GroupSpec, rows: list[tuple], *, as_of: datetime):
    """What `scoring.analysis.analyze` (with `group_map`) computes after its queries, with
    the same calls: the touches as columns (`touch_table`), exposure and its mass from
    them (`table_exposure_and_mass`), friction on every tie through
    `pairwise_divergences`, the tailoring index, readiness (tests/bench holds this to what
    `analyze` says of the same group)."""
    people = [
        Person(p.email, p.influence, role=ROLE_LABELS.get(p.buying_role, "Other"), stance=p.stance)
        for p in spec.people
    ]
    ties = [Tie(people[a].key, people[b].key, kind, s) for a, b, kind, s in spec.ties]
    insights = analyze_graph(people, ties)
    coverage = role_coverage({p.buying_role for p in spec.people}, list(DEFAULT_REQUIRED_ROLES))
    missing_labels = tuple(ROLE_LABELS.get(role, role) for role in coverage.missing)
    names = {p.email: p.name or p.email for p in spec.people}
    size = len(spec.people)
    sentences = describe(insights, coverage, names=names, size=size, missing_labels=missing_labels)
    baseline_purchase_likelihood(size)
    baseline_note(size)

    table, tailoring, recent = touch_table(rows, as_of=as_of)
    exposures, _mass = table_exposure_and_mass(table, half_life_days=HALF_LIFE_DAYS)
    members = [
        Member(
            key=p.email,
            influence=float(p.influence),
            exposure=exposures.get(p.email, {}),
            priorities=p.priorities,
        )
        for p in spec.people
    ]
    exposure_divergence = divergence(members)
    friction = pairwise_divergences(
        exposures, (tuple(sorted((tie.source, tie.target))) for tie in ties)
    )
    ground = common_ground(members)
    state = GroupState(
        people=tuple(people),
        names=names,
        insights=insights,
        coverage=coverage,
        missing_role_labels=missing_labels,
        divergence=exposure_divergence,
        exposures=exposures,
        common_ground=ground,
        theme_names={slug: slug.replace("-", " ").title() for slug in theme_slugs()},
        tailoring=tailoring,
        recently_touched=recent,
    )
    return (
        sentences,
        friction,
        divergence(members, use="priorities"),
        readiness(state),
    )


def json_baseline(rows: list[tuple]) -> str:
    return json.dumps(
        [
            {"key": key, "at": at.isoformat(), "themes": themes, "message": message}
            for key, at, themes, message in rows
        ]
    )


def measure_pure(spec: GroupSpec, *, as_of: datetime, runs: int = 100) -> tuple[float, float]:
    rows = touch_rows(spec)
    value = median_ms(lambda: pure_pipeline(spec, rows, as_of=as_of), runs=runs, warmup=10)
    baseline = median_ms(lambda: json_baseline(rows), runs=runs, warmup=10)
    return value, baseline


def _child() -> list[dict]:
    setup_django()
    from scoring.analysis import analyze

    spec = group_spec()
    group = seed_group(seed_organization(), spec, name="Fifty")
    analyze(group, as_of=AS_OF)  # warm caches (content types, prepared statements)
    value = median_ms(lambda: analyze(group, as_of=AS_OF), runs=40, warmup=5)
    pure, _ = measure_pure(spec, as_of=AS_OF, runs=40)
    return [
        {
            "name": "analysis: scoring.analysis.analyze, DB-backed (50 members, 2,000 touches, "
            "SQLite); baseline = pure pipeline",
            "value": value,
            "unit": "ms",
            "goal": "report",
            "baseline": pure,
            "ok": True,
        }
    ]


def run() -> list[Result]:
    spec = group_spec()
    log(
        f"analysis: {len(spec.people)} people, {len(spec.ties)} ties, {len(spec.touches)} "
        f"touches, {len({t.message_key for t in spec.touches if t.message_key})} shared keys"
    )
    value, baseline = measure_pure(spec, as_of=AS_OF, runs=200)
    results = [
        Result.measured(
            name=f"analysis: full pure pipeline ({MEMBERS} members, {TIES} ties, "
            f"{TOUCHES:,} touches); baseline = json.dumps of the touches",
            value=value,
            unit="ms",
            goal=PIPELINE.goal,
            baseline=baseline,
            ok=PIPELINE.holds(value, baseline),
        )
    ]
    results += run_child("bench.bench_analysis", timeout=300)
    return results


if __name__ == "__main__":
    sys.exit(child_main(sys.argv[1:], _child))
