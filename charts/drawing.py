"""What every chart shares: the palette, the rows and points charts are drawn from, and
small SVG helpers (numbers, escaping, clipping, colour mixing, placeholders). Pure
Python; no Django.
"""

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date
from html import escape
from itertools import pairwise

FONT = "system-ui, -apple-system, 'Segoe UI', Roboto, 'Helvetica Neue', Arial, sans-serif"
INK = "#1f2937"
MUTED = "#4b5563"
GRID = "#e5e7eb"
FAINT = "#eaecf0"
EMPTY_CELL = "#f7f8fb"
COMMON = "#312e81"
READINESS = "#0f766e"
DIVERGENCE = "#c2410c"
GOOD = "#0f7a55"
BAD = "#c2410c"
FLAT = "#475569"
SPARK_LINE = "#64748b"

# White to deep indigo (#312e81): one hue, light to dark.
SCALE = (
    (0.0, (0xF5, 0xF6, 0xFF)),
    (0.15, (0xE0, 0xE7, 0xFF)),
    (0.35, (0xA5, 0xB4, 0xFC)),
    (0.6, (0x63, 0x66, 0xF1)),
    (0.8, (0x43, 0x38, 0xCA)),
    (1.0, (0x31, 0x2E, 0x81)),
)
_MONTHS = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")


@dataclass(frozen=True)
class HeatRow:
    key: str
    label: str  # the person's name
    sublabel: str  # their role
    values: Mapping[str, float] = field(default_factory=dict)  # theme slug -> share 0..1
    unaligned: bool = False  # nobody has reached this person yet


@dataclass(frozen=True)
class ThemeCol:
    slug: str
    label: str
    common: bool = False  # a common-ground theme: highlighted


@dataclass(frozen=True)
class TrendPoint:
    at: date
    divergence: float | None  # 0..1
    readiness: int | None  # 0..100


@dataclass(frozen=True)
class ForecastLine:
    """A forecast of divergence (0..1 by date), drawn dashed after the last trend point."""

    name: str
    points: tuple[tuple[date, float], ...]
    suggestion: bool = False  # the top suggestion sent (drawn in the "good" colour)


# ------------------------------------------------------------------------ helpers


def _n(value: float) -> str:
    """A coordinate: one decimal, no trailing zeros, never '-0'."""
    text = f"{value:.1f}".rstrip("0").rstrip(".")
    return "0" if text in ("-0", "") else text


def _prefix(id_prefix: str) -> str:
    cleaned = "".join(
        c if (c.isascii() and c.isalnum()) or c in "-_" else "-" for c in str(id_prefix)
    )
    return cleaned if cleaned[:1].isalpha() else f"c{cleaned}"


def _clean(text: object) -> str:
    return " ".join(str(text).split())


def _clip(text: str, limit: int) -> str:
    text = _clean(text)
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "\u2026"


def _text_width(text: str, size: float, *, bold: bool = False) -> float:
    """A rough width for a proportional sans-serif: enough to reserve room."""
    return len(text) * size * (0.6 if bold else 0.56)


def _number(value: object) -> float | None:
    """A finite float, or None for None, NaN, infinities and things that are not numbers."""
    if value is None or isinstance(value, bool):
        return None
    try:
        number = float(value)  # type: ignore[arg-type]
    except (TypeError, ValueError):
        return None
    return number if math.isfinite(number) else None


def _clamp(value: float, low: float, high: float) -> float:
    return min(high, max(low, value))


def _share(value: object) -> float:
    """A heatmap cell: 0..1, with anything unreadable counted as nothing heard."""
    number = _number(value)
    if number is None:
        return 1.0 if value == math.inf else 0.0
    return _clamp(number, 0.0, 1.0)


def _percent(share: float) -> str:
    if 0 < share < 0.005:
        return "<1%"
    return f"{round(share * 100)}%"


