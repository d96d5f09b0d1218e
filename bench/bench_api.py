"""The HTTP API: 10,000 touches in calls of 1,000 (goal <= 5 s on PostgreSQL), and
GET /analysis of a 50-member group within 2x the group page's server time.

Runs in a child process with production-like settings (DEBUG off), through
django.test.Client and the full middleware stack, with a write key. On PostgreSQL when
DATABASE_URL names it (a scratch database beside it, dropped afterwards), else on a
scratch SQLite file (then the touches goal, set for PostgreSQL, is reported all the same).

1. Touches: a 50-member group; 10 POSTs of 1,000 touches each to
   /api/v1/groups/<id>/touches (each person 200 touches at distinct times, themes
   given). Baseline: the same 10,000 rows as 10 CSV files through the CSV import
   (`import_plan` + `import_apply`) into another group: what the API builds on. Each is
   run twice into fresh groups and the faster run counts (on a shared machine, other
   load only ever adds time).
2. Analysis: GET /api/v1/groups/<id>/analysis of the bench's 50-member group (150 ties,
   2,000 touches), median, against GET /groups/<id>/ (the group page, as a signed-in
   marketer), median, both as most requests get them (cached after the first views).
   The uncached analysis (the group's cache version bumped before each GET, as after
   every write) is reported too, informational.
"""

from __future__ import annotations

import json
import os
import sys
import time
from datetime import UTC, datetime, timedelta

from bench.children import (
    django_env,
    log,
    run_child,
    seed_group,
    seed_organization,
    setup_django,
)
from bench.group_spec import group_spec
from bench.results import Result, median_ms

TOUCH_GOAL_S = 5.0
ANALYSIS_RATIO = 2.0
CALLS = 10
PER_CALL = 1_000
RUNS = 2
START = datetime(2026, 1, 5, 8, 0, tzinfo=UTC)


def _touches(emails: list[str], call: int) -> list[dict]:
    rows = []
    for i in range(PER_CALL):
        n = call * PER_CALL + i
        rows.append(
            {
                "email": emails[n % len(emails)],
                "occurred_at": (START + timedelta(minutes=n)).isoformat(),
                "channel": "email",
                "themes": {f"theme-{n % 7}": 1 + n % 3},
            }
        )
    return rows


def _csv(rows: list[dict]) -> bytes:
    lines = ["email,occurred_at,channel,asset,themes"]
    for row in rows:
        themes = ";".join(f"{k}:{v}" for k, v in row["themes"].items())
        lines.append(f"{row['email']},{row['occurred_at']},{row['channel']},,{themes}")
    return ("\n".join(lines) + "\n").encode()


