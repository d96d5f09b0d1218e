"""Buying-group pages. Thin: parse the request, look up through `planner.access`, call a
service or selector, render. htmx requests get the `workspace` fragment of the group page.
"""

import functools
import json
from datetime import timedelta
from urllib.parse import parse_qs, urlsplit

import markdown
from django.conf import settings
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import Http404, HttpResponse
from django.middleware.csrf import get_token
from django.shortcuts import redirect, render
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone
from django.utils.html import escape
from django.utils.safestring import mark_safe
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from accounts.access import require_role
from accounts.http import posted, posted_files, see_other
from accounts.models import Membership
from accounts.roles import ADMINS, KIT_BUILDERS
from charts.svg import render_sparkline
from content.models import Asset
from kits import selectors as kit_selectors
from planner import exporting, importing, selectors, services
from planner.access import (
    EDITORS,
    get_group_for_user,
    get_pending_import_for_user,
    get_relationship_for_user,
    get_stakeholder_for_user,
    get_touch_for_user,
)
from planner.forms import (
    GroupForm,
    ImportForm,
    PlannerSettingsForm,
    RelationshipEditForm,
    RelationshipForm,
    StakeholderForm,
    TouchForm,
)
from planner.models import PendingImport
from scoring import analysis as scoring
from scoring import selectors as scoring_selectors
from scoring.core.changes import what_changed
from scoring.core.guardrails import backfire
from suggestions import forecasting, suggesting
from suggestions import selectors as suggestion_selectors
from suggestions import services as suggestion_services
from suggestions.access import get_planned_send_for_user
from workspace import group_charts, page_cache
from workspace.stakeholder_map import render_legend

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


@require_GET
def group_list(request):
    membership = require_role(request)
    query = request.GET.get("q", "")[:100]
    sort = request.GET.get("sort", "-updated")
    if sort not in selectors.GROUP_SORTS:
        sort = "-updated"
    archived = request.GET.get("archived") == "1"
    groups = selectors.group_list(
        membership.organization, query=query, sort=sort, archived=archived
    )
    page = Paginator(groups, PAGE_SIZE).get_page(request.GET.get("page"))
    context = {
        "page": page,
        "query": query,
        "sort": sort,
        "sorts": selectors.GROUP_SORTS,
        "archived": archived,
        "can_edit": membership.role in EDITORS,
    }
    template = "planner/group_list.html#results" if request.htmx else "planner/group_list.html"
    return render(request, template, context)


@require_http_methods(["GET", "POST"])
def group_create(request):
    membership = require_role(request, EDITORS)
    form = GroupForm(
        posted(request), organization=membership.organization, initial={"owner": request.user}
    )
    if request.method == "POST" and form.is_valid():
        try:
            group = services.group_create(organization=membership.organization, **form.cleaned_data)
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(request, f"{group} was created. Now add its people.")
            return redirect(group)
    return render(request, "planner/group_form.html", {"form": form})


@require_http_methods(["GET", "POST"])
def group_edit(request, pk: int):
    group = get_group_for_user(request, pk, roles=EDITORS)
    form = GroupForm(posted(request), instance=group, organization=group.organization)
    if request.method == "POST" and form.is_valid():
        try:
            services.group_update(group=group, **form.cleaned_data)
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(request, "The group was saved.")
            return redirect(group)
    return render(request, "planner/group_form.html", {"form": form, "group": group})


@require_POST
def group_archive(request, pk: int):
    group = get_group_for_user(request, pk, roles=EDITORS)
    archived = request.POST.get("archived", "1") == "1"
    services.group_set_archived(group=group, archived=archived)
    if archived:
        messages.success(request, f"{group} was archived. Find it under Archived groups.")
        return redirect("group_list")
    messages.success(request, f"{group} is active again.")
    return redirect(group)


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


