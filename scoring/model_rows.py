"""Model rows made from plain values as Django makes them, and a map's rows (its
stakeholders and relationships) pickled as plain values.

`Model.from_db` makes a row through `Model.__init__`, about five microseconds a row for
what comes down to a `__dict__` of values and a `ModelState` (the database, not adding):
:func:`made` makes that directly when `__init__` would do nothing else (no field of
the model has a descriptor that does more than store the value, no init signal is
listened to, `from_db` is Django's own).

Django pickles a model instance through `Model.__reduce__`: a copy of its `__dict__`, of
its `ModelState` and of the state's cache of related rows, made in Python for each row.
For the rows of a map that was most of the time of storing a group's analysis
(`scoring.cached`). Here the rows of a map are packed as one tuple of values per row, and
unpacked into rows as Django's unpickling gives them back: the same attributes with the
same values, a state saying which database they came from and that they are not new, each
relationship holding its two people (the map's own stakeholders, as `group_map` attached
them). Rows with anything else about them (another related row cached, a different set of
attributes) are not packed: they are pickled as Django pickles them. The map's ties (frozen
dataclasses) are packed the same way (:func:`pack_frozen`).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import fields

from django.db.models import Model
from django.db.models.base import ModelState
from django.db.models.fields.related_descriptors import ForeignKeyDeferredAttribute
from django.db.models.query_utils import DeferredAttribute
from django.db.models.signals import post_init, pre_init

from planner.models import Relationship, Stakeholder

_STATE = frozenset({"db", "adding", "fields_cache"})  # what a loaded row's state holds
_ENDS = frozenset({"source", "target"})
_SOURCE, _TARGET = Relationship.source.field, Relationship.target.field

Packed = tuple  # (database, names and values of the stakeholders, of the relationships)


def pack(stakeholders: Sequence[Stakeholder], relationships: Sequence[Relationship]):
    """The rows as plain values, or None when they are not all plain rows of one database."""
    if not stakeholders:
        return None
    db = stakeholders[0]._state.db
    people = _values(stakeholders, db, frozenset())
    if people is None:
        return None
    by_pk = {person.pk: person for person in stakeholders}
    for tie in relationships:
        cache = tie._state.__dict__.get("fields_cache")
        if (
            not cache
            or cache.get("source") is not by_pk.get(tie.source_id)
            or cache.get("target") is not by_pk.get(tie.target_id)
        ):
            return None
    ties = _values(relationships, db, _ENDS)
    if ties is None and relationships:
        return None
    return db, people, ties


def _values(rows: Sequence, db: str | None, cached: frozenset[str]):
    """(attribute names, a tuple of values per row) of rows whose state is a loaded row's
    of `db`, whose related-row cache holds exactly `cached`, and whose attributes are the
    same names in the same order; else None."""
    if not rows:
        return None
    names = tuple(rows[0].__dict__)
    if names[:1] != ("_state",):
        return None
    values = []
    for row in rows:
        fields = row.__dict__
        state = row._state
        found = state.__dict__
        if (
            tuple(fields) != names
            or state.db != db
            or state.adding
            or not found.keys() <= _STATE
            or found.get("fields_cache", {}).keys() != cached
        ):
            return None
        values.append(tuple(fields.values())[1:])
    return names[1:], values


def unpack(packed: Packed) -> tuple[tuple[Stakeholder, ...], tuple[Relationship, ...]]:
    """The rows `pack` packed, as unpickling them one by one would give them back."""
    db, people, ties = packed
    stakeholders = _rows(Stakeholder, db, *people)
    if ties is None:
        return stakeholders, ()
    relationships = _rows(Relationship, db, *ties)
    by_pk = {person.pk: person for person in stakeholders}
    for tie in relationships:
        _SOURCE.set_cached_value(tie, by_pk[tie.source_id])
        _TARGET.set_cached_value(tie, by_pk[tie.target_id])
    return stakeholders, relationships


def made(model: type[Model], db: str, names: tuple[str, ...], values) -> list:
    """`[model.from_db(db, names, row) for row in values]`, each row made without
    `__init__` when that gives the same row (see the module). `names`: attribute names of
    concrete fields, in the model's order."""
    if not _plain(model, names):
        return [model.from_db(db, names, row) for row in values]
    return list(_rows(model, db, names, values))


def _plain(model: type[Model], names: tuple[str, ...]) -> bool:
    """Whether `model.from_db` only stores `names` (and the state) on a new instance."""
    if model.from_db.__func__ is not Model.from_db.__func__:
        return False
    if pre_init.has_listeners(model) or post_init.has_listeners(model):
        return False
    for name in names:
        descriptor = type(model.__dict__.get(name))
        if descriptor is not DeferredAttribute and descriptor is not ForeignKeyDeferredAttribute:
            return False
    return True


def _rows(model, db: str | None, names: tuple[str, ...], values) -> tuple:
    rows = []
    for row in values:
        instance = model.__new__(model)
        state = ModelState()
        state.db = db
        state.adding = False
        fields = instance.__dict__
        fields["_state"] = state
        fields.update(zip(names, row, strict=True))
        rows.append(instance)
    return tuple(rows)


def pack_frozen(items: Sequence, cls: type) -> list[tuple] | None:
    """Instances of the frozen dataclass `cls` (nothing else) as tuples of their fields'
    values; None when any is not exactly that."""
    names = tuple(field.name for field in fields(cls))
    packed = []
    for item in items:
        found = item.__dict__
        if type(item) is not cls or tuple(found) != names:
            return None
        packed.append(tuple(found.values()))
    return packed


def unpack_frozen(packed: list[tuple], cls: type) -> tuple:
    """The instances `pack_frozen` packed, made as unpickling makes them (their fields set
    without `__init__`)."""
    names = tuple(field.name for field in fields(cls))
    items = []
    for values in packed:
        item = object.__new__(cls)
        item.__dict__.update(zip(names, values, strict=True))
        items.append(item)
    return tuple(items)
