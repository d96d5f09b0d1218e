"""Form fields that refuse malformed ids with a message instead of reaching the database.

Django's ModelMultipleChoiceField hands each submitted value to the database; on SQLite
an integer beyond 64 bits raises OverflowError (a 500). Here such a value is an invalid
choice, like any other id that is not on offer.
"""

from django import forms
from django.core.exceptions import ValidationError

ID_MAX = 2**63 - 1


def parse_id(value) -> int | None:
    """`value` as a database id (1 to 2**63-1), or None when it cannot be one."""
    text = str(value).strip()
    if not text.isascii() or not text.isdigit() or len(text) > 19:
        return None
    number = int(text)
    return number if 0 < number <= ID_MAX else None


class IdMultipleChoiceField(forms.ModelMultipleChoiceField):
    """A ModelMultipleChoiceField over integer primary keys that checks each submitted id
    before asking the database."""

    def _check_values(self, value):
        for item in value:
            if parse_id(item) is None:
                raise ValidationError(
                    self.error_messages["invalid_choice"],
                    code="invalid_choice",
                    params={"value": str(item)[:40]},
                )
        return super()._check_values(value)
