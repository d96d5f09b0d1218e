"""Writes that touch accounts, organizations, memberships and invitations."""

from datetime import timedelta

from django.conf import settings
from django.contrib.auth.tokens import default_token_generator
from django.core.exceptions import ValidationError
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_encode

from accounts.emails import email_send
from accounts.models import Invitation, Membership, Organization, User
from accounts.roles import Role
from accounts.signals import member_left, member_role_changed
from accounts.tokens import invitation_token


@transaction.atomic
def organization_create(*, slug: str, name: str, admin: User | None = None):
    """Create an organization (or return the existing one with that slug)."""
    organization, created = Organization.objects.get_or_create(slug=slug, defaults={"name": name})
    if admin is not None:
        Membership.objects.get_or_create(
            user=admin, organization=organization, defaults={"role": Role.ADMIN}
        )
    return organization, created


def invitation_url(invitation: Invitation) -> str:
    path = reverse("invitation_accept", args=[invitation_token(invitation)])
    return f"{settings.SITE_URL}{path}"


@transaction.atomic
def invitation_create(
    *, organization: Organization, email: str, role: str, invited_by: User
) -> Invitation:
    """Invite `email` with `role`; a pending invitation for the same address is replaced."""
    email = email.strip().lower()
    if Membership.objects.filter(organization=organization, user__email__iexact=email).exists():
        raise ValidationError({"email": f"{email} is already a member of {organization}."})
    now = timezone.now()
    Invitation.objects.pending().filter(organization=organization, email__iexact=email).update(
        revoked_at=now
    )
    invitation = Invitation.objects.create(
        organization=organization,
        email=email,
        role=role,
        invited_by=invited_by,
        created_at=now,
        expires_at=now + timedelta(days=settings.INVITATION_MAX_AGE_DAYS),
    )
    context = {
        "invitation": invitation,
        "organization": organization,
        "inviter": invited_by,
        "url": invitation_url(invitation),
        "role": invitation.get_role_display(),
    }
    transaction.on_commit(lambda: email_send(to=[email], template="invitation", context=context))
    return invitation


def invitation_problem(invitation: Invitation | None) -> str | None:
    """Why an invitation link cannot be used, in words for the person holding it."""
    if invitation is None:
        return "This invitation link is not valid. Ask the person who invited you for a new one."
    if invitation.status == "accepted":
        return "This invitation has already been used. Sign in to continue."
    if invitation.status == "revoked":
        return "This invitation was withdrawn. Ask an admin of the organization for a new one."
    if invitation.status == "expired":
        return "This invitation has expired. Ask an admin of the organization for a new one."
    return None


@transaction.atomic
def invitation_accept(
    *, invitation: Invitation, user: User | None = None, name: str = "", password: str = ""
) -> Membership:
    """Use an invitation once: join the organization, creating the account if needed."""
    invitation = Invitation.objects.select_for_update().get(pk=invitation.pk)
    problem = invitation_problem(invitation)
    if problem:
        raise ValidationError(problem)
    if user is None:
        if User.objects.filter(email__iexact=invitation.email).exists():
            raise ValidationError("An account with this email exists: sign in to accept.")
        user = User.objects.create_user(email=invitation.email, password=password, name=name)
    elif user.email.lower() != invitation.email.lower():
        raise ValidationError(
            f"This invitation is for {invitation.email}, but you are signed in as {user.email}."
        )
    membership, _created = Membership.objects.get_or_create(
        user=user, organization=invitation.organization, defaults={"role": invitation.role}
    )
    invitation.accepted_at = timezone.now()
    invitation.accepted_by = user
    invitation.save(update_fields=["accepted_at", "accepted_by"])
    return membership


@transaction.atomic
def invitation_revoke(*, invitation: Invitation) -> None:
    if invitation.status != "pending":
        raise ValidationError(f"This invitation is already {invitation.status}.")
    invitation.revoked_at = timezone.now()
    invitation.save(update_fields=["revoked_at"])


