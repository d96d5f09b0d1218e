"""The forecast adapter: one consensus forecast for the command, the group page, the API
and the digest (the model is `scoring.core.forecast`).

    group_forecast(group, as_of=None, weeks=12, send=None, to=None) -> GroupForecast

`send` is an asset of the group's organization and `to` the recipients' emails (None or
"all": everyone who may be contacted). Without `send`, the forecast is "nothing sent",
and the page's second line is the top suggestion sent to its best first recipient.
Queries: those of `scoring.analyze` and, unless given, `suggesting.group_plan` (one).
"""

from __future__ import annotations

import dataclasses
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta

from charts.svg import ForecastLine
from content.models import Asset
from scoring.analysis import GroupAnalysis, analyze, forecast_model
from scoring.cached import current_analysis, derived
from scoring.collector import collector_paused
from scoring.core import forecast, forecast_parameters
from suggestions.engine import Candidate, Plan
from suggestions.suggesting import group_library, group_plan, library_plan, readiness_with

WEEKS = forecast.DEFAULT_WEEKS
MAX_WEEKS = 104  # the longest forecast the command and the API make
RISE = 0.02  # the digest's "forecast to drift apart": 2 points or more above today
PARAMETERS = forecast_parameters.PARAMETERS  # (name, value, why): the settings page shows them


class ForecastError(ValueError):
    """Bad input: an unknown recipient, or a send with nobody to send to."""


@dataclass(frozen=True)
class Sent:
    asset: str  # slug
    title: str
    to: tuple[str, ...]  # emails


@dataclass(frozen=True)
class GroupForecast:
    analysis: GroupAnalysis  # (None only inside the cache: `plan_and_outlook`)
    weeks: int
    plan: Sent | None  # what the forecast assumes was sent (None: nothing)
    result: forecast.Forecast  # with `plan`
    nothing: forecast.Forecast  # nothing sent
    ranked_asset: Sent | None  # the asset first_recipients are for
    first_recipients: tuple[forecast.FirstRecipient, ...]
    suggested: forecast.Forecast | None  # ranked_asset sent to its best first recipient

    @property
    def readiness(self) -> int:
        """The readiness forecast after `weeks` (with `plan`), computed when asked: the
        command and the API show it, the group page does not."""
        mixes = {key: dict(shares) for key, shares in self.result.mixes.items()}
        return readiness_with(self.analysis, mixes)

    def name(self, email: str) -> str:
        person = self.analysis.map.by_email.get(email)
        return (person.name or email) if person else email

    def document(self) -> dict:
        """The `forecast_group --format json` document of INTERFACES.md."""
        analysis = self.analysis
        return {
            "group": {
                "id": analysis.group.pk,
                "name": analysis.group.name,
                "members": len(analysis.map.stakeholders),
            },
            "as_of": analysis.as_of.date().isoformat(),
            "weeks": self.weeks,
            "plan": {"asset": self.plan.asset, "to": list(self.plan.to)} if self.plan else None,
            "now": {
                "divergence": _num(analysis.divergence.score),
                "readiness": analysis.readiness.score,
            },
            "forecast": {
                "divergence": _num(self.result.divergence),
                "readiness": self.readiness,
                "steady_state": _num(self.result.steady),
                "settles_in_weeks": self.result.settles_in,
                "trajectory": [
                    {"week": week, "divergence": _num(value)}
                    for week, value in enumerate(self.result.trajectory)
                ],
                "members": [
                    {
                        "email": s.email,
                        "themes": {k: _num(v) for k, v in self.result.mixes[s.email].items()},
                        "openness": _num(self.result.openness[s.email]),
                    }
                    for s in sorted(analysis.map.stakeholders, key=lambda s: s.email)
                ],
            },
            "first_recipients_asset": self.ranked_asset.asset if self.ranked_asset else None,
            "first_recipients": [
                {"email": r.key, "divergence": _num(r.divergence)} for r in self.first_recipients
            ],
        }

    def words(self) -> dict:
        """The sentence's parts, for a template that sets the asset's title apart:
        `lead`, and with a suggestion `title`, `first` (a name), `verb`, `after`."""
        now = _points(self.analysis.divergence.score)
        steady, weeks = _points(self.nothing.steady), self.nothing.settles_in
        if weeks == 0 or steady == now:
            lead = f"If nothing changes, divergence stays near {steady}"
        else:
            plural = "s" if weeks != 1 else ""
            lead = (
                f"If nothing changes, divergence settles near {steady} "
                f"in about {weeks} week{plural}"
            )
        words = {"lead": lead, "weeks": self.weeks}
        if self.suggested is not None and self.ranked_asset and self.first_recipients:
            after = _points(self.suggested.divergence)
            unchanged = _points(self.nothing.divergence)
            if after < unchanged:
                verb = "brings it to"
            elif after == unchanged:
                verb = "leaves it at"
            else:
                verb = "would raise it to"
            words.update(
                title=self.ranked_asset.title,
                first=self.name(self.first_recipients[0].key),
                verb=verb,
                after=after,
            )
        return words

    def sentence(self) -> str:
        """One plain sentence for the group page (and the command's text output)."""
        w = self.words()
        text = w["lead"]
        if "title" in w:
            text += (
                f"; sending {w['title']} to {w['first']} first {w['verb']} {w['after']} "
                f"in {w['weeks']} weeks"
            )
        return text + "."

    def lines(self) -> list[ForecastLine]:
        """The trend chart's dashed continuations: nothing sent, and the suggestion."""
        start = self.analysis.as_of.date()
        days = [start + timedelta(weeks=w) for w in range(self.weeks + 1)]
        line = tuple(zip(days, self.nothing.trajectory, strict=True))
        found = [ForecastLine("If nothing is sent", line)]
        if self.suggested is not None:
            line = tuple(zip(days, self.suggested.trajectory, strict=True))
            found.append(ForecastLine("With the top suggestion", line, suggestion=True))
        return found


