"""The stakeholder map's look: fonts, colours, stance glyphs, the no-consent badge and the
small SVG helpers every part of the map uses. Pure Python; no Django.
"""

import math
from dataclasses import dataclass
from html import escape
from itertools import pairwise

from charts.drawing import FONT, INK, MUTED
from scoring.core.graph import CONFLICT
from scoring.core.layout_sizes import BADGE_RADIUS


@dataclass(frozen=True)
class MapNode:
    key: str
    name: str
    role_label: str
    influence: int
    stance: str
    consent: bool = True
    href: str | None = None


@dataclass(frozen=True)
class MapEdge:
    source: str
    target: str
    kind: str
    strength: int
    friction: float | None = None


MAX_LABEL = 18  # characters per label line before the ellipsis
BROKER = "#6d28d9"
CONFLICT_RED = "#c81e1e"


@dataclass(frozen=True)
class _Stance:
    label: str
    fill: str
    stroke: str
    ink: str  # glyph colour (contrast >= 4.5:1 on the fill)


STANCES = {
    "supporter": _Stance("Supporter", "#0f7a55", "#0a5239", "#ffffff"),
    "neutral": _Stance("Neutral", "#5b6b80", "#3d4858", "#ffffff"),
    "skeptic": _Stance("Skeptic", "#c2410c", "#8a2e08", "#ffffff"),
    "unknown": _Stance("Unknown", "#e5e7eb", "#6b7280", "#374151"),
}

_KIND_ORDER = {"collaborates": 0, "influences": 1, "reports_to": 2, CONFLICT: 3}
_KIND_COLOUR = {
    "reports_to": "#374151",
    "influences": "#2f5d9e",
    "collaborates": "#8a94a3",
    CONFLICT: CONFLICT_RED,
}
_KIND_TEXT = {
    "reports_to": "reports to",
    "influences": "influences",
    "collaborates": "collaborates with",
    CONFLICT: "is in conflict with",
}
_FRICTION_STOPS = ((0.0, (0x8A, 0x94, 0xA3)), (0.5, (0xD9, 0x77, 0x06)), (1.0, (0xC8, 0x1E, 0x1E)))


# ------------------------------------------------------------------------ helpers


def _n(value: float) -> str:
    """A coordinate: one decimal, no trailing zeros, never '-0'."""
    text = f"{value:.1f}".rstrip("0").rstrip(".")
    return "0" if text in ("-0", "") else text


def _clip(text: str, limit: int = MAX_LABEL) -> str:
    text = " ".join(str(text).split())
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "\u2026"


def _prefix(id_prefix: str) -> str:
    cleaned = "".join(
        c if (c.isascii() and c.isalnum()) or c in "-_" else "-" for c in str(id_prefix)
    )
    return cleaned if cleaned[:1].isalpha() else f"m{cleaned}"


def _safe_href(href: str | None) -> str | None:
    """Only site paths, fragments and http(s) links: never ``javascript:`` or ``data:``."""
    if not href:
        return None
    value = href.strip()
    if value.startswith(("/", "#", "?", "https://", "http://")) and not value.startswith("//"):
        return value
    return None


def _plural(count: int, one: str, many: str) -> str:
    return f"{count} {one if count == 1 else many}"


def _friction_colour(friction: float) -> str:
    value = min(1.0, max(0.0, float(friction))) if math.isfinite(friction) else 0.0
    for (low, a), (high, b) in pairwise(_FRICTION_STOPS):
        if value <= high:
            t = (value - low) / (high - low)
            return "#" + "".join(f"{round(p + (q - p) * t):02x}" for p, q in zip(a, b, strict=True))
    return "#c81e1e"


def _stance(value: str) -> _Stance:
    return STANCES.get(str(value).strip().lower(), STANCES["unknown"])


def _stance_key(value: str) -> str:
    key = str(value).strip().lower()
    return key if key in STANCES else "unknown"


