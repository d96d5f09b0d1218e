"""docs/scoring.md's worked forecast example, read from the page and checked against the code."""

import re
from pathlib import Path

import pytest

from scoring.core.forecast import Group, Model, Send
from scoring.core.graph import Person, Tie

DOC = Path(__file__).resolve().parents[3] / "docs" / "scoring.md"


@pytest.fixture(scope="module")
def example() -> str:
    text = DOC.read_text()
    start = text.index("**A worked example you can check by hand.**")
    return text[start : text.index("**Its limits", start)]


@pytest.fixture(scope="module")
def model() -> Model:
    return Model(
        Group(
            people=(
                Person("ana", 3, "Champion", "supporter"),
                Person("ben", 3, "End User", "neutral"),
            ),
            ties=(Tie("ana", "ben", "collaborates", 3),),
            exposures={"ana": {"cost": 1.0}, "ben": {"security": 1.0}},
        )
    )


def _bold(example: str) -> list[str]:
    return re.findall(r"\*\*([^*]+)\*\*", example)


def _pair(mix) -> str:
    cost, security = (round(mix.get(t, 0.0), 3) for t in ("cost", "security"))
    return f"({cost:g}, {security:g})"


def test_the_worked_example_matches_the_model(example, model):
    bold = _bold(example)
    assert list(model.lam) == [0.5, 0.6]  # "Ana's openness is 0.5, Ben's 0.6"
    assert "Ana's openness is 0.5, Ben's 0.6" in example

    today = model.forecast(weeks=0)
    assert f"divergence {round(today.divergence * 100)}" in example.replace("**", "")

    week1 = model.forecast(weeks=1)
    assert _pair(week1.mixes["ana"]) in bold
    assert _pair(week1.mixes["ben"]) in bold
    assert f"{week1.divergence * 100:.1f}" in bold

    settled = model.forecast(weeks=12)
    assert _pair(_steady_mix(model, 0)) in bold
    assert _pair(_steady_mix(model, 1)) in bold
    assert f"{settled.steady * 100:.1f}" in bold
    assert f"{settled.settles_in} weeks" in bold

    sent = model.forecast(weeks=12, send=Send({"cost": 1.0, "security": 1.0}, ("ana",)))
    assert f"{sent.steady * 100:.1f}" in bold
    x0, mix = model._widen({"cost": 1.0, "security": 1.0})
    ana_sent = dict(zip(model.themes, model.sent_rows(x0, mix)[0].tolist(), strict=True))
    assert f"makes her mix {_pair(ana_sent)}" in example


def _steady_mix(model: Model, row: int) -> dict[str, float]:
    x = model.steady_state(model.x0)[row]
    return dict(zip(model.themes, (float(v) / float(x.sum()) for v in x), strict=True))


def test_the_parameter_table_shows_the_values_the_code_uses():
    from scoring.core.forecast_parameters import PARAMETERS

    text = DOC.read_text().replace("\u00d7", "x")  # the docs print a multiplication sign
    section = text[text.index("## The consensus forecast") :]
    for name, value, _why in PARAMETERS:
        assert f"| {name} | {value} |" in section, (name, value)
