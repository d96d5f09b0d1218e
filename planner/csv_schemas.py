"""The stakeholder, relationship and touch CSV files (see docs: INTERFACES.md).

Plain Python, no Django. Each ``parse_*`` function takes a `csvio.Table` and returns a
`csvio.ParseResult` whose rows are the frozen dataclasses below. Every problem of every
row is collected (sorted by line, capped by `csvio.errors.MAX_REPORTED_PROBLEMS`), and
``rows`` holds only the rows without problems; callers write nothing unless
``result.ok``.

Header names match case-insensitively with spaces, underscores, dashes and colons
ignored; columns a schema does not use are ignored; a missing required column is one
problem on the header line naming it and the columns found.

Decisions beyond INTERFACES.md:

- ``name`` is optional: a stakeholder without one has ``name == ""``.
- Relationships: an exact repeat of (source, target, kind) is a problem naming both
  lines; for the symmetric kinds (collaborates, conflicts_with) the reversed pair is the
  same relationship, so it is a warning and the later line is skipped.
- Touches: a repeat of (email, occurred_at, asset) is a warning and the later line is
  skipped (importing it would change nothing); a touch with neither asset nor themes is
  a warning (it cannot count toward anyone's exposure).
- Text columns are refused when longer than the models allow (``*_MAX_LENGTH``).
"""

from __future__ import annotations

from collections.abc import Collection, Mapping
from dataclasses import dataclass, field
from datetime import datetime
from types import MappingProxyType

from csvio.columns import RowCells, start_parse
from csvio.errors import ParseResult
from csvio.fields import (
    choice_lookup,
    parse_choice,
    parse_datetime,
    parse_email,
    parse_int,
    parse_slug,
    parse_theme_weights,
)
from csvio.reader import Table, column_key
from planner.buying_roles import parse_buying_role

# As in planner.models.Stakeholder.
NAME_MAX_LENGTH = 150
TITLE_MAX_LENGTH = 150
OUTCOME_MAX_LENGTH = 255
CHANNEL_MAX_LENGTH = 50

STANCE_CHOICES: tuple[tuple[str, str], ...] = (
    ("supporter", "Supporter"),
    ("neutral", "Neutral"),
    ("skeptic", "Skeptic"),
    ("unknown", "Unknown"),
)
RELATIONSHIP_KIND_CHOICES: tuple[tuple[str, str], ...] = (
    ("reports_to", "Reports to"),
    ("influences", "Influences"),
    ("collaborates", "Collaborates with"),
    ("conflicts_with", "Conflicts with"),
)
SYMMETRIC_KINDS = frozenset({"collaborates", "conflicts_with"})

_STANCES = choice_lookup(STANCE_CHOICES, {"sceptic": "skeptic"})
_KINDS = choice_lookup(RELATIONSHIP_KIND_CHOICES)

STAKEHOLDER_COLUMNS: dict[str, tuple[str, ...]] = {
    "email": ("email", "email address", "contact: email", "contact email"),
    "name": ("name", "full name", "contact: full name", "contact name"),
    "first_name": ("first name", "contact: first name"),
    "last_name": ("last name", "contact: last name"),
    "title": ("title", "job title", "contact: title"),
    "buying_role": ("buying_role", "role", "contact role", "contact: role"),
    "influence": ("influence",),
    "stance": ("stance",),
    "priorities": ("priorities",),
    "outcome": ("outcome",),
}
RELATIONSHIP_COLUMNS: dict[str, tuple[str, ...]] = {
    "source_email": ("source_email", "source", "from"),
    "target_email": ("target_email", "target", "to"),
    "kind": ("kind",),
    "strength": ("strength",),
}
TOUCH_COLUMNS: dict[str, tuple[str, ...]] = {
    "email": ("email", "email address"),
    "occurred_at": ("occurred_at", "date", "timestamp"),
    "channel": ("channel",),
    "asset": ("asset", "asset_slug"),
    "themes": ("themes",),
}

