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
from datetime import date, datetime, timedelta
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

    def __post_init__(self) -> None:
        for name in ("title", "kind", "why", "url"):
            _set(self, name, _text(getattr(self, name), name))
        _set(self, "summary", _text(self.summary, "summary", multiline=True))


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

    def __post_init__(self) -> None:
        for name in ("title", "account", "prepared_by"):
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
    texts += [part for t in doc.terms for part in (t.term, t.definition)]
    texts += [p for a in doc.assets for p in (a.title, a.kind, a.why, a.url, a.summary)]
    texts += [m.theme for m in doc.measures] + [
        p for m in doc.measures for r in m.people for p in r
    ]
    texts += [*doc.framing, *doc.disagreements, *doc.bridges]
    texts += [q.role for q in doc.questions] + [x for q in doc.questions for x in q.questions]
    texts += [p for s in doc.plan for p in (s.step, s.owner)]
    return texts


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


def draft_title(
    *,
    account: str,
    common_ground: Sequence[tuple[str, float]],
    theme_names: Mapping[str, str],
    term_links: Mapping[str, Sequence[str]] | None = None,
) -> str:
    """'A shared view of unplanned downtime', or '<account>: one shared view'."""
    themes, shared = _ground(common_ground, limit=1)
    if themes and shared:
        return f"A shared view of {_phrase(themes[0], theme_names, term_links or {})}"
    account = _text(account, "account")
    return f"{account}: one shared view" if account else "One shared view"


def draft_problem_statement(
    *,
    account: str,
    common_ground: Sequence[tuple[str, float]],
    theme_names: Mapping[str, str],
    glossary: Sequence[KitTerm],
    term_links: Mapping[str, Sequence[str]] | None = None,
) -> str:
    """Two to four sentences the rep can edit: the group's top common-ground themes, in
    the glossary's words where a term is linked to the theme (``term_links``: theme slug
    -> glossary terms)."""
    links = term_links or {}
    account = _text(account, "account") or "your company"
    themes, shared = _ground(common_ground)
    words = [_phrase(slug, theme_names, links) for slug in themes]
    glossary_terms = [t.term for t in glossary if t.term]
    if not themes:
        sentences = [
            f"The people at {account} who will shape this decision have not yet named one "
            "problem they all share.",
            "This kit is a starting point to agree on that problem together, before anyone "
            "compares solutions.",
        ]
    else:
        lead = (
            f"Across {account}, the people who will shape this decision share one problem: "
            if shared
            else f"Several people at {account} who will shape this decision already raise "
            "the same problem: "
        )
        sentences = [lead + words[0] + "."]
        if len(words) > 1:
            rest = _join(words[1:])
            sentences.append(
                f"It is tied closely to {rest}, so progress on one depends on progress on "
                + ("the other." if len(words) == 2 else "the others.")
            )
        sentences.append(
            "Agreeing on this problem, and on how we will measure it, comes before choosing "
            "any solution."
        )
    if glossary_terms:
        named = [t for t in glossary_terms if t.lower() in {w.lower() for w in words}]
        named += [t for t in glossary_terms if t not in named]
        sample = _join([f"“{t}”" for t in named[:2]])
        sentences.append(
            f"The words we use, such as {sample}, are defined below so that they mean the "
            "same thing to everyone."
        )
    return " ".join(sentences[:4])


_KIND_WHY: Mapping[str, str] = MappingProxyType(
    {
        "calculator": "Lets you put one shared number on {x}",
        "case_study": "Shows how a similar team tackled {x}",
        "checklist": "Gives the whole group one checklist for {x}",
        "webinar": "A session to watch together on {x}",
        "article": "Explains {x} in plain words",
        "deck": "Frames {x} for a group discussion",
        "email": "A short note on {x} to pass around the group",
    }
)
KIND_LABELS: Mapping[str, str] = MappingProxyType(
    {
        "article": "Article",
        "case_study": "Case study",
        "calculator": "Calculator",
        "checklist": "Checklist",
        "webinar": "Webinar",
        "deck": "Deck",
        "email": "Email",
        "other": "Reading",
    }
)


def kind_label(kind: str) -> str:
    """'case_study' -> 'Case study'; unknown kinds read 'Reading'."""
    return KIND_LABELS.get((kind or "").strip().lower().replace(" ", "_"), KIND_LABELS["other"])


