"""The suggestion adapter: from a group (and its analysis) to the pure suggestion engine
(`suggestions.engine`), and the forecasts of the "what if" view.

Who gets a suggestion first comes from the consensus forecast
(`scoring.core.forecast`): recipients are ordered by how low the group's forecast
divergence ends up after `forecast.DEFAULT_WEEKS` weeks if each of them alone received
the asset first (exact for any group size). Where that disagrees with the engine's
broker / champion rule, the forecast wins and the reason says so. Ranking who goes first
costs about candidates x members per asset: every card of a group gets it up to
`FORECAST_PAIRS` person pairs (all twenty cards of a 200-member group), taken in page
order; the cards past that keep the engine's pick (at 500 members, the first four get
the forecast's).

A plan is computed once per version of the group (`scoring.cached.derived`), for the
pages, the kit draft and the API alike.

Queries on top of the analysis (`scoring.cached.current_analysis` when the caller has
none): the organization's assets (one, when the plan is not cached yet).
"""

from __future__ import annotations

import dataclasses
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date

from content.models import Asset
from planner.models import BuyingGroup
from scoring.analysis import GroupAnalysis, analyze, end_of_day, forecast_model
from scoring.cached import current_analysis, derived, shared
from scoring.core import forecast
from scoring.core.divergence import Member, divergence, divergence_and_common_ground
from scoring.core.readiness import readiness
from suggestions.cards import said_once as said_once
from suggestions.engine import Audience, Candidate, Plan, Suggestion, simulate, suggest
from suggestions.explanations import FIRST_FORECAST

# Where the deal stands -> the buying job the group is most likely doing now (Gartner's
# buying jobs, as the content library's `stage` names them).
BUYING_JOB = {
    "prospecting": "problem_identification",
    "discovery": "problem_identification",
    "evaluation": "solution_exploration",
    "proposal": "supplier_selection",
    "negotiation": "validation",
    "closed_won": "validation",
    "closed_lost": "validation",
}
FORECAST_PAIRS = 1_000_000  # candidates x members ranked by the forecast, per plan


def buying_job(group: BuyingGroup) -> str:
    return BUYING_JOB.get(group.opportunity_stage, "problem_identification")


LIBRARY_FIELDS = ("slug", "title", "framing", "level", "stage", "themes")


def library(group: BuyingGroup) -> list[Candidate]:
    """The organization's assets as the engine takes them (one query, no model rows)."""
    assets = Asset.objects.filter(organization_id=group.organization_id)
    rows = assets.order_by().values_list(*LIBRARY_FIELDS)  # the engine sorts them itself
    return [
        Candidate(
            key=slug,
            title=title,
            framing=framing,
            level=level,
            stage=stage,
            themes={k: float(v) for k, v in (themes or {}).items()},
        )
        for slug, title, framing, level, stage, themes in rows
    ]


def group_library(group: BuyingGroup, analysis: GroupAnalysis) -> list[Candidate]:
    """`library(group)`, read once per version of the organization (`scoring.cached.shared`:
    its version covers the library) rather than after every write to one of its groups.
    Shared: read it, never change it."""
    return shared(analysis, "library", lambda: library(group))


def candidates(assets: Sequence[Asset]) -> list[Candidate]:
    return [
        Candidate(
            key=a.slug,
            title=a.title,
            framing=a.framing,
            level=a.level,
            stage=a.stage,
            themes={k: float(v) for k, v in (a.themes or {}).items()},
        )
        for a in assets
    ]


def audience(analysis: GroupAnalysis) -> list[Audience]:
    mass = analysis.history.mass
    brokers = set(analysis.map.insights.brokers)
    return [
        Audience(
            key=s.email,
            name=s.name or s.email,
            influence=float(s.influence),
            role=s.role_label,
            consent=s.consent,
            exposure=analysis.exposures.get(s.email, {}),
            mass=mass.get(s.email, 0.0),
            priorities={k: float(v) for k, v in (s.priorities or {}).items()},
            seen=analysis.history.seen.get(s.email, frozenset()),
            broker=s.email in brokers,
        )
        for s in analysis.map.stakeholders
    ]


def readiness_with(analysis: GroupAnalysis, exposures: Mapping[str, Mapping[str, float]]) -> int:
    """Readiness if the members' exposures were `exposures`, everything else unchanged
    (people who would receive a message count as recently reached)."""
    reached = {key for key, shares in exposures.items() if shares != analysis.exposures.get(key)}
    if not reached and len(exposures) == len(analysis.exposures):
        return analysis.readiness.score  # the same exposures: the same state
    people = analysis.map.stakeholders
    found, common = divergence_and_common_ground(
        [s.email for s in people],
        [float(s.influence) for s in people],
        [exposures.get(s.email, {}) for s in people],
        [{k: float(v) for k, v in (s.priorities or {}).items()} for s in people],
    )
    state = dataclasses.replace(
        analysis.state,
        exposures={k: dict(v) for k, v in exposures.items() if v},
        divergence=found,
        common_ground=common,
        recently_touched=analysis.state.recently_touched | frozenset(reached),
    )
    return readiness(state).score


