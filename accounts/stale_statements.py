"""Prepared statements a migration made stale: the connection is renewed at once.

On PostgreSQL a query run often on a connection is prepared there (settings,
DB_PREPARE_THRESHOLD). A migration that changes the type of a column such a query reads
makes the server refuse the old statement ("cached plan must not change result type")
every time it is run again on that connection, until the connection is closed, which
persistent connections (DB_CONN_MAX_AGE) put off for up to a minute. So when a request or
a task fails with that error, this process's connections are closed: the request that met
it fails (a 500, or a task retried as any failed task is), the next one opens a fresh
connection and prepares its statements again.
"""

from __future__ import annotations

import logging
import sys

from django.core.signals import got_request_exception
from django.db import connections

log = logging.getLogger(__name__)

STALE_PLAN = "cached plan must not change result type"


def is_stale_statement(error: BaseException | None) -> bool:
    """Whether `error` (or what caused it) is PostgreSQL refusing a stale statement."""
    while error is not None:
        if STALE_PLAN in str(error):
            return True
        error = error.__cause__
    return False


def renew_after(error: BaseException | None) -> bool:
    """Close this thread's database connections if `error` is a stale statement's."""
    if not is_stale_statement(error):
        return False
    log.warning("a prepared statement is stale after a migration: renewing the connection")
    for connection in connections.all(initialized_only=True):
        connection.close()
    return True


def _after_request_exception(sender, request=None, **kwargs) -> None:
    renew_after(sys.exc_info()[1])  # sent while the exception is handled


def connect() -> None:
    got_request_exception.connect(_after_request_exception, dispatch_uid=__name__)
