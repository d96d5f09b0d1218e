"""Buying groups, their people, relationships and touches."""

from __future__ import annotations

from django.conf import settings
from django.db.models import Count, Q, QuerySet
from django.http import HttpRequest
from django.urls import reverse
from ninja import Body, Query, Router
from ninja.params import Header

from api import bulk
from api.access import caller, get_group_for_key
from api.errors import ERRORS, READ_ERRORS, ApiError
from api.idempotency import idempotent
from api.keys import read_key, write_key
from api.schemas import (
    MAX_BULK,
    Counts,
    GroupIn,
    GroupOut,
    GroupPatch,
    Page,
    PersonIn,
    PersonOut,
    RelationshipIn,
    RelationshipOut,
    Stage,
    TouchIn,
    TouchOut,
)
from planner import services
from planner.models import BuyingGroup, Relationship, Stakeholder, Touch

router = Router(tags=["groups"])

Limit = Query(50, ge=1, le=200)
Offset = Query(0, ge=0, le=1_000_000)
BulkBody = Body(..., max_length=MAX_BULK)
OptionalBody = Body(None)
IdempotencyKey = Header(
    None, alias="Idempotency-Key", description="Replays the first answer to this key."
)


def page(queryset: QuerySet, limit: int, offset: int, out) -> dict:
    return {
        "count": queryset.count(),
        "items": [out(obj) for obj in queryset[offset : offset + limit]],
    }


def bulk_items(items: list) -> list[dict]:
    if not items:
        raise ApiError(
            422,
            "Send at least one item.",
            [{"field": None, "item": None, "message": "the list is empty"}],
        )
    if len(items) > MAX_BULK:
        raise ApiError(
            422,
            f"Send at most {MAX_BULK:,} items per call.",
            [{"field": None, "item": None, "message": f"{len(items):,} items"}],
        )
    return [item.model_dump(exclude_unset=True) for item in items]


def group_out(group: BuyingGroup, members: int | None = None) -> dict:
    if members is None:
        members = getattr(group, "member_count", None)
    if members is None:
        members = group.stakeholders.count()
    return GroupOut(
        id=group.pk,
        name=group.name,
        account=group.account,
        opportunity_stage=group.opportunity_stage,
        expected_close=group.expected_close,
        owner=group.owner.email if group.owner_id else None,
        notes=group.notes,
        archived=group.archived,
        members=members,
        created_at=group.created_at,
        updated_at=group.updated_at,
        url=settings.SITE_URL + reverse("group_detail", args=[group.pk]),
    ).model_dump(mode="json")


@router.get("/groups", response={200: Page[GroupOut], **READ_ERRORS}, auth=read_key)
def groups_list(
    request: HttpRequest,
    limit: int = Limit,
    offset: int = Offset,
    archived: bool = Query(False, description="true: the archived groups instead."),
    stage: Stage | None = None,
    q: str | None = Query(None, max_length=120, description="Part of the name or account."),
):
    groups = (
        BuyingGroup.objects.filter(organization_id=caller(request).organization_id)
        .filter(archived=archived)
        .select_related("owner")
        .annotate(member_count=Count("stakeholders"))
        .order_by("name", "pk")
    )
    if stage:
        groups = groups.filter(opportunity_stage=stage)
    if q:
        groups = groups.filter(Q(name__icontains=q) | Q(account__icontains=q))
    return page(groups, limit, offset, group_out)


@router.post("/groups", response={201: GroupOut, **ERRORS}, auth=write_key)
def groups_create(request: HttpRequest, payload: GroupIn, idempotency_key=IdempotencyKey):
    def run():
        group = services.group_create(
            organization=caller(request).organization,
            owner=caller(request).created_by,
            **payload.model_dump(),
        )
        return 201, group_out(group, 0)

    return idempotent(request, run)


@router.get("/groups/{group_id}", response={200: GroupOut, **READ_ERRORS}, auth=read_key)
def groups_detail(request: HttpRequest, group_id: int):
    return group_out(get_group_for_key(request, group_id))


@router.patch("/groups/{group_id}", response={200: GroupOut, **ERRORS}, auth=write_key)
def groups_update(request: HttpRequest, group_id: int, payload: GroupPatch):
    group = get_group_for_key(request, group_id)
    fields = payload.model_dump(exclude_unset=True)
    archived = fields.pop("archived", None)
    for name in ("name", "account", "notes", "opportunity_stage"):
        if name in fields and fields[name] is None:
            fields.pop(name)
    if fields:
        services.group_update(group=group, **fields)
    if archived is not None:
        services.group_set_archived(group=group, archived=archived)
    return group_out(group)


