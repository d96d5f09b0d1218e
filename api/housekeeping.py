"""Forgetting what the API only needs for a while."""

from django.utils import timezone

from api.idempotency import KEPT_FOR
from api.models import IdempotentRequest, KitFileLink


def housekeeping() -> int:
    """Delete idempotent answers past their day and expired kit file links; how many."""
    now = timezone.now()
    answers, _ = IdempotentRequest.objects.filter(created_at__lt=now - KEPT_FOR).delete()
    links, _ = KitFileLink.objects.filter(expires_at__lt=now).delete()
    return answers + links
