"""`escape`: the standard library's `html.escape` (what autoescaping does to a `str`),
remembered for short texts; `escape_all`: many texts escaped at once.

A group page writes several hundred short texts in Python (its rows, the recipient
picker, the form widgets: `workspace.templatetags`, `config.form_renderer`), most of them
the same on every view: names, labels, URLs, option values. Escaping one costs five
string replacements; looking it up costs a fifth of that. Only short plain `str`s are
remembered, at most `KEPT` of them (the least recently used go first); anything else is
escaped every time. The text that comes out is the same either way.
"""

from functools import lru_cache
from html import escape as _escape

KEPT = 8192
SHORT = 200  # characters: a name, a label, a URL; not a note or an outcome


_remembered = lru_cache(maxsize=KEPT)(_escape)


def escape(text: str) -> str:
    if type(text) is str and len(text) <= SHORT:
        return _remembered(text)
    return _escape(text)


_SPECIAL = "&<>\"'"  # what `html.escape` replaces


def escape_all(texts: list[str]) -> list[str]:
    """`[escape(text) for text in texts]`, for many texts (a list of hundreds of people):
    looked at all at once, and escaped one by one only if any holds what escaping
    replaces (most names and emails hold nothing of it)."""
    joined = "".join(texts)
    if not any(character in joined for character in _SPECIAL):
        return list(texts)
    return [escape(text) for text in texts]
