"""The rows of a `values_list` query read with one `fetchall`.

Iterating a queryset hands each row over through several generators, chunk by chunk: for
the few thousand touches of a group that is a third of the time of reading them, and more
than the database takes to find them. The adapters (`scoring.touch_history`,
`scoring.group_map`) read their big queries through :func:`fetch_all` instead.
"""

from django.db import connections
from django.db.models import QuerySet


def fetch_all(rows: QuerySet, names: tuple[str, ...]) -> list[tuple]:
    """The rows of `rows` (a `values_list` query whose last columns are `names`), as
    iterating it gives them: the same tuples, in the same order. A query whose columns
    need Django's converters (a datetime or JSON read as such), or that selects them in
    another order than asked, is iterated as usual."""
    compiler = rows.query.get_compiler(using=rows.db)
    sql, params = compiler.as_sql()
    selected = tuple(alias for _, _, alias in compiler.select)
    if selected[len(selected) - len(names) :] != names or compiler.get_converters(
        [column for column, _, _ in compiler.select]
    ):
        return list(rows)
    with connections[rows.db].cursor() as cursor:
        cursor.execute(sql, params)
        return cursor.fetchall()
