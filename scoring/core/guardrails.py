"""Guardrails in plain words: the backfire alert. Pure: no Django.

Gartner (2025): tailoring content to the buying group as a whole raised consensus by about
20%; tailoring to individuals lowered it by about 59%. When most recent touches were
written for, or sent to, one person only and the group's stories are drifting apart, the
group page says so.
"""

from dataclasses import dataclass

INDIVIDUAL_SHARE = 0.5  # more than half of recent touches individual...
RISE = 0.02  # ...and divergence up by at least two points
EVIDENCE = (
    "Published evidence (Gartner, 2025): tailoring to the buying group as a whole raised "
    "consensus by about 20%; tailoring to individuals lowered it by about 59%."
)


@dataclass(frozen=True)
class Alert:
    title: str
    text: str
    evidence: str = EVIDENCE


def backfire(
    *,
    individual_share: float,
    recent_touches: int,
    divergence_now: float,
    divergence_before: float | None,
) -> Alert | None:
    """An alert when individualised touches dominate recent activity and divergence rises.

    `individual_share`: of the touches in the recent window, the share that was written for
    one person (individual framing or individualized level) or reached one member only.
    `divergence_before`: the divergence of a snapshot about two weeks earlier, if any.
    """
    if recent_touches < 3 or divergence_before is None:
        return None
    rise = divergence_now - divergence_before
    if individual_share <= INDIVIDUAL_SHARE or rise < RISE:
        return None
    return Alert(
        title="Individual tailoring is pulling this group apart",
        text=(
            f"{round(individual_share * 100)}% of the last {recent_touches} touches were "
            f"tailored to one person, and divergence rose from {round(divergence_before * 100)} "
            f"to {round(divergence_now * 100)}. Send the whole group one shared-problem story "
            "next."
        ),
    )