@router.post("/groups/{group_id}/archive", response={200: GroupOut, **ERRORS}, auth=write_key)
def groups_archive(request: HttpRequest, group_id: int):
    group = services.group_set_archived(group=get_group_for_key(request, group_id), archived=True)
    return group_out(group)


# --- people -----------------------------------------------------------------------------


def person_out(person: Stakeholder) -> dict:
    return PersonOut(
        id=person.pk,
        email=person.email,
        name=person.name,
        title=person.title,
        buying_role=person.buying_role,
        influence=person.influence,
        stance=person.stance,
        priorities=person.priorities or {},
        outcome=person.outcome,
        consent=person.consent,
    ).model_dump(mode="json")


@router.get(
    "/groups/{group_id}/people", response={200: Page[PersonOut], **READ_ERRORS}, auth=read_key
)
def people_list(request: HttpRequest, group_id: int, limit: int = Limit, offset: int = Offset):
    group = get_group_for_key(request, group_id)
    people = Stakeholder.objects.filter(group=group).order_by("email", "pk")
    return page(people, limit, offset, person_out)


@router.post("/groups/{group_id}/people", response={200: Counts, **ERRORS}, auth=write_key)
def people_upsert(
    request: HttpRequest,
    group_id: int,
    payload: list[PersonIn] = BulkBody,
    idempotency_key=IdempotencyKey,
):
    """Create or update people by email (up to 1,000 per call, all or nothing). Fields
    that no item of the call mentions are left as they are."""
    group = get_group_for_key(request, group_id)
    items = bulk_items(payload)
    return idempotent(
        request, lambda: (200, bulk.people_upsert(group=group, items=items).as_dict())
    )


# --- relationships ------------------------------------------------------------------------


def relationship_out(tie: Relationship) -> dict:
    return {
        "id": tie.pk,
        "source_email": tie.source.email,
        "target_email": tie.target.email,
        "kind": tie.kind,
        "strength": tie.strength,
    }


@router.get(
    "/groups/{group_id}/relationships",
    response={200: Page[RelationshipOut], **READ_ERRORS},
    auth=read_key,
)
def relationships_list(
    request: HttpRequest, group_id: int, limit: int = Limit, offset: int = Offset
):
    group = get_group_for_key(request, group_id)
    ties = Relationship.objects.filter(group=group).select_related("source", "target")
    return page(ties.order_by("pk"), limit, offset, relationship_out)


@router.post("/groups/{group_id}/relationships", response={200: Counts, **ERRORS}, auth=write_key)
def relationships_upsert(
    request: HttpRequest,
    group_id: int,
    payload: list[RelationshipIn] = BulkBody,
    idempotency_key=IdempotencyKey,
):
    """Create relationships, or change their strength, matched by the pair and kind."""
    group = get_group_for_key(request, group_id)
    items = bulk_items(payload)
    return idempotent(
        request, lambda: (200, bulk.relationships_upsert(group=group, items=items).as_dict())
    )


# --- touches --------------------------------------------------------------------------------


def touch_out(touch: Touch) -> dict:
    return TouchOut(
        id=touch.pk,
        email=touch.stakeholder.email,
        occurred_at=touch.occurred_at,
        channel=touch.channel,
        asset=touch.asset.slug if touch.asset_id else None,
        themes=touch.themes or {},
    ).model_dump(mode="json")


@router.get(
    "/groups/{group_id}/touches", response={200: Page[TouchOut], **READ_ERRORS}, auth=read_key
)
def touches_list(request: HttpRequest, group_id: int, limit: int = Limit, offset: int = Offset):
    group = get_group_for_key(request, group_id)
    touches = Touch.objects.filter(group=group).select_related("stakeholder", "asset")
    return page(touches.order_by("-occurred_at", "-pk"), limit, offset, touch_out)


@router.post("/groups/{group_id}/touches", response={200: Counts, **ERRORS}, auth=write_key)
def touches_add(
    request: HttpRequest,
    group_id: int,
    payload: list[TouchIn] = BulkBody,
    idempotency_key=IdempotencyKey,
):
    """Record touches (up to 1,000 per call, all or nothing). A touch already recorded
    (same person, time and asset) is left alone, as in the CSV import."""
    group = get_group_for_key(request, group_id)
    items = bulk_items(payload)
    return idempotent(request, lambda: (200, bulk.touches_add(group=group, items=items).as_dict()))
