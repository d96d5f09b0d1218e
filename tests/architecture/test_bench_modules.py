"""`make bench` is not part of `make test`, so a benchmark that no longer imports would only
show when someone runs it. Each module is imported here (cheap: none seeds anything on
import) and must offer the run() that bench/__main__.py calls."""

import importlib
from pathlib import Path

import pytest

BENCH = Path(__file__).resolve().parents[2] / "bench"
MODULES = sorted(p.stem for p in BENCH.glob("bench_*.py"))


def test_there_are_benchmarks():
    assert len(MODULES) >= 10


@pytest.mark.parametrize("name", MODULES)
def test_benchmark_imports_and_runs_from_the_command(name):
    module = importlib.import_module(f"bench.{name}")
    assert callable(module.run)