def _workspace(request, group, *, person_form=None, tie_form=None, touch_form=None, status=200):
    """The group page (or, for htmx, its workspace).

    Everything in the workspace but the kits section is the group's own data, the same
    for every viewer with the same role and time zone: it is rendered without the request
    (with a slot wherever a viewer's CSRF token goes) and cached by `workspace.page_cache`
    until the group, its library or the hour changes. The kits section, the flash messages
    and each viewer's CSRF token are filled in on every response. A form with errors is
    rendered fresh, never cached. Anything that depends on the viewer, the session or data
    without a cache bump must go into `_live_parts`, not into `_workspace_body`."""
    can_edit = request.membership.role in EDITORS
    all_ties = _shows_all_relationships(request)
    forms = {"person_form": person_form, "tie_form": tie_form, "touch_form": touch_form}
    state = page_cache.page_state(group)
    key = None
    if not any(forms.values()):
        variant = f"{'edit' if can_edit else 'view'}:{'all' if all_ties else 'first'}"
        key = page_cache.body_key(group, state, variant=variant)
    body = page_cache.get_body(key)
    if body is None:
        body = page_cache.cut(_workspace_body(group, can_edit=can_edit, all_ties=all_ties, **forms))
        page_cache.offer_body(key, body)
    shell = render_to_string(
        "workspace/group_detail.html#workspace" if request.htmx else "workspace/group_detail.html",
        {
            "group": group,
            "can_edit": can_edit,
            "workspace_body": mark_safe(page_cache.BODY_SLOT),  # noqa: S308 - a constant
        },
        request,
    )
    before, after = shell.encode().split(page_cache.BODY_SLOT.encode(), 1)
    filled = page_cache.fill(body, _live_parts(request, group, has_kits=state.has_kits))
    return HttpResponse(b"".join((before, filled, after)), status=status)


def _workspace_body(
    group, *, can_edit: bool, all_ties: bool, person_form=None, tie_form=None, touch_form=None
) -> str:
    """The workspace as anyone with this role sees it, with the page_cache slots in it."""
    analysis = scoring.analyze(group)
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
    model = scoring.forecast_model(analysis)
    plan = suggesting.group_plan(group, analysis=analysis, top=3, model=model)
    outlook = forecasting.group_forecast(group, analysis=analysis, plan=plan, model=model)
    # The SVG builders escape every text they are given (tested), so marking them safe is.
    pictures = {
        "map_svg": group_charts.friction_map(analysis),
        "legend_svg": _legend(),
        "heatmap_svg": group_charts.heatmap(analysis),
        "trend_svg": group_charts.trend(snapshots, analysis, tuple(outlook.lines())),
    }
    relationships = data.relationships if all_ties else data.relationships[:RELATIONSHIPS_SHOWN]
    context = {
        "group": group,
        "data": data,
        "analysis": analysis,
        **{name: mark_safe(svg) for name, svg in pictures.items()},  # noqa: S308
        "backfire": alert,
        "plan": plan,
        "outlook": outlook,
        "sends": _sends_with_forecast(suggestion_selectors.planned_sends(group), model),
        "changes": what_changed(week_ago.document if week_ago else None, analysis.document()),
        "touches": selectors.recent_touches(group),
        "relationships": relationships,
        "relationships_hidden": len(data.relationships) - len(relationships),
        "all_relationships": all_ties,
        "can_edit": can_edit,
        "person_form": person_form or StakeholderForm(group=group, prefix="person"),
        "tie_form": tie_form
        or RelationshipForm(group=group, stakeholders=data.stakeholders, prefix="tie"),
        "touch_form": touch_form
        or TouchForm(
            group=group,
            stakeholders=data.stakeholders,
            prefix="touch",
            initial={"occurred_at": page_cache.OCCURRED_AT_SLOT},  # now, filled in per response
        ),
        # Slots, never a real token or the kits of the moment: see workspace.page_cache.
        "csrf_token": page_cache.CSRF_SLOT,
        "kits_slot": mark_safe(page_cache.KITS_SLOT),  # noqa: S308 - our own constant
    }
    return render_to_string("workspace/group_detail.html#workspace-body", context)


def _sends_with_forecast(sends, model) -> list:
    """(planned send, its consensus forecast or None) pairs: the forecast for the sends
    still planned, each to its own recipients."""
    pairs = []
    for send in sends:
        outlook = None
        if send.status == "planned":
            recipients = [person.email for person in send.recipients.all()]
            outlook = suggesting.send_forecast(model, [send.asset], recipients)
        pairs.append((send, outlook))
    return pairs


@functools.cache
def _legend() -> str:
    return render_legend()


