"""What changed between two analysis documents (the `analyze_group` JSON), in plain words.
Pure: no Django."""

from collections.abc import Mapping


def _delta_points(before: float, after: float) -> str:
    diff = round(after - before)
    return f"+{diff}" if diff > 0 else str(diff)


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
        out.append(f"Readiness {verb} from {r0} to {r1} ({_delta_points(r0, r1)}).")
    d0, d1 = round(before["divergence"] * 100), round(after["divergence"] * 100)
    if abs(d1 - d0) >= 1:
        verb = "grew" if d1 > d0 else "shrank"
        tone = "the stories drift apart" if d1 > d0 else "the stories come together"
        out.append(f"Divergence {verb} from {d0} to {d1}: {tone}.")
    m0, m1 = before["group"]["members"], after["group"]["members"]
    if m1 != m0:
        out.append(f"The group went from {m0} to {m1} people.")
    factors0 = {f["name"]: f for f in before["readiness"]["factors"]}
    for factor in after["readiness"]["factors"]:
        old = factors0.get(factor["name"])
        if old is None and factor["effect"]:
            out.append(f"New: {factor['why']}")
        elif (
            old is not None
            and old["effect"] != factor["effect"]
            and abs(old["effect"] - factor["effect"]) >= 3
        ):
            out.append(
                f"{factor['name']}: {old['effect']:+d} → {factor['effect']:+d} points. "
                f"{factor['why']}"
            )
    names_after = {f["name"] for f in after["readiness"]["factors"]}
    for name, factor in factors0.items():
        if name not in names_after and factor["effect"] < 0:
            out.append(f"Resolved: {factor['why']}")
    missing0, missing1 = set(before["missing_roles"]), set(after["missing_roles"])
    for role in sorted(missing0 - missing1):
        out.append(f"{role} is now covered.")
    return tuple(out) or (f"Nothing important changed since {since}.",)
