"""What a consensus kit holds, and the drafts a rep starts from. Pure: no Django.

The kit leaves the company, so the dataclasses below describe *exactly* what may leave
it: names, job titles or outward role names, the outcomes people are measured on, theme
names, the glossary, the chosen assets and the mutual plan. There is no field for a
stance, an influence level, a friction or divergence figure or an internal note, and the
classes use ``__slots__`` and check their field types, so such data cannot ride along
(not as an extra attribute, not hidden in a dict passed where text belongs).

:func:`person_facts` reads a stakeholder (a model instance or a mapping) through an
allow-list, so an adapter never copies a stakeholder's internal fields by accident.
HubSpot's buying-role labels are internal sales vocabulary ("Blocker"): the kit shows
the outward names of :data:`PUBLIC_ROLES` instead.
"""

from __future__ import annotations

import math
import re
import unicodedata
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime
from types import MappingProxyType
from typing import Any

# --------------------------------------------------------------------------- data


def _text(value: object, name: str, *, multiline: bool = False) -> str:
    """Clean text for the kit: control characters dropped, whitespace tidied.

    Anything that is not a string is refused, so structured data (a dict of a person's
    internal fields, a score) cannot be smuggled in where text belongs.
    """
    if not isinstance(value, str):
        raise TypeError(f"{name} must be text, not {type(value).__name__}")
    text = value.replace("\r\n", "\n").replace("\r", "\n")
    text = "".join(
        ch for ch in text if ch in "\n\t" or unicodedata.category(ch) not in {"Cc", "Cs"}
    )
    if not multiline:
        return " ".join(text.split())
    paragraphs = [" ".join(p.split()) for p in re.split(r"\n\s*\n", text)]
    return "\n\n".join(p for p in paragraphs if p)


def _tuple(value: object, name: str, kind: type) -> tuple:
    if isinstance(value, str | bytes | Mapping) or not isinstance(value, Sequence):
        raise TypeError(f"{name} must be a sequence of {kind.__name__}")
    items = tuple(value)
    for item in items:
        if not isinstance(item, kind):
            raise TypeError(f"{name} must hold {kind.__name__}, not {type(item).__name__}")
    return items


def _texts(value: object, name: str) -> tuple[str, ...]:
    items = _tuple(value, name, str)
    return tuple(t for t in (_text(item, name) for item in items) if t)


def _set(obj: object, name: str, value: object) -> None:
    object.__setattr__(obj, name, value)


@dataclass(frozen=True, slots=True)
class KitTerm:
    term: str
    definition: str

    def __post_init__(self) -> None:
        _set(self, "term", _text(self.term, "term"))
        _set(self, "definition", _text(self.definition, "definition"))


@dataclass(frozen=True, slots=True)
class KitAsset:
    title: str
    kind: str  # a label a reader understands: "Case study", "Calculator"
    why: str  # one line: why this matters to the whole group
    url: str = ""
    summary: str = ""
    # The asset's own file, if it has one: its name, and its key among the kit's files
    # (the asset's id, as text): a share link serves it at files/<key>/, and the PDF a
    # share link gives links it there.
    file_name: str = ""
    file_key: str = ""

    def __post_init__(self) -> None:
        for name in ("title", "kind", "why", "url", "file_name"):
            _set(self, name, _text(getattr(self, name), name))
        _set(self, "summary", _text(self.summary, "summary", multiline=True))
        key = _text(self.file_key, "file_key")
        if key and not key.isdigit():
            raise ValueError("file_key is an asset id")
        _set(self, "file_key", key)


@dataclass(frozen=True, slots=True)
class KitMeasure:
    theme: str  # the theme's name, as the group reads it
    people: tuple[tuple[str, str, str], ...]  # (name, job title or outward role, outcome)

    def __post_init__(self) -> None:
        _set(self, "theme", _text(self.theme, "theme"))
        rows = []
        for row in _tuple(self.people, "people", tuple):
            if len(row) != 3:
                raise TypeError("each person is (name, role, outcome)")
            rows.append(tuple(_text(part, "people") for part in row))
        _set(self, "people", tuple(rows))


@dataclass(frozen=True, slots=True)
class KitQuestion:
    role: str  # an outward role name: "Budget owner", never "Blocker"
    questions: tuple[str, ...]

    def __post_init__(self) -> None:
        _set(self, "role", _text(self.role, "role"))
        _set(self, "questions", _texts(self.questions, "questions"))


@dataclass(frozen=True, slots=True)
class KitStep:
    step: str
    owner: str  # "Your champion", "Us", "Both", or a name
    due: date | None = None

    def __post_init__(self) -> None:
        _set(self, "step", _text(self.step, "step"))
        _set(self, "owner", _text(self.owner, "owner"))
        if isinstance(self.due, datetime):
            _set(self, "due", self.due.date())
        elif self.due is not None and not isinstance(self.due, date):
            raise TypeError("due must be a date or None")


