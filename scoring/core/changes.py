"""What changed between two analysis documents (the `analyze_group` JSON), in plain words.
Pure: no Django.

Every number is said in points on the pages' one scale (0 to 100), one sentence per
change: a readiness factor that moved is said with its effect on readiness now and then,
and the divergence factor is folded into the divergence sentence rather than said twice.
"""

from collections.abc import Mapping


def _delta_points(before: float, after: float) -> str:
    diff = round(after - before)
    return f"+{diff}" if diff > 0 else str(diff)


def _effect(effect: int) -> str:
    """What a factor does to readiness: "takes 16 points off", "adds 5 points to"."""
    size = abs(effect)
    unit = "point" if size == 1 else "points"
    if effect < 0:
        return f"takes {size} {unit} off readiness"
    if effect > 0:
        return f"adds {size} {unit} to readiness"
    return "no longer moves readiness"


def _then(old: int, new: int) -> str:
    """Last week's effect, said against this week's."""
    if old == 0:
        return "none last week"
    if (old < 0) == (new < 0) and new != 0:
        return f"{abs(old)} last week"
    return f"it {'took' if old < 0 else 'added'} {abs(old)} last week"


def _factor_moved(old: int, new: int) -> bool:
    return old != new and abs(old - new) >= 3


def _measured(document: Mapping) -> bool:
    """Whether anyone had been reached: before that, divergence is not measured (0 would
    mean "the same story")."""
    members = document.get("members")
    return members is None or any(m.get("exposure") for m in members)


def what_changed(
    before: Mapping | None, after: Mapping, *, since: str = "last week"
) -> tuple[str, ...]:
    """Sentences describing how `after` differs from `before`, most important first."""
    if not before:
        return (f"No scores from {since} to compare with yet.",)
    out: list[str] = []
    r0, r1 = before["readiness"]["score"], after["readiness"]["score"]
    if r1 != r0:
        verb = "rose" if r1 > r0 else "fell"
        out.append(f"Readiness {verb} from {r0} to {r1} ({_delta_points(r0, r1)} points).")
    factors0 = {f["name"]: f for f in before["readiness"]["factors"]}
    factors1 = {f["name"]: f for f in after["readiness"]["factors"]}
    said_divergence = False
    d0, d1 = round(before["divergence"] * 100), round(after["divergence"] * 100)
    if not _measured(after):
        d0 = d1  # nothing to say about a score nobody can have yet
    elif not _measured(before):
        out.append(f"Divergence is measured now that people were reached: {d1} points.")
        d0 = d1
        said_divergence = True
    if abs(d1 - d0) >= 1:
        verb = "grew" if d1 > d0 else "shrank"
        tone = "the stories drift apart" if d1 > d0 else "the stories come together"
        sentence = f"Divergence {verb} from {d0} to {d1} points: {tone}"
        old, new = factors0.get("Divergence"), factors1.get("Divergence")
        if old and new and _factor_moved(old["effect"], new["effect"]):
            sentence += f"; it now {_effect(new['effect'])} ({_then(old['effect'], new['effect'])})"
            said_divergence = True
        out.append(sentence + ".")
    m0, m1 = before["group"]["members"], after["group"]["members"]
    if m1 != m0:
        out.append(f"The group went from {m0} to {m1} people.")
    for factor in after["readiness"]["factors"]:
        old = factors0.get(factor["name"])
        if old is None and factor["effect"]:
            out.append(f"New: {factor['why']}")
        elif old is not None and _factor_moved(old["effect"], factor["effect"]):
            if factor["name"] == "Divergence" and said_divergence:
                continue
            out.append(
                f"{factor['name']} now {_effect(factor['effect'])} "
                f"({_then(old['effect'], factor['effect'])}): {factor['why']}"
            )
    for name, factor in factors0.items():
        if name not in factors1 and factor["effect"] < 0:
            out.append(f"Resolved: {factor['why']}")
    missing0, missing1 = set(before["missing_roles"]), set(after["missing_roles"])
    for role in sorted(missing0 - missing1):
        out.append(f"{role} is now covered.")
    return tuple(out) or (f"Nothing important changed since {since}.",)
