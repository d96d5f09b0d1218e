"""HubSpot's buying roles, and reading the roles CRMs write into a CSV cell.

Plain Python, no Django. Values are snake_case (what the database stores), labels are
exactly what HubSpot shows and exports. Salesforce's opportunity contact roles map to the
nearest HubSpot role.
"""

from __future__ import annotations

import re
from enum import StrEnum


class BuyingRole(StrEnum):
    BLOCKER = "blocker"
    BUDGET_HOLDER = "budget_holder"
    CHAMPION = "champion"
    DECISION_MAKER = "decision_maker"
    END_USER = "end_user"
    EXECUTIVE_SPONSOR = "executive_sponsor"
    INFLUENCER = "influencer"
    LEGAL_AND_COMPLIANCE = "legal_and_compliance"
    OTHER = "other"

    @property
    def label(self) -> str:
        return ROLE_LABELS[self.value]


ROLE_CHOICES: tuple[tuple[str, str], ...] = (
    ("blocker", "Blocker"),
    ("budget_holder", "Budget Holder"),
    ("champion", "Champion"),
    ("decision_maker", "Decision Maker"),
    ("end_user", "End User"),
    ("executive_sponsor", "Executive Sponsor"),
    ("influencer", "Influencer"),
    ("legal_and_compliance", "Legal & Compliance"),
    ("other", "Other"),
)
ROLE_LABELS: dict[str, str] = dict(ROLE_CHOICES)

DEFAULT_REQUIRED_ROLES: tuple[str, ...] = (
    "decision_maker",
    "budget_holder",
    "champion",
    "end_user",
    "legal_and_compliance",
    "executive_sponsor",
)

# Other spellings -> value. Keys are compared by `_key` (lowercase letters and digits only,
# "&" read as "and"), so "Legal & Compliance", "LEGAL_AND_COMPLIANCE" and
# "legal-and-compliance" are one spelling.
SALESFORCE_ROLES: dict[str, str] = {
    "Economic Buyer": "budget_holder",
    "Economic Decision Maker": "decision_maker",
    "Business User": "end_user",
    "Evaluator": "influencer",
    "Technical Buyer": "influencer",
    "Decision Maker": "decision_maker",
    "Executive Sponsor": "executive_sponsor",
    "Influencer": "influencer",
    "Other": "other",
}
_OTHER_SPELLINGS: dict[str, str] = {
    "Legal Compliance": "legal_and_compliance",
    "Legal": "legal_and_compliance",
    "Exec Sponsor": "executive_sponsor",
}

_NON_ALNUM = re.compile(r"[^a-z0-9]+")


def _key(text: str) -> str:
    return _NON_ALNUM.sub("", text.lower().replace("&", "and"))


def _build_lookup() -> dict[str, str]:
    lookup: dict[str, str] = {}
    for value, label in ROLE_CHOICES:
        lookup[_key(value)] = value
        lookup[_key(label)] = value
    for spelling, value in (SALESFORCE_ROLES | _OTHER_SPELLINGS).items():
        lookup.setdefault(_key(spelling), value)
    return lookup


_LOOKUP = _build_lookup()


def role_label(value: str) -> str:
    """The label of a value: "legal_and_compliance" -> "Legal & Compliance"; unknown -> "Other"."""
    return ROLE_LABELS.get(value, ROLE_LABELS["other"])


def parse_buying_role(text: str) -> tuple[str, str | None]:
    """(value, warning) for a CRM's buying-role cell.

    Accepts HubSpot labels, snake_case values and Salesforce contact roles, in any case
    and with spaces, underscores, dashes or "&"/"and". A cell may hold several roles
    separated by ";" (HubSpot's multi-select) or ",": the first recognised one is kept and
    other recognised ones are dropped silently. Unrecognised roles give a warning (never
    an error): with no recognised role the value is "other". Empty -> ("other", None).
    """
    parts = [part.strip() for part in re.split(r"[;,]", text)]
    parts = [part for part in parts if part]
    kept: str | None = None
    unknown: list[str] = []
    for part in parts:
        value = _LOOKUP.get(_key(part))
        if value is None:
            if part not in unknown:
                unknown.append(part)
        elif kept is None:
            kept = value
    if not unknown:
        return kept or "other", None
    names = ", ".join(f"'{name[:60]}'" for name in unknown)
    noun = "buying role" if len(unknown) == 1 else "buying roles"
    if kept is None:
        verb = "was" if len(unknown) == 1 else "were"
        return "other", f"Unknown {noun} {names} {verb} recorded as Other."
    verb = "was" if len(unknown) == 1 else "were"
    return kept, f"Unknown {noun} {names} {verb} ignored; kept {ROLE_LABELS[kept]}."