def group_plan(
    group: BuyingGroup,
    *,
    analysis: GroupAnalysis | None = None,
    top: int = 10,
    model: forecast.Model | None = None,
) -> Plan:
    """The suggestion engine's plan, with recipients ordered by the forecast."""
    analysis = analysis or current_analysis(group)

    def compute() -> Plan:
        return library_plan(group, analysis, group_library(group, analysis), top=top, model=model)

    return derived(analysis, f"plan:{top}", compute)


def library_plan(
    group: BuyingGroup,
    analysis: GroupAnalysis,
    assets: Sequence[Candidate],
    *,
    top: int,
    model: forecast.Model | None = None,
) -> Plan:
    """:func:`group_plan` of the library `assets` (`library(group)`), computed now."""
    plan = suggest(
        audience(analysis),
        assets,
        stage=buying_job(group),
        top=top,
        readiness_of=lambda exposures: readiness_with(analysis, exposures),
        theme_names={slug: analysis.theme_name(slug) for slug in analysis.theme_names},
    )
    return with_forecast_recipients(
        plan, analysis, model or forecast_model(analysis), {a.key: a for a in assets}
    )


def with_forecast_recipients(
    plan: Plan,
    analysis: GroupAnalysis,
    model: forecast.Model,
    assets: Mapping[str, Asset | Candidate],
) -> Plan:
    """`plan` with its suggestions' recipients ordered by the forecast (see module), card
    by card in page order until `FORECAST_PAIRS` are spent. `assets`: by slug, anything
    with the asset's `themes`."""
    names = {s.email: s.name or s.email for s in analysis.map.stakeholders}
    cards = (*plan.suggestions, *plan.ranked)
    # The forecast is asked once per asset and recipients; each card (an asset can be in
    # the set and in the ranking, with reasons of its own) is reordered by that answer.
    # Which cards get it depends only on their sizes: all of them are scored in one go.
    asked: dict[tuple[str, tuple[str, ...]], Mapping[str, float]] = {}
    spent = 0
    for card in cards:
        asset = assets.get(card.asset)
        key = (card.asset, card.recipients)
        if asset is None or not card.recipients or key in asked:
            continue
        cost = len(card.recipients) * len(model.keys)
        if spent and spent + cost > FORECAST_PAIRS:
            continue  # the engine's pick stands
        spent += cost
        asked[key] = {k: float(v) for k, v in (asset.themes or {}).items()}
    model.score_first_recipients([(themes, key[1]) for key, themes in asked.items()])
    rankings: dict[tuple[str, tuple[str, ...]], Sequence[forecast.FirstRecipient]] = {}

    def reordered(suggestion: Suggestion) -> Suggestion:
        key = (suggestion.asset, suggestion.recipients)
        if key not in asked:
            return suggestion
        if key not in rankings:
            rankings[key] = model.first_recipients(asked[key], candidates=suggestion.recipients)
        return _reordered(suggestion, rankings[key], names)

    return dataclasses.replace(
        plan,
        suggestions=tuple(reordered(s) for s in plan.suggestions),
        ranked=tuple(reordered(s) for s in plan.ranked),
    )


def _reordered(
    suggestion: Suggestion, ranking: Sequence[forecast.FirstRecipient], names: Mapping[str, str]
) -> Suggestion:
    if not ranking:
        return suggestion
    order = [r.key for r in ranking]
    best = ranking[0]
    reasons = suggestion.reasons
    if suggestion.send_first is not None and best.key != suggestion.send_first:
        other = next((r for r in ranking if r.key == suggestion.send_first), None)
        if other is not None and other.divergence > best.divergence + 0.005:
            weeks = forecast.DEFAULT_WEEKS
            reason = (
                f"Send it to {names.get(best.key, best.key)} first: the forecast puts "
                f"divergence at {_points(best.divergence)} in {weeks} weeks, against "
                f"{_points(other.divergence)} starting with {names.get(other.key, other.key)} "
                "(the usual pick: the best-connected broker or the champion)."
            )
            reasons = (*reasons[:-1], reason) if reasons else (reason,)
            suggestion = dataclasses.replace(
                suggestion, first_name=names.get(best.key, best.key), first_why=FIRST_FORECAST
            )
        else:  # a tie within half a point: keep the rule's pick and its reason
            order.remove(suggestion.send_first)
            order.insert(0, suggestion.send_first)
    return dataclasses.replace(
        suggestion, recipients=tuple(order), send_first=order[0], reasons=reasons
    )


def _points(value: float) -> int:
    return round(value * 100)


