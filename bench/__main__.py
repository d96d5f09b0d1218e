"""Run every bench/bench_*.py module: `python -m bench [NAME ...] [--strict]`.

Each module's run() returns a list of Result (an empty list skips it). A module whose
run() raises is reported as a failed line and makes the command exit 1. With --strict,
a missed goal also exits 1. This file never imports Django: a module that needs it
calls django.setup() itself.
"""

import argparse
import importlib
import sys
import time
import traceback
from pathlib import Path

from bench.results import RESULTS_PATH, Result, write


def _modules(selected: list[str]) -> list[str]:
    names = sorted(p.stem for p in Path(__file__).resolve().parent.glob("bench_*.py"))
    if selected:
        names = [n for n in names if any(s in n for s in selected)]
    return names


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench", description=__doc__)
    parser.add_argument("names", nargs="*", help="run only modules whose name contains these")
    parser.add_argument("--strict", action="store_true", help="exit 1 when any goal is missed")
    args = parser.parse_args(argv)

    results: list[Result] = []
    crashed = False
    for name in _modules(args.names):
        started = time.perf_counter()
        try:
            produced = list(importlib.import_module(f"bench.{name}").run())
        except Exception as exc:
            traceback.print_exc(file=sys.stderr)
            produced = [Result.failed(name, f"{type(exc).__name__}: {exc}")]
            crashed = True
        if not produced:
            print(f"skip {name}", flush=True)
        for result in produced:
            results.append(result)
            print(result.line(), flush=True)
        print(f"     ({name} took {time.perf_counter() - started:.1f} s)", flush=True)

    write(results)
    print(f"wrote {RESULTS_PATH}")
    missed = any(not r.ok for r in results)
    return 1 if crashed or (args.strict and missed) else 0


if __name__ == "__main__":
    sys.exit(main())
