"""An analysis's priority divergence is remembered by what it reads (the members' keys,
influence and priorities): after a write that leaves those as they were (a touch) the
next analysis has the very same one; a changed priority or influence is computed anew."""

from datetime import timedelta

from django.utils import timezone

from planner import services
from planner.models import Stakeholder
from scoring.analysis import analyze
from scoring.core.divergence import Member, divergence
from tests.factories import group_of


def computed(analysis):
    """The priority divergence computed from the analysis's people, as it was."""
    return divergence(
        [
            Member(
                key=s.email,
                influence=float(s.influence),
                exposure=analysis.exposures.get(s.email, {}),
                priorities={k: float(v) for k, v in (s.priorities or {}).items()},
            )
            for s in analysis.map.stakeholders
        ],
        use="priorities",
    )


def test_the_priority_divergence_is_the_one_computed_and_follows_the_people(org):
    group = group_of(org, 5)
    people = list(Stakeholder.objects.filter(group=group).order_by("name"))
    wanted = [{"security": 3}, {"pricing": 1, "security": 1}, {}, {"ease": 2}, {"ease": 0}]
    for person, priorities in zip(people, wanted, strict=True):
        person.priorities = priorities
        person.save()
    first = analyze(group)
    assert first.priority_divergence == computed(first)
    assert 0 < first.priority_divergence.score < 1
    services.touches_record(
        group=group,
        stakeholders=people[:2],
        occurred_at=timezone.now() - timedelta(days=1),
        themes={"security": 1},
    )
    again = analyze(group)
    assert again.priority_divergence is first.priority_divergence  # remembered
    assert again.exposures != first.exposures
    people[2].priorities = {"pricing": 5}
    people[2].save()
    changed = analyze(group)
    assert changed.priority_divergence == computed(changed)
    assert changed.priority_divergence != first.priority_divergence
    people[0].influence = 1
    people[0].save()
    weaker = analyze(group)
    assert weaker.priority_divergence == computed(weaker)
    assert weaker.priority_divergence.score != changed.priority_divergence.score
