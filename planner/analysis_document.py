"""The `analyze_group --format json` document (see INTERFACES.md), built from the analysis
adapter. Graph fields now; divergence fields are added with the divergence engine."""

from datetime import date

from planner.selectors import group_map


def analysis_document(group, *, as_of: date) -> dict:
    data = group_map(group)
    insights = data.insights
    members = [
        {
            "email": s.email,
            "role": s.role_label,
            "exposure": {},
            "centrality": round(float(insights.centrality.get(s.email, 0.0)), 6),
        }
        for s in sorted(
            data.stakeholders, key=lambda s: (-insights.centrality.get(s.email, 0.0), s.email)
        )
    ]
    return {
        "group": {"id": group.pk, "name": group.name, "members": len(data.stakeholders)},
        "as_of": as_of.isoformat(),
        "members": members,
        "factions": [list(f) for f in insights.factions],
        "brokers": list(insights.brokers),
        "missing_roles": list(data.missing_labels),
        "baseline_purchase_likelihood": data.baseline,
    }
