"""The forecast on the group page, in suggestions, planned sends and "what if"."""

import xml.etree.ElementTree as ET
from datetime import timedelta

from django.utils import timezone

from planner import services
from scoring.analysis import analyze, forecast_model
from suggestions import suggesting
from suggestions.engine import Plan, Suggestion
from suggestions.models import PlannedSend
from tests.factories import StakeholderFactory

SVG = "{http://www.w3.org/2000/svg}"


def _trend(html: str) -> ET.Element:
    start = html.index("<svg", html.index('class="chart"'))
    return ET.fromstring(html[start : html.index("</svg>", start) + 6])  # noqa: S314 - our own page


def test_the_trend_continues_as_two_dashed_forecasts_with_a_sentence(
    client, marketer, tailored_group, shared_asset
):
    client.force_login(marketer)
    html = client.get(f"/groups/{tailored_group.pk}/").content.decode()
    svg = _trend(html)
    kinds = {g.get("class") for g in svg.iter(f"{SVG}g")}
    assert {
        "trend-forecast trend-forecast--nothing",
        "trend-forecast trend-forecast--suggestion",
    } <= kinds
    dashed = [
        p
        for g in svg.iter(f"{SVG}g")
        if (g.get("class") or "").startswith("trend-forecast")
        for p in g.iter(f"{SVG}path")
    ]
    assert all(p.get("stroke-dasharray") for p in dashed) and len(dashed) == 2
    assert "If nothing changes, divergence settles near" in html
    assert "sending <em>The shared story</em> to Person" in html
    assert "first brings it to" in html


def test_a_forecast_that_disagrees_with_the_broker_rule_wins_and_says_why(
    tailored_group, shared_asset
):
    """Someone nobody listens to is a poor first recipient, whatever the rule says."""
    loner = StakeholderFactory(group=tailored_group, email="loner@x.example", name="Lone Wolf")
    services.touches_record(
        group=tailored_group,
        stakeholders=[loner],
        occurred_at=timezone.now() - timedelta(days=3),
        themes={"security": 1.0, "pricing": 1.0, "ease": 1.0, "compliance": 1.0},
    )
    analysis = analyze(tailored_group)
    everyone = tuple(s.email for s in analysis.map.stakeholders)
    rule = Suggestion(
        asset="shared-story",
        title="The shared story",
        score=0.9,
        reasons=(
            "Covers what the group needs.",
            "Send it to Lone Wolf first, who links the sides.",
        ),
        recipients=(loner.email, *[e for e in everyone if e != loner.email]),
        send_first=loner.email,
    )
    plan = Plan(
        suggestions=(rule,),
        ranked=(rule,),
        divergence_before=0.5,
        divergence_after=0.4,
        readiness_before=None,
        readiness_after=None,
        warnings=(),
    )
    model = forecast_model(analysis)
    [chosen] = suggesting.with_forecast_recipients(
        plan, analysis, model, {"shared-story": shared_asset}
    ).suggestions
    assert chosen.send_first != loner.email
    assert chosen.recipients[0] == chosen.send_first
    assert chosen.recipients[-1] == loner.email  # telling the loner spreads nothing
    assert set(chosen.recipients) == set(everyone)
    assert chosen.reasons[0] == "Covers what the group needs."
    assert "the forecast puts divergence at" in chosen.reasons[-1]
    assert "Lone Wolf" in chosen.reasons[-1]
    ranking = model.first_recipients(
        {"security": 1, "pricing": 1, "ease": 1, "compliance": 1}, candidates=everyone
    )
    assert chosen.recipients == tuple(r.key for r in ranking)


