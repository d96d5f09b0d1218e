"""What the app makes of a group: the analysis, suggestions, the forecast, planned sends.
The documents are exactly those the commands print."""

from __future__ import annotations

from datetime import date

from django.http import HttpRequest, HttpResponse
from django.utils import timezone
from ninja import Query, Router

from api.access import caller, get_asset_for_key, get_group_for_key, get_planned_send_for_key
from api.documents import analysis_json
from api.errors import ERRORS, READ_ERRORS, ApiError
from api.idempotency import idempotent
from api.keys import read_key, write_key
from api.routes_groups import IdempotencyKey, Limit, Offset, page
from api.schemas import (
    AnalysisOut,
    ForecastOut,
    Page,
    PlannedSendIn,
    PlannedSendOut,
    SuggestionsOut,
)
from content.models import Asset
from planner.models import Stakeholder
from scoring.analysis import end_of_day
from suggestions import services
from suggestions.forecasting import MAX_WEEKS, WEEKS, ForecastError, group_forecast
from suggestions.models import PlannedSend
from suggestions.suggesting import suggestions_document

router = Router(tags=["insights"])

AsOf = Query(None, description="YYYY-MM-DD: as of the end of that day (default: today).")


def _day(as_of: date | None) -> date:
    return as_of or timezone.localdate()


@router.get(
    "/groups/{group_id}/analysis", response={200: AnalysisOut, **READ_ERRORS}, auth=read_key
)
def analysis(request: HttpRequest, group_id: int, as_of: date | None = AsOf):
    """The `analyze_group --format json` document."""
    group = get_group_for_key(request, group_id)
    # Already the documented shape (the command's own document): sent as it is cached.
    body = analysis_json(group, day=_day(as_of))
    return HttpResponse(body, content_type="application/json; charset=utf-8")


@router.get(
    "/groups/{group_id}/suggestions", response={200: SuggestionsOut, **READ_ERRORS}, auth=read_key
)
def suggestions(
    request: HttpRequest,
    group_id: int,
    as_of: date | None = AsOf,
    limit: int = Query(10, ge=1, le=50),
):
    """The `suggest_assets --format json` document."""
    group = get_group_for_key(request, group_id)
    return suggestions_document(group, day=_day(as_of), limit=limit)


@router.get(
    "/groups/{group_id}/forecast", response={200: ForecastOut, **READ_ERRORS}, auth=read_key
)
def forecast(
    request: HttpRequest,
    group_id: int,
    as_of: date | None = AsOf,
    weeks: int = Query(WEEKS, ge=0, le=MAX_WEEKS),
    send: str | None = Query(None, max_length=100, description="An asset slug sent at week 0."),
    to: str | None = Query(
        None,
        max_length=20_000,
        description="Who gets `send`: EMAIL[,EMAIL...] or all (the default).",
    ),
):
    """The `forecast_group --format json` document: the members' theme mixes after they
    talk for `weeks` weeks, with the plan (`send` to `to`) applied at week 0."""
    group = get_group_for_key(request, group_id)
    if to is not None and not send:
        raise ApiError(422, "`to` needs `send` (an asset slug).", [_field("to", "needs send")])
    asset = None
    if send:
        asset = Asset.objects.filter(
            organization_id=group.organization_id, slug=send.strip().lower()
        ).first()
        if asset is None:
            message = f"no asset '{send}' in the content library"
            raise ApiError(422, message[:1].upper() + message[1:] + ".", [_field("send", message)])
    recipients = None if to in (None, "all") else [e.strip() for e in to.split(",") if e.strip()]
    try:
        result = group_forecast(
            group, as_of=end_of_day(_day(as_of)), weeks=weeks, send=asset, to=recipients
        )
    except ForecastError as error:
        message = str(error)
        raise ApiError(
            422, message[:1].upper() + message[1:] + ".", [_field("to", message)]
        ) from error
    return result.document()


def _field(name: str, message: str) -> dict:
    return {"field": name, "item": None, "message": message}


# --- planned sends ------------------------------------------------------------------------


def planned_out(planned: PlannedSend) -> dict:
    return PlannedSendOut(
        id=planned.pk,
        asset=planned.asset.slug,
        recipients=sorted(r.email for r in planned.recipients.all()),
        status=planned.status,
        created_at=planned.created_at,
        sent_at=planned.sent_at,
    ).model_dump(mode="json")


@router.get(
    "/groups/{group_id}/planned-sends",
    response={200: Page[PlannedSendOut], **READ_ERRORS},
    auth=read_key,
)
def planned_list(request: HttpRequest, group_id: int, limit: int = Limit, offset: int = Offset):
    group = get_group_for_key(request, group_id)
    sends = (
        PlannedSend.objects.filter(group=group)
        .select_related("asset")
        .prefetch_related("recipients")
        .order_by("-created_at", "-pk")
    )
    return page(sends, limit, offset, planned_out)


@router.post(
    "/groups/{group_id}/planned-sends", response={201: PlannedSendOut, **ERRORS}, auth=write_key
)
def planned_create(
    request: HttpRequest, group_id: int, payload: PlannedSendIn, idempotency_key=IdempotencyKey
):
    """Plan to send an asset to some of the group (by default everyone who consents)."""
    group = get_group_for_key(request, group_id)
    asset = get_asset_for_key(request, payload.asset)
    people = Stakeholder.objects.filter(group=group)
    if payload.recipients is None:
        recipients = list(people.filter(consent=True))
    else:
        wanted = [email.strip().lower() for email in payload.recipients]
        found = {p.email: p for p in people.filter(email__in=wanted)}
        missing = [
            {"field": "recipients", "item": i, "message": f"no stakeholder {email} in this group"}
            for i, email in enumerate(wanted)
            if email not in found
        ]
        if missing:
            raise ApiError(422, "Every recipient must be a member of this group.", missing)
        recipients = [found[email] for email in dict.fromkeys(wanted)]

    def run():
        planned = services.planned_send_create(
            group=group, asset=asset, recipients=recipients, by=caller(request).created_by
        )
        return 201, planned_out(planned)

    return idempotent(request, run)


@router.post(
    "/groups/{group_id}/planned-sends/{send_id}/sent",
    response={200: PlannedSendOut, **ERRORS},
    auth=write_key,
)
def planned_sent(request: HttpRequest, group_id: int, send_id: int):
    """Mark it sent: one touch per recipient who still consents."""
    planned = get_planned_send_for_key(request, group_id, send_id)
    services.planned_send_mark_sent(planned=planned, by=caller(request).created_by)
    planned.refresh_from_db()
    return planned_out(planned)


@router.post(
    "/groups/{group_id}/planned-sends/{send_id}/cancel",
    response={200: PlannedSendOut, **ERRORS},
    auth=write_key,
)
def planned_cancel(request: HttpRequest, group_id: int, send_id: int):
    planned = get_planned_send_for_key(request, group_id, send_id)
    services.planned_send_cancel(planned=planned)
    return planned_out(planned)
