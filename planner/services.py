"""Writes to buying groups, stakeholders and relationships. Keyword-only, atomic."""

from collections.abc import Mapping
from datetime import date

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from accounts.models import Organization, User
from content.services import themes_ensure
from planner.buying_roles import ROLE_CHOICES
from planner.models import BuyingGroup, Relationship, RoleTemplate, Stakeholder

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
    return group


@transaction.atomic
def group_set_archived(*, group: BuyingGroup, archived: bool) -> BuyingGroup:
    group.archived = archived
    group.save(update_fields=["archived", "updated_at"])
    return group


def _touch_group(group: BuyingGroup) -> None:
    BuyingGroup.objects.filter(pk=group.pk).update(updated_at=timezone.now())


def _check_email_free(group: BuyingGroup, email: str, *, exclude_pk: int | None = None) -> None:
    clash = Stakeholder.objects.filter(group=group, email__iexact=email)
    if exclude_pk:
        clash = clash.exclude(pk=exclude_pk)
    if clash.exists():
        raise ValidationError({"email": f"{email} is already in this group."})


@transaction.atomic
def stakeholder_create(*, group: BuyingGroup, email: str, **fields) -> Stakeholder:
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
    group = stakeholder.group
    stakeholder.delete()  # their relationships go with them
    _touch_group(group)


@transaction.atomic
def relationship_create(
    *, group: BuyingGroup, source: Stakeholder, target: Stakeholder, kind: str, strength: int = 3
) -> Relationship:
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
    group = relationship.group
    relationship.delete()
    _touch_group(group)


@transaction.atomic
def role_template_update(*, organization: Organization, roles: list[str]) -> RoleTemplate:
    """Set which buying roles every group of the organization should have someone in."""
    known = dict(ROLE_CHOICES)
    unknown = [role for role in roles if role not in known]
    if unknown:
        raise ValidationError(f"Unknown buying roles: {', '.join(unknown)}.")
    ordered = [value for value, _label in ROLE_CHOICES if value in set(roles)]
    template, _created = RoleTemplate.objects.update_or_create(
        organization=organization, defaults={"roles": ordered}
    )
    return template