def test_a_forecast_that_agrees_keeps_the_rules_reason(tailored_group, shared_asset):
    analysis = analyze(tailored_group)
    model = forecast_model(analysis)
    themes = {"security": 1, "pricing": 1, "ease": 1, "compliance": 1}
    best = model.first_recipients(themes)[0].key
    rule = Suggestion(
        asset="shared-story",
        title="The shared story",
        score=0.9,
        reasons=("Covers it.", "Send it to them first."),
        recipients=tuple(s.email for s in analysis.map.stakeholders),
        send_first=best,
    )
    plan = Plan((rule,), (), 0.5, 0.4, None, None, ())
    [chosen] = suggesting.with_forecast_recipients(
        plan, analysis, model, {"shared-story": shared_asset}
    ).suggestions
    assert chosen.reasons == rule.reasons and chosen.send_first == best


def test_what_if_adds_the_forecast_in_twelve_weeks(client, sales_rep, tailored_group, shared_asset):
    client.force_login(sales_rep)
    html = client.get(
        f"/groups/{tailored_group.pk}/suggestions/?asset=shared-story"
    ).content.decode()
    assert "In 12 weeks" in html and "without it" in html
    forecast = suggesting.what_if(analyze(tailored_group), [shared_asset])
    assert forecast.forecast_after < forecast.forecast_unchanged


def test_a_planned_send_shows_its_forecast_and_recipients_in_forecast_order(
    client, marketer, tailored_group, shared_asset
):
    client.force_login(marketer)
    client.post(f"/groups/{tailored_group.pk}/suggestions/accept/", {"asset": "shared-story"})
    planned = PlannedSend.objects.get(group=tailored_group)
    analysis = analyze(tailored_group)
    model = forecast_model(analysis)
    ranking = model.first_recipients(dict(shared_asset.themes))
    scores = {r.key: r.divergence for r in ranking}
    # The forecast's best, or the rule's pick when it is within half a point of it.
    assert scores[planned.send_first.email] <= ranking[0].divergence + 0.005
    html = client.get(f"/groups/{tailored_group.pk}/").content.decode()
    assert "forecast in 12 weeks" in html


def test_admins_see_the_forecast_parameters_with_their_reasons(client, admin, marketer, org):
    client.force_login(admin)
    html = client.get("/organization/planning/").content.decode()
    assert "Consensus forecast parameters" in html
    assert "neutral 0.6, supporter 0.5, unknown 0.5, skeptic 0.3" in html
    assert "Friedkin and Johnsen measured" in html
    client.force_login(marketer)
    assert client.get("/organization/planning/").status_code == 403


def test_the_scoring_guide_explains_the_forecast_with_a_link_target(client, marketer):
    client.force_login(marketer)
    html = client.get("/help/scoring/").content.decode()
    assert 'id="the-consensus-forecast"' in html
    assert "a model, not a promise" in html


def test_a_card_in_the_set_and_in_the_ranking_keeps_each_lists_own_reasons(
    tailored_group, shared_asset
):
    """The set's card says "after the picks above"; the same asset in the ranking (an
    order of its own) says what it does sent alone. Reordering recipients must not hand
    the ranking the set's card (the suggestions page said "after the picks above" under
    assets ranked above those picks)."""
    analysis = analyze(tailored_group)
    everyone = tuple(s.email for s in analysis.map.stakeholders)
    alone = Suggestion(
        asset="shared-story",
        title="The shared story",
        score=0.7,
        reasons=("Covers it.", "Sent to everyone, it would bring the group closer."),
        recipients=everyone,
        send_first=everyone[0],
    )
    in_set = Suggestion(
        asset="shared-story",
        title="The shared story",
        score=0.6,
        reasons=("Covers it.", "Sent to everyone after the picks above, it would help."),
        recipients=everyone,
        send_first=everyone[0],
    )
    plan = Plan((in_set,), (alone,), 0.5, 0.4, None, None, ())
    done = suggesting.with_forecast_recipients(
        plan, analysis, forecast_model(analysis), {"shared-story": shared_asset}
    )
    [chosen], [ranked] = done.suggestions, done.ranked
    assert "after the picks above" in chosen.reasons[1] and chosen.score == 0.6
    assert ranked.reasons[1] == "Sent to everyone, it would bring the group closer."
    assert ranked.score == 0.7
    assert ranked.recipients == chosen.recipients  # one forecast order for both
