"""What a page's list of suggestion cards says once, and what each card says itself.

Every suggestion carries its reasons and, last, the sentence on whom to send it to first.
Said on every card, that sentence repeats ("Send it to Dana Ross first" seven times),
and so does any reason all the cards share. :func:`said_once` takes them off the cards
and returns them as lines said once above the list: who goes first (with why, once per
person), then the reasons every card shares. A card keeps what is its own, and a short
"<name> first" label only when the cards do not all start with the same person. What a
card says of a theme ("Cost of downtime is the theme most of the group already cares
about") is said by the first card that covers it; later cards just name the theme.
Pure: no Django.
"""

from __future__ import annotations

import dataclasses
import re
from collections.abc import Sequence

from suggestions.candidates import Plan, Suggestion


def _first(card: Suggestion) -> tuple[str, str] | None:
    """(name, why) of the person this card goes to first, if it says so."""
    if card.send_first is None:
        return None
    return card.first_name or card.send_first, card.first_why


def _own_reasons(card: Suggestion) -> tuple[str, ...]:
    """The card's reasons without its last sentence on whom to send it to first."""
    if card.send_first is not None and card.reasons and card.reasons[-1].startswith("Send it"):
        return card.reasons[:-1]
    return card.reasons


# The engine's coverage sentence (suggestions.explanations._coverage_sentence).
_COVERS_MANY = re.compile(r"^Covers (?P<listed>.+); (?P<theme>[^;]+?) is (?P<what>.+)\.$")
_COVERS_ONE = re.compile(r"^Covers (?P<theme>[^;]+?), (?P<what>(?:the|a) theme .+)\.$")


def _theme_said_once(reasons: tuple[str, ...], said: set[tuple[str, str]]) -> tuple[str, ...]:
    """`reasons` with what the coverage sentence says of a theme dropped when an earlier
    card said it (`said` collects what has been said)."""
    out = []
    for reason in reasons:
        many, one = _COVERS_MANY.match(reason), _COVERS_ONE.match(reason)
        match = many or one
        if match is not None:
            fact = (match["theme"], match["what"])
            if fact in said:
                reason = f"Covers {match['listed'] if many else match['theme']}."
            said.add(fact)
        out.append(reason)
    return tuple(out)


def _why(why: str) -> str:
    return f": {why}." if why else "."


def first_lines(cards: Sequence[Suggestion]) -> tuple[tuple[str, ...], bool]:
    """The lines on whom to send the cards to first, and whether it is one person for
    every card (then the cards need not name them)."""
    counts: dict[tuple[str, str], int] = {}
    for card in cards:
        first = _first(card)
        if first is not None:
            counts[first] = counts.get(first, 0) + 1
    if not counts:
        return (), False
    if len(counts) == 1:
        ((name, why), count), *_ = counts.items()
        if count < len(cards):  # some cards name nobody to start with
            return (f"Send {count} of these to {name} first{_why(why)}",), False
        lead = "Send it" if count == 1 else "Send each"
        return (f"{lead} to {name} first{_why(why)}",), True
    ordered = sorted(counts.items(), key=lambda item: -item[1])  # stable: first seen first
    lines = []
    for position, ((name, why), count) in enumerate(ordered):
        many = "one" if count == 1 else str(count)
        if position == 0:
            lines.append(f"Send {many} of these to {name} first{_why(why)}")
        elif position == len(ordered) - 1 and len(ordered) == 2:
            other = "the other one" if count == 1 else f"the other {count}"
            lines.append(f"Send {other} to {name} first{_why(why)}")
        else:
            lines.append(f"Send {many} to {name} first{_why(why)}")
    return tuple(lines), False


def said_once(plan: Plan, *, shown: str = "ranked") -> tuple[Plan, tuple[str, ...]]:
    """The plan with the cards of the list a page shows (`shown`: "ranked" or
    "suggestions") saying only what is their own, and the lines to say once above that
    list (see the module). A card's `first_name` is emptied when the lines already name
    the one person every card starts with."""
    cards = list(getattr(plan, shown))
    if not cards:
        return plan, ()
    firsts, one_person = first_lines(cards)
    own = [_own_reasons(card) for card in cards]
    shared: list[str] = []
    if len(cards) > 1:
        shared = [r for r in own[0] if all(r in reasons for reasons in own[1:])]

    said: set[tuple[str, str]] = set()

    def card(suggestion: Suggestion, reasons: tuple[str, ...]) -> Suggestion:
        return dataclasses.replace(
            suggestion,
            reasons=_theme_said_once(tuple(r for r in reasons if r not in shared), said),
            first_name="" if one_person else (suggestion.first_name or suggestion.send_first or ""),
        )

    shown_cards = tuple(card(s, r) for s, r in zip(cards, own, strict=True))
    return dataclasses.replace(plan, **{shown: shown_cards}), (*firsts, *shared)