@dataclass(frozen=True, slots=True)
class KitDocument:
    """One version of a group's consensus kit: everything the PDF and text show."""

    title: str
    account: str
    version: int
    prepared_by: str
    prepared_on: date
    problem_statement: str  # paragraphs separated by a blank line
    terms: tuple[KitTerm, ...] = ()
    assets: tuple[KitAsset, ...] = ()
    measures: tuple[KitMeasure, ...] = ()
    framing: tuple[str, ...] = ()  # how to frame the problem for the group
    questions: tuple[KitQuestion, ...] = ()
    disagreements: tuple[str, ...] = ()  # where views differ: themes only, never people
    bridges: tuple[str, ...] = ()  # how to bridge them
    plan: tuple[KitStep, ...] = ()
    # How the group reaches the rep who built the kit (from their profile).
    prepared_by_email: str = ""
    prepared_by_phone: str = ""

    def __post_init__(self) -> None:
        for name in ("title", "account", "prepared_by", "prepared_by_email", "prepared_by_phone"):
            _set(self, name, _text(getattr(self, name), name))
        _set(
            self,
            "problem_statement",
            _text(self.problem_statement, "problem_statement", multiline=True),
        )
        if isinstance(self.version, bool) or not isinstance(self.version, int):
            raise TypeError("version must be an int")
        if self.version < 1:
            raise ValueError("version starts at 1")
        if isinstance(self.prepared_on, datetime):
            _set(self, "prepared_on", self.prepared_on.date())
        elif not isinstance(self.prepared_on, date):
            raise TypeError("prepared_on must be a date")
        _set(self, "terms", _tuple(self.terms, "terms", KitTerm))
        _set(self, "assets", _tuple(self.assets, "assets", KitAsset))
        _set(self, "measures", _tuple(self.measures, "measures", KitMeasure))
        _set(self, "questions", _tuple(self.questions, "questions", KitQuestion))
        _set(self, "plan", _tuple(self.plan, "plan", KitStep))
        for name in ("framing", "disagreements", "bridges"):
            _set(self, name, _texts(getattr(self, name), name))


@dataclass(frozen=True, slots=True)
class PersonFacts:
    """What the kit may know about one member of the buying group."""

    name: str
    role: str  # job title, or a buying-role label (shown by its outward name)
    outcome: str  # what they are measured on; empty when unknown
    priorities: Mapping[str, float] = field(default_factory=dict, hash=False)

    def __post_init__(self) -> None:
        for name in ("name", "role", "outcome"):
            _set(self, name, _text(getattr(self, name) or "", name))
        priorities = self.priorities or {}
        if not isinstance(priorities, Mapping):
            raise TypeError("priorities must map theme slugs to weights")
        _set(self, "priorities", MappingProxyType(_positive(priorities)))


def person_facts(stakeholder: Any) -> PersonFacts:
    """A stakeholder (model instance, or a mapping) read through an allow-list.

    Only the name (else the email), the job title (else the outward name of the buying
    role), the outcome and the theme priorities are read; nothing else is looked at.
    """

    def get(name: str) -> Any:
        if isinstance(stakeholder, Mapping):
            return stakeholder.get(name)
        return getattr(stakeholder, name, None)

    role = get("title") or get("role_label") or get("role") or ""
    return PersonFacts(
        name=str(get("name") or get("email") or ""),
        role=str(role),
        outcome=str(get("outcome") or ""),
        priorities=get("priorities") or {},
    )


# ----------------------------------------------------------------------- words

# HubSpot buying role -> what the kit calls it (for one person, for the questions).
PUBLIC_ROLES: Mapping[str, tuple[str, str]] = MappingProxyType(
    {
        "Executive Sponsor": ("Executive sponsor", "Executive sponsor"),
        "Decision Maker": ("Decision maker", "Decision maker"),
        "Budget Holder": ("Budget owner", "Budget owner"),
        "Champion": ("Champion", "You, the champion"),
        "End User": ("Day-to-day user", "Day-to-day users"),
        "Legal & Compliance": ("Legal & compliance", "Legal & compliance"),
        "Influencer": ("Advisor", "Advisors and evaluators"),
        "Blocker": ("", "Those who carry the risk"),
        "Other": ("", "Everyone else in the group"),
    }
)
ROLE_ORDER: tuple[str, ...] = tuple(PUBLIC_ROLES)

# Words that describe our internal view of people; they never belong in a kit.
INTERNAL_WORDS: tuple[str, ...] = (
    "stance",
    "skeptic",
    "sceptic",
    "supporter",
    "detractor",
    "blocker",
    "influence",
    "friction",
    "divergence",
    "internal note",
)
_INTERNAL = re.compile(
    r"\b(stances?|skeptic\w*|sceptic\w*|supporters?|detractors?|blockers?|"
    r"influenc\w*|friction\w*|divergen\w*|internal notes?)\b",
    re.IGNORECASE,
)

