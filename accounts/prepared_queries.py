"""Model queries compiled once: the rows of a page's fixed lookups without the ORM's
compile cost on every request.

Building a queryset, compiling it to SQL and setting up how its rows become model
instances costs a few hundred microseconds per query (a lookup with a join, a `.only`, a
slice), ten times what the database takes to answer it. A page's lookups (the group of
a group page, its kits) differ from request to request only in their parameters, so
:class:`PreparedQuery` compiles each once per database and vendor and runs it with each
call's values, making the rows into instances exactly as iterating the queryset does
(Django's `ModelIterable`: `from_db`, the related rows of `select_related`, the
annotations, each value through the converters Django applies).

It lives here, at the bottom of the house, so every room's lookups may use it; its
counterpart for `values_list` rows is `scoring.fetch.Prepared` (the same sentinels).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import NamedTuple

from django.core.exceptions import EmptyResultSet
from django.db import connections
from django.db.models import Model, QuerySet
from django.db.models.query import ModelIterable, get_related_populators

UNUSED_ID = -987_654_321  # a sentinel id: no row has it (a second one: UNUSED_ID - 1)
_UNKNOWN = object()


def as_given(value, connection):
    """A parameter the database takes as it is."""
    return value


def primary_key_of(model: type[Model]) -> Callable:
    """How a primary key compared with `model`'s (`pk=value`) is given to the database:
    as the lookup gives it (an id given as a string is made a number, a bad one raises
    as the queryset would, and one beyond the column's range finds nothing, as Django's
    lookup finds nothing rather than ask the database)."""
    field = model._meta.pk

    def adapt(value, connection) -> object:
        value = field.get_db_prep_value(value, connection, prepared=False)
        if isinstance(value, int):
            low, high = connection.ops.integer_field_range(field.get_internal_type())
            if (low is not None and value < low) or (high is not None and value > high):
                raise EmptyResultSet
        return value

    return adapt


class _Plan(NamedTuple):
    sql: str
    params: tuple
    places: tuple[int, ...]  # where each call's values go in `params`
    converters: tuple  # (column, Django's converters of its value, its expression)
    model: type[Model]
    fields: tuple[int, int]  # the model's own columns: [start, end)
    init_list: tuple[str, ...]
    related: tuple  # Django's populators of the select_related rows
    annotations: tuple[tuple[str, int], ...]


class PreparedQuery:
    """A model query compiled once per database and vendor, then run with each call's own
    values for its parameters.

    `build(*values)` makes the queryset; what SQL it makes must not depend on the values
    but through its parameters. It is compiled once with `sentinels` (values no call
    passes) in their places; a call puts its values there, as the database takes them
    (`adapt[i](value, connection)`; by default as given; one that raises EmptyResultSet
    finds nothing). A query in which a sentinel is
    not found exactly once is built and iterated on every call, as usual."""

    def __init__(
        self,
        build: Callable[..., QuerySet],
        sentinels: tuple,
        adapt: tuple[Callable, ...] | None = None,
    ) -> None:
        self.build, self.sentinels = build, sentinels
        self.adapt = adapt or (as_given,) * len(sentinels)
        self._plans: dict[tuple[str, str], _Plan | None] = {}

    def all(self, alias: str, *values) -> list[Model]:
        """The rows for `values`, as `list(build(*values))` on the database `alias`."""
        connection = connections[alias]
        key = (alias, connection.vendor)
        plan = self._plans.get(key, _UNKNOWN)
        if plan is _UNKNOWN:
            plan = self._plans[key] = self._plan(alias)
        if plan is None:
            return list(self.build(*values).using(alias))
        params = list(plan.params)
        try:
            for value, place, adapt in zip(values, plan.places, self.adapt, strict=True):
                params[place] = adapt(value, connection)
        except EmptyResultSet:  # a value no row can have
            return []
        with connection.cursor() as cursor:
            cursor.execute(plan.sql, params)
            rows = cursor.fetchall()
        return [self._made(plan, alias, row, connection) for row in rows]

    @staticmethod
    def _made(plan: _Plan, alias: str, row, connection) -> Model:
        if plan.converters:  # as the compiler's apply_converters
            row = list(row)
            for at, steps, expression in plan.converters:
                value = row[at]
                for step in steps:
                    value = step(value, expression, connection)
                row[at] = value
        start, end = plan.fields
        instance = plan.model.from_db(alias, plan.init_list, row[start:end])
        for populator in plan.related:
            populator.populate(row, instance)
        for name, at in plan.annotations:
            setattr(instance, name, row[at])
        return instance

    def _plan(self, alias: str) -> _Plan | None:
        rows = self.build(*self.sentinels).using(alias)
        if rows._known_related_objects or rows._iterable_class is not ModelIterable:
            return None  # rows made otherwise than by from_db: iterate as usual
        compiler = rows.query.get_compiler(using=alias)
        sql, params = compiler.as_sql()
        params = tuple(params)
        connection = connections[alias]
        adapted = [
            adapt(value, connection)
            for value, adapt in zip(self.sentinels, self.adapt, strict=True)
        ]
        if any(params.count(value) != 1 for value in adapted):
            return None
        select, klass_info = compiler.select, compiler.klass_info
        found = compiler.get_converters([column for column, _, _ in select[: compiler.col_count]])
        start, end = klass_info["select_fields"][0], klass_info["select_fields"][-1] + 1
        return _Plan(
            sql=sql,
            params=params,
            places=tuple(params.index(value) for value in adapted),
            converters=tuple((at, tuple(steps), expr) for at, (steps, expr) in found.items()),
            model=klass_info["model"],
            fields=(start, end),
            init_list=tuple(column[0].target.attname for column in select[start:end]),
            related=tuple(get_related_populators(klass_info, select, alias)),
            annotations=tuple(compiler.annotation_col_map.items()),
        )
