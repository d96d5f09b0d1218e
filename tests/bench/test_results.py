"""The bench's timing helpers: what is timed beside what, and budgets held as ratios."""

from bench.results import ISSUE_BARE_MS, medians_side_by_side, within_budget


def test_side_by_side_prepares_each_call_of_the_page_and_never_the_baseline():
    calls = []
    medians_side_by_side(
        lambda: calls.append("page"),
        lambda: calls.append("bare"),
        rounds=2,
        runs=2,
        baseline_runs=3,
        warmup=1,
        before=lambda: calls.append("write"),
    )
    round_ = ["bare"] * 4 + ["write", "page"] * 3  # 1 warm-up + 3 bare, 1 warm-up + 2 pages
    assert calls == round_ * 2


def test_a_budget_is_the_ratio_it_was_written_at():
    # 40 ms where the bare page took 1.6 ms: 25x the bare page timed beside the page
    assert ISSUE_BARE_MS == 1.6
    row = within_budget("page", 75.0, 3.0, 40.0)  # 25 x 3 ms = 75 ms: just within
    assert row["ok"] is True
    assert row["goal"] == "<= 25x (40 ms where the bare page takes 1.6)"
    assert row["baseline"] == 3.0 and row["unit"] == "ms"
    assert within_budget("page", 75.1, 3.0, 40.0)["ok"] is False
    assert within_budget("page", 40.1, 1.6, 40.0)["ok"] is False  # the issue's own machine
    assert within_budget("page", 400.0, 2.0, 250.0)["ok"] is False  # 156.25x: 312.5 ms


def test_without_a_budget_a_time_is_reported():
    row = within_budget("page", 900.0, 1.0, None)
    assert row["ok"] is True and row["goal"] == "report"
