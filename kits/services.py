"""Consensus kits: drafting, requesting a build (built in Celery by `kits.building`), sharing.

The kit document is built from what may leave the company only: names, roles, the
outcomes people are measured on, themes, the glossary and the chosen assets. Stance,
influence, internal notes and friction figures never enter `kits.content`'s
dataclasses, so they cannot reach the PDF, the ZIP or the shared page.
"""

from __future__ import annotations

import logging
import secrets
from datetime import date, timedelta

from django.core import signing
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.db import transaction
from django.db.models import F, Max
from django.urls import reverse
from django.utils import timezone

from accounts.form_fields import parse_id
from accounts.models import User
from content.models import Asset, GlossaryTerm
from kits.building import glossary_candidates, glossary_terms, group_themes, matches_themes
from kits.building import kit_build as kit_build
from kits.building import kit_document as kit_document
from kits.content import KitStep
from kits.drafting import asset_why, default_plan, draft_problem_statement
from kits.models import ConsensusKit, KitShare, KitView
from kits.render import render_pdf
from kits.signals import kit_viewed
from kits.stored import document_from_json
from kits.tasks import build_enqueue
from planner.models import BuyingGroup
from scoring.analysis import GroupAnalysis
from scoring.cached import current_analysis
from suggestions.suggesting import group_plan

log = logging.getLogger(__name__)
SHARE_SALT = "planner.kit-share"
SHARE_DAYS = 30
MAX_ASSETS = 12
MAX_PLAN_STEPS = 12


# --- drafting -------------------------------------------------------------------------


def draft(group: BuyingGroup, *, analysis: GroupAnalysis | None = None) -> dict:
    """What the rep starts from: a problem statement, the suggested assets, a plan."""
    analysis = analysis or current_analysis(group)
    plan = group_plan(group, analysis=analysis, top=5)
    assets = {a.slug: a for a in Asset.objects.filter(organization_id=group.organization_id)}
    picked = [assets[s.asset] for s in plan.suggestions if s.asset in assets]
    themes = group_themes(analysis, picked)
    terms, links = glossary_terms(group, themes=themes)
    theme_names = {slug: analysis.theme_name(slug) for slug in analysis.theme_names}
    divergent = [slug for slug, value in analysis.divergence.theme_contributions if value > 0][:3]
    chosen, said = [], set()
    for asset in picked:
        why = _specific_why(asset, analysis, theme_names, divergent, links, said)
        said.add(why)
        chosen.append({"id": asset.pk, "why": why})
    statement = draft_problem_statement(
        account=group.account or group.name,
        common_ground=analysis.common_ground,
        theme_names=theme_names,
        glossary=terms,
        term_links=links,
    )
    steps = default_plan(today=timezone.localdate(), expected_close=group.expected_close)
    return {
        "problem_statement": statement,
        "assets": chosen,
        "plan": [_step_json(step) for step in steps],
        # Kept by default: the terms linked to this group's themes.
        "glossary": [t.pk for t in glossary_candidates(group) if matches_themes(t, themes)],
    }


def _specific_why(asset, analysis, theme_names, divergent, links, said: set[str]) -> str:
    """The asset's "why", never word for word another asset's in the same kit: led by its
    next theme when the first gives a line already said, else naming what it is."""
    themes = {k: float(v) for k, v in (asset.themes or {}).items() if float(v) > 0}
    for _ in range(len(themes) + 1):
        why = asset_why(
            kind=asset.kind,
            themes=themes,
            common_ground=analysis.common_ground,
            theme_names=theme_names,
            divergent_themes=divergent,
            term_links=links,
        )
        if why not in said:
            return why
        if len(themes) <= 1:
            break
        coverage = dict(analysis.common_ground)
        best = sorted(themes, key=lambda s: (-coverage.get(s, 0.0), -themes[s], s))[0]
        themes.pop(best)
    what = asset.summary.strip().rstrip(".") if asset.summary else asset.title
    return f"{why[:-1]}: {what}."


def _step_json(step: KitStep) -> dict:
    return {"step": step.step, "owner": step.owner, "due": step.due.isoformat() if step.due else ""}


# --- requesting a build -----------------------------------------------------------------


def _clean_assets(group: BuyingGroup, assets: list[dict]) -> list[dict]:
    if len(assets) > MAX_ASSETS:
        raise ValidationError(f"A kit holds at most {MAX_ASSETS} assets.")
    ids = [int(a["id"]) for a in assets]
    known = set(
        Asset.objects.filter(organization_id=group.organization_id, pk__in=ids).values_list(
            "pk", flat=True
        )
    )
    if len(set(ids)) != len(ids):
        raise ValidationError("An asset is in the kit twice.")
    if set(ids) - known:
        raise ValidationError("An asset is not in your content library.")
    return [{"id": int(a["id"]), "why": str(a.get("why", ""))[:300]} for a in assets]


def _clean_glossary(group: BuyingGroup, glossary: list[int] | None) -> list[int] | None:
    if glossary is None:
        return None
    ids = sorted({int(pk) for pk in glossary})
    known = set(
        GlossaryTerm.objects.filter(organization_id=group.organization_id, pk__in=ids).values_list(
            "pk", flat=True
        )
    )
    if set(ids) - known:
        raise ValidationError("A glossary term is not in your glossary.")
    return ids


