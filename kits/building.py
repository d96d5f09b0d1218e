"""Building a kit (in Celery): the document, the PDF, the ZIP, with progress on the way.

The kit document is built from what may leave the company only (see `kits.content`).
"""

from __future__ import annotations

import io
import logging
import time
import zipfile
from datetime import date

from django.core.files.base import ContentFile
from django.db import transaction
from django.utils import timezone
from django.utils.text import slugify

from content.models import Asset, GlossaryTerm
from csvio.writer import write_csv
from kits.builds import build_claim, build_failed, build_progress
from kits.content import KitAsset, KitDocument, KitStep, KitTerm, person_facts
from kits.drafting import discussion_guide, draft_title, success_measures
from kits.models import ConsensusKit
from kits.render import render_pdf, render_text
from kits.signals import kit_built
from kits.stored import document_json
from planner.models import BuyingGroup
from scoring.analysis import GroupAnalysis
from scoring.cached import current_analysis

log = logging.getLogger(__name__)


def glossary_candidates(group: BuyingGroup) -> list[GlossaryTerm]:
    """Every term of the organization's glossary (with its themes), by term."""
    return list(
        GlossaryTerm.objects.filter(organization_id=group.organization_id)
        .prefetch_related("themes")
        .order_by("term")
    )


def matches_themes(term: GlossaryTerm, themes: set[str]) -> bool:
    return any(theme.slug in themes for theme in term.themes.all())


def glossary_terms(
    group: BuyingGroup, *, themes: set[str], kept: list[int] | None = None
) -> tuple[list[KitTerm], dict[str, list[str]]]:
    """The kit's glossary and, per theme, its terms. `kept`: the ids of the terms the
    rep kept (any others stay out); None: the terms linked to one of `themes` (this
    group's), so a term written for another deal's themes stays out of this group's kit."""
    candidates = glossary_candidates(group)
    if kept is None:
        terms = [term for term in candidates if matches_themes(term, themes)]
    else:
        terms = [term for term in candidates if term.pk in set(kept)]
    links: dict[str, list[str]] = {}
    for term in terms:
        for theme in term.themes.all():
            links.setdefault(theme.slug, []).append(term.term)
    return [KitTerm(term=t.term, definition=t.definition) for t in terms], links


def group_themes(analysis: GroupAnalysis, assets) -> set[str]:
    """The themes this group has heard or cares about, and those of the kit's assets."""
    themes = {slug for slug, coverage in analysis.common_ground if coverage > 0}
    for asset in assets:
        themes.update(slug for slug, weight in (asset.themes or {}).items() if float(weight) > 0)
    return themes


def _kit_asset(asset: Asset, why: str) -> KitAsset:
    has_file = bool(asset.file)
    return KitAsset(
        title=asset.title,
        kind=asset.get_kind_display(),
        why=why,
        url=asset.url,
        summary=asset.summary,
        file_name=(asset.file_name or asset.file.name.rsplit("/", 1)[-1]) if has_file else "",
        file_key=str(asset.pk) if has_file else "",
    )


def _progress(kit: ConsensusKit, percent: int, step: str) -> None:
    build_progress(kit_id=kit.pk, percent=percent, step=step)


