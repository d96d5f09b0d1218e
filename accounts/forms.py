import re

from django import forms
from django.contrib.admin.forms import AdminAuthenticationForm
from django.contrib.auth import password_validation
from django.contrib.auth.forms import AuthenticationForm

from accounts import throttling
from accounts.models import HOUR_CHOICES, TIME_ZONE_CHOICES, WEEKDAY_CHOICES, Organization, User
from accounts.roles import Role

LOCKED_MESSAGE = (
    "Too many failed sign-in attempts. Wait %(minutes)s minutes, or reset your password."
)


class ThrottledLoginMixin:
    """Refuse further tries after repeated failures (see accounts.throttling): the app's
    sign-in page and the Django admin's share one set of counters."""

    def clean(self):
        email = self.cleaned_data.get("username") or ""
        if throttling.login_locked(self.request, email):
            raise forms.ValidationError(
                LOCKED_MESSAGE, code="locked", params={"minutes": throttling.lockout_minutes()}
            )
        try:
            cleaned = super().clean()
        except forms.ValidationError:
            if email:
                throttling.login_failed(self.request, email)
            raise
        throttling.login_succeeded(self.request, email)
        return cleaned


class EmailAuthenticationForm(ThrottledLoginMixin, AuthenticationForm):
    """Sign in by email, refusing further tries after repeated failures."""

    username = forms.EmailField(
        label="Email", widget=forms.EmailInput(attrs={"autofocus": True, "autocomplete": "email"})
    )

    error_messages = {
        **AuthenticationForm.error_messages,
        "invalid_login": "That email and password do not match an account. Check both and "
        "try again.",
    }


class AdminLoginForm(ThrottledLoginMixin, AdminAuthenticationForm):
    """The Django admin's sign-in (only mounted with ADMIN_ENABLED=1), throttled alike."""


class InvitationForm(forms.Form):
    email = forms.EmailField(widget=forms.EmailInput(attrs={"autocomplete": "off"}))
    role = forms.ChoiceField(choices=Role.choices, initial=Role.MARKETER)


class RoleForm(forms.Form):
    role = forms.ChoiceField(choices=Role.choices)


class AcceptInvitationForm(forms.Form):
    """For someone without an account: choose a name and a password."""

    name = forms.CharField(max_length=150, widget=forms.TextInput(attrs={"autocomplete": "name"}))
    password1 = forms.CharField(
        label="Password",
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
        help_text=password_validation.password_validators_help_text_html(),
    )
    password2 = forms.CharField(
        label="Password again",
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
    )

    def __init__(self, *args, email: str, **kwargs):
        super().__init__(*args, **kwargs)
        self.email = email

    def clean(self):
        cleaned = super().clean()
        p1, p2 = cleaned.get("password1"), cleaned.get("password2")
        if p1 and p2 and p1 != p2:
            self.add_error("password2", "The two passwords differ.")
        elif p1:
            try:
                password_validation.validate_password(
                    p1, User(email=self.email, name=cleaned.get("name", ""))
                )
            except forms.ValidationError as error:
                self.add_error("password1", error)
        return cleaned


PHONE_CHARACTERS = re.compile(r"^\+?[0-9(][0-9 ().\-/]*$")
PHONE_EXTENSION = re.compile(r"\s*(?:x|ext\.?|extension)\s*(\d{1,6})$", re.IGNORECASE)


def clean_phone_number(value: str) -> str:
    """A phone number as people write it (+44 20 7946 0958, (555) 010-2000 ext. 12):
    digits, spaces, ( ) . - /, a leading +, an optional extension; 6 to 15 digits
    (E.164 allows 15). Returned with its spaces tidied; "" stays "" (no phone)."""
    text = " ".join(value.split())
    if not text:
        return ""
    extension = PHONE_EXTENSION.search(text)
    number = text[: extension.start()] if extension else text
    digits = sum(ch.isdigit() for ch in number)
    if not PHONE_CHARACTERS.match(number) or not 6 <= digits <= 15:
        raise forms.ValidationError(
            "Enter a phone number of 6 to 15 digits, for example +44 20 7946 0958 "
            "(spaces, brackets, dots and dashes are fine; add an extension as “ext. 12”).",
            code="invalid_phone",
        )
    return f"{number.strip()} ext. {extension.group(1)}" if extension else number.strip()


class PreferencesForm(forms.Form):
    name = forms.CharField(max_length=150, required=False)
    phone = forms.CharField(
        max_length=32,
        required=False,
        help_text="Printed with your name and email on the consensus kits you build, so the "
        "buying group can reach you. Leave it empty to show your email only.",
        widget=forms.TextInput(attrs={"type": "tel", "autocomplete": "tel"}),
    )
    time_zone = forms.ChoiceField(
        choices=TIME_ZONE_CHOICES,
        help_text="Dates are shown, and the weekly digest is sent, in this time zone.",
    )
    digest_enabled = forms.BooleanField(
        label="Send me the weekly digest email",
        required=False,
        help_text="One email a week about the buying groups that drift apart.",
    )
    digest_weekday = forms.TypedChoiceField(
        label="Digest day",
        choices=WEEKDAY_CHOICES,
        coerce=int,
        required=False,
        empty_value=None,
        help_text="The day of the week the digest arrives.",
    )
    digest_hour = forms.TypedChoiceField(
        label="Digest time",
        choices=HOUR_CHOICES,
        coerce=int,
        required=False,
        empty_value=None,
        help_text="The hour it arrives, in your time zone above (within the hour).",
    )

    def clean_phone(self) -> str:
        return clean_phone_number(self.cleaned_data.get("phone") or "")


class OrganizationForm(forms.ModelForm):
    class Meta:
        model = Organization
        fields = ["name"]
