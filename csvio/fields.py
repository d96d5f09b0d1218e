"""Parsers for the values in one CSV cell.

Plain Python, no Django. Each parser takes the stripped text of a cell and returns a
clean value, or raises `FieldError` whose message is written to follow
"Line 4, column influence: " (see `csvio.errors.Problem`).

Decisions:

- An empty cell means the ``default`` where a parser has one; with ``default=None`` the
  value is required and an empty cell is an error.
- Slugs (themes and assets) are normalised, not guessed at: case is folded, accents
  dropped, spaces and underscores become dashes; anything else outside [a-z0-9-] is an
  error rather than silently removed ("roi/calc" is refused, not turned into "roicalc").
- A theme given twice in one cell ("security:1;Security:2") is an error, not a sum:
  it is almost always a copy-and-paste slip, and the fix is obvious.
"""

from __future__ import annotations

import math
import re
import unicodedata
from collections.abc import Iterable, Mapping
from datetime import UTC, datetime
from urllib.parse import urlsplit

SLUG_MAX_LENGTH = 50
EMAIL_MAX_LENGTH = 254
URL_MAX_LENGTH = 500

_SLUG = re.compile(r"[a-z0-9]+(?:-[a-z0-9]+)*")
_EMAIL = re.compile(
    r"[A-Za-z0-9!#$%&'*+/=?^_`{|}~-]+(?:\.[A-Za-z0-9!#$%&'*+/=?^_`{|}~-]+)*"
    r"@(?:[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?\.)+[A-Za-z](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])"
)
_CHOICE_NOISE = re.compile(r"[\s\-_]+")
_NUMBER = re.compile(r"[+-]?(?:\d+(?:\.\d*)?|\.\d+)(?:[eE][+-]?\d+)?")


class FieldError(ValueError):
    """A cell's value is not acceptable; ``message`` says why, for the user."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


def quoted(text: str, limit: int = 40) -> str:
    """'text' for messages, shortened and on one line."""
    one_line = " ".join(text.split())
    if len(one_line) > limit:
        one_line = one_line[: limit - 1] + "…"
    return f"'{one_line}'"


def parse_int(text: str, *, low: int, high: int, default: int | None = None) -> int:
    """A whole number from ``low`` to ``high``; "4.0" is accepted as 4."""
    wanted = f"a whole number from {low} to {high}"
    text = text.strip()
    if not text:
        if default is None:
            raise FieldError(f"is empty; it must be {wanted}")
        return default
    number = _to_float(text)
    if not (math.isfinite(number) and number.is_integer() and low <= number <= high):
        raise FieldError(f"must be {wanted} (got {quoted(text)})")
    return int(number)


def choice_key(text: str) -> str:
    """How choices compare: "Case study", "case-study" and "CASE_STUDY" -> "case_study"."""
    return _CHOICE_NOISE.sub("_", text.strip().lower()).strip("_")


def choice_lookup(
    choices: Iterable[tuple[str, str]], aliases: Mapping[str, str] | None = None
) -> dict[str, str]:
    """Accepted spelling -> canonical value, for `parse_choice`, from (value, label) pairs:
    each value and label is accepted, as are the ``aliases`` (spelling -> value)."""
    lookup: dict[str, str] = {}
    for value, label in choices:
        lookup[choice_key(value)] = value
        lookup[choice_key(label)] = value
    for spelling, value in (aliases or {}).items():
        lookup[choice_key(spelling)] = value
    return lookup


def parse_choice(
    text: str, choices: Mapping[str, str], *, default: str | None = None, label: str
) -> str:
    """The canonical value for ``text``; ``choices`` maps accepted spellings (lowercase)
    to canonical values, and is also tried with spaces and dashes read as underscores."""
    text = text.strip()
    options = _or_list(dict.fromkeys(choices.values()))
    article = "an" if label[:1].lower() in "aeiou" else "a"
    if not text:
        if default is None:
            raise FieldError(f"is empty; it must be {article} {label}: {options}")
        return default
    plain = " ".join(text.lower().split())
    value = choices.get(plain)
    if value is None:
        value = choices.get(choice_key(plain))
    if value is None:
        raise FieldError(f"must be {article} {label}: {options} (got {quoted(text)})")
    return value


def parse_email(text: str) -> str:
    """A lowercased email address; a "mailto:" prefix is dropped."""
    text = text.strip()
    if text.lower().startswith("mailto:"):
        text = text[7:].strip()
    if not text:
        raise FieldError("is empty; an email address is required")
    if len(text) > EMAIL_MAX_LENGTH:
        raise FieldError(f"is longer than {EMAIL_MAX_LENGTH} characters, the limit for an email")
    local = text.rpartition("@")[0]
    if not _EMAIL.fullmatch(text) or len(local) > 64:
        raise FieldError(f"must be an email address like name@example.com (got {quoted(text)})")
    return text.lower()


def parse_datetime(text: str) -> datetime:
    """An aware UTC datetime from ISO 8601 text.

    "2026-03-05" is midnight UTC; a time without an offset is UTC; "Z" and offsets such
    as "+02:00" are accepted and converted to UTC.
    """
    text = text.strip()
    example = "like 2026-03-05 or 2026-03-05T14:30:00Z"
    if not text:
        raise FieldError(f"is empty; a date is required, in ISO 8601 form {example}")
    candidate = text.upper()
    if candidate.endswith("Z"):
        candidate = candidate[:-1] + "+00:00"
    try:
        moment = datetime.fromisoformat(candidate)
    except ValueError:
        raise FieldError(
            f"must be a date or date and time in ISO 8601 form, {example} (got {quoted(text)})"
        ) from None
    if moment.tzinfo is None:
        return moment.replace(tzinfo=UTC)
    try:
        return moment.astimezone(UTC)
    except OverflowError:
        raise FieldError(f"is too far in the past or future (got {quoted(text)})") from None


def parse_url(text: str) -> str:
    """An http(s) web address, or "" for an empty cell."""
    text = text.strip()
    if not text:
        return ""
    wanted = "a web address starting with https:// or http://"
    if len(text) > URL_MAX_LENGTH:
        raise FieldError(f"is longer than {URL_MAX_LENGTH} characters, the limit for {wanted}")
    try:
        parts = urlsplit(text)
        parts.port  # noqa: B018 - raises ValueError for a bad port
    except ValueError:
        raise FieldError(f"must be {wanted} (got {quoted(text)})") from None
    if (
        parts.scheme.lower() not in ("http", "https")
        or not parts.hostname
        or any(c.isspace() or ord(c) < 32 for c in text)
    ):
        raise FieldError(f"must be {wanted} (got {quoted(text)})")
    return text


def slugify_theme(text: str) -> str:
    """A theme's slug: "Cost of Downtime" -> "cost-of-downtime", "Sécurité" -> "securite".

    Raises `FieldError` for an empty result or characters other than letters, digits,
    spaces, underscores and dashes.
    """
    return _slugify(text, "theme")


def parse_slug(text: str) -> str:
    """An asset's slug, normalised like `slugify_theme`."""
    return _slugify(text, "slug")


