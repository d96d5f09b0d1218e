"""Roles a member can hold in an organization, and the sets of roles views ask for."""

from django.db import models


class Role(models.TextChoices):
    ADMIN = "admin", "Admin"
    MARKETER = "marketer", "Marketer"
    SALES = "sales", "Sales"


ROLE_HELP = {
    Role.ADMIN: "Manages members and settings, and can do everything a marketer can.",
    Role.MARKETER: "Maps buying groups, manages content and logs touches.",
    Role.SALES: "Views buying groups, builds and shares consensus kits.",
}

ANY_ROLE = frozenset(Role)
ADMINS = frozenset({Role.ADMIN})
EDITORS = frozenset({Role.ADMIN, Role.MARKETER})
KIT_BUILDERS = frozenset({Role.ADMIN, Role.SALES})  # build and share consensus kits
API_KEY_OWNERS = ADMINS  # may create API keys; a key works only while its creator is one
