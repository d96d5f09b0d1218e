"""The rows of a `values_list` query read with one `fetchall`, and queries compiled once.

Iterating a queryset hands each row over through several generators, chunk by chunk: for
the few thousand touches of a group that is a third of the time of reading them, and more
than the database takes to find them. And building and compiling the touches' query (a
join, four expressions) took a millisecond of every analysis, for SQL that differs only in
its parameters. The adapters (`scoring.touch_history`, `scoring.group_map`,
`scoring.analysis`, `scoring.selectors`) read their queries through :func:`fetch_all` and
:class:`Prepared`.

Both give exactly what iterating the queryset gives: the same tuples in the same order,
each value through the converters Django would apply to it (a boolean on SQLite, say).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from datetime import UTC, datetime
from typing import NamedTuple

from django.db import connections
from django.db.models import DateTimeField, QuerySet


class _Compiled(NamedTuple):
    sql: str
    params: tuple
    converters: list  # (column, Django's converters of its value, its expression)


def fetch_all(rows: QuerySet, names: tuple[str, ...]) -> list[tuple]:
    """The rows of `rows` (a `values_list` query whose last columns are `names`), as
    iterating it gives them. A query that selects its columns in another order than
    asked is iterated as usual."""
    compiled = _compiled(rows, names)
    if compiled is None:
        return list(rows)
    return _run(rows.db, compiled.sql, compiled.params, compiled.converters)


def _compiled(rows: QuerySet, names: tuple[str, ...]) -> _Compiled | None:
    """The SQL, parameters and converters of `rows`; None when its columns do not end
    with `names`, in that order."""
    compiler = rows.query.get_compiler(using=rows.db)
    sql, params = compiler.as_sql()
    selected = tuple(alias for _, _, alias in compiler.select)
    if selected[len(selected) - len(names) :] != names:
        return None
    found = compiler.get_converters([column for column, _, _ in compiler.select])
    converters = [(at, tuple(steps), expression) for at, (steps, expression) in found.items()]
    return _Compiled(sql, tuple(params), converters)


def _run(alias: str, sql: str, params: Sequence, converters: list) -> list[tuple]:
    connection = connections[alias]
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        rows = cursor.fetchall()
    if not converters:
        return rows
    converted = []
    for row in rows:  # as the compiler's apply_converters
        values = list(row)
        for at, steps, expression in converters:
            value = values[at]
            for step in steps:
                value = step(value, expression, connection)
            values[at] = value
        converted.append(tuple(values))
    return converted


_UNKNOWN = object()
UNUSED_ID = -987_654_321  # a sentinel id: no row has it


def as_given(value, connection):
    """A parameter the database takes as it is (an id)."""
    return value


# A moment no call passes, standing for a moment parameter (`moment_of`).
UNUSED_MOMENT = datetime(1970, 1, 2, 3, 4, 5, 678_901, tzinfo=UTC)


def moment_of(field: DateTimeField) -> Callable:
    """How a moment compared with the datetime `field` (`field <= moment`) is given to the
    database: as the field's lookup gives it."""

    def adapt(moment: datetime, connection) -> object:
        return field.get_db_prep_value(moment, connection, prepared=False)

    return adapt


class Prepared:
    """A `values_list` query (columns `names`) compiled once per database and vendor, then
    run with each call's own values for its parameters.

    `build(*values)` makes the queryset; what SQL it makes must not depend on the values
    but through its parameters. It is compiled once with `sentinels` (values no call
    passes) in their places, and where each lands in the compiled parameters is noted; a
    call then puts its values there, as the database takes them (`adapt[i](value,
    connection)`, what the field's lookup does to it; by default as given), the query's
    other parameters (its constants) as compiled. A query in which a sentinel is not found
    exactly once, or whose columns are not `names`, is built and compiled on every call."""

    def __init__(
        self,
        build: Callable[..., QuerySet],
        names: tuple[str, ...],
        sentinels: tuple,
        adapt: tuple[Callable, ...] | None = None,
    ) -> None:
        self.build, self.names, self.sentinels = build, names, sentinels
        self.adapt = adapt or (as_given,) * len(sentinels)
        self._compiled: dict[tuple[str, str], tuple[_Compiled, list[int]] | None] = {}

    def rows(self, alias: str, *values) -> list[tuple]:
        connection = connections[alias]
        key = (alias, connection.vendor)
        found = self._compiled.get(key, _UNKNOWN)
        if found is _UNKNOWN:
            found = self._compiled[key] = self._prepare(alias)
        if found is None:
            return fetch_all(self.build(*values), self.names)
        compiled, places = found
        params = list(compiled.params)
        for value, place, adapt in zip(values, places, self.adapt, strict=True):
            params[place] = adapt(value, connection)
        return _run(alias, compiled.sql, params, compiled.converters)

    def _prepare(self, alias: str) -> tuple[_Compiled, list[int]] | None:
        rows = self.build(*self.sentinels)
        if rows.db != alias:
            return None
        compiled = _compiled(rows, self.names)
        if compiled is None:
            return None
        connection = connections[alias]
        adapted = [
            adapt(value, connection)
            for value, adapt in zip(self.sentinels, self.adapt, strict=True)
        ]
        if any(compiled.params.count(value) != 1 for value in adapted):
            return None
        return compiled, [compiled.params.index(value) for value in adapted]
