"""Writes to buying groups, stakeholders, relationships and touches. Keyword-only, atomic."""

import uuid
from collections.abc import Mapping
from datetime import date

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from accounts.models import Organization, User
from content.services import themes_ensure
from planner.buying_roles import ROLE_CHOICES
from planner.models import BuyingGroup, PlannerSettings, Relationship, Stakeholder, Touch
from planner.signals import group_changed, organization_changed, touches_created

GROUP_FIELDS = ("name", "account", "opportunity_stage", "expected_close", "owner", "notes")
STAKEHOLDER_FIELDS = (
    "email",
    "name",
    "title",
    "buying_role",
    "influence",
    "stance",
    "priorities",
    "outcome",
    "consent",
    "notes",
)


def _check_group_name(organization: Organization, name: str, *, exclude_pk: int | None = None):
    clash = BuyingGroup.objects.filter(organization=organization, name__iexact=name.strip())
    if exclude_pk:
        clash = clash.exclude(pk=exclude_pk)
    if clash.exists():
        raise ValidationError({"name": f"There is already a buying group called {name.strip()!r}."})


@transaction.atomic
def group_create(
    *,
    organization: Organization,
    name: str,
    account: str = "",
    opportunity_stage: str = "discovery",
    expected_close: date | None = None,
    owner: User | None = None,
    notes: str = "",
) -> BuyingGroup:
    _check_group_name(organization, name)
    return BuyingGroup.objects.create(
        organization=organization,
        name=name.strip(),
        account=account,
        opportunity_stage=opportunity_stage,
        expected_close=expected_close,
        owner=owner,
        notes=notes,
    )


@transaction.atomic
def group_update(*, group: BuyingGroup, **fields) -> BuyingGroup:
    if "name" in fields:
        _check_group_name(group.organization, fields["name"], exclude_pk=group.pk)
        fields["name"] = fields["name"].strip()
    for field, value in fields.items():
        if field not in GROUP_FIELDS:
            raise TypeError(f"unknown group field {field}")
        setattr(group, field, value)
    group.save()
    group_changed.send(sender=BuyingGroup, group_id=group.pk, rescore=False)
    return group


@transaction.atomic
def group_set_archived(*, group: BuyingGroup, archived: bool) -> BuyingGroup:
    group.archived = archived
    group.save(update_fields=["archived", "updated_at"])
    group_changed.send(sender=BuyingGroup, group_id=group.pk, rescore=False)
    return group


def lock_group(group_id: int) -> None:
    """Take the group's row lock. Every write inside a group calls this first, before it
    touches a person, relationship or touch: one lock order everywhere (the group, then
    its people), so an import and a delete queue up instead of deadlocking, and a delete
    cannot pull a person from under an import (a foreign-key error)."""
    BuyingGroup.objects.select_for_update().filter(pk=group_id).values_list("pk").first()


def _touch_group(group: BuyingGroup) -> None:
    """Mark the group changed and "needs rescoring" (durably, in this transaction), and
    rescore it (debounced) once the change commits."""
    now = timezone.now()
    BuyingGroup.objects.filter(pk=group.pk).update(updated_at=now, rescore_requested_at=now)
    group_changed.send(sender=BuyingGroup, group_id=group.pk, rescore=True)


def _check_still_here(group: BuyingGroup, people: list[Stakeholder]) -> None:
    """Under the group lock: everyone named is still in the group (not deleted meanwhile)."""
    wanted = {p.pk for p in people}
    found = set(Stakeholder.objects.filter(group=group, pk__in=wanted).values_list("pk", flat=True))
    if found != wanted:
        raise ValidationError("Someone was removed from the group meanwhile. Reload and try again.")


def _check_email_free(group: BuyingGroup, email: str, *, exclude_pk: int | None = None) -> None:
    clash = Stakeholder.objects.filter(group=group, email__iexact=email)
    if exclude_pk:
        clash = clash.exclude(pk=exclude_pk)
    if clash.exists():
        raise ValidationError({"email": f"{email} is already in this group."})


@transaction.atomic
def stakeholder_create(*, group: BuyingGroup, email: str, **fields) -> Stakeholder:
    lock_group(group.pk)
    email = email.strip().lower()
    _check_email_free(group, email)
    priorities: Mapping[str, float] = fields.get("priorities") or {}
    themes_ensure(organization=group.organization, slugs=priorities)
    stakeholder = Stakeholder(group=group, email=email, **fields)
    stakeholder.full_clean(exclude=["group"], validate_unique=False)
    stakeholder.save()
    _touch_group(group)
    return stakeholder


