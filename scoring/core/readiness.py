"""Consensus readiness: one 0-100 score for "is this buying group hearing one story?",
with the factors that explain it in plain words.

Pure Python, no Django. The adapter builds a :class:`GroupState` from the results of the
other analysis modules (graph, divergence, exposure) and calls :func:`readiness`.

Like every score in this app, readiness describes the messages the group has received
and the shape of the group; it does not predict whether the deal will close.

How the score is built
----------------------
``score = clamp(BASE + sum(effects), 0, 100)`` with ``BASE = 70``: a small group that has
heard one story, shares a theme, holds every required role and has an engaged supporter
lands in the high 80s; every problem takes points away. Each factor's effect is a whole
number of points (so the factors add up exactly to the score, before the clamp):

=====================  ===========  ======================================================
Factor                 Effect       Rule
=====================  ===========  ======================================================
Divergence             -30 .. +5    ``-round(30 * d)``, ``d`` the group divergence at two
                                    decimals (as shown); ``+5`` when ``d < 0.2`` and more
                                    than half the members (by count) have been reached.
Common ground          -10 .. +8    Widest theme's coverage ``c`` (share of influence):
                                    ``c >= 0.75``: ``+5 + round(3 * (c - 0.75) / 0.25)``;
                                    ``0.5 <= c < 0.75``: 0 (shown); ``c < 0.5`` (or no
                                    theme): ``-5 - round(5 * (0.5 - c) / 0.5)``.
Factions               -15 .. 0     Worst gap ``g`` between two factions of 2+ people
                                    (:func:`faction_gap`); ``g >= 0.8``:
                                    ``-10 - round(5 * (g - 0.8) / 0.2)``. A side nobody
                                    has reached has gap 1.
Bridge                 -3, 0, +5    Only with 2+ factions of 2+ people: ``+5`` when a
                                    broker was touched in the last 30 days, ``-3`` when
                                    brokers exist but none was, ``-3`` when nobody mapped
                                    links the sides.
Missing roles          -16 .. 0     ``-4`` per required role nobody holds, at most ``-16``.
Stance mix             -12 .. +4    ``-4`` per skeptic with influence 4+, at most ``-12``;
                                    ``+4`` when a supporter with influence 4+ exists.
Group size             -8 .. 0      ``-1`` per member above 3, at most ``-8`` (published
                                    CEB baseline: larger groups buy less often).
Unaligned members      -10 .. 0     ``-round(10 * u)``, ``u`` the influence share of the
                                    members nobody has reached.
Individual tailoring   -10 .. 0     Tailoring index ``t > 0.5``:
                                    ``-max(1, round(20 * (t - 0.5)))``.
=====================  ===========  ======================================================

The best possible score is 92 (70 + 5 + 8 + 5 + 4): no group is ever shown as certain.
When nobody has been reached, divergence counts as 1 (-30) and the sentences say so
instead of quoting numbers. Divergence already counts unaligned members as fully apart;
the separate "Unaligned members" factor is deliberate: reaching those people is the
fastest lever, so it gets its own line with names. An empty group scores 0 with one
factor saying so.

Factors are sorted by the size of their effect, largest first, then by name. A factor
with nothing to say is left out (no missing role, a group of 3 or fewer, tailoring at or
below one half...); one with a zero effect stays when its sentence helps (the widest theme
in the middle band of common ground, a skeptic balanced by a supporter, a low-influence
member not reached yet). Sentences use names from ``names`` and ``theme_names`` (falling
back to the key or slug), whole percentages rounded down (so 74.9% never reads as three
quarters), and divergence at two decimals.

Determinism: the result depends only on the state's content, never on the order of
``people``, ``exposures`` or ``names``; people are handled in key order and ties are
broken by key. A key listed twice in ``people`` is one person with the higher influence.
"""

from __future__ import annotations

from scoring.core.readiness_factors import (
    _bridge_factor,
    _common_ground_factor,
    _divergence_factor,
    _factions_factor,
    _roles_factor,
    _size_factor,
    _stance_factor,
    _tailoring_factor,
    _unaligned_factor,
)
from scoring.core.readiness_factors import faction_gap as faction_gap
from scoring.core.readiness_state import Factor as Factor
from scoring.core.readiness_state import GroupState as GroupState
from scoring.core.readiness_state import Readiness as Readiness
from scoring.core.readiness_state import _group

BASE = 70


def readiness(state: GroupState) -> Readiness:
    """Consensus readiness of a buying group, 0..100, with the factors behind it."""
    group = _group(state)
    if not group.people:
        return Readiness(
            score=0,
            factors=(
                Factor(
                    "Group size",
                    -BASE,
                    "Nobody is mapped in this group yet, so there is no one to bring to consensus.",
                ),
            ),
        )
    candidates = (
        _divergence_factor(state, group),
        _common_ground_factor(state, group),
        _factions_factor(state, group),
        _bridge_factor(state, group),
        _roles_factor(state),
        _stance_factor(state, group),
        _size_factor(group),
        _unaligned_factor(state, group),
        _tailoring_factor(state),
    )
    factors = tuple(
        sorted(
            (f for f in candidates if f is not None),
            key=lambda f: (-abs(f.effect), f.name),
        )
    )
    score = min(100, max(0, BASE + sum(f.effect for f in factors)))
    return Readiness(score=score, factors=factors)
