"""Fixtures shared with the planner's tests."""

from tests.planner.conftest import kit_group  # noqa: F401  (a fixture: a group with outcomes)
