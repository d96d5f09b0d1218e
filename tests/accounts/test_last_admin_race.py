"""Two admins demoting (or removing) each other at the same moment must leave one admin.

Each round runs the two requests' services in two real threads, each with its own
database connection and transaction, released together by a barrier. On PostgreSQL the
old `select_for_update().count()` locked nothing and lost this race most rounds; on
SQLite the IMMEDIATE transactions serialize writers, and the test holds there too.
"""

import threading

import pytest
from django.core.exceptions import ValidationError
from django.db import connection

from accounts import services
from accounts.models import Membership
from accounts.roles import Role
from tests.factories import OrganizationFactory, member

ROUNDS = 50

pytestmark = pytest.mark.django_db(transaction=True)


def _at_once(*calls):
    """Run each call in its own thread (own connection), started together; the errors."""
    barrier = threading.Barrier(len(calls))
    outcomes: list[BaseException | None] = [None] * len(calls)

    def run(index, call):
        try:
            barrier.wait(timeout=10)
            call()
        except BaseException as error:  # refusals counted, anything else surfaced below
            outcomes[index] = error
        finally:
            connection.close()

    threads = [threading.Thread(target=run, args=(i, c)) for i, c in enumerate(calls)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
        assert not thread.is_alive(), "a transaction never finished (deadlock?)"
    unexpected = [o for o in outcomes if o is not None and not isinstance(o, ValidationError)]
    assert not unexpected, unexpected
    return outcomes


def _two_admins():
    organization = OrganizationFactory()
    first = member(organization, Role.ADMIN)
    second = member(organization, Role.ADMIN)
    return organization, *(
        Membership.objects.get(user=user, organization=organization) for user in (first, second)
    )


def _admins(organization) -> int:
    return Membership.objects.filter(organization=organization, role=Role.ADMIN).count()


def test_two_admins_demoting_each_other_at_once_leave_one_admin_every_round():
    organization, a, b = _two_admins()
    kept = 0
    for _round in range(ROUNDS):
        Membership.objects.filter(pk__in=[a.pk, b.pk]).update(role=Role.ADMIN)
        a_view = Membership.objects.get(pk=a.pk)
        b_view = Membership.objects.get(pk=b.pk)
        outcomes = _at_once(
            lambda b=b_view: services.member_change_role(membership=b, role=Role.MARKETER),
            lambda a=a_view: services.member_change_role(membership=a, role=Role.MARKETER),
        )
        kept += _admins(organization) == 1
        assert sum(isinstance(o, ValidationError) for o in outcomes) == 1
    assert kept == ROUNDS


def test_two_admins_removing_each_other_at_once_leave_one_admin_every_round():
    for _round in range(ROUNDS):
        organization, a, b = _two_admins()
        outcomes = _at_once(
            lambda a=a: services.member_remove(membership=a),
            lambda b=b: services.member_remove(membership=b),
        )
        assert _admins(organization) == 1
        assert sum(isinstance(o, ValidationError) for o in outcomes) == 1


def test_an_admin_leaving_while_demoting_the_other_leaves_one_admin():
    for _round in range(ROUNDS):
        organization, a, b = _two_admins()
        _at_once(
            lambda a=a: services.member_remove(membership=a),
            lambda b=b: services.member_change_role(membership=b, role=Role.SALES),
        )
        assert _admins(organization) == 1
