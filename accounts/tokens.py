"""Signed invitation links: the token names the invitation and cannot be forged."""

from django.core import signing

SALT = "accounts.invitation"


def invitation_token(invitation_id: int) -> str:
    return signing.dumps({"invitation": invitation_id}, salt=SALT, compress=True)


def invitation_id_from_token(token: str, *, max_age_seconds: int) -> int | None:
    """The invitation id, or None when the token is forged, garbled or too old."""
    try:
        payload = signing.loads(token, salt=SALT, max_age=max_age_seconds)
    except signing.BadSignature:
        return None
    value = payload.get("invitation") if isinstance(payload, dict) else None
    return value if isinstance(value, int) else None