_ROLE_KEYS = {
    re.sub(r"[^a-z]", "", label.lower().replace("&", "and")): label for label in PUBLIC_ROLES
}


def _hubspot_label(role: str) -> str | None:
    key = re.sub(r"[^a-z]", "", role.lower().replace("&", "and"))
    return _ROLE_KEYS.get(key)


def public_role(role: str) -> str:
    """How the kit names one person's role: HubSpot labels become outward names
    ("Budget Holder" -> "Budget owner", "Blocker" -> ""); a job title stays as it is."""
    label = _hubspot_label(role or "")
    return PUBLIC_ROLES[label][0] if label else _text(role or "", "role")


def internal_words(doc: KitDocument) -> tuple[str, ...]:
    """Internal vocabulary found anywhere in a document's text (lowercase, first seen
    first): a rep's edits can be checked before the kit is built."""
    found: list[str] = []
    for text in _all_text(doc):
        for match in _INTERNAL.finditer(text):
            word = match.group(0).lower()
            if word not in found:
                found.append(word)
    return tuple(found)


def _all_text(doc: KitDocument) -> list[str]:
    texts = [doc.title, doc.account, doc.prepared_by, doc.problem_statement]
    texts += [doc.prepared_by_email, doc.prepared_by_phone]
    texts += [part for t in doc.terms for part in (t.term, t.definition)]
    texts += [
        p for a in doc.assets for p in (a.title, a.kind, a.why, a.url, a.summary, a.file_name)
    ]
    texts += [m.theme for m in doc.measures] + [
        p for m in doc.measures for r in m.people for p in r
    ]
    texts += [*doc.framing, *doc.disagreements, *doc.bridges]
    texts += [q.role for q in doc.questions] + [x for q in doc.questions for x in q.questions]
    texts += [p for s in doc.plan for p in (s.step, s.owner)]
    return texts


def phone_link(phone: str) -> str:
    """The number a `tel:` link dials: the + and digits before any extension."""
    number = re.split(r"(?i)\s*(?:x|ext)", phone or "", maxsplit=1)[0]
    return "".join(ch for ch in number if ch == "+" or ch.isdigit())


def theme_label(slug: str, theme_names: Mapping[str, str]) -> str:
    """A theme's display name: its name, else the slug in words."""
    name = theme_names.get(slug) or slug.replace("-", " ").replace("_", " ").strip()
    return name[:1].upper() + name[1:] if name else name


def _in_sentence(name: str) -> str:
    """'Cost of downtime' -> 'cost of downtime'; 'OEE' and 'SAP rollout' stay as they are."""
    first = name.split(" ", 1)[0]
    if len(first) > 1 and first[1:].islower() and first[0].isupper():
        return first[0].lower() + name[1:]
    return name


def _phrase(
    slug: str, theme_names: Mapping[str, str], term_links: Mapping[str, Sequence[str]]
) -> str:
    """How the group says a theme: the glossary's word for it when one is linked."""
    terms = [t for t in (term_links.get(slug) or ()) if isinstance(t, str) and t.strip()]
    if terms:
        return _in_sentence(" ".join(sorted(terms, key=lambda t: (len(t), t.lower()))[0].split()))
    return _in_sentence(theme_label(slug, theme_names))


def _join(items: Sequence[str]) -> str:
    items = list(items)
    if len(items) <= 1:
        return "".join(items)
    return ", ".join(items[:-1]) + " and " + items[-1]


def _positive(weights: Mapping[str, Any]) -> dict[str, float]:
    out: dict[str, float] = {}
    for key, value in weights.items():
        try:
            number = float(value)
        except (TypeError, ValueError, ArithmeticError):
            continue
        if isinstance(key, str) and math.isfinite(number) and number > 0:
            out[key] = number
    return out


SHARED = 0.5  # a theme at least half the group (by weight) has heard or cares about


def _ground(common_ground: Sequence[tuple[str, float]], limit: int = 3) -> tuple[list[str], bool]:
    """The top common-ground themes, and whether they really are shared (>= SHARED)."""
    ranked = sorted(
        ((slug, float(c)) for slug, c in common_ground if math.isfinite(float(c)) and c > 0),
        key=lambda item: (-item[1], item[0]),
    )
    shared = [slug for slug, c in ranked if c >= SHARED][:limit]
    if shared:
        return shared, True
    return [slug for slug, _ in ranked[:1]], False


# --------------------------------------------------------------------- drafting


# Three questions per HubSpot role; "{x}" is the problem the group shares, in its words.


# Where views differ, said of a theme (never of a person).
