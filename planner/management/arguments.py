"""What the planner's commands read from their arguments, with one-line reasons."""

from datetime import date

from django.core.management.base import CommandError
from django.utils import timezone

from planner.models import BuyingGroup


def group_by_id(group_id: int) -> BuyingGroup:
    group = BuyingGroup.objects.filter(pk=group_id).select_related("organization", "owner").first()
    if group is None:
        raise CommandError(f"no buying group with id {group_id}")
    return group


def as_of_day(value: str | None) -> date:
    """`--as-of YYYY-MM-DD`, or today when not given."""
    if not value:
        return timezone.localdate()
    try:
        return date.fromisoformat(value)
    except ValueError as error:
        raise CommandError(f"--as-of must be a date like 2026-11-01, not {value!r}") from error