def _live_parts(request, group, *, has_kits: bool) -> dict[str, bytes]:
    """What goes into a workspace body's slots for this response: this viewer's CSRF
    token, the current minute as the default time of a new touch, the kits section now."""
    csrf = page_cache.csrf_slot().replace(page_cache.CSRF_SLOT, get_token(request))
    now = timezone.localtime().replace(second=0, microsecond=0)
    now_text = TouchForm.base_fields["occurred_at"].widget.format_value(now)
    kits = render_to_string(
        "kits/_kits.html",
        {
            "group": group,
            # The page's one query said whether there is any kit; none: no kit query.
            "kits": kit_selectors.group_kits(group) if has_kits else [],
            "can_build_kits": request.membership.role in KIT_BUILDERS,
        },
        request=request,
    )
    return {
        "csrf": csrf.encode(),
        "kits": kits.encode(),
        "occurred_at": f'value="{escape(now_text)}"'.encode(),
    }


def _page_or_editor(request, template: str) -> str:
    """htmx loads edit forms into the group page's editor panel; without JS they are pages."""
    return f"{template}#editor" if request.htmx else template


@require_GET
def group_detail(request, pk: int):
    group = get_group_for_user(request, pk)
    return _workspace(request, group)


def _saved(request, group, text: str):
    messages.success(request, text)
    if request.htmx:  # whatever the form targeted, the whole workspace is now stale
        response = _workspace(request, group)
        response["HX-Retarget"] = "#group-workspace"
        response["HX-Reswap"] = "outerHTML"
        return response
    return see_other(reverse("group_detail", args=[group.pk]))


@require_http_methods(["GET", "POST"])
def stakeholder_add(request, pk: int):
    group = get_group_for_user(request, pk, roles=EDITORS)
    form = StakeholderForm(posted(request), group=group, prefix="person")
    if request.method == "POST":
        if form.is_valid():
            try:
                person = services.stakeholder_create(group=group, **form.service_data())
            except ValidationError as error:
                form.add_error(None, error)
            else:
                return _saved(request, group, f"{person} was added to the map.")
        if request.htmx:
            return _workspace(request, group, person_form=form, status=422)
    return render(request, "planner/stakeholder_form.html", {"group": group, "form": form})


@require_http_methods(["GET", "POST"])
def stakeholder_edit(request, pk: int, sid: int):
    person = get_stakeholder_for_user(request, pk, sid, roles=EDITORS)
    form = StakeholderForm(posted(request), instance=person, group=person.group, prefix="edit")
    if request.method == "POST" and form.is_valid():
        try:
            services.stakeholder_update(stakeholder=person, **form.service_data())
        except ValidationError as error:
            form.add_error(None, error)
        else:
            return _saved(request, person.group, f"{person} was saved.")
    return render(
        request,
        _page_or_editor(request, "planner/stakeholder_form.html"),
        {"group": person.group, "form": form, "person": person},
        status=422 if form.errors and request.htmx else 200,
    )


@require_POST
def stakeholder_delete(request, pk: int, sid: int):
    person = get_stakeholder_for_user(request, pk, sid, roles=EDITORS)
    services.stakeholder_delete(stakeholder=person)
    return _saved(request, person.group, f"{person} was removed, with their relationships.")


@require_http_methods(["GET", "POST"])
def relationship_add(request, pk: int):
    group = get_group_for_user(request, pk, roles=EDITORS)
    form = RelationshipForm(posted(request), group=group, prefix="tie")
    if request.method == "POST":
        if form.is_valid():
            try:
                tie = services.relationship_create(group=group, **form.cleaned_data)
            except ValidationError as error:
                form.add_error(None, error)
            else:
                return _saved(request, group, f"Added: {tie}.")
        if request.htmx:
            return _workspace(request, group, tie_form=form, status=422)
    return render(request, "planner/relationship_form.html", {"group": group, "form": form})


@require_http_methods(["GET", "POST"])
def relationship_edit(request, pk: int, rid: int):
    tie = get_relationship_for_user(request, pk, rid, roles=EDITORS)
    form = RelationshipEditForm(posted(request), instance=tie)
    if request.method == "POST" and form.is_valid():
        try:
            services.relationship_update(relationship=tie, **form.cleaned_data)
        except ValidationError as error:
            form.add_error(None, error)
        else:
            return _saved(request, tie.group, f"Saved: {tie}.")
    return render(
        request,
        _page_or_editor(request, "planner/relationship_form.html"),
        {"group": tie.group, "form": form, "tie": tie},
        status=422 if form.errors and request.htmx else 200,
    )