def asset_why(
    *,
    kind: str,
    themes: Mapping[str, float],
    common_ground: Sequence[tuple[str, float]],
    theme_names: Mapping[str, str],
    divergent_themes: Sequence[str] = (),
    term_links: Mapping[str, Sequence[str]] | None = None,
) -> str:
    """One line on why an asset matters to the whole group (no internal figures)."""
    weights = _positive(themes)
    if not weights:
        return "Background reading for the whole group."
    coverage = {slug: float(c) for slug, c in common_ground}
    best = sorted(weights, key=lambda s: (-coverage.get(s, 0.0), -weights[s], s))[0]
    x = _phrase(best, theme_names, term_links or {})
    opener = _KIND_WHY.get((kind or "").strip().lower(), "Covers {x}").format(x=x)
    if coverage.get(best, 0.0) >= SHARED:
        return f"{opener}, a concern most of you share."
    if best in divergent_themes:
        return f"{opener}, where views in the group differ today."
    ground, _ = _ground(common_ground, limit=1)
    if ground and ground[0] != best:
        return f"{opener}, and how it ties to {_phrase(ground[0], theme_names, term_links or {})}."
    return f"{opener}."


def _top_theme(priorities: Mapping[str, float]) -> str:
    if not priorities:
        return ""
    return sorted(priorities.items(), key=lambda item: (-item[1], item[0]))[0][0]


ACROSS_THE_GROUP = "Across the group"


def success_measures(
    people: Sequence[PersonFacts], *, theme_names: Mapping[str, str] | None = None
) -> tuple[KitMeasure, ...]:
    """Each person's outcome under their top priority theme, so everyone finds their
    own measure inside the one story. People without an outcome are left out; people
    without priorities go under "Across the group", last. Themes with the most people
    first, then by name; people by name. Roles are shown by their outward names."""
    names = theme_names or {}
    groups: dict[str, list[tuple[str, str, str]]] = {}
    for person in people:
        if not person.outcome:
            continue
        slug = _top_theme(person.priorities)
        groups.setdefault(slug, []).append((person.name, public_role(person.role), person.outcome))
    labelled = [
        (theme_label(slug, names) if slug else ACROSS_THE_GROUP, slug, rows)
        for slug, rows in groups.items()
    ]
    labelled.sort(key=lambda item: (not item[1], -len(item[2]), item[0].lower(), item[1]))
    return tuple(
        KitMeasure(theme=label, people=tuple(sorted(rows, key=lambda r: (r[0].lower(), r))))
        for label, _slug, rows in labelled
    )


# Three questions per HubSpot role; "{x}" is the problem the group shares, in its words.
_QUESTIONS: Mapping[str, tuple[str, ...]] = MappingProxyType(
    {
        "Executive Sponsor": (
            "When you think about {x}, what would change for the business if the group "
            "fixed it this year?",
            "Which of this year's goals does this problem put at risk?",
            "What would tell you the group has really agreed, not just gone quiet?",
        ),
        "Decision Maker": (
            "What has to be true for you to say yes, and who do you want in the room when "
            "you decide?",
            "Which feels riskier to you: changing now, or living with {x} for another year?",
            "How were decisions like this made here before, and what slowed them down?",
        ),
        "Budget Holder": (
            "When you think about {x}, where does it show up in your numbers today?",
            "Which budget would this come from, and what else is competing for it?",
            "What return, over what period, would make this an easy case to defend?",
        ),
        "Champion": (
            "Who in the group feels {x} most, and who has not been heard on it yet?",
            "What will you answer when someone asks “why now?”",
            "What would you change in this kit before you share it with the group?",
        ),
        "End User": (
            "Think of the last time {x} came up in your work: what happened next?",
            "Which workaround do you rely on today that you would be glad to drop?",
            "What would make a new way of working fail in its first month?",
        ),
        "Legal & Compliance": (
            "Which rules, contracts or audits does {x} touch for us?",
            "What do you need to see early, so your review is not a last-minute rush?",
            "Which data would leave our systems, and on what terms is that acceptable?",
        ),
        "Influencer": (
            "How would you test whether an option really makes a difference to {x}?",
            "Which criteria should weigh most when the group compares options?",
            "What have you seen work, or fail, somewhere else?",
        ),
        "Blocker": (
            "What would worry you most if we changed how we handle {x}?",
            "What has been tried before, and what did we learn from it?",
            "What would have to be true for this to be worth the disruption?",
        ),
        "Other": (
            "How does {x} show up in your part of the business?",
            "What would you want the group to agree on before anything is bought?",
            "Who else should be part of this conversation?",
        ),
    }
)


# Where views differ, said of a theme (never of a person).
_DISAGREEMENTS: tuple[str, ...] = (
    "How much {x} matters: central for some of you, barely on the radar for others.",
    "Whether {x} belongs in this decision at all, or is a separate conversation.",
    "What good looks like for {x}: each team pictures a different result.",
)


