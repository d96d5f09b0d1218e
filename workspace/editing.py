"""The group page's inline editors: people, relationships, touches, accepting a suggestion and
marking planned sends. Each answers with the refreshed group page (or its htmx fragment).
"""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_http_methods, require_POST

from accounts.http import posted, see_other
from content.models import Asset
from planner import services
from planner.access import (
    EDITORS,
    get_group_for_user,
    get_relationship_for_user,
    get_stakeholder_for_user,
    get_touch_for_user,
)
from planner.buying_roles import ROLE_LABELS
from planner.forms import (
    RelationshipEditForm,
    RelationshipForm,
    StakeholderForm,
    TouchForm,
)
from scoring.cached import current_analysis
from suggestions import services as suggestion_services
from suggestions import suggesting
from suggestions.access import get_planned_send_for_user
from workspace import recipient_picker
from workspace.views import group_page, group_page_saved


def _page_or_editor(request, template: str) -> str:
    """htmx loads edit forms into the group page's editor panel; without JS they are pages."""
    return f"{template}#editor" if request.htmx else template


@require_http_methods(["GET", "POST"])
def stakeholder_add(request, pk: int):
    group = get_group_for_user(request, pk, roles=EDITORS)
    role = request.GET.get("role", "")  # "add a person with this role", from the gaps panel
    form = StakeholderForm(
        posted(request),
        group=group,
        prefix="person",
        initial={"buying_role": role} if role in ROLE_LABELS else None,
    )
    if request.method == "POST":
        if form.is_valid():
            try:
                person = services.stakeholder_create(group=group, **form.service_data())
            except ValidationError as error:
                form.add_error(None, error)
            else:
                return group_page_saved(request, group, f"{person} was added to the map.")
        if request.htmx:
            return group_page(request, group, person_form=form, status=422)
    return render(request, "planner/stakeholder_form.html", {"group": group, "form": form})


@require_http_methods(["GET", "POST"])
def stakeholder_edit(request, pk: int, sid: int):
    person = get_stakeholder_for_user(request, pk, sid, roles=EDITORS)
    form = StakeholderForm(posted(request), instance=person, group=person.group, prefix="edit")
    return _save_or_editor(
        request,
        form,
        save=lambda: services.stakeholder_update(stakeholder=person, **form.service_data()),
        saved=lambda: f"{person} was saved.",
        template="planner/stakeholder_form.html",
        context={"group": person.group, "person": person},
    )


@require_POST
def stakeholder_delete(request, pk: int, sid: int):
    person = get_stakeholder_for_user(request, pk, sid, roles=EDITORS)
    services.stakeholder_delete(stakeholder=person)
    return group_page_saved(
        request, person.group, f"{person} was removed, with their relationships."
    )


@require_http_methods(["GET", "POST"])
def relationship_add(request, pk: int):
    group = get_group_for_user(request, pk, roles=EDITORS)
    form = RelationshipForm(
        posted(request),
        group=group,
        prefix="tie",
        search_url=reverse("people_search", args=[group.pk]),
    )
    if request.method == "POST":
        if form.is_valid():
            try:
                tie = services.relationship_create(group=group, **form.cleaned_data)
            except ValidationError as error:
                form.add_error(None, error)
            else:
                return group_page_saved(request, group, f"Added: {tie}.")
        if request.htmx:
            return group_page(request, group, tie_form=form, status=422)
    return render(request, "planner/relationship_form.html", {"group": group, "form": form})


@require_http_methods(["GET", "POST"])
def relationship_edit(request, pk: int, rid: int):
    tie = get_relationship_for_user(request, pk, rid, roles=EDITORS)
    form = RelationshipEditForm(posted(request), instance=tie)
    return _save_or_editor(
        request,
        form,
        save=lambda: services.relationship_update(relationship=tie, **form.cleaned_data),
        saved=lambda: f"Saved: {tie}.",
        template="planner/relationship_form.html",
        context={"group": tie.group, "tie": tie},
    )


