"""API keys follow the membership of the person who made them: when a member leaves the
organization (or is removed), or moves to a role that may not own keys, the keys they
made stop working at once, in the same transaction (see `api.keys`)."""

from __future__ import annotations

from django.dispatch import receiver

from accounts.roles import API_KEY_OWNERS
from accounts.signals import member_left, member_role_changed
from api.keys import Because, api_keys_revoke_for_creator


@receiver(member_left, dispatch_uid="api.keys_member_left")
def on_member_left(sender, organization_id: int, user_id: int, by=None, **kwargs) -> None:
    api_keys_revoke_for_creator(
        organization_id=organization_id, user_id=user_id, because=Because.CREATOR_LEFT, by=by
    )


@receiver(member_role_changed, dispatch_uid="api.keys_member_role_changed")
def on_member_role_changed(
    sender, organization_id: int, user_id: int, role: str, by=None, **kwargs
) -> None:
    if role not in API_KEY_OWNERS:
        api_keys_revoke_for_creator(
            organization_id=organization_id, user_id=user_id, because=Because.CREATOR_ROLE, by=by
        )
