"""Benchmarks: `python -m bench` runs every bench/bench_*.py module (never part of tests)."""
