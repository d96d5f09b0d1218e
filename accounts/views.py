from django.conf import settings
from django.contrib import messages
from django.contrib.auth import login
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_not_required
from django.core.exceptions import ValidationError
from django.shortcuts import redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_http_methods, require_POST

from accounts import access, services, throttling
from accounts.form_fields import parse_id
from accounts.forms import (
    AcceptInvitationForm,
    EmailAuthenticationForm,
    InvitationForm,
    OrganizationForm,
    PreferencesForm,
    RoleForm,
)
from accounts.http import posted
from accounts.middleware import SESSION_KEY
from accounts.models import Invitation, Membership, User
from accounts.roles import ADMINS, ANY_ROLE, ROLE_HELP
from accounts.tasks import password_reset_email_task
from accounts.tokens import invitation_from_token


class PasswordResetView(auth_views.PasswordResetView):
    """Django's reset page. The email (multipart, links from SITE_URL) leaves from a task,
    so known and unknown addresses get the same answer in the same time; requests are
    limited per address and per client through the shared cache."""

    def form_valid(self, form):
        email = form.cleaned_data["email"]
        if not throttling.password_reset_allowed(self.request, email):
            form.add_error(
                None,
                "Too many password reset requests. Wait "
                f"{throttling.reset_wait_minutes()} minutes, then try again.",
            )
            response = self.form_invalid(form)
            response.status_code = 429
            response["Retry-After"] = str(throttling.RESET_WINDOW_SECONDS)
            return response
        password_reset_email_task.delay(email)  # the view writes nothing: no commit to wait
        return redirect(self.get_success_url())


class LoginView(auth_views.LoginView):
    form_class = EmailAuthenticationForm
    redirect_authenticated_user = True


def _error_text(error: ValidationError) -> str:
    return " ".join(error.messages)


@require_POST
def organization_switch(request):
    membership = access.get_membership_for_user(request, _int(request.POST.get("organization")))
    request.session[SESSION_KEY] = membership.organization_id
    messages.success(request, f"You are now working in {membership.organization}.")
    target = request.POST.get("next") or ""
    if not url_has_allowed_host_and_scheme(target, {request.get_host()}, request.is_secure()):
        target = "dashboard"
    return redirect(target)


def _int(value) -> int:
    return parse_id(value) or -1


@require_http_methods(["GET", "POST"])
def members(request):
    membership = access.require_role(request, ANY_ROLE)
    organization = membership.organization
    form = InvitationForm(posted(request))
    if request.method == "POST":
        access.require_role(request, ADMINS)
        if form.is_valid():
            try:
                invitation = services.invitation_create(
                    organization=organization, invited_by=request.user, **form.cleaned_data
                )
            except ValidationError as error:
                form.add_error("email", _error_text(error))
            else:
                messages.success(request, f"Invitation sent to {invitation.email}.")
                return redirect("members")
    team = (
        Membership.objects.filter(organization=organization)
        .select_related("user")
        .order_by("user__name", "user__email")
    )
    invitations = Invitation.objects.pending().filter(organization=organization)
    return render(
        request,
        "accounts/members.html",
        {
            "team": team,
            "invitations": invitations if membership.is_admin else [],
            "form": form,
            "role_form": RoleForm(),
            "role_help": ROLE_HELP,
        },
        status=400 if request.method == "POST" else 200,
    )


@require_POST
def member_role(request, pk: int):
    target = access.get_member_for_admin(request, pk)
    form = RoleForm(request.POST)
    if not form.is_valid():
        messages.error(request, "Choose one of the roles.")
        return redirect("members")
    try:
        services.member_change_role(
            membership=target, role=form.cleaned_data["role"], by=request.user
        )
    except ValidationError as error:
        messages.error(request, _error_text(error))
    else:
        messages.success(request, f"{target.user} is now {target.get_role_display()}.")
    return redirect("members")


@require_POST
def member_remove(request, pk: int):
    target = access.get_member_for_admin(request, pk)
    try:
        services.member_remove(membership=target, by=request.user)
    except ValidationError as error:
        messages.error(request, _error_text(error))
    else:
        messages.success(request, f"{target.user} was removed from {target.organization}.")
    return redirect("members")


@require_POST
def organization_leave(request):
    membership = access.require_role(request, ANY_ROLE)
    try:
        services.member_remove(membership=membership, by=request.user)
    except ValidationError as error:
        messages.error(request, _error_text(error))
        return redirect("members")
    request.session.pop(SESSION_KEY, None)
    messages.success(request, f"You left {membership.organization}.")
    return redirect("dashboard")


@require_POST
def invitation_revoke(request, pk: int):
    invitation = access.get_invitation_for_admin(request, pk)
    try:
        services.invitation_revoke(invitation=invitation)
    except ValidationError as error:
        messages.error(request, _error_text(error))
    else:
        messages.success(request, f"The invitation for {invitation.email} was withdrawn.")
    return redirect("members")


@login_not_required
@require_http_methods(["GET", "POST"])
def invitation_accept(request, token: str):
    max_age = settings.INVITATION_MAX_AGE_DAYS * 24 * 3600
    invitation = invitation_from_token(token, max_age_seconds=max_age)
    problem = services.invitation_problem(invitation)
    if problem:
        return render(request, "accounts/invitation_invalid.html", {"problem": problem}, status=410)
    account_exists = invitation.email and _account_exists(invitation.email)
    form = None
    if not request.user.is_authenticated and not account_exists:
        form = AcceptInvitationForm(posted(request), email=invitation.email)
    if request.method == "POST":
        try:
            if request.user.is_authenticated:
                membership = services.invitation_accept(invitation=invitation, user=request.user)
            elif form is not None and form.is_valid():
                membership = services.invitation_accept(
                    invitation=invitation,
                    name=form.cleaned_data["name"],
                    password=form.cleaned_data["password1"],
                )
                login(request, membership.user, backend=settings.AUTHENTICATION_BACKENDS[0])
            else:
                membership = None
        except ValidationError as error:
            messages.error(request, _error_text(error))
            membership = None
        if membership is not None:
            request.session[SESSION_KEY] = membership.organization_id
            messages.success(request, f"Welcome to {membership.organization}.")
            return redirect("dashboard")
    return render(
        request,
        "accounts/invitation_accept.html",
        {"invitation": invitation, "form": form, "account_exists": account_exists},
    )


def _account_exists(email: str) -> bool:
    return User.objects.filter(email__iexact=email).exists()


@require_http_methods(["GET", "POST"])
def preferences(request):
    user = request.user
    form = PreferencesForm(
        posted(request),
        initial={
            "name": user.name,
            "phone": user.phone,
            "time_zone": user.time_zone,
            "digest_enabled": user.digest_enabled,
            "digest_weekday": user.digest_weekday,
            "digest_hour": user.digest_hour,
        },
    )
    if request.method == "POST" and form.is_valid():
        services.preferences_update(user=user, **form.cleaned_data)
        messages.success(request, "Your preferences were saved.")
        return redirect("preferences")
    return render(request, "accounts/preferences.html", {"form": form})


@require_http_methods(["GET", "POST"])
def organization_settings(request):
    membership = access.require_role(request, ADMINS)
    form = OrganizationForm(posted(request), instance=membership.organization)
    if request.method == "POST" and form.is_valid():
        form.save()
        messages.success(request, "Organization settings saved.")
        return redirect("organization_settings")
    return render(request, "accounts/organization_settings.html", {"form": form})
