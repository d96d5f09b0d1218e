"""Forms that every page makes empty, made for a fraction of what Django's copies cost.

A Django form deep-copies each of its class's fields for every instance it makes. A
choice field copies its list of choices as it goes and normalizes it twice more (for the
field and for its widget), and every field and widget is copied through `copy.copy`'s
generic protocol: for the three empty forms of a group page that was half of a
millisecond on every view.

:class:`FrozenChoices` holds choices as an immutable tuple that a copy of a field shares
and that Django never normalizes again (it is one of Django's choice iterators).
:func:`cheap_copies` gives every choice field of a form class such choices, once, where
the class is defined, and copies the fields of each new form as Django's own
`__deepcopy__` methods do (a new field and widget with the same attributes, their own
`attrs`, `error_messages` and `validators`), only directly: a field or widget whose class
copies itself in any other way is deep-copied by Django as always.
"""

from __future__ import annotations

import copy
import functools
from collections.abc import Iterable
from typing import TypeVar

from django import forms
from django.forms.widgets import ChoiceWidget
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


def cheap_copies(form_class: F) -> F:
    """A class decorator: the form's choice fields whose choices are a plain list (not
    a queryset's, nor computed when drawn) keep them as :class:`FrozenChoices`, and each
    new form copies its fields directly (see the module). (A field a form class inherits
    is its parent's own object: the parent's choices are frozen too, which changes
    nothing it draws or accepts.)"""
    for field in form_class.base_fields.values():
        if isinstance(field, forms.ChoiceField) and isinstance(
            field.__dict__.get("_choices"), list | tuple
        ):
            field.choices = FrozenChoices(field.choices)
    form_class.base_fields = _Fields(form_class.base_fields)
    return form_class


class _Fields(dict):
    """A form class's fields, deep-copied (for each new form) field by field, directly
    where Django's own copy would do the same."""

    def __deepcopy__(self, memo) -> dict:
        return {name: _copied(field, memo) for name, field in self.items()}


_FIELD_COPIES = (
    forms.Field.__deepcopy__,
    forms.ChoiceField.__deepcopy__,
    forms.ModelChoiceField.__deepcopy__,  # Field's, and a new queryset (its own choices)
)
_WIDGET_COPIES = (forms.Widget.__deepcopy__, ChoiceWidget.__deepcopy__)


def _copied(field: forms.Field, memo: dict) -> forms.Field:
    """`copy.deepcopy(field, memo)`, as Django's `Field`, `ChoiceField`,
    `ModelChoiceField`, `Widget` and `ChoiceWidget` copies make it, without `copy.copy`'s
    generic protocol."""
    kind, widget = type(field), field.widget
    if not _direct(kind, type(widget)):
        return copy.deepcopy(field, memo)
    result = _shallow(field)
    memo[id(field)] = result
    copy_of_widget = _shallow(widget)
    copy_of_widget.attrs = widget.attrs.copy()
    if type(widget).__deepcopy__ is ChoiceWidget.__deepcopy__:  # its choices' setter
        choices = widget._choices
        copy_of_widget._choices = (
            choices if type(choices) is FrozenChoices else normalize_choices(copy.copy(choices))
        )
    memo[id(widget)] = copy_of_widget
    result.widget = copy_of_widget
    result.error_messages = field.error_messages.copy()
    result.validators = field.validators[:]
    if kind.__deepcopy__ is forms.ChoiceField.__deepcopy__:
        choices = field._choices
        result._choices = (
            choices if type(choices) is FrozenChoices else copy.deepcopy(choices, memo)
        )
    elif kind.__deepcopy__ is forms.ModelChoiceField.__deepcopy__ and field.queryset is not None:
        result.queryset = field.queryset.all()
    return result


@functools.cache
def _direct(field: type, widget: type) -> bool:
    """Whether a field of this class with a widget of this class is deep-copied by
    Django's own `Field`/`ChoiceField`/`ModelChoiceField` and `Widget`/`ChoiceWidget`
    copies, each made with `copy.copy` as a new instance with the same `__dict__`."""
    return (
        field.__deepcopy__ in _FIELD_COPIES
        and widget.__deepcopy__ in _WIDGET_COPIES
        and _plain(field)
        and _plain(widget)
    )


def _plain(kind: type) -> bool:
    """Copied by `copy.copy` as a new instance with the same `__dict__`."""
    return (
        kind.__reduce_ex__ is object.__reduce_ex__
        and kind.__reduce__ is object.__reduce__
        and getattr(kind, "__copy__", None) is None
        and getattr(kind, "__setstate__", None) is None
        and kind.__getstate__ is object.__getstate__
        and not hasattr(kind, "__slots__")
    )


def _shallow(instance):
    copied = object.__new__(type(instance))
    copied.__dict__.update(instance.__dict__)
    return copied
