"""The group page's "what changed since last week" (`GroupAnalysis.changes_since`) says
exactly what `what_changed` says of the whole analysis document, though it builds only
the parts of the document that function reads."""

from datetime import timedelta

from django.utils import timezone

from planner import services
from planner.models import Stakeholder
from scoring.analysis import analyze
from scoring.core.changes import what_changed
from tests.factories import StakeholderFactory, group_of


def touch(group, people, themes, days_ago):
    services.touches_record(
        group=group,
        stakeholders=people,
        occurred_at=timezone.now() - timedelta(days=days_ago),
        themes=themes,
    )


def variants(document: dict) -> list[dict]:
    """An earlier document, and the same with what `what_changed` compares changed."""
    readiness = document["readiness"]
    return [
        document,
        {**document, "readiness": {"score": 99, "factors": []}},
        {**document, "readiness": {**readiness, "factors": readiness["factors"][:1]}},
        {
            **document,
            "readiness": {
                "score": readiness["score"],
                "factors": [{**f, "effect": f["effect"] - 7} for f in readiness["factors"]],
            },
        },
        {**document, "divergence": 0.0},
        {**document, "divergence": 1.0},
        {**document, "group": {**document["group"], "members": 2}},
        {**document, "missing_roles": ["Economic buyer", "Champion"]},
        {**document, "missing_roles": []},
    ]


def test_the_changes_since_are_those_of_the_whole_document(org):
    group = group_of(org, 6)
    people = list(Stakeholder.objects.filter(group=group).order_by("name"))
    nobody_reached = analyze(group)
    touch(group, people[:2], {"security": 2}, 9)
    some_reached = analyze(group)
    touch(group, people[2:5], {"pricing": 1, "ease": 3}, 2)
    StakeholderFactory(group=group, email="late@example.com", name="Late Comer")
    befores = [None, {}]
    for earlier in (nobody_reached, some_reached):
        befores += variants(earlier.document())
    for after in (nobody_reached, some_reached, analyze(group)):
        document = after.document()
        for before in [*befores, *variants(document)]:
            said = after.changes_since(before)
            assert said == what_changed(before, document)
            assert said == what_changed(before, document, since="last week")
    assert analyze(group).changes_since(nobody_reached.document())  # something to say
    assert some_reached.changes_since(None, since="May") == (
        "No scores from May to compare with yet.",
    )
