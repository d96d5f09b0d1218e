"""The API's typed request and response bodies (they make the OpenAPI document).

Field names and values are those of the CSV files (see INTERFACES.md): the values are
checked by the same rules, not here, so a rule lives in one place. Theme weights are
objects, `{"security": 2}`, instead of the CSV's `security:2`.
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Annotated, Generic, Literal, TypeVar

from ninja import Field, Schema
from pydantic import BaseModel, ConfigDict, StringConstraints

T = TypeVar("T")
# The items of bulk lists are plain pydantic models: ninja's `Schema` also reads Django
# objects, which costs a few microseconds an item, felt at 1,000 items a call.
MAX_BULK = 1000

Text = Annotated[str, StringConstraints(max_length=4000)]
Weights = dict[Annotated[str, StringConstraints(min_length=1, max_length=60)], float]


class Page(Schema, Generic[T]):
    items: list[T]
    count: int


class Counts(Schema):
    created: int
    updated: int
    unchanged: int


# --- groups -------------------------------------------------------------------------


class GroupOut(Schema):
    id: int
    name: str
    account: str
    opportunity_stage: str
    expected_close: date | None
    owner: str | None = Field(None, description="The owner's email address.")
    notes: str
    archived: bool
    members: int
    created_at: datetime
    updated_at: datetime
    url: str = Field(description="The group's page in the app.")


Stage = Literal[
    "prospecting", "discovery", "evaluation", "proposal", "negotiation", "closed_won", "closed_lost"
]


GroupName = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=120)]


class GroupIn(Schema):
    name: GroupName
    account: Annotated[str, StringConstraints(max_length=120)] = ""
    opportunity_stage: Stage = "discovery"
    expected_close: date | None = None
    notes: Text = ""


class GroupPatch(Schema):
    name: GroupName | None = None
    account: Annotated[str, StringConstraints(max_length=120)] | None = None
    opportunity_stage: Stage | None = None
    expected_close: date | None = None
    notes: Text | None = None
    archived: bool | None = None


# --- people, relationships, touches -----------------------------------------------


class PersonIn(BaseModel):
    email: Annotated[str, StringConstraints(max_length=254)]
    name: Annotated[str, StringConstraints(max_length=300)] | None = None
    title: Annotated[str, StringConstraints(max_length=300)] | None = None
    buying_role: Annotated[str, StringConstraints(max_length=100)] | None = Field(
        None, description="A HubSpot buying role (Champion, Budget Holder, ...) or snake_case."
    )
    influence: int | None = Field(None, description="1 to 5; 3 when new and not given.")
    stance: Annotated[str, StringConstraints(max_length=20)] | None = None
    priorities: Weights | None = None
    outcome: Annotated[str, StringConstraints(max_length=600)] | None = None


class PersonOut(Schema):
    id: int
    email: str
    name: str
    title: str
    buying_role: str
    influence: int
    stance: str
    priorities: dict[str, float]
    outcome: str
    consent: bool


class RelationshipIn(BaseModel):
    source_email: Annotated[str, StringConstraints(max_length=254)]
    target_email: Annotated[str, StringConstraints(max_length=254)]
    kind: Annotated[str, StringConstraints(max_length=30)] = Field(
        description="reports_to, influences, collaborates or conflicts_with"
    )
    strength: int | None = Field(None, description="1 to 5; 3 when not given.")


class RelationshipOut(Schema):
    id: int
    source_email: str
    target_email: str
    kind: str
    strength: int


class TouchIn(BaseModel):
    email: Annotated[str, StringConstraints(max_length=254)]
    occurred_at: Annotated[str, StringConstraints(max_length=40)] = Field(
        description="ISO 8601; a date alone means midnight UTC.",
        json_schema_extra={"example": "2026-11-01T09:30:00Z"},
    )
    channel: Annotated[str, StringConstraints(max_length=200)] | None = None
    asset: Annotated[str, StringConstraints(max_length=100)] | None = Field(
        None, description="The slug of an asset in the content library."
    )
    themes: Weights | None = Field(None, description="Empty: the asset's own themes.")


class TouchOut(Schema):
    id: int
    email: str
    occurred_at: datetime
    channel: str
    asset: str | None
    themes: dict[str, float]


# --- content ------------------------------------------------------------------------


class AssetIn(BaseModel):
    slug: Annotated[str, StringConstraints(max_length=100)]
    title: Annotated[str, StringConstraints(max_length=400)]
    kind: Annotated[str, StringConstraints(max_length=30)]
    framing: Annotated[str, StringConstraints(max_length=30)]
    level: Annotated[str, StringConstraints(max_length=30)]
    stage: Annotated[str, StringConstraints(max_length=40)]
    themes: Weights | None = None
    url: Annotated[str, StringConstraints(max_length=500)] | None = None
    summary: Text | None = None


class AssetOut(Schema):
    id: int
    slug: str
    title: str
    kind: str
    framing: str
    level: str
    stage: str
    themes: dict[str, float]
    url: str
    summary: str
    has_file: bool


# --- planned sends --------------------------------------------------------------------


class PlannedSendIn(Schema):
    asset: Annotated[str, StringConstraints(max_length=100)] = Field(description="Asset slug.")
    recipients: list[Annotated[str, StringConstraints(max_length=254)]] | None = Field(
        None, max_length=MAX_BULK, description="Emails; left out: everyone who consents."
    )


class PlannedSendOut(Schema):
    id: int
    asset: str
    recipients: list[str]
    status: str
    created_at: datetime
    sent_at: datetime | None


# --- kits -----------------------------------------------------------------------------


class KitStepIn(Schema):
    step: Annotated[str, StringConstraints(max_length=200)]
    owner: Annotated[str, StringConstraints(max_length=80)] = ""
    due: date | None = None


class KitIn(Schema):
    problem_statement: Annotated[str, StringConstraints(max_length=4000)] | None = Field(
        None, description="Left out: the drafted problem statement."
    )
    assets: list[Annotated[str, StringConstraints(max_length=100)]] | None = Field(
        None, max_length=50, description="Asset slugs; left out: the suggested set."
    )
    plan: list[KitStepIn] | None = Field(None, max_length=50)


class KitFiles(Schema):
    pdf: str
    zip: str
    expires_at: datetime


class KitOut(Schema):
    id: int
    version: int
    status: str
    progress: int
    step: str
    error: str
    created_at: datetime
    built_at: datetime | None
    status_url: str
    files: KitFiles | None = Field(
        None, description="Short-lived download links, once the kit is ready."
    )


# --- the caller's digest ----------------------------------------------------------------


class DigestOut(Schema):
    email: str
    enabled: bool
    weekday: int = Field(description="0 = Monday ... 6 = Sunday, in time_zone.")
    hour: int
    time_zone: str


class DigestIn(Schema):
    enabled: bool | None = None
    weekday: int | None = Field(None, ge=0, le=6)
    hour: int | None = Field(None, ge=0, le=23)
    time_zone: Annotated[str, StringConstraints(max_length=64)] | None = None


# --- documents the commands print (the same JSON) --------------------------------------


class Document(BaseModel):
    """Loosely typed: the full document is described in INTERFACES.md (a plain pydantic
    model: ninja's `Schema` would drop the fields not listed here)."""

    model_config = ConfigDict(extra="allow")


class AnalysisOut(Document):
    group: dict
    as_of: str
    divergence: float
    readiness: dict
    members: list[dict]
    friction: list[dict]
    factions: list[list[str]]
    brokers: list[str]
    common_ground: list[dict]
    themes: list[dict]
    missing_roles: list[str]
    baseline_purchase_likelihood: float


class SuggestionsOut(Document):
    group: dict
    as_of: str
    suggestions: list[dict]


class ForecastOut(Document):
    group: dict
    as_of: str
    weeks: int
    plan: dict | None
    now: dict
    forecast: dict
    first_recipients: list[dict]
