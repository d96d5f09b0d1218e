"""Writes to the content library: themes, assets (with their files) and the glossary.

Keyword-only and atomic. A file written to storage is removed again if its row cannot be
saved; a file an asset stops using is deleted only once the change has committed, so a
rolled-back change never loses a file that is still referenced.
"""

from collections.abc import Iterable, Mapping

from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.utils.text import slugify

from accounts.models import Organization
from content.models import Asset, GlossaryTerm, Theme, safe_file_name
from content.uploads import UploadRefused, check_upload
from csvio.fields import SLUG_MAX_LENGTH


def theme_name_from_slug(slug: str) -> str:
    return slug.replace("-", " ").strip().capitalize()


@transaction.atomic
def themes_ensure(*, organization: Organization, slugs: Iterable[str]) -> list[Theme]:
    """Create the themes among `slugs` that the organization does not have yet."""
    wanted = {slug for slug in slugs if slug}
    if not wanted:
        return []
    existing = set(
        Theme.objects.filter(organization=organization, slug__in=wanted).values_list(
            "slug", flat=True
        )
    )
    created = [
        Theme(organization=organization, slug=slug, name=theme_name_from_slug(slug))
        for slug in sorted(wanted - existing)
    ]
    Theme.objects.bulk_create(created, ignore_conflicts=True)
    return created


# --- Assets -------------------------------------------------------------------------------


def _unique_slug(organization: Organization, title: str, *, exclude_pk: int | None = None) -> str:
    base = slugify(title)[:SLUG_MAX_LENGTH].strip("-") or "asset"
    taken = set(
        Asset.objects.filter(organization=organization, slug__startswith=base)
        .exclude(pk=exclude_pk)
        .values_list("slug", flat=True)
    )
    slug, n = base, 2
    while slug in taken:
        suffix = f"-{n}"
        slug = f"{base[: SLUG_MAX_LENGTH - len(suffix)].rstrip('-')}{suffix}"
        n += 1
    return slug


def _check_slug(organization: Organization, slug: str, *, exclude_pk: int | None = None) -> None:
    clash = Asset.objects.filter(organization=organization, slug=slug).exclude(pk=exclude_pk)
    if clash.exists():
        raise ValidationError(
            {"slug": f"Another asset already uses the slug {slug}; choose another one."}
        )


def _delete_file_on_commit(storage, name: str) -> None:
    """Remove a stored file once the transaction that stopped using it has committed."""
    if name:
        transaction.on_commit(lambda: storage.delete(name))


def _attach(asset: Asset, upload: UploadedFile) -> None:
    """Check `upload` and store it for `asset` (written to storage now, row saved later)."""
    try:
        file_type = check_upload(name=upload.name, size=upload.size, file=upload)
    except UploadRefused as error:
        raise ValidationError({"upload": str(error)}) from error
    name = safe_file_name(upload.name)
    asset.file.save(name, upload, save=False)
    asset.file_name = name
    asset.file_size = upload.size
    asset.file_type = file_type.key


def _detach(asset: Asset) -> None:
    asset.file = ""
    asset.file_name = ""
    asset.file_size = 0
    asset.file_type = ""


def _save_with_file(asset: Asset, *, new_file: bool) -> None:
    """Save the row; if that fails, remove the file just written so none is orphaned."""
    try:
        asset.save()
    except Exception:
        if new_file and asset.file.name:
            asset.file.storage.delete(asset.file.name)
        raise


@transaction.atomic
def asset_create(
    *,
    organization: Organization,
    title: str,
    kind: str,
    framing: str,
    level: str,
    stage: str,
    themes: Mapping[str, float],
    url: str = "",
    summary: str = "",
    slug: str = "",
    upload: UploadedFile | None = None,
) -> Asset:
    """Add an asset to the library, with its uploaded file if any; new themes are created."""
    slug = slug or _unique_slug(organization, title)
    _check_slug(organization, slug)
    asset = Asset(
        organization=organization,
        slug=slug,
        title=title,
        kind=kind,
        framing=framing,
        level=level,
        stage=stage,
        themes=dict(themes),
        url=url,
        summary=summary,
    )
    asset.full_clean(exclude=["file"])
    themes_ensure(organization=organization, slugs=themes)
    if upload:
        _attach(asset, upload)
    _save_with_file(asset, new_file=bool(upload))
    return asset


@transaction.atomic
def asset_update(
    *,
    asset: Asset,
    title: str,
    kind: str,
    framing: str,
    level: str,
    stage: str,
    themes: Mapping[str, float],
    url: str = "",
    summary: str = "",
    slug: str = "",
    upload: UploadedFile | None = None,
    remove_file: bool = False,
) -> Asset:
    """Change an asset. A new upload replaces the old file, and `remove_file` drops it;
    the old file is deleted from storage once the change has committed."""
    organization = asset.organization
    slug = slug or asset.slug
    _check_slug(organization, slug, exclude_pk=asset.pk)
    for name, value in {
        "slug": slug,
        "title": title,
        "kind": kind,
        "framing": framing,
        "level": level,
        "stage": stage,
        "themes": dict(themes),
        "url": url,
        "summary": summary,
    }.items():
        setattr(asset, name, value)
    asset.full_clean(exclude=["file"])
    themes_ensure(organization=organization, slugs=themes)
    old_file = asset.file.name
    storage = asset.file.storage
    if upload:
        _attach(asset, upload)
    elif remove_file:
        _detach(asset)
    _save_with_file(asset, new_file=bool(upload))
    if old_file and old_file != asset.file.name:
        _delete_file_on_commit(storage, old_file)
    return asset


@transaction.atomic
def asset_delete(*, asset: Asset) -> None:
    """Remove an asset and, once that has committed, its file. Touches that used it keep
    their own themes and lose only the link."""
    old_file, storage = asset.file.name, asset.file.storage
    asset.delete()
    _delete_file_on_commit(storage, old_file)


# --- Glossary -----------------------------------------------------------------------------


def _check_term(
    organization: Organization, term: str, themes: Iterable[Theme], *, exclude_pk=None
) -> None:
    clash = GlossaryTerm.objects.filter(organization=organization, term__iexact=term)
    if clash.exclude(pk=exclude_pk).exists():
        raise ValidationError({"term": f"“{term}” is already in the glossary; edit it there."})
    if any(theme.organization_id != organization.pk for theme in themes):
        raise ValidationError({"themes": "Choose themes of your own library."})


@transaction.atomic
def term_create(
    *, organization: Organization, term: str, definition: str, themes: Iterable[Theme] = ()
) -> GlossaryTerm:
    """Add a word to the organization's common language."""
    term, themes = term.strip(), list(themes)
    _check_term(organization, term, themes)
    glossary_term = GlossaryTerm.objects.create(
        organization=organization, term=term, definition=definition.strip()
    )
    glossary_term.themes.set(themes)
    return glossary_term


@transaction.atomic
def term_update(
    *, glossary_term: GlossaryTerm, term: str, definition: str, themes: Iterable[Theme] = ()
) -> GlossaryTerm:
    term, themes = term.strip(), list(themes)
    _check_term(glossary_term.organization, term, themes, exclude_pk=glossary_term.pk)
    glossary_term.term = term
    glossary_term.definition = definition.strip()
    glossary_term.save()
    glossary_term.themes.set(themes)
    return glossary_term


@transaction.atomic
def term_delete(*, glossary_term: GlossaryTerm) -> None:
    glossary_term.delete()
