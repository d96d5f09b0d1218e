"""The worked examples of docs/scoring.md, computed by hand there and by the code here.

Changing a weight (BASE, DIVERGENCE_BONUS, W_COVERAGE, NEED_PRIORITIES...) breaks these
tests: then the page and the code must be brought back into agreement on purpose.
"""

from pathlib import Path

from scoring.core.graph import Person, Tie
from scoring.core.readiness import readiness
from suggestions.engine import Audience, Candidate, suggest
from tests.scoring.core.group_states import build_state

DOCS = Path(__file__).resolve().parents[3] / "docs" / "scoring.md"


def test_the_readiness_worked_example_scores_75_as_the_page_says():
    people = [
        Person("ana@x.test", 4, "Champion", "supporter"),
        Person("bo@x.test", 3, "Decision Maker", "neutral"),
        Person("cy@x.test", 5, "Budget Holder", "skeptic"),
        Person("dee@x.test", 2, "End User", "unknown"),
    ]
    ties = [
        Tie("ana@x.test", "bo@x.test", "collaborates", 4),
        Tie("bo@x.test", "cy@x.test", "reports_to", 3),
        Tie("ana@x.test", "cy@x.test", "influences", 3),
        Tie("dee@x.test", "ana@x.test", "collaborates", 2),
    ]
    heard = {"security": 1.0}
    state = build_state(people, ties, {"ana@x.test": heard, "bo@x.test": heard, "cy@x.test": heard})

    result = readiness(state)

    effects = {f.name: f.effect for f in result.factors}
    assert effects == {
        "Divergence": 1,
        "Common ground": 6,
        "Group size": -1,
        "Unaligned members": -1,
        "Stance mix": 0,
    }
    assert result.score == 75
    page = DOCS.read_text(encoding="utf-8")
    assert "**Readiness 75.**" in page
    for points in ("**70**", "**+1**", "**+6**", "**\u22121**", "**0**"):
        assert points in page


def test_the_suggestion_worked_example_scores_0_9032_as_the_page_says():
    ana = Audience(
        key="ana@x.test",
        name="Ana",
        influence=3,
        role="Influencer",
        consent=True,
        exposure={},
        mass=0,
        priorities={"security": 3, "cost": 1},
        seen=frozenset(),
    )
    checklist = Candidate(
        key="security-checklist",
        title="Security checklist",
        framing="shared_problem",
        level="mass_customized",
        stage="problem_identification",
        themes={"security": 1},
    )

    plan = suggest([ana], [checklist], stage="problem_identification")

    [best] = plan.ranked
    assert best.score == 0.9032
    assert "**0.9032**" in DOCS.read_text(encoding="utf-8")
