"""Published purchase-likelihood baseline by buying-group size (CEB / Gartner).

This is a published industry figure, not a prediction about any particular group.
"""

BASELINE_SOURCE = (
    "CEB (now Gartner), The Challenger Customer: 81% purchase likelihood with one "
    "decision maker, 31% with six."
)

_ONE = 0.81  # published: one decision maker
_SIX = 0.31  # published: six decision makers


def baseline_purchase_likelihood(size: int) -> float:
    """Chance that any purchase happens, by number of decision makers.

    0 (or fewer) -> 0.0; 1 -> 0.81 and 6 -> 0.31 (the published figures); 2..5 lie on
    the straight line between those two points (0.71, 0.61, 0.51, 0.41); above 6 the
    last published figure, 0.31, is kept. Non-increasing from size 1 on.
    """
    if size <= 0:
        return 0.0
    if size >= 6:
        return _SIX
    return round(_ONE + (_SIX - _ONE) * (size - 1) / 5, 4)


def baseline_note(size: int) -> str:
    """One plain-words sentence explaining the baseline for a group of this size."""
    if size <= 0:
        return "No published baseline applies: the group has no members yet."
    percent = f"{baseline_purchase_likelihood(size):.0%}"
    source = (
        "CEB (now Gartner) found that the chance of any purchase falls from 81% with one "
        "decision maker to 31% with six"
    )
    if size == 1:
        how = f"{percent} is the published figure for one decision maker"
    elif size == 6:
        how = f"{percent} is the published figure for six"
    elif size < 6:
        how = (
            f"{percent} for {size} people is interpolated on a straight line between "
            "those two published figures"
        )
    else:
        how = (
            f"no figure was published for groups larger than six, so the six-person "
            f"figure of {percent} is used for {size} people"
        )
    return f"Published baseline, not a prediction for this group: {source}; {how}."
