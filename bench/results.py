"""The tiny benchmark framework: one Result per measurement, timing and output helpers."""

import json
import math
import statistics
import time
import tracemalloc
from collections.abc import Callable, Iterable
from dataclasses import asdict, dataclass
from pathlib import Path

RESULTS_PATH = Path(__file__).resolve().parent / "results.json"


@dataclass(frozen=True)
class Result:
    name: str
    value: float | None  # what was measured (None when the module failed)
    unit: str  # "ms", "queries", ...
    goal: str  # human words, e.g. "<= 10 ms"
    baseline: float | None  # the reference measured in the same run
    ratio: float | None  # value / baseline
    ok: bool  # whether the goal holds

    @classmethod
    def measured(
        cls, name: str, value: float, unit: str, goal: str, baseline: float | None, ok: bool
    ) -> "Result":
        """A result with ratio = value / baseline filled in (None without a baseline)."""
        ratio = value / baseline if baseline else None
        return cls(name, value, unit, goal, baseline, ratio, bool(ok))

    @classmethod
    def failed(cls, name: str, reason: str) -> "Result":
        return cls(name, None, "", f"run() raised: {reason}", None, None, False)

    def line(self) -> str:
        status = "ok  " if self.ok else "FAIL"
        if self.value is None:
            return f"{status} {self.name}: {self.goal}"
        measured = f"{_number(self.value)} {self.unit}".rstrip()
        extra = ""
        if self.baseline is not None:
            extra = f", baseline {_number(self.baseline)} {self.unit}".rstrip()
            if self.ratio is not None:
                extra += f", ratio {self.ratio:.2f}"
        return f"{status} {self.name}: {measured} (goal {self.goal}{extra})"


def _number(value: float) -> str:
    return f"{value:.3f}" if isinstance(value, float) else str(value)


def _finite(value: float | None) -> float | None:
    return value if value is None or math.isfinite(value) else None


def median_ms(
    fn: Callable[[], object],
    *,
    runs: int = 200,
    warmup: int = 20,
    before: Callable[[], object] | None = None,
) -> float:
    """Median wall time of fn() in milliseconds, after warm-up calls; `before()`, when
    given, is called ahead of each call of fn, untimed (a write the measured read
    follows, such as the version bump of an uncached page)."""
    samples = []
    for n in range(warmup + runs):
        if before is not None:
            before()
        start = time.perf_counter_ns()
        fn()
        if n >= warmup:
            samples.append(time.perf_counter_ns() - start)
    return statistics.median(samples) / 1e6


def medians_side_by_side(
    fn: Callable[[], object],
    baseline: Callable[[], object],
    *,
    rounds: int = 10,
    runs: int = 4,
    baseline_runs: int = 10,
    warmup: int = 1,
) -> tuple[float, float]:
    """Median wall times (ms) of fn() and of its baseline(), measured side by side: in
    `rounds` rounds of `baseline_runs` baseline calls then `runs` calls of fn, each block
    after `warmup` untimed calls. On a shared machine whose speed drifts from second to
    second, a ratio of the two is then taken over the same seconds (measured one after
    the other, its spread from run to run was 0.25x; side by side, 0.10x, around the same
    value)."""
    samples: list[int] = []
    baseline_samples: list[int] = []
    for _ in range(rounds):
        for call, kept, count in ((baseline, baseline_samples, baseline_runs), (fn, samples, runs)):
            for _ in range(warmup):
                call()
            for _ in range(count):
                start = time.perf_counter_ns()
                call()
                kept.append(time.perf_counter_ns() - start)
    return statistics.median(samples) / 1e6, statistics.median(baseline_samples) / 1e6


def peak_mb(fn: Callable[[], object]) -> float:
    """Peak memory Python allocated while fn() ran (tracemalloc), in MB."""
    tracemalloc.start()
    try:
        fn()
        return tracemalloc.get_traced_memory()[1] / 1e6
    finally:
        tracemalloc.stop()


def write(results: Iterable[Result], path: Path = RESULTS_PATH) -> None:
    """Write results as a JSON list of {name, value, unit, goal, baseline, ratio, ok}."""
    rows = []
    for result in results:
        row = asdict(result)
        for key in ("value", "baseline", "ratio"):
            row[key] = _finite(row[key])  # NaN/inf are not JSON
        rows.append(row)
    path.write_text(json.dumps(rows, indent=2) + "\n", encoding="utf-8")
