"""What to send next so that a whole buying group hears one shared-problem story.

Plain Python and numpy, no Django. The adapter describes the group (:class:`Audience`,
one per member) and the content library (:class:`Candidate`, one per asset) and calls
:func:`suggest`, which returns a :class:`Plan`: a small set of assets to send to everyone
who may be contacted, a longer ranking to browse, and what sending the set would do.

How an asset is scored (each part is a number from 0 to 1)
---------------------------------------------------------
First we work out what the group *needs to hear*: a weight per theme that mixes

* what members say they care about (their priorities, weighted by influence), 40%;
* the themes that pull the group apart today (each theme's share of the divergence
  score: everybody hearing the same thing on them brings the group together), 30%;
* the common ground (the share of influence that has heard or cares about a theme), 30%.

A part with nothing in it (say, nobody has stated priorities) is left out and the others
share its weight. Then each asset gets

==================  ======  ==========================================================
Part                Weight  How it is measured
==================  ======  ==========================================================
Coverage            0.35    The group need carried by the asset's themes, compared with
                            the need carried by the three biggest themes:
                            ``1 - exp(-2 * covered / top_three)``. Every theme the
                            asset adds that the group needs raises it.
Reach               0.15    Share of influence (whole group) that has heard or cares
                            about at least one of the asset's themes.
Framing             0.15    shared problem 1, solution 0.5, individual 0.
Level               0.10    mass-customised (for this kind of group) 1, mass 0.7,
                            individualised (one person) 0.
Stage fit           0.15    The asset's buying job equals the group's: 1; the job just
                            before or after: 0.4. Consensus creation content is always a
                            decent fit when the group is split: up to 0.75, reached at
                            divergence 0.4.
Not seen yet        0.10    Share of the contactable members' influence who have not
                            received it.
==================  ======  ==========================================================

The weighted sum is then multiplied by two factors. An individualised asset is halved (it
tells one person their own story, the pattern that lowers group consensus). An asset that
would *widen* the divergence if sent to every contactable member loses up to half its
score: ``1 - 0.5 * min(1, widening / 0.1)``. That widening is computed exactly (by
simulating the send, see :func:`simulate`) for the assets that could reach the top of the
ranking: at least the 30 best by the weighted sum, and more until no unchecked asset could
beat the last one shown (at most 256; any further assets keep their unchecked score,
which is an upper bound). Scores are shown with four decimals; ties go to the smaller key.

The set to send (:attr:`Plan.suggestions`)
------------------------------------------
Chosen greedily, one asset at a time. After each pick the group's exposures are simulated
as if the set so far had been sent, the group need is worked out again from them, and every
theme the set already covers keeps only a quarter of its need for each asset that covers
it. So the next pick is scored on what the set does not say yet. An asset is never picked
when it

* is individualised (written for one person: it would deepen the split);
* has no themes, or tells nearly the same mix of themes as an earlier pick (cosine
  similarity of the theme mixes 0.9 or more);
* adds no needed theme the set lacks, while another eligible asset does;
* would take the divergence more than 0.02 above where it stands before that pick, or more
  than 0.02 above the group's divergence today. Small widenings are tolerated because in a
  group that already hears one story, any new theme reaches people with more history a
  little less; the plan warns when the whole set widens the divergence at all.

Among the eligible assets, the pick is the one with the best score computed this way
(coverage of the remaining need, the same other parts, the widening factor measured from
the state before the pick). The set can be shorter than asked for when nothing else fits.
Each pick is shown with its score in the ranking, in the order it was picked, and
``divergence_after`` / ``readiness_after`` describe sending the whole set; ``readiness_of``
is called once for today and once for that, never per asset.

Recipients
----------
Every member who has consented to contact, and nobody else. The person to send to first
is the most influential broker (someone linking the sides of the group) who may be
contacted, else the most influential Champion, else the most influential contactable
member; ties go to the smaller key. Recipients list that person first, then the rest by
influence (highest first) and key.

Simulating a send
-----------------
Each member's exposure is a mix of themes backed by a *mass* (the recency-weighted number
of touches behind it, see :func:`scoring.core.exposure.exposure_mass`). Sending assets
to a member who may be contacted gives ``normalise(exposure * mass + sum of the assets'
normalised themes * weight_new_touch)``; everybody else keeps what they had. A member with
an exposure but no usable mass counts as one touch.

Determinism: the result depends only on the inputs' content, never on their order.
Influence that is not a positive finite number counts as zero (when all are zero, members
weigh equally), as in :mod:`scoring.core.divergence`. Theme weights that are not
positive finite numbers are ignored. Keys must be unique among members and among assets.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence

from suggestions.candidates import SCORE_DECIMALS, STAGES, Audience, Candidate, Plan, Suggestion
from suggestions.measures import (
    _by_key,
    _check_weight,
    _mass,
    _normalised,
    _official_divergence,
    _points,
    _reached,
    _require_unique,
    _sent_mixes,
    _unchanged,
)
from suggestions.ranking import Engine

# ----------------------------------------------------------------------------- public


def simulate(
    audience: Sequence[Audience],
    assets: Sequence[Candidate],
    *,
    weight_new_touch: float = 1.0,
) -> dict[str, dict[str, float]]:
    """Every member's exposure after ``assets`` are sent to every member who consented.

    ``new = normalise(old * mass + sum(normalised asset themes) * weight_new_touch)``,
    sorted by weight, largest first. Members without consent (and everybody, when nothing
    is sent) keep their exposure: exactly as given when it already is a distribution,
    normalised otherwise. Keys are all members' keys; an empty dict means never reached.
    """
    weight = _check_weight(weight_new_touch)
    _require_unique([m.key for m in audience], "audience")
    return _simulated(audience, [_normalised(m.exposure) for m in audience], assets, weight)


def _simulated(
    audience: Sequence[Audience],
    current: Sequence[Mapping[str, float]],
    assets: Sequence[Candidate],
    weight: float,
) -> dict[str, dict[str, float]]:
    """:func:`simulate`, given each member's normalised exposure (`current`)."""
    sent: dict[str, float] = {}
    for asset in assets:
        for theme, value in _normalised(asset.themes).items():
            sent[theme] = sent.get(theme, 0.0) + value * weight
    reached = [i for i, member in enumerate(audience) if member.consent] if sent else []
    mixes = _sent_mixes(
        [current[i] for i in reached],
        [_mass(audience[i].mass, current[i]) for i in reached],
        sent,
    )
    sent_to = dict(zip(reached, mixes, strict=True))
    return {
        m.key: sent_to[i] if i in sent_to else _unchanged(m.exposure, shares)
        for i, (m, shares) in enumerate(zip(audience, current, strict=True))
    }