def discussion_guide(
    *,
    roles: Sequence[str],
    common_ground: Sequence[tuple[str, float]],
    divergent_themes: Sequence[str],
    theme_names: Mapping[str, str],
    term_links: Mapping[str, Sequence[str]] | None = None,
) -> tuple[tuple[str, ...], tuple[KitQuestion, ...], tuple[str, ...], tuple[str, ...]]:
    """(framing, questions, disagreements, bridges) for the champion.

    ``roles`` are the group's HubSpot role labels (any order, repeats allowed; unknown
    ones count as "Other"); questions come once per role, in a fixed order, under the
    role's outward name. ``divergent_themes`` (most divergent first) are named as themes
    only: who holds which view never appears.
    """
    links = term_links or {}
    ground, shared = _ground(common_ground)
    ground_words = [_phrase(s, theme_names, links) for s in ground]
    x = ground_words[0] if ground_words else "this problem"
    split = [s for s in dict.fromkeys(divergent_themes) if isinstance(s, str) and s][:3]
    split_words = [_phrase(s, theme_names, links) for s in split]

    framing = [
        "Open with the problem, not a product: read the problem statement aloud and "
        "ask the group whether it is fair and complete."
    ]
    if ground_words and shared:
        framing.append(
            f"Start from the ground you already share: {_join(ground_words)}. "
            "Most of the group already cares about "
            + ("this." if len(ground_words) == 1 else "these.")
        )
    elif ground_words:
        framing.append(
            f"Start from {x}, the concern raised most often so far, and ask who else sees it."
        )
    framing.append(
        "Use the words in the glossary, so that each word means the same thing in every team."
    )
    if split_words:
        framing.append(
            f"Do not open with {_join(split_words[:2])}: views differ there today. Come back to "
            + ("it" if len(split_words[:2]) == 1 else "them")
            + " once the problem is agreed."
        )
    framing.append(
        "Ask each person how they will know it worked, and write the answers where "
        "everyone can see them."
    )

    present: set[str] = set()
    for role in roles:
        present.add(_hubspot_label(role or "") or "Other")
    questions = tuple(
        KitQuestion(
            role=PUBLIC_ROLES[label][1],
            questions=tuple(q.format(x=x) for q in _QUESTIONS[label]),
        )
        for label in ROLE_ORDER
        if label in present
    )

    disagreements = tuple(
        _DISAGREEMENTS[i % len(_DISAGREEMENTS)].format(x=words)
        for i, words in enumerate(split_words)
    )
    bridges: list[str] = []
    for i, (slug, words) in enumerate(zip(split, split_words, strict=True)):
        anchor = next((w for s, w in zip(ground, ground_words, strict=True) if s != slug), None)
        if i == 0 and anchor:
            bridges.append(
                f"Link {words} to {anchor}, which the group already shares: show how one "
                "drives the other."
            )
        elif i == 1:
            bridges.append(
                f"Agree one way to measure {words} before comparing options, so the "
                "conversation is about facts rather than opinions."
            )
        else:
            bridges.append(
                f"Ask the people closest to {words} to explain in five minutes why it "
                "matters to them, then let the others ask questions."
            )
    if split:
        bridges.append(
            "Have everyone read the same material (see “What to read together”), so the "
            "group argues from one set of facts."
        )
    return tuple(framing), questions, disagreements, tuple(bridges)


YOUR_CHAMPION = "Your champion"
US = "Us"
BOTH = "Both"
_PLAN: tuple[tuple[str, str], ...] = (
    ("Agree on the problem we share, as written in this kit", BOTH),
    ("Share this kit with everyone in the buying group", YOUR_CHAMPION),
    ("Joint workshop: the problem, the shared words and the success measures", BOTH),
    ("Turn the success measures into written requirements", US),
    ("Decision meeting with the whole buying group", YOUR_CHAMPION),
    ("Contract, legal and security review; agree a start date", BOTH),
)
DEFAULT_HORIZON = timedelta(weeks=8)


def _weekday(day: date, today: date) -> date:
    """Saturday and Sunday move to the Friday before (the Monday after, if that Friday
    is not after today)."""
    if day.weekday() < 5:
        return day
    friday = day - timedelta(days=day.weekday() - 4)
    return friday if friday > today else day + timedelta(days=7 - day.weekday())


def default_plan(*, today: date, expected_close: date | None) -> tuple[KitStep, ...]:
    """Six mutual-plan steps, due on weekdays spread evenly from today to the expected
    close date (or eight weeks from today when there is none, or it has passed)."""
    end = expected_close if expected_close and expected_close > today else today + DEFAULT_HORIZON
    span = (end - today).days
    steps = []
    for i, (text, owner) in enumerate(_PLAN, start=1):
        due = today + timedelta(days=max(1, math.ceil(span * i / len(_PLAN))))
        steps.append(KitStep(step=text, owner=owner, due=_weekday(due, today)))
    return tuple(steps)
