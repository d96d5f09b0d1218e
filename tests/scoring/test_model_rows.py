"""Rows made from values (`scoring.model_rows`) are the rows `Model.from_db` makes, and a map
pickled with its rows packed as plain values comes back as the map Django's pickling of each
row gave back: the same rows with the same attributes, the same state, each relationship
holding the map's own two people."""

import copyreg
import io
import pickle

import pytest
from django.db.models.signals import post_init
from django.utils import timezone

from planner.models import PlannerSettings, Relationship, Stakeholder
from planner.selectors import planner_settings
from scoring import cached, model_rows
from scoring.analysis import _planner_settings
from scoring.batch_analysis import analyze_from, read_batch
from scoring.group_map import PERSON_COLUMNS, TIE_COLUMNS, GroupMap, group_map
from tests.factories import group_of


def _django_bytes(value) -> bytes:
    """`value` pickled as before: every row through Django's own `Model.__reduce__`."""

    class Plain(cached._Pickler):
        dispatch_table = {**copyreg.dispatch_table, **cached._Pickler.dispatch_table}

        def reducer_override(self, obj):
            if isinstance(obj, GroupMap):  # the dataclass as plain pickle takes it
                return copyreg.__newobj__, (GroupMap,), obj.__dict__
            return NotImplemented

    out = io.BytesIO()
    Plain(out, protocol=pickle.HIGHEST_PROTOCOL).dump(value)
    return out.getvalue()


def _django_pickled(value):
    return cached.loads(_django_bytes(value))


def _row(row):
    """What a row is made of: its attributes (but the Django version unpickling leaves),
    its state and the rows it holds."""
    fields = {k: v for k, v in row.__dict__.items() if k not in ("_state", "_django_version")}
    cache = row._state.__dict__.get("fields_cache", {})
    return (
        type(row),
        fields,
        row._state.db,
        row._state.adding,
        {k: v.pk for k, v in cache.items()},
    )


def _same_maps(found, expected):
    assert found == expected
    assert [_row(r) for r in found.stakeholders] == [_row(r) for r in expected.stakeholders]
    assert [_row(r) for r in found.relationships] == [_row(r) for r in expected.relationships]
    people = {id(p) for p in found.stakeholders}
    for tie in found.relationships:  # the map's own people, not copies
        assert id(tie.source) in people and id(tie.target) in people


@pytest.fixture
def mapped(org):
    group = group_of(org, 6)
    people = list(Stakeholder.objects.filter(group=group).order_by("email"))
    for a, b, kind in [(0, 1, "reports_to"), (2, 1, "influences"), (4, 0, "conflicts_with")]:
        Relationship.objects.create(group=group, source=people[a], target=people[b], kind=kind)
    return group_map(group)


def test_a_map_comes_back_as_django_pickling_gave_it_back(mapped):
    assert model_rows.pack(mapped.stakeholders, mapped.relationships) is not None
    _same_maps(cached.loads(cached.dumps(mapped)), _django_pickled(mapped))
    _same_maps(cached.loads(cached.dumps(mapped)), mapped)
    assert len(cached.dumps(mapped)) < len(_django_bytes(mapped)) * 0.8  # and smaller


def test_rows_holding_anything_else_are_pickled_as_django_pickles_them(
    mapped, django_assert_num_queries
):
    tie = mapped.relationships[0]
    with django_assert_num_queries(1):
        assert tie.group == mapped.group  # read and cached on the row
    assert model_rows.pack(mapped.stakeholders, mapped.relationships) is None
    again = cached.loads(cached.dumps(mapped))
    _same_maps(again, _django_pickled(mapped))
    with django_assert_num_queries(0):
        assert again.relationships[0].group == mapped.group  # still held


def test_maps_without_ties_or_people_and_a_batchs_rows(org, mapped):
    lonely = group_of(org, 3)
    Relationship.objects.filter(group=lonely).delete()
    lonely = group_map(lonely)
    assert lonely.relationships == () and lonely.stakeholders
    _same_maps(cached.loads(cached.dumps(lonely)), _django_pickled(lonely))
    empty = group_map(group_of(org, 0))
    assert cached.loads(cached.dumps(empty)) == empty
    now = timezone.now()
    batch = analyze_from(read_batch([mapped.group], as_of=now), mapped.group, as_of=now).map
    _same_maps(cached.loads(cached.dumps(batch)), _django_pickled(batch))


# --- rows made from values ----------------------------------------------------------------


def _as_loaded(rows):
    """Each row's model and attributes, each value with its type (True is not 1 here)."""
    return [
        (type(r), {k: (type(v), v) for k, v in r.__dict__.items() if k != "_state"}) for r in rows
    ]


def test_rows_made_from_values_are_the_rows_from_db_makes(mapped):
    group = mapped.group
    for model, columns, order in (
        (Stakeholder, PERSON_COLUMNS, ("name", "email")),
        (Relationship, TIE_COLUMNS, ("pk",)),
    ):
        values = list(model.objects.filter(group=group).order_by(*order).values_list(*columns))
        made = model_rows.made(model, "default", columns, values)
        expected = [model.from_db("default", columns, row) for row in values]
        assert _as_loaded(made) == _as_loaded(expected) and made == expected
        assert all(r._state.db == "default" and r._state.adding is False for r in made)
        assert list(model.objects.filter(group=group).order_by(*order)) == made
        assert model_rows._plain(model, columns)  # the fast way was the one tested


def test_a_listened_init_or_a_field_doing_more_makes_rows_through_from_db(mapped):
    seen = []

    def listener(sender, instance, **kwargs):
        seen.append(instance)

    values = list(Relationship.objects.filter(group=mapped.group).values_list(*TIE_COLUMNS))
    post_init.connect(listener, sender=Relationship)
    try:
        made = model_rows.made(Relationship, "default", TIE_COLUMNS, values)
    finally:
        post_init.disconnect(listener, sender=Relationship)
    assert seen == made and len(made) == len(values)  # each made by __init__
    assert not model_rows._plain(Relationship, ("source",))  # a descriptor that does more


def test_the_map_reads_its_rows_as_listing_the_querysets_did(mapped):
    group = mapped.group
    people = list(Stakeholder.objects.filter(group=group).defer("created_at", "updated_at"))
    ties = list(Relationship.objects.filter(group=group).defer("created_at").order_by("pk"))
    people.sort(key=lambda s: (s.name, s.email))
    again = group_map(group)
    assert _as_loaded(again.stakeholders) == _as_loaded(people)
    assert sorted(_as_loaded(again.relationships), key=repr) == sorted(_as_loaded(ties), key=repr)


def test_the_analysis_reads_the_settings_the_selector_gives(org, other_org):
    PlannerSettings.objects.create(organization=org, required_roles=["Champion"], half_life_days=9)
    PlannerSettings.objects.filter(organization=other_org).delete()
    for organization in (org, other_org):
        group = group_of(organization, 2)
        found, expected = _planner_settings(group), planner_settings(organization)
        assert _as_loaded([found]) == _as_loaded([expected])
        assert (found.pk, found._state.adding, found._state.db) == (
            expected.pk,
            expected._state.adding,
            expected._state.db,
        )
    assert _planner_settings(group_of(org, 1)).half_life_days == 9