def suggestions_document(group: BuyingGroup, *, day: date, limit: int = 10) -> dict:
    """The `suggest_assets --format json` document (the API answers the same): the
    suggested set first, then the next best assets, as of the end of `day`."""
    analysis = analyze(group, as_of=end_of_day(day))
    plan = group_plan(group, analysis=analysis, top=limit)
    chosen = {s.asset for s in plan.suggestions}
    ordered = list(plan.suggestions) + [s for s in plan.ranked if s.asset not in chosen]
    return {
        "group": {"id": group.pk, "name": group.name},
        "as_of": day.isoformat(),
        "forecast": {
            "divergence_before": round(plan.divergence_before, 4),
            "divergence_after": round(plan.divergence_after, 4),
            "readiness_before": plan.readiness_before,
            "readiness_after": plan.readiness_after,
        },
        "warnings": list(plan.warnings),
        "suggestions": [
            {
                "asset": s.asset,
                "title": s.title,
                "score": round(s.score, 4),
                "reasons": list(s.reasons),
                "recipients": list(s.recipients),
                "send_first": s.send_first,
                "in_set": s.asset in chosen,
            }
            for s in ordered[:limit]
        ],
    }


@dataclass(frozen=True)
class Forecast:
    divergence_before: float
    divergence_after: float  # at once, as the scores count it
    readiness_before: int
    readiness_after: int
    weeks: int = forecast.DEFAULT_WEEKS
    forecast_unchanged: float | None = None  # divergence in `weeks` weeks if nothing is sent
    forecast_after: float | None = None  # ... if the assets are sent (members talking)

    def as_dict(self) -> dict:
        return dataclasses.asdict(self)


def send_forecast(
    model: forecast.Model, assets: Sequence[Asset], recipients: Sequence[str]
) -> forecast.Forecast:
    """The consensus forecast if `assets` went to `recipients` now (each asset one touch)."""
    return send_forecasts(model, [(assets, recipients)])[0]


def send_forecasts(
    model: forecast.Model, sends: Sequence[tuple[Sequence[Asset], Sequence[str]]]
) -> list[forecast.Forecast]:
    """:func:`send_forecast` of each (assets, recipients) of `sends`, scored together (each
    as it would be alone: `forecast.Model.forecasts`)."""
    return model.forecasts([_send(assets, recipients) for assets, recipients in sends])


def _send(assets: Sequence[Asset], recipients: Sequence[str]) -> forecast.Send | None:
    themes: dict[str, float] = {}
    for asset in assets:
        weights = {k: float(v) for k, v in (asset.themes or {}).items() if float(v) > 0}
        total = sum(weights.values())
        for theme, value in weights.items():
            themes[theme] = themes.get(theme, 0.0) + value / total
    send = forecast.Send(themes=themes, recipients=tuple(recipients), touches=len(assets) or 1)
    return send if themes else None


def what_if(
    analysis: GroupAnalysis, assets: Sequence[Asset], *, model: forecast.Model | None = None
) -> Forecast:
    """The scores if `assets` were sent to every member who consented: at once, and as
    the consensus forecast has it in `forecast.DEFAULT_WEEKS` weeks."""
    people = audience(analysis)
    after = simulate(people, candidates(assets))
    members = [
        Member(key=p.key, influence=p.influence, exposure=after.get(p.key, {})) for p in people
    ]
    model = model or forecast_model(analysis)
    contactable = [p.key for p in people if p.consent]
    return Forecast(
        divergence_before=round(analysis.divergence.score, 4),
        divergence_after=round(divergence(members).score, 4),
        readiness_before=analysis.readiness.score,
        readiness_after=readiness_with(analysis, after),
        forecast_unchanged=round(model.forecast().divergence, 4),
        forecast_after=round(send_forecast(model, assets, contactable).divergence, 4),
    )


@dataclass(frozen=True)
class TopSuggestion:
    title: str
    asset: str
    reasons: tuple[str, ...]  # its own: whom to send it to first is said apart
    send_first_name: str | None
    send_first_why: str = ""  # a clause: "they link the sides of the group"


def top_suggestion(group: BuyingGroup) -> TopSuggestion | None:
    """The first asset of the suggested set, for the digest: its reasons, and apart from
    them whom to send it to first and why (said once, not again among the reasons)."""
    analysis = current_analysis(group)
    plan = group_plan(group, analysis=analysis, top=1)
    if not plan.suggestions:
        return None
    best = plan.suggestions[0]
    names = {s.email: s.name or s.email for s in analysis.map.stakeholders}
    shown, _ = said_once(dataclasses.replace(plan, suggestions=(best,)), shown="suggestions")
    return TopSuggestion(
        title=best.title,
        asset=best.asset,
        reasons=shown.suggestions[0].reasons,
        send_first_name=names.get(best.send_first) if best.send_first else None,
        send_first_why=best.first_why if best.send_first else "",
    )
