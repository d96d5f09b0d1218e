"""Buying-group pages of the planner: the list, create, edit, archive, CSV import and export,
the organization's planning settings. Thin: parse the request, look up through
`planner.access`, call a service or selector, render.
"""

import json

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from accounts.access import require_role
from accounts.http import posted, posted_files, see_other
from planner import exporting, importing, selectors, services
from planner.access import (
    EDITORS,
    get_group_for_user,
    get_pending_import_for_user,
)
from planner.forms import (
    GroupForm,
    ImportForm,
)
from planner.models import PendingImport

PAGE_SIZE = 20


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
        state = importing.group_state(group)  # before planning: a change after it shows
        plan = importing.import_plan(group=group, **files)
        pending = None
        if plan.ok:  # every file decoded as UTF-8, so keeping them as text loses nothing
            PendingImport.objects.filter(group=group, created_by=request.user).delete()
            pending = PendingImport.objects.create(
                group=group,
                created_by=request.user,
                group_state=state,
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
        changed = bool(pending.group_state) and (
            importing.group_state(group) != pending.group_state
        )
        if changed:
            messages.warning(request, importing.ImportOutdated.message)
        return render(
            request,
            "planner/group_import.html",
            {"group": group, "form": ImportForm(), "plan": plan},
            status=409 if changed else 200,
        )
    try:
        importing.import_apply(group=group, plan=plan, expected_state=pending.group_state or None)
    except importing.ImportOutdated:
        # Nothing was written. Show the same files against the group as it is now.
        pending.group_state = importing.group_state(group)
        plan = _pending_plan(group, pending)
        pending.save(update_fields=["group_state"])
        messages.warning(request, importing.ImportOutdated.message)
        return render(
            request,
            "planner/group_import.html",
            {
                "group": group,
                "form": ImportForm(),
                "plan": plan,
                "pending": pending if plan.ok else None,
            },
            status=409,
        )
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
