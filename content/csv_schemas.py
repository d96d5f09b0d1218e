"""The content library CSV file: `slug,title,kind,framing,level,stage,themes,url,summary`.

Plain Python, no Django, and no import from `planner` (content never imports planner).
`parse_assets` takes a `csvio.Table` and returns a `csvio.ParseResult` of `AssetRow`s,
collecting every problem of every row; callers write nothing unless ``result.ok``.

The ``*_CHOICES`` tuples are (value, label) pairs for the models. Values are matched
case-insensitively with spaces or dashes for underscores ("Case study",
"mass-customized"), labels are accepted too, and British spellings ("mass customised",
"individualised") as well.

Decisions beyond INTERFACES.md: ``slug``, ``title``, ``kind``, ``framing``, ``level``
and ``stage`` are all required (a file without one of those columns is refused with one
problem on the header line); slugs are normalised like theme slugs ("ROI Calculator" ->
"roi-calculator") and must be unique in the file after normalisation; an asset without
themes is accepted with a warning (touches with it count toward nothing).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from types import MappingProxyType

from csvio.columns import RowCells, start_parse
from csvio.errors import ParseResult
from csvio.fields import (
    choice_lookup,
    parse_choice,
    parse_slug,
    parse_theme_weights,
    parse_url,
)
from csvio.reader import Table

TITLE_MAX_LENGTH = 200
SUMMARY_MAX_LENGTH = 5000

KIND_CHOICES: tuple[tuple[str, str], ...] = (
    ("article", "Article"),
    ("case_study", "Case study"),
    ("calculator", "Calculator"),
    ("checklist", "Checklist"),
    ("webinar", "Webinar"),
    ("deck", "Deck"),
    ("email", "Email"),
    ("other", "Other"),
)
FRAMING_CHOICES: tuple[tuple[str, str], ...] = (
    ("shared_problem", "Shared problem"),
    ("solution", "Solution"),
    ("individual", "Individual"),
)
LEVEL_CHOICES: tuple[tuple[str, str], ...] = (
    ("mass", "Mass"),
    ("mass_customized", "Mass customized"),
    ("individualized", "Individualized"),
)
STAGE_CHOICES: tuple[tuple[str, str], ...] = (
    ("problem_identification", "Problem identification"),
    ("solution_exploration", "Solution exploration"),
    ("requirements_building", "Requirements building"),
    ("supplier_selection", "Supplier selection"),
    ("validation", "Validation"),
    ("consensus_creation", "Consensus creation"),
)

_KINDS = choice_lookup(KIND_CHOICES)
_FRAMINGS = choice_lookup(FRAMING_CHOICES)
_LEVELS = choice_lookup(
    LEVEL_CHOICES, {"mass_customised": "mass_customized", "individualised": "individualized"}
)
_STAGES = choice_lookup(STAGE_CHOICES)

ASSET_COLUMNS: dict[str, tuple[str, ...]] = {
    "slug": ("slug",),
    "title": ("title",),
    "kind": ("kind",),
    "framing": ("framing",),
    "level": ("level",),
    "stage": ("stage",),
    "themes": ("themes",),
    "url": ("url",),
    "summary": ("summary",),
}
_REQUIRED = ("slug", "title", "kind", "framing", "level", "stage")


@dataclass(frozen=True)
class AssetRow:
    line: int
    slug: str
    title: str
    kind: str
    framing: str
    level: str
    stage: str
    themes: Mapping[str, float] = field(hash=False)  # theme slug -> positive weight
    url: str = ""
    summary: str = ""

    def __post_init__(self) -> None:
        object.__setattr__(self, "themes", MappingProxyType(dict(self.themes)))


def parse_assets(table: Table) -> ParseResult:
    columns, log = start_parse(table, ASSET_COLUMNS, required=_REQUIRED)
    if columns is None:
        return log.result(())
    rows: list[AssetRow] = []
    first_line: dict[str, int] = {}
    for row in table.rows:
        cells = RowCells(row, columns, log)
        slug = cells.parse("slug", parse_slug)
        if slug is not None:
            if slug in first_line:
                cells.problem(
                    "slug",
                    f"the slug {slug} is already on line {first_line[slug]}; "
                    "each asset needs its own slug",
                )
            else:
                first_line[slug] = row.line
        title = cells.text("title", max_length=TITLE_MAX_LENGTH)
        if not title:
            cells.problem("title", "is empty; every asset needs a title")
        kind = cells.parse("kind", parse_choice, _KINDS, label="kind")
        framing = cells.parse("framing", parse_choice, _FRAMINGS, label="framing")
        level = cells.parse("level", parse_choice, _LEVELS, label="level")
        stage = cells.parse("stage", parse_choice, _STAGES, label="stage")
        themes = cells.parse("themes", parse_theme_weights)
        url = cells.parse("url", parse_url)
        summary = cells.text("summary", max_length=SUMMARY_MAX_LENGTH)
        if cells.failed:
            continue
        if not themes:
            cells.warning("themes", "is empty, so touches with this asset count toward no theme")
        rows.append(
            AssetRow(row.line, slug, title, kind, framing, level, stage, themes, url, summary)
        )
    return log.result(rows, columns=columns)