def _locked(membership: Membership) -> tuple[Membership, int]:
    """`membership` read again under a row lock, and how many other admins its organization
    has, counted after locking every admin row of the organization.

    Two admins demoting (or removing) each other at the same moment both lock the same
    rows, in the same order, so the second waits for the first to commit and then sees
    its change. `select_for_update().count()` would lock nothing: the rows must be read.
    """
    admins = list(
        Membership.objects.select_for_update()
        .filter(organization_id=membership.organization_id, role=Role.ADMIN)
        .order_by("pk")
        .values_list("pk", flat=True)
    )
    current = (
        Membership.objects.select_for_update()
        .select_related("user", "organization")
        .filter(pk=membership.pk)
        .first()
    )
    if current is None:
        raise ValidationError(f"{membership.user} is no longer a member of this organization.")
    return current, sum(1 for pk in admins if pk != current.pk)


def _refuse_last_admin(membership: Membership) -> None:
    raise ValidationError(
        f"{membership.user} is the last admin of {membership.organization}: "
        "make someone else an admin first."
    )


@transaction.atomic
def member_change_role(*, membership: Membership, role: str, by: User | None = None) -> Membership:
    """Give a member another role. Whatever they may no longer do stops at once: the API
    keys they made stop working if the new role may not own keys (`member_role_changed`)."""
    if role not in Role.values:
        raise ValidationError("Unknown role.")
    current, other_admins = _locked(membership)
    if current.role == Role.ADMIN and role != Role.ADMIN and other_admins == 0:
        _refuse_last_admin(current)
    previous = current.role
    current.role = role
    current.save(update_fields=["role"])
    membership.role = role
    if previous != role:
        member_role_changed.send(
            sender=Membership,
            organization_id=current.organization_id,
            user_id=current.user_id,
            role=role,
            previous=previous,
            by=by,
        )
    return membership


@transaction.atomic
def member_remove(*, membership: Membership, by: User | None = None) -> None:
    """Remove a member (or let a member leave). The last admin can do neither. What they
    made that acts with their rights (API keys) stops working at once (`member_left`)."""
    current, other_admins = _locked(membership)
    if current.role == Role.ADMIN and other_admins == 0:
        _refuse_last_admin(current)
    organization_id, user_id = current.organization_id, current.user_id
    current.delete()
    member_left.send(sender=Membership, organization_id=organization_id, user_id=user_id, by=by)


def password_reset_send(*, email: str) -> int:
    """Email a reset link to each active account with this address and a usable password
    (Django's rule); how many were sent. Nothing is sent for an unknown address."""
    users = [
        user
        for user in User.objects.filter(email__iexact=email.strip(), is_active=True)
        if user.has_usable_password()
    ]
    for user in users:
        email_send(
            to=[user.email],
            template="password_reset",
            context={
                "user": user,
                "uid": urlsafe_base64_encode(force_bytes(user.pk)),
                "token": default_token_generator.make_token(user),
            },
        )
    return len(users)


def preferences_update(
    *,
    user: User,
    time_zone: str,
    digest_enabled: bool,
    name: str,
    digest_weekday: int | None = None,
    digest_hour: int | None = None,
    phone: str | None = None,
) -> User:
    """Save the user's preferences; a digest day or hour, or a phone, left out (None)
    stays as it was."""
    user.time_zone = time_zone
    user.digest_enabled = digest_enabled
    user.name = name
    if phone is not None:
        user.phone = phone
    if digest_weekday is not None:
        user.digest_weekday = digest_weekday
    if digest_hour is not None:
        user.digest_hour = digest_hour
    user.full_clean(exclude=["password"])
    user.save(
        update_fields=[
            "time_zone",
            "digest_enabled",
            "name",
            "phone",
            "digest_weekday",
            "digest_hour",
        ]
    )
    return user
