"""Content library CSV import: preview first, then all or nothing.

`asset_import_plan` reads and validates the file whole and works out, row by row, what
would be created, updated or left unchanged; it writes nothing. `asset_import_apply`
writes a plan that has no problems in one transaction. Assets are matched by slug within
the organization, so importing the same file twice changes nothing the second time (not
even ``updated_at``). Optional columns a file does not have (``themes``, ``url``,
``summary``) never overwrite what the library already knows about an asset. Titles and
summaries that look like personal data (`content.sensitive`) are warnings, not problems.

Mirrors `planner.importing` without importing it (content never imports planner);
`FileProblem` and `RowAction` come from csvio, shared with the stakeholder import.
"""

from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path

from django.db import transaction
from django.utils import timezone

from accounts.models import Organization
from content.csv_schemas import AssetRow, parse_assets
from content.models import Asset, PendingAssetImport, Theme
from content.sensitive import find_sensitive
from content.services import themes_ensure
from csvio.errors import CsvFileError, FileProblem, Problem, RowAction
from csvio.reader import Table, read_table

MAX_BYTES = 2_000_000
MAX_ROWS = 5_000

UPDATABLE = ("title", "kind", "framing", "level", "stage", "themes", "url", "summary")


@dataclass
class AssetImportPlan:
    name: str = "assets.csv"
    rows: list[AssetRow] = field(default_factory=list)
    fields: frozenset[str] = frozenset()  # schema fields the file has a column for
    actions: list[RowAction] = field(default_factory=list)
    new_themes: list[str] = field(default_factory=list)  # theme slugs the org lacks yet
    problems: list[FileProblem] = field(default_factory=list)
    warnings: list[FileProblem] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.problems

    def count(self, action: str) -> int:
        return sum(1 for a in self.actions if a.action == action)

    @property
    def changes_anything(self) -> bool:
        return self.count("create") + self.count("update") > 0

    @property
    def slugs(self) -> list[str]:
        return [row.slug for row in self.rows]

    def summary(self) -> str:
        return (
            f"created {self.count('create')}, updated {self.count('update')}, "
            f"unchanged {self.count('unchanged')}"
        )


def _value(row: AssetRow, name: str):
    value = getattr(row, name)
    return dict(value) if name == "themes" else value


def _updatable(fields: frozenset[str]) -> tuple[str, ...]:
    return tuple(name for name in UPDATABLE if name in fields)


def _changes(asset: Asset, row: AssetRow, fields: frozenset[str]) -> tuple[str, ...]:
    return tuple(name for name in _updatable(fields) if getattr(asset, name) != _value(row, name))


def _actions(
    rows: Iterable[AssetRow], existing: dict[str, Asset], fields: frozenset[str]
) -> list[RowAction]:
    actions = []
    for row in rows:
        asset = existing.get(row.slug)
        if asset is None:
            actions.append(RowAction(row.line, "create", row.slug))
            continue
        changes = _changes(asset, row, fields)
        actions.append(RowAction(row.line, "update" if changes else "unchanged", row.slug, changes))
    return actions


def _existing(organization: Organization, rows: Iterable[AssetRow]) -> dict[str, Asset]:
    slugs = [row.slug for row in rows]
    return {a.slug: a for a in Asset.objects.filter(organization=organization, slug__in=slugs)}


def _theme_slugs(rows: Iterable[AssetRow]) -> set[str]:
    return {slug for row in rows for slug in row.themes}


def _sensitive_warnings(name: str, rows: Iterable[AssetRow]) -> list[FileProblem]:
    """A warning (not a problem) for each title or summary that looks like personal data."""
    warnings = []
    for row in rows:
        for column in ("title", "summary"):
            findings = find_sensitive(getattr(row, column))
            if findings:
                phrases = ", ".join(f"“{f.phrase}”" for f in findings)
                message = f"mentions {phrases}: check this is not personal data about someone"
                warnings.append(FileProblem(name, Problem(row.line, column, message)))
    return warnings


