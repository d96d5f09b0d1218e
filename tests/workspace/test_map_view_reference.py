"""The group page's map and a faction's map reverse their links once per drawing and work
out a big group's conflicts and links once for both drawings: byte for byte what they drew
before (tests/workspace/map_view_before.py, the reference), for small groups drawn person
by person and big ones drawn as factions, for editors and viewers, with hostile names,
under a script prefix."""

import pytest
from django.urls import set_script_prefix
from django.utils import timezone

from bench.children import seed_group
from bench.group_spec import group_spec
from planner.models import Stakeholder
from scoring.cached import current_analysis
from scoring.core import map_labels
from scoring.versions import bump_group
from tests.security.hostile import hostile
from tests.workspace import map_view_before
from workspace import map_view
from workspace.group_charts import friction_both_ways


@pytest.mark.parametrize("members", [1, 6, 30, 45, 80])
def test_the_maps_are_what_they_drew_before(org, members):
    spec = group_spec(
        members=members, ties=members * 3, touches=members * 4, end=timezone.now(), seed=members
    )
    group = seed_group(org, spec, name=hostile("map"))
    first = Stakeholder.objects.filter(group=group).order_by("pk").first()
    Stakeholder.objects.filter(pk=first.pk).update(name=hostile("person"))
    analysis = current_analysis(group)
    data, friction = analysis.map, friction_both_ways(analysis)
    for prefix in ("/", "/sub/"):
        set_script_prefix(prefix)
        try:
            for can_edit in (True, False):
                for link in (True, False):
                    kwargs = {"link": link, "can_edit": can_edit, "friction": friction}
                    assert map_view.map_svg(data, **kwargs) == map_view_before.map_svg(
                        data, **kwargs
                    )
            influence = {s.email: s.influence for s in data.stakeholders}
            for cluster in map_view.cluster_groups(data.insights.factions, influence):
                kwargs = {"title": "x", "can_edit": True, "friction": friction}
                assert map_view.faction_svg(data, cluster, **kwargs) == (
                    map_view_before.faction_svg(data, cluster, **kwargs)
                )
        finally:
            set_script_prefix("/")


def _drawn_afresh(data, **kwargs) -> str:
    """The map drawn with nothing remembered (the reference draws with the same memos)."""
    map_labels._remembered_plan.cache_clear()
    map_view._remembered_circles.cache_clear()
    return map_view.map_svg(data, **kwargs)


@pytest.mark.parametrize("members", [6, 45])
def test_remembered_drawings_follow_what_they_show(org, members):
    """The circles and map plans a process remembers (`map_view._remembered_circles`,
    `scoring.core.map_labels.map_plan`) are made again when what they show changes: a
    person's name and stance, the group's name."""
    spec = group_spec(
        members=members, ties=members * 3, touches=members * 4, end=timezone.now(), seed=members
    )
    group = seed_group(org, spec, name="Before")
    first = Stakeholder.objects.filter(group=group).order_by("pk").first()
    changes = (
        {},
        {"name": "Somebody Else"},
        {"stance": "skeptic" if first.stance != "skeptic" else "supporter"},
        {"influence": 1 if first.influence != 1 else 5},
    )
    for change in changes:
        Stakeholder.objects.filter(pk=first.pk).update(**change)
        bump_group(group.pk)
        analysis = current_analysis(group)
        data, friction = analysis.map, friction_both_ways(analysis)
        kwargs = {"link": True, "can_edit": True, "friction": friction}
        drawn = map_view.map_svg(data, **kwargs)  # what is remembered of the one before
        assert drawn == map_view_before.map_svg(data, **kwargs) == _drawn_afresh(data, **kwargs)
    group.name = "After"
    group.save()
    bump_group(group.pk)
    analysis = current_analysis(group)
    data, friction = analysis.map, friction_both_ways(analysis)
    kwargs = {"link": True, "can_edit": True, "friction": friction}
    drawn = map_view.map_svg(data, **kwargs)
    assert drawn == _drawn_afresh(data, **kwargs)
    assert ("Factions of After" if members > map_view.PEOPLE_MAX else "map of After") in drawn