def _save_or_editor(request, form, *, save, saved, template: str, context: dict):
    """An edit form's POST: save and answer with the group page (`saved()` is the message,
    worded after the save), or the form again, with its errors (422 for htmx), on its own
    page or in the group page's editor panel."""
    if request.method == "POST" and form.is_valid():
        try:
            save()
        except ValidationError as error:
            form.add_error(None, error)
        else:
            return group_page_saved(request, context["group"], saved())
    return render(
        request,
        _page_or_editor(request, template),
        {**context, "form": form},
        status=422 if form.errors and request.htmx else 200,
    )


@require_POST
def relationship_delete(request, pk: int, rid: int):
    tie = get_relationship_for_user(request, pk, rid, roles=EDITORS)
    services.relationship_delete(relationship=tie)
    return group_page_saved(request, tie.group, f"Removed: {tie}.")


@require_http_methods(["GET", "POST"])
def touch_add(request, pk: int):
    """Log a touch. A GET is also the recipient picker without JavaScript: ?role= or
    ?faction= ticks those people, ?q= lists only the people it finds."""
    group = get_group_for_user(request, pk, roles=EDITORS)
    group_map = current_analysis(group).map
    picker = recipient_picker.build(group, group_map)
    initial, status = {}, 200
    if request.method == "GET":
        try:
            ticked = recipient_picker.initial_ids(
                picker,
                role=request.GET.get("role", "").strip(),
                faction=request.GET.get("faction", "").strip(),
            )
        except recipient_picker.PickerInputError as error:
            messages.error(request, str(error))
            ticked, status = [], 400
        initial = {"occurred_at": timezone.localtime().replace(second=0, microsecond=0)}
        if ticked:
            initial["recipients"] = ticked
        query = request.GET.get("q", "")
        picker = recipient_picker.build(group, group_map, query=query, keep=ticked)
    form = TouchForm(
        posted(request),
        group=group,
        stakeholders=group_map.stakeholders,
        picker=picker,
        prefix="touch",
        initial=initial,
    )
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
                return group_page_saved(
                    request, group, f"Logged for {people} {'person' if people == 1 else 'people'}."
                )
        if request.htmx:
            return group_page(request, group, touch_form=form, status=422)
        status = 400  # a form with errors is a 4xx
    return render(request, "planner/touch_form.html", {"group": group, "form": form}, status=status)


@require_POST
def touch_delete(request, pk: int, tid: int):
    touch = get_touch_for_user(request, pk, tid, roles=EDITORS)
    services.touch_delete(touch=touch)
    return group_page_saved(request, touch.group, "The touch was removed.")


def _people(count: int) -> str:
    return f"{count} {'person' if count == 1 else 'people'}"


def _asset_for_group(group, slug: str):
    return Asset.objects.filter(organization_id=group.organization_id, slug=slug).first()


def _not_a_group_send(asset, analysis) -> str:
    """Why `asset` is never planned as a send to the whole group, or "": it is written
    for one person, or everyone who may be contacted already has it."""
    if asset.level == "individualized" or asset.framing == "individual":
        return (
            f"{asset.title} is written for one person: sent to the whole group it would "
            "deepen the split, so it is not planned as a group send."
        )
    contactable = [s.email for s in analysis.map.stakeholders if s.consent]
    seen = analysis.history.seen
    if contactable and all(asset.slug in seen.get(email, ()) for email in contactable):
        return f"Everyone you can contact has already received {asset.title}."
    return ""


@require_POST
def suggestion_accept(request, pk: int):
    group = get_group_for_user(request, pk, roles=EDITORS)
    asset = _asset_for_group(group, request.POST.get("asset", ""))
    if asset is None:
        raise Http404("No such asset in your library.")
    analysis = current_analysis(group)
    refusal = _not_a_group_send(asset, analysis)
    if refusal:
        messages.error(request, refusal)
        return see_other(reverse("group_detail", args=[group.pk]) + "#sends-title")
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
            f"Planned: {asset.title} to {_people(len(recipients))}. Mark it sent once it went out.",
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
    return group_page_saved(
        request,
        planned.group,
        f"Sent: {planned.asset.title} reached {_people(len(touches))}. The scores were updated.",
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
