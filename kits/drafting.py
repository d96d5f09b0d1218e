"""The drafts a rep starts a kit from: title, problem statement, why each asset, success
measures, the discussion guide and the mutual plan. Pure: no Django. Everything here is
built from :mod:`kits.content`'s dataclasses, so only what may leave the company does.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from datetime import date, timedelta
from types import MappingProxyType

from kits.content import (
    PUBLIC_ROLES,
    ROLE_ORDER,
    SHARED,
    KitMeasure,
    KitQuestion,
    KitStep,
    KitTerm,
    PersonFacts,
    _ground,
    _hubspot_label,
    _join,
    _phrase,
    _positive,
    _text,
    public_role,
    theme_label,
)


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
