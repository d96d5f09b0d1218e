"""The analysis benchmark's pure pipeline computes what the app computes: the same group,
analysed by `scoring.analysis.analyze` from the database, gets the same readiness, the
same divergences and the same friction on every tie (so the benchmark times the work the
app does, not work it no longer does)."""

import pytest

from bench.bench_analysis import pure_pipeline, touch_rows
from bench.children import seed_group, seed_organization
from bench.group_spec import AS_OF, group_spec
from scoring.analysis import analyze


@pytest.mark.django_db
def test_the_pure_pipeline_says_what_analyze_says():
    spec = group_spec(members=12, ties=30, touches=400)
    group = seed_group(seed_organization("bench-test"), spec, name="Twelve")
    sentences, friction, priorities, readiness = pure_pipeline(spec, touch_rows(spec), as_of=AS_OF)
    analysis = analyze(group, as_of=AS_OF)
    assert readiness.score == analysis.readiness.score
    assert [(f.name, f.effect) for f in readiness.factors] == [
        (f.name, f.effect) for f in analysis.readiness.factors
    ]
    assert priorities.score == pytest.approx(analysis.priority_divergence.score, abs=1e-12)
    assert friction == pytest.approx(analysis.friction, abs=1e-12)
    assert [s.text for s in sentences] == [s.text for s in analysis.map.sentences]
    assert 0 < analysis.tailoring < 1 and readiness.score > 0