def kit_document(kit: ConsensusKit, *, analysis: GroupAnalysis | None = None) -> KitDocument:
    group = kit.group
    analysis = analysis or current_analysis(group)
    by_id = Asset.objects.filter(organization_id=group.organization_id).in_bulk(
        [a["id"] for a in kit.assets]
    )
    terms, links = glossary_terms(
        group, themes=group_themes(analysis, by_id.values()), kept=kit.glossary
    )
    assets = [_kit_asset(by_id[a["id"]], a["why"]) for a in kit.assets if a["id"] in by_id]
    people = [person_facts(s) for s in analysis.map.stakeholders]
    theme_names = {slug: analysis.theme_name(slug) for slug in analysis.theme_names}
    divergent = [slug for slug, value in analysis.divergence.theme_contributions if value > 0][:3]
    framing, questions, disagreements, bridges = discussion_guide(
        roles=sorted({s.role_label for s in analysis.map.stakeholders}),
        common_ground=analysis.common_ground,
        divergent_themes=divergent,
        theme_names=theme_names,
        term_links=links,
    )
    return KitDocument(
        title=draft_title(
            account=group.account or group.name,
            common_ground=analysis.common_ground,
            theme_names=theme_names,
            term_links=links,
        ),
        account=group.account or group.name,
        version=kit.version,
        prepared_by=kit.created_by.get_full_name() if kit.created_by else "",
        prepared_by_email=kit.created_by.email if kit.created_by else "",
        prepared_by_phone=kit.created_by.phone if kit.created_by else "",
        prepared_on=timezone.localdate(),
        problem_statement=kit.problem_statement,
        terms=tuple(terms),
        assets=tuple(assets),
        measures=success_measures(people, theme_names=theme_names),
        framing=framing,
        questions=questions,
        disagreements=disagreements,
        bridges=bridges,
        plan=tuple(
            KitStep(
                step=row["step"],
                owner=row["owner"],
                due=date.fromisoformat(row["due"]) if row["due"] else None,
            )
            for row in kit.plan
        ),
    )


def _zip(kit: ConsensusKit, document: KitDocument, pdf: bytes) -> bytes:
    base = f"{slugify(document.account) or 'kit'}-v{kit.version}"
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr(f"{base}/{base}.pdf", pdf)
        archive.writestr(f"{base}/{base}.txt", render_text(document))
        archive.writestr(
            f"{base}/glossary.csv",
            write_csv(("term", "definition"), [(t.term, t.definition) for t in document.terms]),
        )
        files = Asset.objects.filter(
            organization_id=kit.group.organization_id, pk__in=[a["id"] for a in kit.assets]
        ).exclude(file="")
        for asset in files:
            name = asset.file_name or asset.file.name.rsplit("/", 1)[-1]
            with asset.file.open("rb") as handle:
                archive.writestr(f"{base}/assets/{name}", handle.read())
    return buffer.getvalue()


def kit_build(*, kit_id: int) -> ConsensusKit | None:
    """Build the PDF and ZIP of a queued kit. Safe to run twice: a kit that is ready is
    left alone, only one worker can claim a queued one, and a redelivered task takes over
    a build whose worker is gone (kits.builds)."""
    claimed = build_claim(kit_id=kit_id)
    kit = (
        ConsensusKit.objects.select_related("group__organization", "created_by")
        .filter(pk=kit_id)
        .first()
    )
    if kit is None or not claimed:
        return kit
    started = time.perf_counter()
    try:
        _progress(kit, 15, "Reading the group")
        document = kit_document(kit)
        _progress(kit, 45, "Typesetting the PDF")
        pdf = render_pdf(document)
        _progress(kit, 75, "Packing the ZIP")
        archive = _zip(kit, document, pdf)
        base = f"{slugify(document.account) or 'kit'}-v{kit.version}"
        with transaction.atomic():
            kit.pdf.save(f"{base}.pdf", ContentFile(pdf), save=False)
            kit.zip.save(f"{base}.zip", ContentFile(archive), save=False)
            kit.document = document_json(document)
            kit.status = ConsensusKit.Status.READY
            kit.progress = 100
            kit.step = "Ready"
            kit.worker = ""
            kit.built_at = timezone.now()
            kit.save()
            kit_built.send(sender=ConsensusKit, kit=kit)
    except Exception as error:
        log.exception("kit build failed", extra={"kit_id": kit_id})
        build_failed(kit_id=kit_id, reason=f"The build failed: {error}")
        raise
    log.info(
        "kit built",
        extra={"kit_id": kit_id, "seconds": round(time.perf_counter() - started, 3)},
    )
    return kit
