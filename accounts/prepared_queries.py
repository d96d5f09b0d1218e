"""Queries compiled once: the rows of a page's fixed queries without the ORM's compile cost
on every request.

Building a queryset, compiling it to SQL and setting up how its rows become values or
model instances costs a few hundred microseconds per query (a join, a `.only`, a slice,
a few expressions), often more than the database takes to answer it; and iterating a
queryset hands each row over through several generators, chunk by chunk. A page's
queries (the group of a group page, its kits, the touches of an analysis) differ from
request to request only in their parameters, so :class:`Prepared` (rows of a
`values_list` query) and :class:`PreparedQuery` (model instances) compile each once per
database and vendor and run it with each call's values; :func:`fetch_all` reads a
`values_list` query's rows with one `fetchall`.

All give exactly what iterating the queryset gives: the same rows in the same order, each
value through the converters Django would apply to it (a boolean on SQLite, say), and
instances made as Django's `ModelIterable` makes them (`from_db`, the related rows of
`select_related`, the annotations).

A query is compiled with sentinels (values no call passes) in the places of its
parameters; a call puts its values there, as the database takes them (`adapt[i](value,
connection)`, what the field's lookup does to it; by default as given; one that raises
EmptyResultSet finds nothing). A query in which a sentinel is not found exactly once is
built and compiled on every call, as usual. It lives here, at the bottom of the house, so
every room's reads may use it.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from datetime import UTC, datetime
from typing import NamedTuple

from django.core.exceptions import EmptyResultSet
from django.db import connections
from django.db.models import DateTimeField, Model, QuerySet
from django.db.models.query import ModelIterable, get_related_populators

UNUSED_ID = -987_654_321  # a sentinel id: no row has it (nor UNUSED_ID - 1, and so on)
# A moment no call passes, standing for a moment parameter (`moment_of`).
UNUSED_MOMENT = datetime(1970, 1, 2, 3, 4, 5, 678_901, tzinfo=UTC)
_UNKNOWN = object()


def as_given(value, connection):
    """A parameter the database takes as it is (an id)."""
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


def moment_of(field: DateTimeField) -> Callable:
    """How a moment compared with the datetime `field` (`field <= moment`) is given to the
    database: as the field's lookup gives it."""

    def adapt(moment: datetime, connection) -> object:
        return field.get_db_prep_value(moment, connection, prepared=False)

    return adapt


# ------------------------------------------------------------------ shared steps


def _converters(compiler, columns) -> tuple:
    """(column, Django's converters of its value, its expression) of the `columns`."""
    found = compiler.get_converters(columns)
    return tuple((at, tuple(steps), expression) for at, (steps, expression) in found.items())


def _converted(row, converters: tuple, connection) -> Sequence:
    """`row` with each value through its converters, as the compiler's apply_converters."""
    if not converters:
        return row
    values = list(row)
    for at, steps, expression in converters:
        value = values[at]
        for step in steps:
            value = step(value, expression, connection)
        values[at] = value
    return values


def _places(params: tuple, sentinels: tuple, adapt: tuple, connection) -> tuple | None:
    """Where each sentinel landed in a query's compiled `params`; None unless each did
    exactly once."""
    adapted = [given(value, connection) for value, given in zip(sentinels, adapt, strict=True)]
    if any(params.count(value) != 1 for value in adapted):
        return None
    return tuple(params.index(value) for value in adapted)


def _fetch(alias: str, sql: str, params: tuple, places, adapt, values) -> list | None:
    """The rows of `sql` with `values` in their `places` of `params`; None when a value
    finds nothing."""
    connection = connections[alias]
    given = list(params)
    try:
        for value, place, made in zip(values, places, adapt, strict=True):
            given[place] = made(value, connection)
    except EmptyResultSet:  # a value no row can have
        return None
    with connection.cursor() as cursor:
        cursor.execute(sql, given)
        return cursor.fetchall()


# ------------------------------------------------------------------- value rows


class _Compiled(NamedTuple):
    sql: str
    params: tuple
    converters: tuple