@require_POST
def relationship_delete(request, pk: int, rid: int):
    tie = get_relationship_for_user(request, pk, rid, roles=EDITORS)
    services.relationship_delete(relationship=tie)
    return _saved(request, tie.group, f"Removed: {tie}.")


def _read_upload(upload) -> bytes | None:
    if not upload:
        return None
    return upload.read(importing.MAX_BYTES + 1)


IMPORT_FILES = ("stakeholders", "relationships", "touches")


def _pending_plan(group, pending: PendingImport) -> importing.ImportPlan:
    files = {}
    for name in IMPORT_FILES:
        filename = getattr(pending, f"{name}_name")
        if filename:
            files[name] = getattr(pending, f"{name}_csv").encode()
            files[f"{name}_name"] = filename
    return importing.import_plan(group=group, **files)


@require_http_methods(["GET", "POST"])
def group_import(request, pk: int):
    group = get_group_for_user(request, pk, roles=EDITORS)
    form = ImportForm(posted(request), posted_files(request))
    if request.method == "POST" and form.is_valid():
        uploads = {name: form.cleaned_data.get(name) for name in IMPORT_FILES}
        files = {}
        for name, upload in uploads.items():
            if upload:
                files[name] = _read_upload(upload)
                files[f"{name}_name"] = upload.name
        plan = importing.import_plan(group=group, **files)
        pending = None
        if plan.ok:  # every file decoded as UTF-8, so keeping them as text loses nothing
            PendingImport.objects.filter(group=group, created_by=request.user).delete()
            pending = PendingImport.objects.create(
                group=group,
                created_by=request.user,
                **{
                    field: files[name].decode("utf-8-sig") if name in files else ""
                    for name in IMPORT_FILES
                    for field in [f"{name}_csv"]
                },
                **{f"{name}_name": files.get(f"{name}_name", "") for name in IMPORT_FILES},
            )
        return render(
            request,
            "planner/group_import.html",
            {"group": group, "form": form, "plan": plan, "pending": pending},
        )
    return render(request, "planner/group_import.html", {"group": group, "form": form})


@require_POST
def group_import_confirm(request, pk: int, import_pk: int):
    pending = get_pending_import_for_user(request, pk, import_pk)
    group = pending.group
    plan = _pending_plan(group, pending)
    if not plan.ok:  # the group changed since the preview in a way that breaks the file
        return render(
            request,
            "planner/group_import.html",
            {"group": group, "form": ImportForm(), "plan": plan},
        )
    importing.import_apply(group=group, plan=plan)
    pending.delete()
    messages.success(request, f"Imported into {group}: {plan.summary()}.")
    return see_other(reverse("group_detail", args=[group.pk]))


@require_GET
def group_export(request, pk: int, fmt: str):
    group = get_group_for_user(request, pk)
    if fmt == "csv":
        response = HttpResponse(
            exporting.stakeholders_csv(group), content_type="text/csv; charset=utf-8"
        )
    else:
        response = HttpResponse(
            json.dumps(exporting.group_document(group), indent=2, ensure_ascii=False),
            content_type="application/json",
        )
    response["Content-Disposition"] = f'attachment; filename="{exporting.filename(group, fmt)}"'
    return response


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


@require_http_methods(["GET", "POST"])
def touch_add(request, pk: int):
    group = get_group_for_user(request, pk, roles=EDITORS)
    form = TouchForm(posted(request), group=group, prefix="touch")
    if request.method == "POST":
        if form.is_valid():
            data = form.cleaned_data
            try:
                touches = services.touches_record(
                    group=group,
                    stakeholders=list(data["recipients"]),
                    occurred_at=data["occurred_at"],
                    channel=data["channel"],
                    asset=data["asset"],
                    themes=data["themes"],
                    by=request.user,
                )
            except ValidationError as error:
                form.add_error(None, error)
            else:
                people = len(touches)
                return _saved(
                    request, group, f"Logged for {people} {'person' if people == 1 else 'people'}."
                )
        if request.htmx:
            return _workspace(request, group, touch_form=form, status=422)
    return render(request, "planner/touch_form.html", {"group": group, "form": form})