def _child() -> list[dict]:
    setup_django()
    from django.test import Client

    from accounts.models import Membership, User
    from accounts.roles import Role
    from api.keys import api_key_create
    from planner.importing import import_apply, import_plan
    from planner.models import BuyingGroup, Stakeholder, Touch
    from scoring.versions import bump_group

    organization = seed_organization()
    user = User.objects.create_user("marketer@bench.example", "not-used-password-1", name="M")
    Membership.objects.create(user=user, organization=organization, role=Role.MARKETER)
    _key, secret = api_key_create(organization=organization, name="bench", scope="write")
    auth = {"HTTP_AUTHORIZATION": f"Bearer {secret}"}
    api = Client()

    # 1. touches -------------------------------------------------------------------------
    # Each way twice, into fresh groups; the faster run counts (other load only adds time).
    emails = [f"p{i}@buyer.example" for i in range(50)]
    bodies = [json.dumps(_touches(emails, call)) for call in range(CALLS)]
    files = [_csv(_touches(emails, call)) for call in range(CALLS)]

    def target(name: str) -> BuyingGroup:
        group = BuyingGroup.objects.create(organization=organization, name=name)
        Stakeholder.objects.bulk_create(
            Stakeholder(group=group, email=email, name=email.split("@")[0]) for email in emails
        )
        return group

    def through_api(group: BuyingGroup) -> float:
        started = time.perf_counter()
        for body in bodies:
            response = api.post(
                f"/api/v1/groups/{group.pk}/touches", body, content_type="application/json", **auth
            )
            if response.status_code != 200 or response.json()["created"] != PER_CALL:
                raise RuntimeError(
                    f"touches call answered {response.status_code}: {response.content[:300]}"
                )
        seconds = time.perf_counter() - started
        stored = Touch.objects.filter(group=group).count()
        if stored != CALLS * PER_CALL:
            raise RuntimeError(f"{stored} touches stored, not {CALLS * PER_CALL}")
        return seconds

    def through_csv(group: BuyingGroup) -> float:
        started = time.perf_counter()
        for data in files:
            plan = import_plan(group=group, touches=data)
            if not plan.ok:
                raise RuntimeError(f"CSV import refused: {plan.problems[:3]}")
            import_apply(group=group, plan=plan)
        return time.perf_counter() - started

    api_runs = [through_api(target(f"API target {run}")) for run in range(RUNS)]
    csv_runs = [through_csv(target(f"CSV target {run}")) for run in range(RUNS)]
    api_seconds, csv_seconds = min(api_runs), min(csv_runs)
    log(
        "api: 10,000 touches through the API "
        + ", ".join(f"{s:.2f}" for s in api_runs)
        + " s; through CSV "
        + ", ".join(f"{s:.2f}" for s in csv_runs)
        + " s"
    )

    # 2. analysis vs the group page --------------------------------------------------------
    group = seed_group(
        organization,
        group_spec(members=50, ties=150, touches=2_000, end=datetime.now(UTC), seed=50),
        name="Fifty",
    )
    page_client = Client()
    page_client.force_login(user)
    page_url = f"/groups/{group.pk}/"
    analysis_url = f"/api/v1/groups/{group.pk}/analysis"

    def get_page():
        response = page_client.get(page_url)
        if response.status_code != 200:
            raise RuntimeError(f"group page answered {response.status_code}")

    def get_analysis():
        response = api.get(analysis_url, **auth)
        if response.status_code != 200:
            raise RuntimeError(f"analysis answered {response.status_code}")

    page = median_ms(get_page, runs=40, warmup=5)
    analysis = median_ms(get_analysis, runs=40, warmup=5)

    def cold_analysis():
        bump_group(group.pk)
        get_analysis()

    cold = median_ms(cold_analysis, runs=15, warmup=3)
    log(f"api: analysis {analysis:.1f} ms (uncached {cold:.1f} ms), group page {page:.1f} ms")
    vendor = os.environ.get("DATABASE_URL", "").split(":", 1)[0]
    on = "PostgreSQL" if vendor.startswith("postgres") else "SQLite"
    return [
        {
            "name": f"api: 10,000 touches in 10 POSTs of 1,000 ({on}); baseline = the same rows "
            "as 10 CSV imports",
            "value": api_seconds,
            "unit": "s",
            "goal": f"<= {TOUCH_GOAL_S:g} s on PostgreSQL",
            "baseline": csv_seconds,
            "ok": api_seconds <= TOUCH_GOAL_S,
        },
        {
            "name": f"api: GET /analysis (50 members, 2,000 touches) vs the group page ({on})",
            "value": analysis,
            "unit": "ms",
            "goal": f"<= {ANALYSIS_RATIO:g}x",
            "baseline": page,
            "ok": analysis <= ANALYSIS_RATIO * page,
        },
        {
            "name": "api: GET /analysis UNCACHED (version bumped before each GET) vs the group "
            "page, informational",
            "value": cold,
            "unit": "ms",
            "goal": "report",
            "baseline": page,
            "ok": True,
        },
    ]


def run() -> list[Result]:
    database_url = os.environ.get("DATABASE_URL", "")
    # Rescoring after each write is queued for a worker (none here), as in production,
    # not run inline.
    queued = {"CELERY_TASK_ALWAYS_EAGER": "0"}
    if not database_url.startswith(("postgres://", "postgresql://")):
        return run_child("bench.bench_api", timeout=600, env=queued)
    from bench.bench_rescore import _scratch_postgres

    scratch, drop = _scratch_postgres(database_url)
    try:
        return run_child("bench.bench_api", timeout=600, sqlite=False, env=django_env(scratch))
    finally:
        drop()


if __name__ == "__main__":
    from bench.bench_analysis import child_main

    sys.exit(child_main(sys.argv[1:], _child))