def _slugify(text: str, what: str) -> str:
    decomposed = unicodedata.normalize("NFKD", text)
    plain = "".join(c for c in decomposed if not unicodedata.combining(c)).casefold()
    slug = re.sub(r"[\s_\-]+", "-", plain).strip("-")
    if not slug:
        raise FieldError(
            f"has an empty {what} name" if text.strip() else f"is empty; a {what} is required"
        )
    if not _SLUG.fullmatch(slug):
        raise FieldError(
            f"{quoted(text.strip())} is not a valid {what}: use letters, digits and dashes, "
            "like cost-of-downtime"
        )
    if len(slug) > SLUG_MAX_LENGTH:
        raise FieldError(f"{what} {quoted(slug)} is longer than {SLUG_MAX_LENGTH} characters")
    return slug


def parse_theme_weights(text: str) -> dict[str, float]:
    """Themes and weights from "slug:weight;slug:weight" (empty text -> {}).

    A missing or empty weight means 1.0 ("security" and "security:" both weigh 1); weights
    must be positive finite numbers; empty items (a trailing ";") are skipped; slugs are
    normalised by `slugify_theme`; a theme given twice is an error.
    """
    weights: dict[str, float] = {}
    for item in text.split(";"):
        item = item.strip()
        if not item:
            continue
        name, _, weight_text = item.partition(":")
        if not name.strip():
            raise FieldError(f"{quoted(item)} has no theme name before the ':'")
        if ":" in weight_text or "," in item:
            raise FieldError(
                f"cannot read {quoted(item)}: write themes as slug:weight separated by ';', "
                "like cost-of-downtime:3;security:1 (use '.' for decimals)"
            )
        slug = slugify_theme(name)
        weight = 1.0
        if weight_text.strip():
            weight = _to_float(weight_text.strip())
            if not (math.isfinite(weight) and weight > 0):
                raise FieldError(
                    f"theme {slug}: the weight must be a positive number "
                    f"(got {quoted(weight_text.strip())})"
                )
        if slug in weights:
            raise FieldError(f"theme {slug} is given twice; give each theme once")
        weights[slug] = weight
    return weights


def format_theme_weights(weights: Mapping[str, float]) -> str:
    """The inverse of `parse_theme_weights`: {"a": 3.0, "b": 0.5} -> "a:3;b:0.5"."""
    return ";".join(f"{slug}:{_number(weight)}" for slug, weight in weights.items())


def _to_float(text: str) -> float:
    """Plain decimal notation only (no "inf", "nan" or "1_000"); NaN when unreadable."""
    return float(text) if _NUMBER.fullmatch(text) else math.nan


def _number(value: float) -> str:
    if float(value).is_integer():
        return str(int(value))
    return repr(float(value))


def _or_list(values: Iterable[str]) -> str:
    items = list(values)
    if len(items) <= 1:
        return "".join(items)
    return ", ".join(items[:-1]) + " or " + items[-1]
