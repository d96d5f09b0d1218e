"""The weekly digest email: built through accounts.emails.email_build (subject, text and
HTML templates, multipart), with a deterministic Message-ID and RFC 8058 one-click
unsubscribe headers."""

from __future__ import annotations

from urllib.parse import urlsplit

from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.urls import reverse

from accounts.emails import email_build
from accounts.models import Organization, User
from digests.schedule import Week
from digests.selectors import DigestContent
from digests.tokens import unsubscribe_token


def site_domain() -> str:
    return urlsplit(settings.SITE_URL).hostname or "localhost"


def message_id(*, user_id: int, organization_id: int, week: Week) -> str:
    """The same for every attempt at one digest, so a mail system that receives it twice
    (a crash between the SMTP server accepting it and the row being marked sent) can
    recognise the copy."""
    return f"<digest-{user_id}-{organization_id}-{week.year}W{week.week:02d}@{site_domain()}>"


def unsubscribe_url(*, user: User, organization_id: int) -> str:
    token = unsubscribe_token(user=user, organization_id=organization_id)
    return settings.SITE_URL + reverse("digest_unsubscribe", args=[token])


def digest_headers(*, user: User, organization: Organization, week: Week) -> dict[str, str]:
    unsubscribe = unsubscribe_url(user=user, organization_id=organization.pk)
    return {
        "Message-ID": message_id(user_id=user.pk, organization_id=organization.pk, week=week),
        "List-Id": f"<digest.{organization.slug}.{site_domain()}>",
        "List-Unsubscribe": f"<{unsubscribe}>",
        "List-Unsubscribe-Post": "List-Unsubscribe=One-Click",
        "Auto-Submitted": "auto-generated",
    }


def digest_email(
    *, user: User, organization: Organization, content: DigestContent, week: Week
) -> EmailMultiAlternatives:
    site = settings.SITE_URL
    context = {
        "user": user,
        "organization": organization,
        "content": content,
        "week": week,
        "week_monday": week.monday,
        "dashboard_url": site + reverse("digest_open_dashboard", args=[organization.pk]),
        "preferences_url": site + reverse("preferences"),
        "unsubscribe_url": unsubscribe_url(user=user, organization_id=organization.pk),
    }
    return email_build(
        to=[user.email],
        template="digest",
        context=context,
        headers=digest_headers(user=user, organization=organization, week=week),
    )
