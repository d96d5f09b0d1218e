"""Consensus kits (built in the background: 202 and a status URL), the content library,
and the caller's own digest preferences."""

from __future__ import annotations

from django.http import HttpRequest
from django.urls import reverse
from ninja import Query, Router

from accounts.services import preferences_update
from api import bulk
from api.access import caller, get_group_for_key, get_kit_for_key
from api.errors import ERRORS, READ_ERRORS, ApiError
from api.files import kit_file_links
from api.idempotency import idempotent
from api.keys import read_key, write_key
from api.routes_groups import (
    BulkBody,
    IdempotencyKey,
    Limit,
    Offset,
    OptionalBody,
    bulk_items,
    page,
)
from api.schemas import (
    AssetIn,
    AssetOut,
    Counts,
    DigestIn,
    DigestOut,
    KitIn,
    KitOut,
    Page,
)
from content.models import Asset
from kits import services as kits
from kits.models import ConsensusKit

router = Router(tags=["kits, content, me"])


def kit_out(request: HttpRequest, kit: ConsensusKit) -> dict:
    files = None
    if kit.status == ConsensusKit.Status.READY:
        urls, expires_at = kit_file_links(request=request, kit=kit, api_key=caller(request))
        files = {**urls, "expires_at": expires_at}
    return KitOut(
        id=kit.pk,
        version=kit.version,
        status=kit.status,
        progress=kit.progress,
        step=kit.step,
        error=kit.error,
        created_at=kit.created_at,
        built_at=kit.built_at,
        status_url=request.build_absolute_uri(
            reverse("api-1:kits_detail", args=[kit.group_id, kit.pk])
        ),
        files=files,
    ).model_dump(mode="json")


@router.get("/groups/{group_id}/kits", response={200: Page[KitOut], **READ_ERRORS}, auth=read_key)
def kits_list(request: HttpRequest, group_id: int, limit: int = Limit, offset: int = Offset):
    group = get_group_for_key(request, group_id)
    return page(
        ConsensusKit.objects.filter(group=group).order_by("-version"),
        limit,
        offset,
        lambda kit: kit_out(request, kit),
    )


@router.post("/groups/{group_id}/kits", response={202: KitOut, **ERRORS}, auth=write_key)
def kits_create(
    request: HttpRequest,
    group_id: int,
    payload: KitIn | None = OptionalBody,
    idempotency_key=IdempotencyKey,
):
    """Queue a new version of the group's kit. Answers 202 at once; poll `status_url`
    until `status` is ready (or failed), then download `files` within their lifetime.
    What is left out comes from the draft the kit page starts from."""
    group = get_group_for_key(request, group_id)
    payload = payload or KitIn()
    draft = kits.draft(group)
    assets = draft["assets"]
    if payload.assets is not None:
        slugs = [slug.strip().lower() for slug in payload.assets]
        found = dict(
            Asset.objects.filter(organization_id=group.organization_id, slug__in=slugs).values_list(
                "slug", "pk"
            )
        )
        missing = [
            {"field": "assets", "item": i, "message": f"no asset '{slug}' in the content library"}
            for i, slug in enumerate(slugs)
            if slug not in found
        ]
        if missing:
            raise ApiError(422, "An asset is not in your content library.", missing)
        why = {a["id"]: a["why"] for a in draft["assets"]}
        assets = [{"id": found[slug], "why": why.get(found[slug], "")} for slug in slugs]
    plan = draft["plan"]
    if payload.plan is not None:
        plan = [
            {"step": s.step, "owner": s.owner, "due": s.due.isoformat() if s.due else ""}
            for s in payload.plan
        ]

    def run():
        kit = kits.kit_request(
            group=group,
            by=caller(request).created_by,
            problem_statement=payload.problem_statement or draft["problem_statement"],
            assets=assets,
            plan=plan,
        )
        kit.refresh_from_db()
        return 202, kit_out(request, kit)

    return idempotent(request, run)


@router.get(
    "/groups/{group_id}/kits/{kit_id}",
    response={200: KitOut, **READ_ERRORS},
    auth=read_key,
    url_name="kits_detail",
)
def kits_detail(request: HttpRequest, group_id: int, kit_id: int):
    """A kit's build status; when ready, short-lived links to its PDF and ZIP."""
    return kit_out(request, get_kit_for_key(request, group_id, kit_id))


# --- content library ------------------------------------------------------------------


def asset_out(asset: Asset) -> dict:
    return AssetOut(
        id=asset.pk,
        slug=asset.slug,
        title=asset.title,
        kind=asset.kind,
        framing=asset.framing,
        level=asset.level,
        stage=asset.stage,
        themes=asset.themes or {},
        url=asset.url,
        summary=asset.summary,
        has_file=bool(asset.file),
    ).model_dump(mode="json")


@router.get("/assets", response={200: Page[AssetOut], **READ_ERRORS}, auth=read_key)
def assets_list(
    request: HttpRequest,
    limit: int = Limit,
    offset: int = Offset,
    framing: str | None = Query(None, max_length=30),
    stage: str | None = Query(None, max_length=40),
):
    assets = Asset.objects.filter(organization_id=caller(request).organization_id)
    if framing:
        assets = assets.filter(framing=framing)
    if stage:
        assets = assets.filter(stage=stage)
    return page(assets.order_by("slug"), limit, offset, asset_out)


@router.post("/assets", response={200: Counts, **ERRORS}, auth=write_key)
def assets_upsert(
    request: HttpRequest,
    payload: list[AssetIn] = BulkBody,
    idempotency_key=IdempotencyKey,
):
    """Create or update assets by slug, with the content library import's rules."""
    items = bulk_items(payload)
    organization = caller(request).organization
    return idempotent(
        request,
        lambda: (200, bulk.assets_upsert(organization=organization, items=items).as_dict()),
    )


# --- the caller's digest ----------------------------------------------------------------


def _caller_user(request: HttpRequest):
    user = caller(request).created_by
    if user is None:
        raise ApiError(
            404,
            "This key belongs to no person (it was made by the create_api_key command "
            "without --user), so it has no digest preferences.",
        )
    return user


def digest_out(user) -> dict:
    return DigestOut(
        email=user.email,
        enabled=user.digest_enabled,
        weekday=user.digest_weekday,
        hour=user.digest_hour,
        time_zone=user.time_zone,
    ).model_dump(mode="json")


@router.get("/me/digest", response={200: DigestOut, **READ_ERRORS}, auth=read_key)
def digest_get(request: HttpRequest):
    """The weekly digest preferences of the person who created the key (the caller)."""
    return digest_out(_caller_user(request))


@router.patch("/me/digest", response={200: DigestOut, **ERRORS}, auth=write_key)
def digest_update(request: HttpRequest, payload: DigestIn):
    user = _caller_user(request)
    fields = payload.model_dump(exclude_unset=True)
    enabled = fields.get("enabled")
    preferences_update(
        user=user,
        time_zone=fields.get("time_zone") or user.time_zone,
        digest_enabled=user.digest_enabled if enabled is None else enabled,
        name=user.name,
        digest_weekday=fields.get("weekday"),
        digest_hour=fields.get("hour"),
    )
    return digest_out(user)