def _svg_open(prefix: str, width: float, height: float, title: str, desc: str) -> list[str]:
    return [
        f'<svg xmlns="http://www.w3.org/2000/svg" role="img" '
        f'aria-labelledby="{prefix}-title {prefix}-desc" viewBox="0 0 {_n(width)} {_n(height)}" '
        f'width="100%" preserveAspectRatio="xMidYMid meet" class="stakeholder-map" '
        f'font-family="{escape(FONT)}">',
        f'<title id="{prefix}-title">{escape(title)}</title>',
        f'<desc id="{prefix}-desc">{escape(desc)}</desc>',
    ]


# ------------------------------------------------------------------------ glyphs


def _glyph(stance: str, x: float, y: float, radius: float) -> str:
    """The stance glyph inside a node, drawn as paths so it needs no font."""
    style = _stance(stance)
    s = max(3.2, radius * 0.42)
    width = _n(max(1.6, radius * 0.14))
    common = f'fill="none" stroke="{style.ink}" stroke-width="{width}" stroke-linecap="round"'
    key = _stance_key(stance)
    if key == "supporter":  # a tick
        d = (
            f"M{_n(x - s)} {_n(y + s * 0.05)}L{_n(x - s * 0.3)} {_n(y + s * 0.7)}"
            f"L{_n(x + s)} {_n(y - s * 0.6)}"
        )
        return f'<path d="{d}" {common} stroke-linejoin="round"/>'
    if key == "neutral":  # a level bar
        return f'<path d="M{_n(x - s)} {_n(y)}H{_n(x + s)}" {common}/>'
    if key == "skeptic":  # a cross
        k = s * 0.8
        d = (
            f"M{_n(x - k)} {_n(y - k)}L{_n(x + k)} {_n(y + k)}"
            f"M{_n(x + k)} {_n(y - k)}L{_n(x - k)} {_n(y + k)}"
        )
        return f'<path d="{d}" {common}/>'
    size = _n(max(9.0, radius * 1.05))
    return (
        f'<text x="{_n(x)}" y="{_n(y)}" text-anchor="middle" dominant-baseline="central" '
        f'font-size="{size}" font-weight="700" fill="{style.ink}">?</text>'
    )


def _no_consent_badge(x: float, y: float) -> str:
    """A white disc holding an envelope with a red slash through it."""
    r = BADGE_RADIUS
    w, h = r * 1.2, r * 0.85
    left, right, top = x - w / 2, x + w / 2, y - h / 2
    slash = f"M{_n(x - r * 0.62)} {_n(y + r * 0.62)}L{_n(x + r * 0.62)} {_n(y - r * 0.62)}"
    return (
        f'<g class="no-consent">'
        f'<circle cx="{_n(x)}" cy="{_n(y)}" r="{_n(r)}" fill="#ffffff" stroke="{MUTED}" '
        f'stroke-width="1.2"/>'
        f'<rect x="{_n(left)}" y="{_n(top)}" width="{_n(w)}" height="{_n(h)}" rx="1" '
        f'fill="#ffffff" stroke="{INK}" stroke-width="1.1"/>'
        f'<path d="M{_n(left)} {_n(top)}L{_n(x)} {_n(y + h * 0.08)}L{_n(right)} {_n(top)}" '
        f'fill="none" stroke="{INK}" stroke-width="1.1" stroke-linejoin="round"/>'
        f'<path d="{slash}" stroke="#ffffff" stroke-width="3.4" stroke-linecap="round"/>'
        f'<path d="{slash}" stroke="{CONFLICT_RED}" stroke-width="1.7" stroke-linecap="round"/>'
        f"</g>"
    )


def _bolt(x: float, y: float, scale: float = 1.0) -> str:
    """The conflict badge: a white disc with a red lightning bolt."""
    points = ((1.6, -5.6), (-3.4, 0.9), (-0.3, 0.9), (-1.6, 5.6), (3.4, -0.9), (0.3, -0.9))
    bolt = " ".join(f"{_n(x + px * scale)},{_n(y + py * scale)}" for px, py in points)
    return (
        f'<circle cx="{_n(x)}" cy="{_n(y)}" r="{_n(7.5 * scale)}" fill="#ffffff" '
        f'stroke="{CONFLICT_RED}" stroke-width="1.5"/>'
        f'<polygon points="{bolt}" fill="{CONFLICT_RED}"/>'
    )
