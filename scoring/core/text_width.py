"""How wide a line of text is drawn, in the units of its font size. Pure Python; no Django.

The map's labels use the system's sans-serif font. The widest one a reader is likely to
have is DejaVu Sans (Linux's default, the browser tests' font): the widths below are its
bold advances measured in Chromium (``font-weight="600"``), rounded up, so a line is
never drawn wider than :func:`text_width` says (narrower fonts such as Segoe UI, San
Francisco or Roboto leave a little air). Regular text is about 8% narrower.
"""

import unicodedata

_BOLD = {
    **dict.fromkeys("iljIJ.,:;'!|\u0142", 0.39),
    **dict.fromkeys('ftr-()/[] \u00a0"', 0.5),
    **dict.fromkeys("csz?*", 0.61),
    **dict.fromkeys("abdeghknopquvxy0123456789_", 0.72),
    "m": 1.05,
    "w": 0.93,
    "M": 1.0,
    "W": 1.11,
    **dict.fromkeys("@&%\u2026\u2014", 1.0),
}
_CAPITAL = 0.86  # every other capital letter (widest: O and Q, 0.85)
_OTHER = 0.8  # any other character of a Latin, Greek or Cyrillic text
_WIDE = 1.0  # CJK and other full-width characters
REGULAR = 0.92  # regular text against bold


def _char_width(char: str) -> float:
    if char in _BOLD:
        return _BOLD[char]
    if unicodedata.east_asian_width(char) in ("W", "F"):
        return _WIDE
    base = unicodedata.normalize("NFKD", char)[:1]  # "é" is as wide as "e"
    if base in _BOLD:
        return _BOLD[base]
    if base.isupper():
        return _CAPITAL
    if unicodedata.combining(char):
        return 0.0
    return _OTHER


def text_width(text: str, size: float, *, bold: bool = True) -> float:
    """The width of ``text`` at font size ``size`` (an upper bound, see the module)."""
    em = sum(_char_width(c) for c in text)
    return em * size * (1.0 if bold else REGULAR)
