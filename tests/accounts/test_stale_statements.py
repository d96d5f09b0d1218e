"""A prepared statement made stale by a migration (a column's type changed under a running
process) fails the request or task that meets it, and only that one: the process's
connections are renewed at once, not after DB_CONN_MAX_AGE."""

import psycopg
import pytest
from django.db import NotSupportedError, connection

from accounts import stale_statements
from config.celery import _renew_stale_statements
from workspace import views

STALE = NotSupportedError("cached plan must not change result type")


class Closing:
    def __init__(self):
        self.closed = 0

    def close(self):
        self.closed += 1


class Connections:
    def __init__(self, count: int):
        self.open = [Closing() for _ in range(count)]

    def all(self, initialized_only=False):
        assert initialized_only
        return self.open


@pytest.fixture
def fake_connections(monkeypatch):
    found = Connections(2)
    monkeypatch.setattr(stale_statements, "connections", found)
    return found


def test_only_a_stale_statement_renews_the_connections(fake_connections):
    wrapped = RuntimeError("the page failed")
    wrapped.__cause__ = STALE
    assert stale_statements.renew_after(wrapped)
    assert not stale_statements.renew_after(NotSupportedError("something else"))
    assert not stale_statements.renew_after(None)
    assert [c.closed for c in fake_connections.open] == [1, 1]


def test_a_request_that_meets_a_stale_statement_renews_them(
    client, marketer, group, monkeypatch, fake_connections
):
    def stale(*args, **kwargs):
        raise STALE

    client.force_login(marketer)
    monkeypatch.setattr(views, "get_group_for_user", stale)
    client.raise_request_exception = False
    assert client.get(f"/groups/{group.pk}/").status_code == 500
    assert [c.closed for c in fake_connections.open] == [1, 1]


def test_a_task_that_meets_one_renews_them(fake_connections):
    _renew_stale_statements(exception=STALE, task_id="t")
    _renew_stale_statements(exception=ValueError("no"), task_id="u")
    assert [c.closed for c in fake_connections.open] == [1, 1]


def _from_another_connection(sql: str) -> None:
    found = connection.settings_dict
    with psycopg.connect(
        dbname=found["NAME"],
        host=found["HOST"],
        port=found["PORT"],
        user=found["USER"],
        password=found["PASSWORD"],
        autocommit=True,
    ) as other:
        other.execute(sql)


@pytest.mark.django_db(transaction=True)
def test_the_next_query_after_a_column_changed_type_is_answered():
    """On PostgreSQL (CI) for real: a query prepared on the connection, its column's type
    changed, the error, then the same query on the renewed connection. SQLite prepares
    nothing of ours: the query is answered throughout."""
    query = "SELECT v FROM stale_probe WHERE id = %s"
    with connection.cursor() as cursor:
        cursor.execute("CREATE TABLE stale_probe (id integer, v integer)")
        cursor.execute("INSERT INTO stale_probe VALUES (1, 7)")
    try:
        for _ in range(3):  # prepared from the second run
            with connection.cursor() as cursor:
                cursor.execute(query, [1])
                assert cursor.fetchone() == (7,)
        if connection.vendor == "postgresql":  # by another process, as a migration does
            _from_another_connection("ALTER TABLE stale_probe ALTER COLUMN v TYPE bigint")
            with pytest.raises(NotSupportedError) as met, connection.cursor() as cursor:
                cursor.execute(query, [1])
            assert stale_statements.renew_after(met.value)
        with connection.cursor() as cursor:
            cursor.execute(query, [1])
            assert cursor.fetchone() == (7,)
    finally:
        with connection.cursor() as cursor:
            cursor.execute("DROP TABLE stale_probe")