_HUBSPOT_HINTS = {"firstname", "lastname", "jobtitle", "recordid", "contactowner", "lifecyclestage"}
_SALESFORCE_ROLE_KEYS = {"role", "contactrole"}


@dataclass(frozen=True)
class StakeholderRow:
    line: int
    email: str  # lowercased
    name: str
    title: str
    buying_role: str  # a planner.buying_roles value, e.g. "budget_holder"
    influence: int  # 1..5
    stance: str  # supporter | neutral | skeptic | unknown
    priorities: Mapping[str, float] = field(hash=False)  # theme slug -> positive weight
    outcome: str = ""

    def __post_init__(self) -> None:
        object.__setattr__(self, "priorities", MappingProxyType(dict(self.priorities)))


@dataclass(frozen=True)
class RelationshipRow:
    line: int
    source_email: str
    target_email: str
    kind: str  # reports_to | influences | collaborates | conflicts_with
    strength: int  # 1..5


@dataclass(frozen=True)
class TouchRow:
    line: int
    email: str
    occurred_at: datetime  # aware, UTC
    channel: str
    asset_slug: str | None
    themes: Mapping[str, float] = field(hash=False)  # empty: use the asset's themes

    def __post_init__(self) -> None:
        object.__setattr__(self, "themes", MappingProxyType(dict(self.themes)))


def parse_stakeholders(table: Table) -> ParseResult:
    """Stakeholders from a native, HubSpot or Salesforce file (``format`` says which)."""
    columns, log = start_parse(table, STAKEHOLDER_COLUMNS, required=("email",))
    format_ = _stakeholder_format(table)
    if columns is None:
        return log.result((), format=format_)
    rows: list[StakeholderRow] = []
    first_line: dict[str, int] = {}
    for row in table.rows:
        cells = RowCells(row, columns, log)
        email = cells.parse("email", parse_email)
        if email is not None:
            if email in first_line:
                cells.problem(
                    "email",
                    f"{email} is already on line {first_line[email]}; "
                    "each person can appear only once",
                )
            else:
                first_line[email] = row.line
        name = cells.text("name") or " ".join(
            part for part in (cells.text("first_name"), cells.text("last_name")) if part
        )
        if len(name) > NAME_MAX_LENGTH:
            cells.problem(
                "name" if "name" in columns else "first_name",
                f"the name is {len(name):,} characters long; the limit is {NAME_MAX_LENGTH}",
            )
        title = cells.text("title", max_length=TITLE_MAX_LENGTH)
        role, warning = parse_buying_role(cells.text("buying_role"))
        if warning:
            cells.warning("buying_role", warning[:1].lower() + warning[1:])
        influence = cells.parse("influence", parse_int, low=1, high=5, default=3)
        stance = cells.parse("stance", parse_choice, _STANCES, default="unknown", label="stance")
        priorities = cells.parse("priorities", parse_theme_weights)
        outcome = cells.text("outcome", max_length=OUTCOME_MAX_LENGTH)
        if cells.failed:
            continue
        rows.append(
            StakeholderRow(
                line=row.line,
                email=email,
                name=name,
                title=title,
                buying_role=role,
                influence=influence,
                stance=stance,
                priorities=priorities,
                outcome=outcome,
            )
        )
    present = {"name" if name in ("first_name", "last_name") else name for name in columns}
    return log.result(rows, format=format_, columns=present)