def _mix(value: float) -> tuple[int, int, int]:
    value = _clamp(value, 0.0, 1.0)
    for (low, a), (high, b) in pairwise(SCALE):
        if value <= high:
            t = (value - low) / (high - low)
            r, g, b = (round(p + (q - p) * t) for p, q in zip(a, b, strict=True))
            return r, g, b
    return SCALE[-1][1]


def _hex(rgb: tuple[int, int, int]) -> str:
    return "#" + "".join(f"{c:02x}" for c in rgb)


def _luminance(rgb: tuple[int, int, int]) -> float:
    def channel(c: int) -> float:
        s = c / 255
        return s / 12.92 if s <= 0.04045 else ((s + 0.055) / 1.055) ** 2.4

    r, g, b = (channel(c) for c in rgb)
    return 0.2126 * r + 0.7152 * g + 0.0722 * b


def _ink_on(rgb: tuple[int, int, int]) -> str:
    """White or dark text, whichever reads better on this fill."""
    lum = _luminance(rgb)
    ink = _luminance((0x1F, 0x29, 0x37))
    on_white = 1.05 / (lum + 0.05)
    on_dark = (lum + 0.05) / (ink + 0.05)
    return "#ffffff" if on_white >= on_dark else INK


def _day(at: date, *, year: bool = False) -> str:
    text = f"{at.day} {_MONTHS[at.month - 1]}"
    return f"{text} {at.year}" if year else text


def _svg_open(
    prefix: str, width: float, height: float, title: str, desc: str, kind: str
) -> list[str]:
    return [
        f'<svg xmlns="http://www.w3.org/2000/svg" role="img" '
        f'aria-labelledby="{prefix}-title {prefix}-desc" viewBox="0 0 {_n(width)} {_n(height)}" '
        f'width="{_n(width)}" height="{_n(height)}" class="chart chart--{kind}" '
        f'font-family="{escape(FONT)}">',
        f'<title id="{prefix}-title">{escape(_clean(title))}</title>',
        f'<desc id="{prefix}-desc">{escape(desc)}</desc>',
    ]


def _placeholder(
    prefix: str, width: float, height: float, title: str, kind: str, message: str, hint: str
) -> str:
    parts = _svg_open(prefix, width, height, title, message + ".", kind)
    parts.append(
        f'<rect x="8" y="8" width="{_n(width - 16)}" height="{_n(height - 16)}" rx="10" '
        f'fill="#f9fafb" stroke="#d1d5db" stroke-dasharray="6 5"/>'
    )
    cx, cy = width / 2, height / 2
    room = width - 40
    big = min(15.0, room / (len(message) * 0.64))
    small = min(12.0, room / (len(hint) * 0.6))
    parts.append(
        f'<text x="{_n(cx)}" y="{_n(cy - 2)}" text-anchor="middle" font-size="{_n(big)}" '
        f'font-weight="600" fill="{INK}">{escape(message)}</text>'
    )
    parts.append(
        f'<text x="{_n(cx)}" y="{_n(cy + 20)}" text-anchor="middle" font-size="{_n(small)}" '
        f'fill="{MUTED}">{escape(hint)}</text>'
    )
    parts.append("</svg>")
    return "".join(parts)


def _diamond(x: float, y: float, r: float = 4.0) -> str:
    return (
        f'<path d="M{_n(x)} {_n(y - r)}L{_n(x + r)} {_n(y)}L{_n(x)} {_n(y + r)}L{_n(x - r)} '
        f'{_n(y)}Z" fill="{COMMON}"/>'
    )


def _hatch(prefix: str) -> str:
    return (
        f'<pattern id="{prefix}-hatch" width="6" height="6" patternUnits="userSpaceOnUse" '
        f'patternTransform="rotate(45)"><rect width="6" height="6" fill="#f3f4f6"/>'
        f'<path d="M0 0V6" stroke="#d1d5db" stroke-width="2.5"/></pattern>'
    )


def _names(items: Sequence[str]) -> str:
    items = list(items)
    if len(items) <= 1:
        return "".join(items)
    return ", ".join(items[:-1]) + " and " + items[-1]
