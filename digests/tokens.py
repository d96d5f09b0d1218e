"""Signed one-click unsubscribe links: the token names a user and the organization whose
digest carried it, and cannot be forged."""

from django.core import signing

SALT = "digests.unsubscribe"
MAX_AGE_SECONDS = 60 * 24 * 3600  # a link in a two-month-old digest still works


def unsubscribe_token(*, user_id: int, organization_id: int) -> str:
    return signing.dumps({"u": user_id, "o": organization_id}, salt=SALT, compress=True)


def unsubscribe_ids(token: str) -> tuple[int, int] | None:
    """(user id, organization id), or None when the token is forged, garbled or too old."""
    try:
        payload = signing.loads(token, salt=SALT, max_age=MAX_AGE_SECONDS)
    except signing.BadSignature:
        return None
    if not isinstance(payload, dict):
        return None
    user_id, organization_id = payload.get("u"), payload.get("o")
    if isinstance(user_id, int) and isinstance(organization_id, int):
        return user_id, organization_id
    return None
