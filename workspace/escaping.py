"""`escape`: the standard library's `html.escape` (what autoescaping does to a `str`),
remembered for short texts; `EscapedOnce` and `escaped_rows`: rows of display values that
keep their texts escaped.

A group page writes several hundred short texts in Python (its rows, the recipient
picker, the form widgets: `workspace.templatetags`, `workspace.widget_html`), most of them
the same on every view: names, labels, URLs, option values. Escaping one costs five
string replacements; looking it up costs a fifth of that. Only short plain `str`s are
remembered, at most `KEPT` of them (the least recently used go first); anything else is
escaped every time. The text that comes out is the same either way. The rows a page
caches with its analysis go further: they keep their texts escaped (`EscapedOnce`), and
what is written of them the same way on every view (`kept`).
"""

from collections.abc import Callable
from dataclasses import fields
from functools import cached_property, lru_cache
from html import escape as _escape
from operator import attrgetter
from typing import TypeVar

T = TypeVar("T")
KEPT = 8192
SHORT = 200  # characters: a name, a label, a URL; not a note or an outcome


_remembered = lru_cache(maxsize=KEPT)(_escape)


def escape(text: str) -> str:
    if type(text) is str and len(text) <= SHORT:
        return _remembered(text)
    return _escape(text)


class EscapedOnce(tuple):
    """Rows of display values (frozen dataclasses: the group page's people, relationships,
    touches, the recipient picker's people) that also hold them escaped for HTML:
    `escaped`, worked out when first asked for and kept with the rows. A page's rows are
    cached with its group's analysis (`scoring.cached.derived`), so the few hundred texts
    a page writes are escaped once per version of the group, not on every view. What is
    escaped is not pickled: it is worked out again."""

    def __reduce__(self):
        return (type(self), (tuple(self),))

    @cached_property
    def escaped(self) -> tuple:
        return tuple(escape_row(row) for row in self)

    def kept(self, name: str, make: Callable[["EscapedOnce"], T]) -> T:
        """`make(self)`, worked out once for these rows under `name` and kept with them
        like `escaped` (not pickled): what is written of the rows the same way on every
        view, such as the picker's option lines."""
        found = self._kept.get(name)
        if found is None:
            found = self._kept[name] = make(self)
        return found

    @cached_property
    def _kept(self) -> dict:
        return {}


def kept(rows, name: str, make: Callable[[object], T]) -> T:
    """`make(rows)`: kept with the rows by an `EscapedOnce`, worked out for any other."""
    if isinstance(rows, EscapedOnce):
        return rows.kept(name, make)
    return make(rows)


def escaped_rows(rows) -> tuple:
    """`rows` (dataclasses of display values) with every text escaped: kept by an
    `EscapedOnce`, worked out for any other iterable."""
    if isinstance(rows, EscapedOnce):
        return rows.escaped
    return tuple(escape_row(row) for row in rows)


def escape_row(row):
    """A copy of the dataclass `row` with each text field, and each text of a tuple field,
    escaped (numbers and flags as they are)."""
    kind = type(row)
    return kind(*[escape(v) if type(v) is str else _escaped(v) for v in _values(kind)(row)])


_AS_THEY_ARE = (int, float, type(None))  # numbers and flags (bool is an int)


def _escaped(value):
    """A field's value with its text escaped: a text (plain, marked safe or lazy: any value
    but a number or a flag is written as text), or each item of a tuple."""
    if type(value) is str:
        return escape(value)
    if isinstance(value, tuple):
        return tuple(map(_escaped, value))
    if isinstance(value, _AS_THEY_ARE):
        return value
    return escape(str(value))


@lru_cache(maxsize=64)
def _values(kind: type) -> Callable[[object], tuple]:
    """What gives the fields of a row of class `kind` as a tuple, in the order its
    constructor takes them."""
    names = [field.name for field in fields(kind)]
    if len(names) == 1:  # (attrgetter gives one value as it is)
        return lambda row: (getattr(row, names[0]),)
    return attrgetter(*names)
