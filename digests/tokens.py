"""Signed one-click unsubscribe links: the token names a user and the organization whose
digest carried it, plus the user's random unsubscribe nonce, which only the database
knows. The secret key alone cannot mint a working link."""

from dataclasses import dataclass

from django.core import signing
from django.utils.crypto import constant_time_compare

from accounts.form_fields import parse_id
from accounts.models import User

SALT = "digests.unsubscribe"
MAX_AGE_SECONDS = 60 * 24 * 3600  # a link in a two-month-old digest still works


@dataclass(frozen=True)
class UnsubscribeClaim:
    user_id: int
    organization_id: int
    nonce: str

    def holds_for(self, user: User | None) -> bool:
        """True when `user` is the claim's user and the nonce is the one stored for them."""
        return (
            user is not None
            and user.pk == self.user_id
            and bool(user.unsubscribe_nonce)
            and constant_time_compare(user.unsubscribe_nonce, self.nonce)
        )


def unsubscribe_token(*, user: User, organization_id: int) -> str:
    return signing.dumps(
        {"u": user.pk, "o": organization_id, "n": user.unsubscribe_nonce},
        salt=SALT,
        compress=True,
    )


def unsubscribe_claim(token: str) -> UnsubscribeClaim | None:
    """What a well-signed token says, or None when it is forged, garbled or too old."""
    try:
        payload = signing.loads(token, salt=SALT, max_age=MAX_AGE_SECONDS)
    except signing.BadSignature:
        return None
    if not isinstance(payload, dict):
        return None
    user_id, organization_id, nonce = payload.get("u"), payload.get("o"), payload.get("n")
    if not (_id(user_id) and _id(organization_id) and isinstance(nonce, str) and nonce):
        return None
    return UnsubscribeClaim(user_id=user_id, organization_id=organization_id, nonce=nonce)


def unsubscribe_ids(token: str) -> tuple[int, int] | None:
    """(user id, organization id) of a token that works now, else None."""
    claim = unsubscribe_claim(token)
    if claim is None or not claim.holds_for(User.objects.filter(pk=claim.user_id).first()):
        return None
    return claim.user_id, claim.organization_id


def _id(value) -> bool:
    return isinstance(value, int) and not isinstance(value, bool) and parse_id(value) is not None