def _clean_plan(plan: list[dict]) -> list[dict]:
    if len(plan) > MAX_PLAN_STEPS:
        raise ValidationError(f"A mutual plan holds at most {MAX_PLAN_STEPS} steps.")
    cleaned = []
    for row in plan:
        step = str(row.get("step", "")).strip()
        if not step:
            continue
        due = row.get("due") or ""
        if due:
            try:
                due = date.fromisoformat(str(due)).isoformat()
            except ValueError as error:
                raise ValidationError(f"“{due}” is not a date (use YYYY-MM-DD).") from error
        cleaned.append({"step": step[:200], "owner": str(row.get("owner", ""))[:80], "due": due})
    return cleaned


@transaction.atomic
def kit_request(
    *,
    group: BuyingGroup,
    by: User | None,
    problem_statement: str,
    assets: list[dict],
    plan: list[dict],
    glossary: list[int] | None = None,
    enqueue: bool = True,
) -> ConsensusKit:
    """Queue a new version of the group's kit; it is built by Celery once this commits
    (`enqueue=False`: the caller builds it itself, as `build_kit` does). `glossary`: the
    ids of the glossary terms the rep kept; None: the terms of the group's themes."""
    statement = problem_statement.strip()
    if not statement:
        raise ValidationError("Write the problem statement the whole group should agree on.")
    BuyingGroup.objects.select_for_update().filter(pk=group.pk).first()
    version = (ConsensusKit.objects.filter(group=group).aggregate(v=Max("version"))["v"] or 0) + 1
    kit = ConsensusKit.objects.create(
        group=group,
        version=version,
        problem_statement=statement[:4000],
        assets=_clean_assets(group, assets),
        plan=_clean_plan(plan),
        glossary=_clean_glossary(group, glossary),
        created_by=by,
        step="Waiting for a worker",
        queued_at=timezone.now(),
    )
    if enqueue:
        transaction.on_commit(lambda: _enqueue(kit.pk))
    return kit


def _enqueue(kit_id: int) -> None:
    build_enqueue(kit_id)  # broker down: the kit stays queued and the sweep sends it again


# --- sharing ----------------------------------------------------------------------------


def share_token(share: KitShare) -> str:
    return signing.dumps({"s": share.pk, "n": share.nonce}, salt=SHARE_SALT, compress=True)


def share_from_token(token: str) -> KitShare | None:
    try:
        payload = signing.loads(token, salt=SHARE_SALT)
    except signing.BadSignature:
        return None
    if not isinstance(payload, dict):
        return None
    # A well-signed token with fields of the wrong type is as invalid as a forged one.
    pk, nonce = payload.get("s"), payload.get("n")
    if isinstance(pk, bool) or not isinstance(pk, int) or parse_id(pk) is None:
        return None
    if not isinstance(nonce, str) or not nonce:
        return None
    return KitShare.objects.select_related("kit__group").filter(pk=pk, nonce=nonce).first()


@transaction.atomic
def share_create(*, kit: ConsensusKit, by: User | None, days: int = SHARE_DAYS) -> KitShare:
    if kit.status != ConsensusKit.Status.READY:
        raise ValidationError("Only a kit that is ready can be shared.")
    if not 1 <= days <= 365:
        raise ValidationError("A link can stay open between 1 and 365 days.")
    return KitShare.objects.create(
        kit=kit,
        nonce=secrets.token_urlsafe(16),
        created_by=by,
        expires_at=timezone.now() + timedelta(days=days),
    )


def share_file_links(share: KitShare, *, site_url: str) -> dict[str, str]:
    """Asset file key -> the URL this share link serves the file at (absolute)."""
    token = share_token(share)
    return {
        a["file_key"]: site_url + reverse("shared_kit_file", args=[token, int(a["file_key"])])
        for a in share.kit.document.get("assets") or ()
        if str(a.get("file_key") or "").isdigit()
    }


def share_pdf(*, share: KitShare, site_url: str):
    """The kit's PDF as this share link gives it: each asset file linked through the
    link (signed; it stops with the share). Made from the kit as built, on the first
    download, then kept with the share."""
    if share.pdf:
        return share.pdf
    links = share_file_links(share, site_url=site_url)
    if not links:
        return share.kit.pdf  # nothing to link: the kit's own PDF says the same
    pdf = render_pdf(document_from_json(share.kit.document), file_links=links)
    share.pdf.save(f"kit-v{share.kit.version}.pdf", ContentFile(pdf), save=False)
    KitShare.objects.filter(pk=share.pk).update(pdf=share.pdf.name)
    return share.pdf


@transaction.atomic
def share_revoke(*, share: KitShare) -> None:
    if share.revoked_at is None:
        share.revoked_at = timezone.now()
        share.save(update_fields=["revoked_at"])


@transaction.atomic
def share_viewed(*, share: KitShare) -> None:
    now = timezone.now()
    KitShare.objects.filter(pk=share.pk).update(views=F("views") + 1, last_viewed_at=now)
    KitShare.objects.filter(pk=share.pk, first_viewed_at__isnull=True).update(first_viewed_at=now)
    KitView.objects.create(share=share)
    kit_viewed.send(sender=KitShare, share=share)
