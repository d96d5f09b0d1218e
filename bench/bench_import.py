"""Importing a touches file of 10,000 rows into a group of 200 people; goal <= 3 s
beyond start-up (issue 14), all or nothing, in bulk. And a file of 50,000 rows (the
most an import takes): within half of a web worker's 30 s timeout (the confirm request
plans and writes it), and its peak extra memory (the process's high-water mark of
resident memory, less what it held before) <= 256 MB.

Runs in a child process on a scratch SQLite database and, when `BENCH_POSTGRES_URL` is
set (CI sets it to its PostgreSQL service), again on that database. Measured: the
preview (`import_plan`, which parses and validates every row) plus the write
(`import_apply`). Baseline, same run: reading the CSV alone (`csvio.reader.read_table`).
Start-up (Django setup, migrations, seeding the people) is not counted.
"""

import os
import resource
import sys
import time
from datetime import UTC, datetime, timedelta

from bench.children import (
    child_main,
    log,
    run_on_both,
    seed_organization,
    setup_django,
)
from bench.results import Result

GOAL_S = 3.0
TOUCHES = 10_000
PEOPLE = 200
MOST_TOUCHES = 50_000  # planner.importing.MAX_ROWS
MOST_GOAL_S = 15.0  # half of gunicorn's 30 s timeout (config/gunicorn.py)
MOST_MEMORY_GOAL_MB = 256.0


def touches_csv(rows: int = TOUCHES, people: int = PEOPLE) -> bytes:
    start = datetime(2026, 1, 1, tzinfo=UTC)
    lines = ["email,occurred_at,channel,asset,themes"]
    for i in range(rows):
        moment = (start + timedelta(minutes=7 * i)).isoformat()
        lines.append(f"p{i % people}@buyer.example,{moment},email,,theme{i % 9}:{1 + i % 3}")
    return ("\n".join(lines) + "\n").encode()


def _resident_mb() -> float:
    with open("/proc/self/status") as status:  # Linux, as our machines and the image
        kilobytes = next(line for line in status if line.startswith("VmRSS:")).split()[1]
    return int(kilobytes) / 1024


def _import(group, rows: int) -> float:
    """Seconds to preview and write a touches file of `rows` rows into `group`."""
    from planner.importing import import_apply, import_plan
    from planner.models import Stakeholder, Touch

    Stakeholder.objects.bulk_create(
        Stakeholder(group=group, email=f"p{i}@buyer.example", name=f"P{i}") for i in range(PEOPLE)
    )
    data = touches_csv(rows)
    started = time.perf_counter()
    plan = import_plan(group=group, touches=data)
    assert plan.ok, plan.problems[:3]
    import_apply(group=group, plan=plan)
    value = time.perf_counter() - started
    assert Touch.objects.filter(group=group).count() == rows
    return value


def _child() -> list[dict]:
    setup_django()
    from csvio.reader import read_table
    from planner.importing import MAX_BYTES, MAX_ROWS
    from planner.models import BuyingGroup

    assert MAX_ROWS == MOST_TOUCHES
    organization = seed_organization(f"bench-import-{os.getpid()}")
    data = touches_csv()
    started = time.perf_counter()
    read_table(data, max_bytes=MAX_BYTES, max_rows=MAX_ROWS)
    baseline = time.perf_counter() - started
    group = BuyingGroup.objects.create(organization=organization, name="Import", account="x")
    value = _import(group, TOUCHES)
    engine = "PostgreSQL" if "postgres" in os.environ["DATABASE_URL"] else "SQLite"
    log(f"imported {TOUCHES:,} touches on {engine} in {value:.2f} s")

    group = BuyingGroup.objects.create(organization=organization, name="Most rows", account="x")
    before_mb = _resident_mb()
    most = _import(group, MOST_TOUCHES)
    peak_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024 - before_mb
    log(f"imported {MOST_TOUCHES:,} touches on {engine} in {most:.2f} s, {peak_mb:.0f} MB extra")
    return [
        {
            "name": f"import.touches ({TOUCHES:,} rows, {PEOPLE} people, {engine})",
            "value": value,
            "unit": "s",
            "goal": f"<= {GOAL_S:g} s",
            "baseline": baseline,
            "ok": value <= GOAL_S,
        },
        {
            "name": f"import.touches ({MOST_TOUCHES:,} rows, the most an import takes, "
            f"{engine}) vs {TOUCHES:,} rows",
            "value": most,
            "unit": "s",
            "goal": f"<= {MOST_GOAL_S:g} s",
            "baseline": value,
            "ok": most <= MOST_GOAL_S,
        },
        {
            "name": f"import.touches ({MOST_TOUCHES:,} rows): peak extra memory ({engine})",
            "value": peak_mb,
            "unit": "MB",
            "goal": f"<= {MOST_MEMORY_GOAL_MB:g} MB",
            "baseline": None,
            "ok": peak_mb <= MOST_MEMORY_GOAL_MB,
        },
    ]


def run() -> list[Result]:
    return run_on_both("bench.bench_import", timeout=600, with_redis=False)


if __name__ == "__main__":
    sys.exit(child_main(sys.argv[1:], _child))