def parse_relationships(table: Table, *, known_emails: Collection[str]) -> ParseResult:
    """Relationships between people of the group.

    ``known_emails``: the group's stakeholders plus those of the same upload's
    stakeholders file; both people of every row must be among them.
    """
    columns, log = start_parse(
        table, RELATIONSHIP_COLUMNS, required=("source_email", "target_email", "kind")
    )
    if columns is None:
        return log.result(())
    known = {email.strip().lower() for email in known_emails}
    rows: list[RelationshipRow] = []
    first_line: dict[tuple[str, str, str], int] = {}
    for row in table.rows:
        cells = RowCells(row, columns, log)
        source = cells.parse("source_email", parse_email)
        target = cells.parse("target_email", parse_email)
        kind = cells.parse("kind", parse_choice, _KINDS, label="relationship kind")
        strength = cells.parse("strength", parse_int, low=1, high=5, default=3)
        for name, email in (("source_email", source), ("target_email", target)):
            if email is not None and email not in known:
                cells.problem(name, _unknown_person(email))
        if source is not None and source == target:
            cells.problem("target_email", "a person cannot have a relationship with themselves")
        if cells.failed:
            continue
        key = (source, target, kind)
        if key in first_line:
            cells.problem(
                None,
                f"the relationship {source} {kind} {target} is already on line "
                f"{first_line[key]}; give each relationship once",
            )
            continue
        reverse = (target, source, kind)
        if kind in SYMMETRIC_KINDS and reverse in first_line:
            cells.warning(
                None,
                f"line {first_line[reverse]} already says {target} {kind} {source}, which is "
                "the same relationship; this line is skipped",
            )
            continue
        first_line[key] = row.line
        rows.append(RelationshipRow(row.line, source, target, kind, strength))
    return log.result(rows, columns=columns)


def parse_touches(
    table: Table, *, known_emails: Collection[str], known_assets: Collection[str]
) -> ParseResult:
    """Touches: which message or asset reached whom, and when.

    ``known_emails`` as for `parse_relationships`; ``known_assets`` are the slugs of the
    organization's content library.
    """
    columns, log = start_parse(table, TOUCH_COLUMNS, required=("email", "occurred_at"))
    if columns is None:
        return log.result(())
    people = {email.strip().lower() for email in known_emails}
    assets = {slug.strip().lower() for slug in known_assets}
    rows: list[TouchRow] = []
    first_line: dict[tuple[str, datetime, str | None], int] = {}
    for row in table.rows:
        cells = RowCells(row, columns, log)
        email = cells.parse("email", parse_email)
        if email is not None and email not in people:
            cells.problem("email", _unknown_person(email))
        occurred_at = cells.parse("occurred_at", parse_datetime)
        channel = cells.text("channel", max_length=CHANNEL_MAX_LENGTH)
        asset: str | None = None
        if cells.text("asset"):
            asset = cells.parse("asset", parse_slug)
            if asset is not None and asset not in assets:
                cells.problem("asset", f"no asset '{asset}' in the content library")
        themes = cells.parse("themes", parse_theme_weights)
        if cells.failed:
            continue
        key = (email, occurred_at, asset)
        if key in first_line:
            cells.warning(
                None,
                f"the same touch (person, time and asset) is already on line "
                f"{first_line[key]}; this line is skipped",
            )
            continue
        first_line[key] = row.line
        if asset is None and not themes:
            cells.warning(
                "themes",
                "has neither an asset nor themes, so this touch cannot count toward what "
                "the person has heard",
            )
        rows.append(TouchRow(row.line, email, occurred_at, channel, asset, themes))
    return log.result(rows, columns=columns)


def _unknown_person(email: str) -> str:
    return f"no stakeholder with email {email} in this group or in the stakeholders file"


def _stakeholder_format(table: Table) -> str:
    """Which export the header looks like: "salesforce", "hubspot" or "native"."""
    keys = {column_key(header) for header in table.headers}
    role = table.find(*STAKEHOLDER_COLUMNS["buying_role"])
    role_key = column_key(table.headers[role[0]]) if role else ""
    if "contactfullname" in keys or role_key in _SALESFORCE_ROLE_KEYS:
        return "salesforce"
    if keys & _HUBSPOT_HINTS or "buying role" in table.headers:
        return "hubspot"
    return "native"