@transaction.atomic
def stakeholder_update(*, stakeholder: Stakeholder, **fields) -> Stakeholder:
    lock_group(stakeholder.group_id)
    if "email" in fields:
        fields["email"] = fields["email"].strip().lower()
        _check_email_free(stakeholder.group, fields["email"], exclude_pk=stakeholder.pk)
    for field, value in fields.items():
        if field not in STAKEHOLDER_FIELDS:
            raise TypeError(f"unknown stakeholder field {field}")
        setattr(stakeholder, field, value)
    themes_ensure(organization=stakeholder.group.organization, slugs=stakeholder.priorities)
    stakeholder.full_clean(exclude=["group"], validate_unique=False)
    stakeholder.save()
    _touch_group(stakeholder.group)
    return stakeholder


@transaction.atomic
def stakeholder_delete(*, stakeholder: Stakeholder) -> None:
    lock_group(stakeholder.group_id)  # the group first, as an import takes them
    group = stakeholder.group
    stakeholder.delete()  # their relationships go with them
    _touch_group(group)


@transaction.atomic
def relationship_create(
    *, group: BuyingGroup, source: Stakeholder, target: Stakeholder, kind: str, strength: int = 3
) -> Relationship:
    lock_group(group.pk)
    _check_still_here(group, [source, target])
    if source.group_id != group.pk or target.group_id != group.pk:
        raise ValidationError("Both people must be members of this group.")
    if source.pk == target.pk:
        raise ValidationError("A relationship needs two different people.")
    if Relationship.objects.filter(source=source, target=target, kind=kind).exists():
        raise ValidationError(
            f"{source} already {Relationship(kind=kind).get_kind_display()} {target}."
        )
    relationship = Relationship(
        group=group, source=source, target=target, kind=kind, strength=strength
    )
    relationship.full_clean(exclude=["group", "source", "target"], validate_unique=False)
    relationship.save()
    _touch_group(group)
    return relationship


@transaction.atomic
def relationship_update(*, relationship: Relationship, kind: str, strength: int) -> Relationship:
    lock_group(relationship.group_id)
    if (
        kind != relationship.kind
        and Relationship.objects.filter(
            source_id=relationship.source_id, target_id=relationship.target_id, kind=kind
        ).exists()
    ):
        raise ValidationError("That relationship already exists.")
    relationship.kind = kind
    relationship.strength = strength
    relationship.full_clean(exclude=["group", "source", "target"], validate_unique=False)
    relationship.save()
    _touch_group(relationship.group)
    return relationship


@transaction.atomic
def relationship_delete(*, relationship: Relationship) -> None:
    lock_group(relationship.group_id)
    group = relationship.group
    relationship.delete()
    _touch_group(group)


@transaction.atomic
def planner_settings_update(
    *, organization: Organization, roles: list[str], half_life_days: int
) -> PlannerSettings:
    """Set the roles every group should have someone in, and the message half-life."""
    known = dict(ROLE_CHOICES)
    unknown = [role for role in roles if role not in known]
    if unknown:
        raise ValidationError(f"Unknown buying roles: {', '.join(unknown)}.")
    ordered = [value for value, _label in ROLE_CHOICES if value in set(roles)]
    if not 1 <= half_life_days <= 365:
        raise ValidationError("The half-life must be between 1 and 365 days.")
    planner_settings, _created = PlannerSettings.objects.update_or_create(
        organization=organization,
        defaults={"required_roles": ordered, "half_life_days": half_life_days},
    )
    organization_changed.send(sender=PlannerSettings, organization_id=organization.pk)
    return planner_settings


@transaction.atomic
def touches_record(
    *,
    group: BuyingGroup,
    stakeholders: list[Stakeholder],
    occurred_at,
    channel: str = "",
    asset=None,
    themes: Mapping[str, float] | None = None,
    by: User | None = None,
) -> list[Touch]:
    """Log one message that reached one or several people (one Touch each, sharing a
    message key so the tailoring index knows it was the same message)."""
    lock_group(group.pk)
    if not stakeholders:
        raise ValidationError("Choose at least one person.")
    if any(s.group_id != group.pk for s in stakeholders):
        raise ValidationError("Every recipient must be a member of this group.")
    if asset is not None and asset.organization_id != group.organization_id:
        raise ValidationError("That asset is not in your content library.")
    themes = dict(themes or {})
    if not themes and (asset is None or not asset.themes):
        raise ValidationError("Choose an asset with themes, or name at least one theme.")
    _check_still_here(group, stakeholders)
    themes_ensure(organization=group.organization, slugs=themes)
    key = uuid.uuid4().hex
    touches = Touch.objects.bulk_create(
        Touch(
            group=group,
            stakeholder=stakeholder,
            occurred_at=occurred_at,
            channel=channel.strip()[:50],
            asset=asset,
            themes=themes,
            message_key=key,
            logged_by=by,
        )
        for stakeholder in stakeholders
    )
    _touch_group(group)
    touches_created.send(sender=Touch, group=group, touches=touches)
    return touches


@transaction.atomic
def touch_delete(*, touch: Touch) -> None:
    lock_group(touch.group_id)
    group = touch.group
    touch.delete()
    _touch_group(group)