def asset_import_plan(
    *, organization: Organization, data: bytes, name: str = "assets.csv"
) -> AssetImportPlan:
    """What importing `data` would do to the organization's library; writes nothing."""
    try:
        table = read_table(data, max_bytes=MAX_BYTES, max_rows=MAX_ROWS)
    except CsvFileError as error:
        plan = AssetImportPlan(name=name)
        plan.problems.append(FileProblem(name, Problem(line=None, column=None, message=str(error))))
        return plan
    return asset_import_plan_table(organization=organization, table=table, name=name)


def asset_import_plan_table(
    *, organization: Organization, table: Table, name: str = "assets"
) -> AssetImportPlan:
    """`asset_import_plan` for a table already read (the API's JSON list of assets)."""
    plan = AssetImportPlan(name=name)
    parsed = parse_assets(table)
    plan.problems += [FileProblem(name, p) for p in parsed.problems]
    plan.warnings += [FileProblem(name, p) for p in parsed.warnings]
    plan.rows = list(parsed.rows)
    plan.fields = frozenset(parsed.columns)
    if not plan.ok:
        return plan
    plan.warnings += _sensitive_warnings(name, plan.rows)
    plan.actions = _actions(plan.rows, _existing(organization, plan.rows), plan.fields)
    wanted = _theme_slugs(plan.rows)
    known = set(
        Theme.objects.filter(organization=organization, slug__in=wanted).values_list(
            "slug", flat=True
        )
    )
    plan.new_themes = sorted(wanted - known)
    return plan


@transaction.atomic
def asset_import_apply(*, organization: Organization, plan: AssetImportPlan) -> AssetImportPlan:
    """Write a problem-free plan; returns it with its actions as they were applied.

    Locks the organization row so two imports into one library cannot interleave, and
    works from the library as it is now (a preview may be minutes old).
    """
    if not plan.ok:
        raise ValueError("refusing to import a plan with problems")
    Organization.objects.select_for_update().filter(pk=organization.pk).first()
    created_themes = themes_ensure(organization=organization, slugs=_theme_slugs(plan.rows))
    plan.new_themes = [theme.slug for theme in created_themes]
    existing = _existing(organization, plan.rows)
    plan.actions = _actions(plan.rows, existing, plan.fields)
    creates, updates = [], []
    now = timezone.now()
    for row in plan.rows:
        asset = existing.get(row.slug)
        if asset is None:
            asset = Asset(organization=organization, slug=row.slug)
            for name in UPDATABLE:
                setattr(asset, name, _value(row, name))
            creates.append(asset)
        elif changes := _changes(asset, row, plan.fields):
            for name in changes:
                setattr(asset, name, _value(row, name))
            asset.updated_at = now
            updates.append(asset)
    if creates:
        Asset.objects.bulk_create(creates)
    if updates:
        Asset.objects.bulk_update(updates, [*_updatable(plan.fields), "updated_at"])
    return plan


DEMO_LIBRARY = Path(__file__).resolve().parent / "demo" / "library.csv"


@transaction.atomic
def asset_import_stage(
    *, organization: Organization, by, name: str, data: bytes
) -> PendingAssetImport:
    """Keep a previewed, problem-free upload until its uploader confirms it (replacing
    any earlier upload of theirs that was never confirmed)."""
    PendingAssetImport.objects.filter(organization=organization, created_by=by).delete()
    return PendingAssetImport.objects.create(
        organization=organization,
        created_by=by,
        file_name=name,
        csv_text=data.decode("utf-8-sig"),  # the plan decoded it already: nothing is lost
    )


@transaction.atomic
def asset_import_confirm(*, pending: PendingAssetImport) -> AssetImportPlan:
    """Plan the kept upload again against the library as it is now and, if it still has
    no problems, apply it and forget the upload. Returns the plan either way."""
    plan = asset_import_plan(
        organization=pending.organization,
        data=pending.csv_text.encode("utf-8"),
        name=pending.file_name,
    )
    if plan.ok:
        asset_import_apply(organization=pending.organization, plan=plan)
        pending.delete()
    return plan
