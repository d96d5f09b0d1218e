"""Buying-group pages. Thin: parse the request, look up through `planner.access`, call a
service or selector, render. htmx requests get the `workspace` fragment of the group page.
"""

import functools
from dataclasses import dataclass
from datetime import timedelta
from urllib.parse import parse_qs, quote, urlsplit

import markdown
from django.conf import settings
from django.contrib import messages
from django.core.paginator import Paginator
from django.http import HttpResponse
from django.shortcuts import render
from django.template import engines
from django.urls import get_script_prefix, reverse
from django.utils import timezone
from django.utils.safestring import mark_safe
from django.views.decorators.http import require_GET, require_http_methods
from markupsafe import Markup

from accounts.access import require_role
from accounts.http import posted, see_other
from accounts.models import Membership
from accounts.roles import ADMINS, KIT_BUILDERS
from charts.svg import render_sparkline
from kits import selectors as kit_selectors
from planner import selectors, services
from planner.access import (
    EDITORS,
    get_group_for_user,
    get_stakeholder_for_user,
)
from planner.forms import (
    LIST_EVERYONE_UP_TO,
    PlannerSettingsForm,
    RelationshipForm,
    StakeholderForm,
    TouchForm,
    people_choices,
)
from planner.models import Touch
from scoring import analysis as scoring
from scoring import selectors as scoring_selectors
from scoring.cached import current_analysis, derived, shared, snapshot_document, writes_together
from scoring.collector import collector_paused
from scoring.core.forecast import Forecast
from scoring.core.guardrails import backfire
from suggestions import forecasting, suggesting
from suggestions import selectors as suggestion_selectors
from suggestions.models import PlannedSend
from workspace import group_charts, people, recipient_picker, rows
from workspace.map_legend import render_legend

PAGE_SIZE = 20


@require_GET
def dashboard(request):
    if not request.memberships:
        return render(request, "workspace/no_organization.html")
    membership = require_role(request)
    rows = scoring_selectors.groups_by_risk(membership.organization)
    page = Paginator(rows, PAGE_SIZE).get_page(request.GET.get("page"))
    sparklines = [
        mark_safe(  # noqa: S308 - charts.svg escapes every text
            render_sparkline(list(row.readiness_series), label=f"Readiness of {row.group.name}")
        )
        for row in page.object_list
    ]
    team_size = Membership.objects.filter(organization=membership.organization).count()
    return render(
        request,
        "workspace/dashboard.html",
        {
            "page": page,
            "rows": list(zip(page.object_list, sparklines, strict=True)),
            "group_count": len(rows),
            "team_size": team_size,
        },
    )


RELATIONSHIPS_SHOWN = 20  # the group page lists this many; "Show all" lists every one


def _shows_all_relationships(request) -> bool:
    """?relationships=all, or an htmx request from a page showing all of them (so saving
    or removing one from the long list keeps the list long)."""
    if request.GET.get("relationships") == "all":
        return True
    current = request.htmx.current_url if request.htmx else None
    if not current:
        return False
    return "all" in parse_qs(urlsplit(current).query).get("relationships", [])