def fetch_all(rows: QuerySet, names: tuple[str, ...]) -> list[tuple]:
    """The rows of `rows` (a `values_list` query whose last columns are `names`), as
    iterating it gives them. A query that selects its columns in another order than
    asked is iterated as usual."""
    compiled = _compiled(rows, names)
    if compiled is None:
        return list(rows)
    found = _fetch(rows.db, compiled.sql, compiled.params, (), (), ())
    return _tuples(found, compiled.converters, rows.db)


def _compiled(rows: QuerySet, names: tuple[str, ...]) -> _Compiled | None:
    """The SQL, parameters and converters of `rows`; None when its columns do not end
    with `names`, in that order."""
    compiler = rows.query.get_compiler(using=rows.db)
    sql, params = compiler.as_sql()
    selected = tuple(alias for _, _, alias in compiler.select)
    if selected[len(selected) - len(names) :] != names:
        return None
    columns = [column for column, _, _ in compiler.select]
    return _Compiled(sql, tuple(params), _converters(compiler, columns))


def _tuples(rows: list, converters: tuple, alias: str) -> list[tuple]:
    if not converters:
        return rows
    connection = connections[alias]
    return [tuple(_converted(row, converters, connection)) for row in rows]


class Prepared:
    """A `values_list` query (columns `names`) compiled once per database and vendor, then
    run with each call's own values for its parameters (see the module). `build(*values)`
    makes the queryset; what SQL it makes must not depend on the values but through its
    parameters. A query whose columns are not `names` is built on every call."""

    def __init__(
        self,
        build: Callable[..., QuerySet],
        names: tuple[str, ...],
        sentinels: tuple,
        adapt: tuple[Callable, ...] | None = None,
    ) -> None:
        self.build, self.names, self.sentinels = build, names, sentinels
        self.adapt = adapt or (as_given,) * len(sentinels)
        self._compiled: dict[tuple[str, str], tuple[_Compiled, tuple] | None] = {}

    def rows(self, alias: str, *values) -> list[tuple]:
        key = (alias, connections[alias].vendor)
        found = self._compiled.get(key, _UNKNOWN)
        if found is _UNKNOWN:
            found = self._compiled[key] = self._prepare(alias)
        if found is None:
            return fetch_all(self.build(*values), self.names)
        compiled, places = found
        rows = _fetch(alias, compiled.sql, compiled.params, places, self.adapt, values)
        return [] if rows is None else _tuples(rows, compiled.converters, alias)

    def _prepare(self, alias: str) -> tuple[_Compiled, tuple] | None:
        rows = self.build(*self.sentinels)
        if rows.db != alias:
            return None
        compiled = _compiled(rows, self.names)
        if compiled is None:
            return None
        places = _places(compiled.params, self.sentinels, self.adapt, connections[alias])
        return None if places is None else (compiled, places)


# -------------------------------------------------------------- model instances


class _Plan(NamedTuple):
    sql: str
    params: tuple
    places: tuple[int, ...]  # where each call's values go in `params`
    converters: tuple
    model: type[Model]
    fields: tuple[int, int]  # the model's own columns: [start, end)
    init_list: tuple[str, ...]
    related: tuple  # Django's populators of the select_related rows
    annotations: tuple[tuple[str, int], ...]


class PreparedQuery:
    """A model query compiled once per database and vendor, then run with each call's own
    values for its parameters (see the module). `build(*values)` makes the queryset; what
    SQL it makes must not depend on the values but through its parameters."""

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
        rows = _fetch(alias, plan.sql, plan.params, plan.places, self.adapt, values)
        return [self._made(plan, alias, row, connection) for row in rows or ()]

    @staticmethod
    def _made(plan: _Plan, alias: str, row, connection) -> Model:
        row = _converted(row, plan.converters, connection)
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
        places = _places(params, self.sentinels, self.adapt, connections[alias])
        if places is None:
            return None
        select, klass_info = compiler.select, compiler.klass_info
        start, end = klass_info["select_fields"][0], klass_info["select_fields"][-1] + 1
        return _Plan(
            sql=sql,
            params=params,
            places=places,
            converters=_converters(compiler, [c for c, _, _ in select[: compiler.col_count]]),
            model=klass_info["model"],
            fields=(start, end),
            init_list=tuple(column[0].target.attname for column in select[start:end]),
            related=tuple(get_related_populators(klass_info, select, alias)),
            annotations=tuple(compiler.annotation_col_map.items()),
        )
