"""Short-lived download links for kit files.

A link is `/api/v1/files/<token>`: the token is signed (so it cannot be guessed or
altered) and names a random nonce stored in a `KitFileLink` row, which expires after
`API_FILE_LINK_SECONDS`. Both must hold: the SECRET_KEY alone cannot mint a link, and a
link stops working when its row expires or is deleted. Files are read through Django's
storage API (`content.delivery.file_response`): streamed from the disk, or redirected
to a URL the object storage signs.
"""

from __future__ import annotations

import secrets
from datetime import datetime, timedelta

from django.conf import settings
from django.core import signing
from django.db import transaction
from django.http import HttpRequest
from django.urls import reverse
from django.utils import timezone

from api.models import ApiKey, KitFileLink
from kits.models import ConsensusKit

SALT = "api.kit-file"
FORMATS = ("pdf", "zip")


@transaction.atomic
def kit_file_links(
    *, request: HttpRequest, kit: ConsensusKit, api_key: ApiKey | None
) -> tuple[dict[str, str], datetime]:
    now = timezone.now()
    KitFileLink.objects.filter(expires_at__lt=now - timedelta(days=1)).delete()
    expires_at = now + timedelta(seconds=settings.API_FILE_LINK_SECONDS)
    urls = {}
    for fmt in FORMATS:
        link = KitFileLink.objects.create(
            kit=kit,
            format=fmt,
            nonce=secrets.token_urlsafe(32),
            expires_at=expires_at,
            api_key=api_key,
        )
        token = signing.dumps({"n": link.nonce}, salt=SALT)
        urls[fmt] = request.build_absolute_uri(reverse("api_file", args=[token]))
    return urls, expires_at


def link_from_token(token: str) -> KitFileLink | None:
    try:
        payload = signing.loads(token, salt=SALT, max_age=settings.API_FILE_LINK_SECONDS)
    except signing.BadSignature:  # also an expired signature
        return None
    if not isinstance(payload, dict) or not isinstance(payload.get("n"), str):
        return None
    return (
        KitFileLink.objects.select_related("kit__group")
        .filter(nonce=payload["n"], expires_at__gt=timezone.now())
        .first()
    )