@collector_paused()  # many small objects: the collector runs once afterwards, not during
@writes_together()  # what it computes and caches, written in one round trip at the end
def group_page(request, group, *, person_form=None, tie_form=None, touch_form=None, status=200):
    """The group page (or, for htmx, its workspace), rendered like any page: from the
    group's analysis and what is derived from it or read with it (the latest touches and
    sends, the library's assets, the changes since a snapshot), cached once per version of
    the group (`scoring.cached`, the pictures in `workspace.group_charts`), and what is
    live (the kits, the snapshots, the forms) made on every view."""
    can_edit = request.membership.role in EDITORS
    all_ties = _shows_all_relationships(request)
    analysis = current_analysis(group)
    data = analysis.map
    snapshots = scoring_selectors.recent_snapshots(group)
    week_ago = scoring_selectors.snapshot_before(snapshots, analysis.as_of - timedelta(days=7))
    two_weeks_ago = scoring_selectors.snapshot_before(
        snapshots, analysis.as_of - timedelta(days=14)
    )
    alert = backfire(
        individual_share=analysis.history.individual_share,
        recent_touches=analysis.history.recent,
        divergence_now=analysis.divergence.score,
        divergence_before=two_weeks_ago.divergence if two_weeks_ago else None,
    )
    reads = derived(  # a snapshot is never changed: its pk names its document
        analysis,
        f"group-page-reads:{week_ago.pk if week_ago else None}",
        lambda: _page_reads(group, analysis, week_ago),
    )
    plan, outlook = forecasting.plan_and_outlook(group, analysis, top=3)
    plan, shared_reasons = derived(  # the cards as the page words them, from the plan
        analysis,
        "group-page-said-once:3",
        lambda: suggesting.said_once(plan, shown="suggestions"),
    )
    # Markup: the SVG builders escape every text they are given (workspace.group_charts).
    pictures = {
        "map_svg": group_charts.cached_map(analysis, can_edit=can_edit),
        "legend_svg": _legend(),
        "heatmap_svg": group_charts.cached_heatmap(analysis),
        "trend_svg": group_charts.cached_trend(snapshots, analysis, lambda: tuple(outlook.lines())),
    }
    relationships = data.relationships if all_ties else data.relationships[:RELATIONSHIPS_SHOWN]
    # The rows' display values are the same for every viewer with the same URL prefix,
    # language and time zone (who may edit is applied as they are written out).
    variant = rows.variant()
    context = {
        "group": group,
        "can_edit": can_edit,
        "data": data,
        "analysis": analysis,
        "theme_names": analysis.theme_names,
        **pictures,
        "backfire": alert,
        "plan": plan,
        "shared_reasons": shared_reasons,
        **derived(
            analysis,
            f"group-page-people:{variant}",
            lambda: people.group_page_people(data, analysis.theme_names),
        ),
        "outlook": outlook,
        "sends": reads.sends,
        "changes": reads.changes,
        "touches": derived(
            analysis,
            f"group-page-touches:{variant}",
            lambda: rows.touch_rows(
                reads.touches, group_pk=group.pk, theme_names=analysis.theme_names
            ),
        ),
        "relationships": derived(
            analysis,
            f"group-page-ties:{len(relationships)}:{variant}",
            lambda: rows.tie_rows(relationships, group_pk=group.pk),
        ),
        "relationships_hidden": len(data.relationships) - len(relationships),
        "all_relationships": all_ties,
        "kits": kit_selectors.group_kits(group),
        "can_build_kits": request.membership.role in KIT_BUILDERS,
    }
    if can_edit:  # the forms, for those who may use them
        forms = {"person_form": person_form, "tie_form": tie_form, "touch_form": touch_form}
        context.update(_forms(group, analysis, reads.asset_choices, given=forms))
    name = "group_workspace" if request.htmx else "group_page"
    response = HttpResponse(status=status)
    charset = response.charset  # each piece encoded on its own (see config.jinja)
    response.content = b"".join(
        [piece.encode(charset) for piece in _page(name).pieces(context, request)]
    )
    return response


def _page(name: str):
    """templates/jinja2/workspace/<name>.html: the group page, or its workspace alone
    (Jinja2 keeps it compiled; with DEBUG on it notices an edited file)."""
    return engines["jinja2"].get_template(f"workspace/{name}.html")


def _forms(group, analysis, asset_choices, *, given: dict) -> dict:
    """The page's forms: those `given` (a user's input with its errors), else empty ones.
    What they list of the analysed map's people (the recipient picker, a small group's
    <select> options) is worked out once per version of the group (and script prefix:
    the picker's search form's URL)."""
    data = analysis.map
    now = timezone.localtime().replace(second=0, microsecond=0)  # a new touch's default time
    listed = len(data.stakeholders) <= LIST_EVERYONE_UP_TO  # else typed, with suggestions
    return {
        "person_form": given["person_form"] or StakeholderForm(group=group, prefix="person"),
        "tie_form": given["tie_form"]
        or RelationshipForm(
            group=group,
            stakeholders=data.stakeholders,
            prefix="tie",
            search_url=reverse("people_search", args=[group.pk]),
            choices=derived(
                analysis, "group-page-people-choices", lambda: people_choices(data.stakeholders)
            )
            if listed
            else None,
        ),
        "touch_form": given["touch_form"]
        or TouchForm(
            group=group,
            stakeholders=data.stakeholders,
            assets=asset_choices,
            picker=derived(
                analysis,
                f"group-page-picker:{quote(get_script_prefix(), safe='')}",
                lambda: recipient_picker.build(group, data),
            ),
            prefix="touch",
            initial={"occurred_at": now},
        ),
    }


