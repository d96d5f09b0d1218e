"""Signed invitation links. The token names the invitation and carries its random nonce,
which only the database knows: the secret key alone cannot mint a working link."""

from django.core import signing
from django.utils.crypto import constant_time_compare

from accounts.form_fields import parse_id
from accounts.models import Invitation

SALT = "accounts.invitation"


def invitation_token(invitation: Invitation) -> str:
    return signing.dumps(
        {"invitation": invitation.pk, "n": invitation.nonce}, salt=SALT, compress=True
    )


def invitation_from_token(token: str, *, max_age_seconds: int) -> Invitation | None:
    """The invitation, or None when the token is forged, garbled, too old or its nonce is
    not the invitation's."""
    try:
        payload = signing.loads(token, salt=SALT, max_age=max_age_seconds)
    except signing.BadSignature:
        return None
    if not isinstance(payload, dict):
        return None
    pk, nonce = payload.get("invitation"), payload.get("n")
    if not isinstance(pk, int) or isinstance(pk, bool) or parse_id(pk) is None:
        return None
    if not isinstance(nonce, str) or not nonce:
        return None
    invitation = Invitation.objects.select_related("organization").filter(pk=pk).first()
    if invitation is None or not invitation.nonce:
        return None
    return invitation if constant_time_compare(invitation.nonce, nonce) else None