def suggest(
    audience: Sequence[Audience],
    candidates: Sequence[Candidate],
    *,
    stage: str,
    set_size: int = 3,
    top: int = 10,
    weight_new_touch: float = 1.0,
    readiness_of: Callable[[Mapping[str, Mapping[str, float]]], int] | None = None,
    theme_names: Mapping[str, str] | None = None,
) -> Plan:
    """The set of assets to send the whole group, a ranking to browse, and their effect.

    See the module docstring for how assets are scored and the set is chosen.
    """
    weight = _check_weight(weight_new_touch)
    people = sorted(audience, key=_by_key)
    assets = sorted(candidates, key=_by_key)
    _require_unique([m.key for m in people], "audience")
    _require_unique([c.key for c in assets], "candidates")
    names = dict(theme_names or {})

    current = [_normalised(m.exposure) for m in people]  # every member's, once
    before_exposures = _simulated(people, current, [], weight)
    before = _official_divergence(people, before_exposures)
    readiness_before = (
        readiness_of(_reached(before_exposures)) if readiness_of is not None else None
    )

    def empty(*warnings: str) -> Plan:
        return Plan(
            suggestions=(),
            ranked=(),
            divergence_before=before,
            divergence_after=before,
            readiness_before=readiness_before,
            readiness_after=readiness_before,
            warnings=tuple(warnings),
        )

    if not people:
        return empty("This group has no members yet: map the buying group to get suggestions.")
    contactable = [m for m in people if m.consent]
    if not contactable:
        return empty(
            "Nobody in this group has consented to contact, so there is nobody to send to."
        )
    warnings = []
    left_out = len(people) - len(contactable)
    if left_out == 1:
        warnings.append("1 person has not consented to contact and is left out.")
    elif left_out:
        warnings.append(f"{left_out} people have not consented to contact and are left out.")
    if not assets:
        warnings.append("The content library is empty: add assets to get suggestions.")
        return empty(*warnings)
    if stage not in STAGES:
        warnings.append(
            f"Unknown buying stage {stage!r}: only consensus creation content gets a stage bonus."
        )

    engine = Engine(
        people, assets, stage=stage, weight=weight, theme_names=names, exposures=current
    )
    order, final = engine.rank(top)
    picks = engine.choose(set_size)

    recipients, send_first, first_reason, first_name, first_why = engine.recipients()

    def suggestion(i: int, score: float, effect: tuple[float, float] | None, **words) -> Suggestion:
        return Suggestion(
            asset=assets[i].key,
            title=assets[i].title,
            score=round(min(1.0, max(0.0, float(score))), SCORE_DECIMALS),
            reasons=engine.reasons(i, effect, first_reason, **words),
            recipients=recipients,
            send_first=send_first,
            first_name=first_name,
            first_why=first_why,
        )

    # A group send is proposed only for what some contactable member still lacks, and
    # never for an asset written for one person.
    proposable = [i for i in order if not engine.everyone_has[i] and not engine.one_to_one[i]]
    ranked = tuple(suggestion(i, final[i], engine.effect(i)) for i in proposable[: max(0, top)])
    everyone_has = [i for i in order if engine.everyone_has[i]]
    already_sent = tuple(suggestion(i, final[i], None) for i in everyone_has[: max(0, top)])
    chosen = tuple(
        suggestion(
            pick.index,
            engine.exact_score(pick.index),
            (pick.before, pick.after),
            new=pick.new if position else (),
            after_earlier=position > 0,
        )
        for position, pick in enumerate(picks)
    )

    if picks:
        after_exposures = _simulated(people, current, [assets[p.index] for p in picks], weight)
        after = _official_divergence(people, after_exposures)
        readiness_after = (
            readiness_of(_reached(after_exposures)) if readiness_of is not None else None
        )
    else:
        after, readiness_after = before, readiness_before
        if set_size > 0:
            warnings.append(engine.why_no_set())
    if after > before + 1e-9:
        warnings.append(
            f"Sending this set would widen the divergence slightly ({_points(before)} to "
            f"{_points(after)} points): people who have heard a lot already, or cannot be "
            "contacted, move less than the rest."
        )
    return Plan(
        suggestions=chosen,
        ranked=ranked,
        divergence_before=before,
        divergence_after=after,
        readiness_before=readiness_before,
        readiness_after=readiness_after,
        warnings=tuple(warnings),
        already_sent=already_sent,
    )