def group_forecast(
    group,
    *,
    as_of: datetime | None = None,
    weeks: int = WEEKS,
    send: Asset | None = None,
    to: Sequence[str] | str | None = None,
    analysis: GroupAnalysis | None = None,
    plan: Plan | None = None,
    model: forecast.Model | None = None,
    assets: Mapping[str, Candidate] | None = None,
) -> GroupForecast:
    """The group's consensus forecast (see the module docstring). Pages pass the
    `analysis`, suggestion `plan`, forecast `model` and library `assets` (by slug, the
    plan's) they already have."""
    if weeks < 0:
        raise ForecastError("weeks must be 0 or more")
    if analysis is None:  # now: shared with every page; a given moment: computed
        analysis = current_analysis(group) if as_of is None else analyze(group, as_of=as_of)
    model = model or forecast_model(analysis)
    people = analysis.map.by_email
    contactable = [s.email for s in analysis.map.stakeholders if s.consent]
    sent = None
    sends: list[forecast.Send | None] = [None]  # nothing sent; the plan; the suggestion
    if send is not None:
        recipients = _recipients(to, contactable, people)
        sent = Sent(asset=send.slug, title=send.title, to=recipients)
        sends.append(forecast.Send(_themes(send), recipients))
        ranked = sent
        ranked_themes = _themes(send)
    else:
        plan = plan or group_plan(group, analysis=analysis, top=1, model=model)
        top = plan.suggestions[0] if plan.suggestions else None
        ranked = Sent(asset=top.asset, title=top.title, to=top.recipients) if top else None
        if top is None:
            ranked_themes = {}
        elif assets is not None:
            known = assets.get(top.asset)
            ranked_themes = _themes(known) if known is not None else {}
        else:
            ranked_themes = _asset_themes(group, top.asset)
    first = ()
    if ranked is not None and ranked_themes:
        first = model.first_recipients(ranked_themes, candidates=contactable, weeks=weeks)
        if first and send is None:
            sends.append(forecast.Send(ranked_themes, (first[0].key,)))
    nothing, *others = model.forecasts(sends, weeks=weeks)  # scored together
    result = others[0] if send is not None else nothing
    suggested = others[0] if send is None and others else None
    return GroupForecast(
        analysis=analysis,
        weeks=weeks,
        plan=sent,
        result=result,
        nothing=nothing,
        ranked_asset=ranked,
        first_recipients=first,
        suggested=suggested,
    )


def _recipients(to, contactable: list[str], people) -> tuple[str, ...]:
    if to is None or to == "all":
        if not contactable:
            raise ForecastError("nobody in this group may be contacted")
        return tuple(contactable)
    wanted = [e.strip().lower() for e in ([to] if isinstance(to, str) else to) if e.strip()]
    by_lower = {email.lower(): email for email in people}
    unknown = [e for e in wanted if e not in by_lower]
    if unknown:
        raise ForecastError(f"not a member of this group: {', '.join(unknown)}")
    if not wanted:
        raise ForecastError("--to names nobody")
    return tuple(dict.fromkeys(by_lower[e] for e in wanted))


def _themes(asset: Asset | Candidate) -> dict[str, float]:
    return {k: float(v) for k, v in (asset.themes or {}).items()}


def _asset_themes(group, slug: str) -> dict[str, float]:
    asset = Asset.objects.filter(organization_id=group.organization_id, slug=slug).first()
    return _themes(asset) if asset else {}


def _points(value: float) -> int:
    return round(float(value) * 100)


def _num(value: float) -> float:
    return round(float(value), 4)


def plan_and_outlook(group, analysis: GroupAnalysis, *, top: int) -> tuple[Plan, GroupForecast]:
    """The suggestion plan (its `top` suggestions) and the consensus forecast with it, as
    the group page shows them: computed once per version of the group and hour, next to
    its cached analysis (`scoring.cached.derived`; the assets and the deal stage they also
    read are part of that version). The library is read once for the plan and the outlook,
    and once per version of the organization (`group_library`): no query when computed
    after a write to the group (the plan is not cached apart: nothing else asks for it)."""

    def compute() -> tuple[Plan, GroupForecast]:
        with collector_paused():
            model = forecast_model(analysis)
            assets = group_library(group, analysis)
            plan = library_plan(group, analysis, assets, top=top, model=model)
            outlook = group_forecast(
                group,
                analysis=analysis,
                plan=plan,
                model=model,
                assets={a.key: a for a in assets},
            )
        return plan, dataclasses.replace(outlook, analysis=None)  # cached on its own

    plan, outlook = derived(analysis, f"plan-and-outlook:{top}", compute)
    return plan, dataclasses.replace(outlook, analysis=analysis)
