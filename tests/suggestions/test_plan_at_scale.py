"""A plan at the sizes big groups reach: computed once per version of the group, and the
forecast's "who first" only as far as its budget of person pairs goes (see
`suggestions.suggesting`)."""

from django.db import connection
from django.test.utils import CaptureQueriesContext

from scoring.analysis import analyze, forecast_model
from scoring.cached import current_analysis
from suggestions import suggesting
from suggestions.engine import Plan, Suggestion


def test_a_plan_is_computed_once_per_version_of_the_group(
    tailored_group, shared_asset, frozen_clock
):
    first = suggesting.group_plan(tailored_group, top=5)
    with CaptureQueriesContext(connection) as queries:
        again = suggesting.group_plan(
            tailored_group, analysis=current_analysis(tailored_group), top=5
        )
    assert again == first
    read_assets = [
        q for q in queries.captured_queries if q["sql"].startswith('SELECT "content_asset"')
    ]
    assert not read_assets  # (the library's fingerprint, part of the version, is read)

    frozen_clock.shift(60)
    shared_asset.title = "The shared story, retold"
    shared_asset.save()  # the library is part of the group's version
    [renewed] = suggesting.group_plan(tailored_group, top=5).suggestions
    assert renewed.title == "The shared story, retold"


def _cards(everyone: tuple[str, ...], count: int) -> Plan:
    """`count` cards of the same asset, each to a different set of recipients (so each
    asks the forecast again), the rule's pick last in each."""
    cards = tuple(
        Suggestion(
            asset="shared-story",
            title="The shared story",
            score=1.0 - i / 100,
            reasons=("Covers it.", "Send it to them first."),
            recipients=everyone[i:] + everyone[:i],
            send_first=(everyone[i:] + everyone[:i])[-1],
        )
        for i in range(count)
    )
    return Plan(cards[:1], cards[1:], 0.5, 0.4, None, None, ())


def test_who_goes_first_is_forecast_card_by_card_until_the_budget_is_spent(
    tailored_group, shared_asset, monkeypatch
):
    analysis = analyze(tailored_group)
    everyone = tuple(s.email for s in analysis.map.stakeholders)
    model = forecast_model(analysis)
    pairs = len(everyone) * len(model.keys)  # what one card costs
    asked = []
    first_recipients = model.first_recipients

    def counted(themes, *, candidates):
        asked.append(candidates)
        return first_recipients(themes, candidates=candidates)

    monkeypatch.setattr(model, "first_recipients", counted)
    plan = _cards(everyone, 4)

    everything = suggesting.with_forecast_recipients(
        plan, analysis, model, {"shared-story": shared_asset}
    )
    assert len(asked) == 4  # within the budget: every card

    asked.clear()
    monkeypatch.setattr(suggesting, "FORECAST_PAIRS", 2 * pairs)
    budgeted = suggesting.with_forecast_recipients(
        plan, analysis, model, {"shared-story": shared_asset}
    )
    assert len(asked) == 2  # the set's card and the first ranked one
    cards = (*budgeted.suggestions, *budgeted.ranked)
    assert cards[:2] == (*everything.suggestions, *everything.ranked)[:2]
    assert cards[2:] == plan.ranked[1:]  # the engine's order and pick, untouched

    asked.clear()
    monkeypatch.setattr(suggesting, "FORECAST_PAIRS", 1)
    tiny = suggesting.with_forecast_recipients(
        plan, analysis, model, {"shared-story": shared_asset}
    )
    assert len(asked) == 1  # the first card always gets the forecast's pick
    assert tiny.suggestions == everything.suggestions


def test_the_budget_covers_every_card_of_a_200_member_group():
    """Twenty cards to all 200 members fit; at 500 members, four do."""
    assert suggesting.FORECAST_PAIRS >= 20 * 200 * 200
    assert 4 * 500 * 500 <= suggesting.FORECAST_PAIRS < 5 * 500 * 500