@require_POST
def touch_delete(request, pk: int, tid: int):
    touch = get_touch_for_user(request, pk, tid, roles=EDITORS)
    services.touch_delete(touch=touch)
    return _saved(request, touch.group, "The touch was removed.")


@require_GET
def stakeholder_timeline(request, pk: int, sid: int):
    person = get_stakeholder_for_user(request, pk, sid)
    analysis = scoring.analyze(person.group)
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
            "can_edit": request.membership.role in EDITORS,
        },
    )


@functools.cache
def _scoring_guide() -> str:
    """docs/scoring.md as HTML: our own file, written for marketers."""
    source = (settings.BASE_DIR / "docs" / "scoring.md").read_text(encoding="utf-8")
    return markdown.markdown(source, extensions=["tables", "toc"])


@require_GET
def scoring_help(request):
    return render(
        request,
        "workspace/scoring_help.html",
        {"guide": mark_safe(_scoring_guide())},  # noqa: S308 - a file in this repository
    )


def _asset_for_group(group, slug: str):
    return Asset.objects.filter(organization_id=group.organization_id, slug=slug).first()


@require_POST
def suggestion_accept(request, pk: int):
    group = get_group_for_user(request, pk, roles=EDITORS)
    asset = _asset_for_group(group, request.POST.get("asset", ""))
    if asset is None:
        raise Http404("No such asset in your library.")
    analysis = scoring.analyze(group)
    plan = suggesting.group_plan(group, analysis=analysis, top=50)
    chosen = next((s for s in plan.suggestions + plan.ranked if s.asset == asset.slug), None)
    people = {s.email: s for s in analysis.map.stakeholders}
    keys = chosen.recipients if chosen else [s.email for s in analysis.map.stakeholders]
    recipients = [people[k] for k in keys if k in people and people[k].consent]
    try:
        suggestion_services.planned_send_create(
            group=group,
            asset=asset,
            recipients=recipients,
            send_first=people.get(chosen.send_first) if chosen and chosen.send_first else None,
            reasons=list(chosen.reasons) if chosen else [],
            forecast=suggesting.what_if(analysis, [asset]).as_dict(),
            by=request.user,
        )
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(
            request,
            f"Planned: {asset.title} to {len(recipients)} people. Mark it sent once it went out.",
        )
    return see_other(reverse("group_detail", args=[group.pk]) + "#sends-title")


@require_POST
def planned_send_sent(request, pk: int, send_pk: int):
    planned = get_planned_send_for_user(request, pk, send_pk, roles=EDITORS)
    try:
        touches = suggestion_services.planned_send_mark_sent(planned=planned, by=request.user)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
        return see_other(reverse("group_detail", args=[planned.group.pk]))
    return _saved(
        request,
        planned.group,
        f"Sent: {planned.asset.title} reached {len(touches)} people. The scores were updated.",
    )


@require_POST
def planned_send_cancel(request, pk: int, send_pk: int):
    planned = get_planned_send_for_user(request, pk, send_pk, roles=EDITORS)
    try:
        suggestion_services.planned_send_cancel(planned=planned)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, f"Cancelled: {planned.asset.title}.")
    return see_other(reverse("group_detail", args=[planned.group.pk]))


@require_GET
def group_suggestions(request, pk: int):
    """Every ranked suggestion, and a "what if" forecast for any assets the user ticks."""
    group = get_group_for_user(request, pk)
    analysis = scoring.analyze(group)
    plan = suggesting.group_plan(group, analysis=analysis, top=20)
    picked_slugs = request.GET.getlist("asset")[:10]
    picked = list(
        Asset.objects.filter(organization_id=group.organization_id, slug__in=picked_slugs)
    )
    forecast = suggesting.what_if(analysis, picked) if picked else None
    names = {s.email: s.name or s.email for s in analysis.map.stakeholders}
    return render(
        request,
        "suggestions/group_suggestions.html",
        {
            "group": group,
            "plan": plan,
            "ranked": [(s, [names.get(k, k) for k in s.recipients]) for s in plan.ranked],
            "picked": picked,
            "picked_slugs": {a.slug for a in picked},
            "forecast": forecast,
            "can_edit": request.membership.role in EDITORS,
        },
    )
