"""How the analysis cache pickles what it stores (scoring.cached.dumps/loads): model
instances come back as the database gave them, as Django's own pickling would bring them
back, in less time."""

import dataclasses
import pickle

import pytest
from django.db.models import Model

from planner.models import Relationship, Stakeholder
from scoring import cached
from scoring.group_map import group_map
from tests.factories import group_of


def as_loaded(instance: Model) -> tuple:
    """What a model instance is: its class, its fields (deferred ones absent), its state
    and which related objects are cached on it."""
    # (Django's unpickling leaves the version it checked among the fields.)
    fields = {k: v for k, v in instance.__dict__.items() if k not in ("_state", "_django_version")}
    state = instance._state
    return (
        type(instance),
        fields,
        state.db,
        state.adding,
        frozenset(instance.get_deferred_fields()),
        {name: (type(related), related.pk) for name, related in state.fields_cache.items()},
    )


def test_a_map_comes_back_as_django_would_bring_it_back(group):
    data = group_map(group)
    assert data.relationships, "the fixture's group has ties"

    rows = (*data.stakeholders, *data.relationships, data.group)

    ours = cached.loads(cached.dumps(rows))
    django = pickle.loads(pickle.dumps(rows))  # noqa: S301 - our own bytes

    for mine, theirs in zip(ours, django, strict=True):
        assert as_loaded(mine) == as_loaded(theirs)
    assert ours[0].get_deferred_fields() == {"created_at", "updated_at"}


def test_people_shared_by_ties_stay_shared(group):
    data = cached.loads(cached.dumps(group_map(group)))
    people = {person.pk: person for person in data.stakeholders}
    for tie in data.relationships:
        assert tie.source is people[tie.source_id]  # one object, as before pickling
        assert tie.target is people[tie.target_id]


def test_an_instance_read_back_works_like_one_from_the_database(group):
    person = Stakeholder.objects.filter(group=group).order_by("pk").first()
    tie = Relationship.objects.filter(group=group).select_related("source").first()

    back, tie_back = cached.loads(cached.dumps((person, tie)))

    assert back == person and back._state.db == "default" and not back._state.adding
    back.name = "Renamed"
    back.save(update_fields=["name"])  # an UPDATE of the same row, not an INSERT
    assert Stakeholder.objects.get(pk=person.pk).name == "Renamed"
    assert tie_back.source == tie.source  # the cached person, no query needed
    back.refresh_from_db(fields=["created_at"])  # a deferred field still loads
    assert back.created_at is not None


def test_an_unsaved_instance_stays_unsaved(group):
    new = Stakeholder(group=group, email="new@acme.test", name="New")
    back = cached.loads(cached.dumps(new))
    assert back._state.adding and back.pk is None and back.email == "new@acme.test"


def test_a_maps_rows_are_pickled_together(org):
    """The cache's one pickler packs a map's rows as plain values: much smaller than its
    rows one by one, and back as the same map."""
    data = group_map(group_of(org, 40))
    one_by_one = cached.dumps(
        {f.name: getattr(data, f.name) for f in dataclasses.fields(data)}  # no map: no packing
    )
    packed = cached.dumps(data)
    assert len(packed) < len(one_by_one) * 0.8
    back = cached.loads(packed)
    assert back == data
    assert [as_loaded(r) for r in back.relationships] == [as_loaded(r) for r in data.relationships]


def test_a_maps_people_by_email_are_worked_out_once_read_only_and_not_pickled(group):
    data = group_map(group)
    first = data.with_group(data.group)  # as every view gets a cached map
    people = data.by_email
    assert people is data.by_email is first.by_email  # worked out once, on the cached map
    assert set(people) == {s.email for s in data.stakeholders}
    with pytest.raises(TypeError):
        people["someone@x.example"] = None  # type: ignore[index]
    handed_out = data.with_group(data.group)  # as every view gets a cached map
    assert handed_out.by_email is people and handed_out is not data
    copied = cached.loads(cached.dumps(data))  # as the analysis cache stores it (its fields)
    assert "by_email" not in vars(copied)
    assert copied.by_email.keys() == people.keys()