@dataclass(frozen=True)
class PageReads:
    """What the group page reads besides its analysis that is as fresh as the analysis
    (the group's version covers the touches, the sends and the library; a snapshot is
    never changed), so it is cached with it, in one entry."""

    touches: list[Touch]  # the latest
    sends: list[tuple[PlannedSend, Forecast | None]]  # the latest, with their forecast
    asset_choices: list[tuple[int, str]]  # the touch form's (`selectors.asset_choices`)
    changes: tuple[str, ...]  # since `week_ago`


def _page_reads(group, analysis, week_ago) -> PageReads:
    return PageReads(
        touches=selectors.recent_touches(group),
        sends=_sends_with_forecast(group, analysis),
        asset_choices=shared(  # the library's: once per version of the organization
            analysis, "asset-choices", lambda: selectors.asset_choices(group.organization_id)
        ),
        changes=analysis.changes_since(snapshot_document(week_ago) if week_ago else None),
    )


def _sends_with_forecast(group, analysis) -> list[tuple[PlannedSend, Forecast | None]]:
    """(planned send, its consensus forecast or None) pairs of the group's latest sends:
    the forecast for the sends still planned, each to its own recipients (scored together)."""
    sends = suggestion_selectors.planned_sends(group)
    planned = [send for send in sends if send.status == "planned"]
    if not planned:
        return [(send, None) for send in sends]
    asks = [([send.asset], [person.email for person in send.recipients.all()]) for send in planned]
    found = suggesting.send_forecasts(scoring.forecast_model(analysis), asks)
    outlooks = dict(zip((send.pk for send in planned), found, strict=True))
    return [(send, outlooks.get(send.pk)) for send in sends]


@functools.cache
def _legend() -> Markup:
    return Markup(render_legend())  # noqa: S704 - our own constant text


@require_GET
def group_detail(request, pk: int):
    group = get_group_for_user(request, pk)
    return group_page(request, group)


def group_page_saved(request, group, text: str):
    messages.success(request, text)
    if request.htmx:  # whatever the form targeted, the whole workspace is now stale
        response = group_page(request, group)
        response["HX-Retarget"] = "#group-workspace"
        response["HX-Reswap"] = "outerHTML"
        return response
    return see_other(reverse("group_detail", args=[group.pk]))


@require_GET
def stakeholder_timeline(request, pk: int, sid: int):
    person = get_stakeholder_for_user(request, pk, sid)
    analysis = current_analysis(person.group)
    touches = person.touches.select_related("asset", "logged_by").order_by("-occurred_at", "-pk")
    page = Paginator(touches, 25).get_page(request.GET.get("page"))
    shares = sorted(
        analysis.exposures.get(person.email, {}).items(), key=lambda item: (-item[1], item[0])
    )
    return render(
        request,
        "planner/stakeholder_timeline.html",
        {
            "group": person.group,
            "person": person,
            "page": page,
            "exposure": [(analysis.theme_name(slug), share) for slug, share in shares],
            "theme_names": analysis.theme_names,
            "can_edit": request.membership.role in EDITORS,
        },
    )


@functools.cache
def _guide(name: str) -> str:
    """docs/<name>.md as HTML: our own file, written for marketers."""
    source = (settings.BASE_DIR / "docs" / f"{name}.md").read_text(encoding="utf-8")
    return markdown.markdown(source, extensions=["tables", "toc", "fenced_code"])


@require_GET
def scoring_help(request):
    return render(
        request,
        "workspace/scoring_help.html",
        {"guide": mark_safe(_guide("scoring")), "title": "How the scores work"},  # noqa: S308
    )


@require_GET
def formats_help(request):
    return render(
        request,
        "workspace/scoring_help.html",
        {"guide": mark_safe(_guide("formats")), "title": "Files, commands and JSON"},  # noqa: S308
    )


@require_http_methods(["GET", "POST"])
def planner_settings(request):
    membership = require_role(request, ADMINS)
    organization = membership.organization
    current = selectors.planner_settings(organization)
    form = PlannerSettingsForm(
        posted(request),
        initial={"roles": current.required_roles, "half_life_days": current.half_life_days},
    )
    if request.method == "POST" and form.is_valid():
        services.planner_settings_update(organization=organization, **form.cleaned_data)
        messages.success(request, "Buying-group settings saved.")
        return see_other(reverse("planner_settings"))
    return render(
        request,
        "planner/planner_settings.html",
        {"form": form, "forecast_parameters": forecasting.PARAMETERS},
    )
