"""Buying-group pages. Thin: parse the request, look up through `planner.access`, call a
service or selector, render. htmx requests get the `workspace` fragment of the group page.
"""

import json

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.safestring import mark_safe
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from accounts.access import require_role
from accounts.http import posted, posted_files, see_other
from accounts.models import Membership
from accounts.roles import ADMINS
from planner import exporting, importing, selectors, services
from planner.access import (
    EDITORS,
    get_group_for_user,
    get_pending_import_for_user,
    get_relationship_for_user,
    get_stakeholder_for_user,
)
from planner.forms import (
    GroupForm,
    ImportForm,
    RelationshipEditForm,
    RelationshipForm,
    RoleTemplateForm,
    StakeholderForm,
)
from planner.map_view import map_svg
from planner.models import PendingImport
from planner.stakeholder_map import render_legend

PAGE_SIZE = 20


@require_GET
def dashboard(request):
    if not request.memberships:
        return render(request, "planner/no_organization.html")
    membership = require_role(request)
    groups = selectors.group_list(membership.organization, sort="-updated")
    team_size = Membership.objects.filter(organization=membership.organization).count()
    return render(
        request,
        "planner/dashboard.html",
        {"groups": groups[:8], "group_count": groups.count(), "team_size": team_size},
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


def _workspace(request, group, *, person_form=None, tie_form=None, status=200):
    data = selectors.group_map(group)
    can_edit = request.membership.role in EDITORS
    context = {
        "group": group,
        "data": data,
        "map_svg": mark_safe(map_svg(data)),  # noqa: S308 - built by planner.stakeholder_map, every text escaped
        "legend_svg": mark_safe(render_legend()),  # noqa: S308 - static markup
        "can_edit": can_edit,
        "person_form": person_form or StakeholderForm(group=group, prefix="person"),
        "tie_form": tie_form
        or RelationshipForm(group=group, stakeholders=data.stakeholders, prefix="tie"),
    }
    template = (
        "planner/group_detail.html#workspace" if request.htmx else "planner/group_detail.html"
    )
    return render(request, template, context, status=status)


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
                person = services.stakeholder_create(group=group, **form.cleaned_data)
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
            services.stakeholder_update(stakeholder=person, **form.cleaned_data)
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


@require_http_methods(["GET", "POST"])
def group_import(request, pk: int):
    group = get_group_for_user(request, pk, roles=EDITORS)
    form = ImportForm(posted(request), posted_files(request))
    if request.method == "POST" and form.is_valid():
        people = form.cleaned_data.get("stakeholders")
        ties = form.cleaned_data.get("relationships")
        people_bytes, ties_bytes = _read_upload(people), _read_upload(ties)
        plan = importing.import_plan(
            group=group,
            stakeholders=people_bytes,
            relationships=ties_bytes,
            stakeholders_name=people.name if people else "stakeholders.csv",
            relationships_name=ties.name if ties else "relationships.csv",
        )
        pending = None
        if plan.ok:
            PendingImport.objects.filter(group=group, created_by=request.user).delete()
            pending = PendingImport.objects.create(
                group=group,
                created_by=request.user,
                stakeholders_name=people.name if people else "",
                stakeholders_csv=people_bytes.decode("utf-8-sig") if people_bytes else "",
                relationships_name=ties.name if ties else "",
                relationships_csv=ties_bytes.decode("utf-8-sig") if ties_bytes else "",
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
    plan = importing.import_plan(
        group=group,
        stakeholders=pending.stakeholders_csv.encode() if pending.stakeholders_name else None,
        relationships=pending.relationships_csv.encode() if pending.relationships_name else None,
        stakeholders_name=pending.stakeholders_name or "stakeholders.csv",
        relationships_name=pending.relationships_name or "relationships.csv",
    )
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
def role_template(request):
    membership = require_role(request, ADMINS)
    organization = membership.organization
    form = RoleTemplateForm(
        posted(request), initial={"roles": selectors.required_roles(organization)}
    )
    if request.method == "POST" and form.is_valid():
        services.role_template_update(organization=organization, roles=form.cleaned_data["roles"])
        messages.success(request, "Required roles saved.")
        return see_other(reverse("role_template"))
    return render(request, "planner/role_template.html", {"form": form})
