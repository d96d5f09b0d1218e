"""Choices that every copy of a form shares instead of copying.

A Django form deep-copies each of its class's fields for every instance it makes, and a
choice field copies its list of choices as it goes, normalizing it twice more (for the
field and for its widget): for a handful of choice fields that is most of the time of
making an empty form. :class:`FrozenChoices` holds choices as an immutable tuple that a
copy of the field shares and that Django never normalizes again (it is one of Django's
choice iterators); :func:`frozen_choices` gives every choice field of a form class such
choices, once, where the class is defined.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import TypeVar

from django import forms
from django.utils.choices import BaseChoiceIterator, normalize_choices

F = TypeVar("F", bound=type[forms.BaseForm])


class FrozenChoices(BaseChoiceIterator):
    """(value, label) pairs (or (group, pairs)) as Django's normalized choices, frozen."""

    def __init__(self, choices: Iterable, *, normalized: bool = False) -> None:
        """`normalized`: the choices are already flat (value, label) pairs, as a selector
        reads them (then they are taken as they are)."""
        pairs = choices if normalized else normalize_choices(list(choices))
        self._pairs = tuple(
            (value, tuple(label) if isinstance(label, list) else label) for value, label in pairs
        )

    def __iter__(self):
        return iter(self._pairs)

    def __len__(self) -> int:
        return len(self._pairs)

    def __getitem__(self, index):
        return self._pairs[index]

    def __copy__(self) -> FrozenChoices:
        return self  # immutable: shared

    def __deepcopy__(self, memo) -> FrozenChoices:
        return self

    def __repr__(self) -> str:
        return f"FrozenChoices({list(self._pairs)!r})"


def frozen_choices(form_class: F) -> F:
    """A class decorator: the form's choice fields whose choices are a plain list (not
    a queryset's, nor computed when drawn) keep them as :class:`FrozenChoices`. (A field
    a form class inherits is its parent's own object: the parent's choices are frozen
    too, which changes nothing it draws or accepts.)"""
    for field in form_class.base_fields.values():
        if isinstance(field, forms.ChoiceField) and isinstance(
            field.__dict__.get("_choices"), list | tuple
        ):
            field.choices = FrozenChoices(field.choices)
    return form_class
