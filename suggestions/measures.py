"""The small measures the suggestion engine takes: reach, influence shares, exposure mass,
batched divergence, input checks, number words. Pure Python and numpy, no Django.
"""

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

import numpy as np

from scoring.core.divergence import exposure_divergence
from scoring.core.divergence_batch import BATCH_VALUES, divergence_batch
from scoring.core.exposure import positive_weights, to_distribution
from suggestions.candidates import _CHAMPION, WIDEN_MAX_PENALTY, WIDEN_SCALE, Audience, Candidate


@dataclass(frozen=True)
class Pick:
    index: int  # asset index
    new: tuple[str, ...]  # its themes no earlier pick covers, most needed first
    before: float  # divergence before this pick (after the earlier ones)
    after: float  # divergence after it


def _effect_sentence(effect: tuple[float, float], after_earlier: bool) -> str | None:
    before, after = effect
    sent = "Sent to everyone after the picks above" if after_earlier else "Sent to everyone"
    if after >= before + 0.005:
        return (
            f"{sent}, it would widen the split "
            f"(divergence {_points(before)} to {_points(after)} points)."
        )
    if after <= before - 0.005:
        return (
            f"{sent}, it would bring the group closer "
            f"(divergence {_points(before)} to {_points(after)} points)."
        )
    return None


def _divergence_batch(
    base: np.ndarray,
    adds: np.ndarray,
    consent: np.ndarray,
    influence: np.ndarray,
    shares: np.ndarray,
    contributions: bool = False,
) -> tuple[np.ndarray, np.ndarray | None]:
    """Group divergence (as :func:`scoring.core.divergence.divergence`) after adding
    each row of ``adds`` (K x themes) to the weights ``base`` (members x themes) of every
    consented member; with ``contributions`` also each theme's share of it (K x themes).
    """
    size = max(1, BATCH_VALUES // max(1, base.size))  # futures per batch
    scores, values = [], []
    for start in range(0, max(1, len(adds)), size):
        weights = base[None, :, :] + consent[None, :, None] * adds[start : start + size, None, :]
        score, value = divergence_batch(
            weights, influence, shares=shares, contributions=contributions
        )
        scores.append(score)
        values.append(value)
    if len(scores) == 1:
        return scores[0], values[0]
    return np.concatenate(scores), (np.concatenate(values) if contributions else None)


def _official_divergence(
    people: Sequence[Audience], exposures: Mapping[str, Mapping[str, float]]
) -> float:
    return exposure_divergence(
        [exposures.get(m.key, {}) for m in people], [m.influence for m in people]
    )


def _table(
    rows: Sequence[Mapping[str, float]],
    column: Mapping[str, int],
    n_columns: int,
    scale: np.ndarray | None = None,
) -> np.ndarray:
    """The mappings as a matrix (one row each, a column per theme), each row times its
    `scale` when given."""
    table = np.zeros((len(rows), n_columns))
    lengths = [len(row) for row in rows]
    if sum(lengths):
        at = np.repeat(np.arange(len(rows)), lengths)
        values = np.array([v for row in rows for v in row.values()], dtype=float)
        table[at, [column[t] for row in rows for t in row]] = (
            values if scale is None else values * scale[at]
        )
    return table


def _asset_entries(assets: Sequence[Candidate]) -> tuple[np.ndarray, list[str], np.ndarray]:
    """(asset index, theme slug, weight) of every usable theme weight, as three columns."""
    themes = [asset.themes for asset in assets]
    names = [slug for mapping in themes for slug in mapping]
    try:
        numbers = np.array([v for mapping in themes for v in mapping.values()], dtype=float)
    except (TypeError, ValueError, ArithmeticError):  # odd values: the careful way
        themes = [positive_weights(mapping) for mapping in themes]
        names = [slug for mapping in themes for slug in mapping]
        numbers = np.array([v for mapping in themes for v in mapping.values()], dtype=float)
    rows = np.repeat(np.arange(len(themes)), [len(mapping) for mapping in themes])
    keep = np.isfinite(numbers) & (numbers > 0)
    if keep.all():
        return rows, names, numbers
    return (
        rows[keep],
        [n for n, kept in zip(names, keep.tolist(), strict=True) if kept],
        numbers[keep],
    )


def _row_shares(rows: np.ndarray, values: np.ndarray, n_rows: int) -> np.ndarray:
    """Each value as a share of its row's total (positive values; no overflow)."""
    if not len(values):
        return values
    largest = np.zeros(n_rows)
    np.maximum.at(largest, rows, values)
    scaled = values / largest[rows]  # each row's largest is 1, so its total is finite
    totals = np.bincount(rows, weights=scaled, minlength=n_rows)
    return scaled / totals[rows]


def _reach(
    rows: np.ndarray, cols: np.ndarray, heard: np.ndarray, shares: np.ndarray, n_rows: int
) -> np.ndarray:
    """Per asset, the influence share of members who heard or care about any of its themes.

    Members are packed into bits per theme, OR-ed over each asset's themes, and the set
    bits are summed with one lookup table per byte: no (assets x members) matrix.
    """
    reach = np.zeros(n_rows)
    n_members = heard.shape[0]
    if not len(rows) or not n_members:
        return reach
    packed = np.packbits(heard.T, axis=1)  # themes x bytes; member 8b + j is bit 7 - j
    starts = np.flatnonzero(np.r_[True, rows[1:] != rows[:-1]])
    bits = np.bitwise_or.reduceat(packed[cols], starts, axis=0)  # assets with themes x bytes
    padded = np.zeros(packed.shape[1] * 8)
    padded[:n_members] = shares
    masks = (np.arange(256)[:, None] >> np.arange(7, -1, -1)[None, :]) & 1  # 256 x 8
    tables = masks @ padded.reshape(-1, 8).T  # 256 x bytes: shares behind each byte value
    reach[rows[starts]] = tables[bits, np.arange(bits.shape[1])[None, :]].sum(axis=1)
    return reach


def _by_key(item: Audience | Candidate) -> str:
    return item.key


def _widen_factor(widen: float) -> float:
    return 1.0 - WIDEN_MAX_PENALTY * min(1.0, max(0.0, widen) / WIDEN_SCALE)


def _normalised(weights: Mapping[str, float]) -> dict[str, float]:
    values = positive_weights(weights)
    total = sum(values.values())
    if 0.0 < total < math.inf:
        return {key: v / total for key, v in values.items()}
    return to_distribution(values)


def _unchanged(given: Mapping[str, float], cleaned: Mapping[str, float]) -> dict[str, float]:
    """An exposure nothing was added to: as given when it already is a clean distribution
    (so callers can compare it with their own), else normalised and sorted."""
    if len(given) == len(cleaned):  # every entry usable: the keys are the same
        values = {t: float(v) for t, v in given.items()}
        if all(abs(values[t] - v) <= 1e-12 for t, v in cleaned.items()):
            return values
    return to_distribution(cleaned)


def _sent_mixes(
    current: Sequence[Mapping[str, float]], masses: Sequence[float], sent: Mapping[str, float]
) -> list[dict[str, float]]:
    """Each member's ``to_distribution(current * mass + sent)`` (theme by theme), as
    :func:`simulate` has it, for all of them at once: the same numbers and order (largest
    first, then by theme; `to_distribution` scales by the largest and divides by the exact
    sum of what it scaled)."""
    if not current:
        return []
    themes = sorted({t for shares in current for t in shares}.union(sent))
    column = {t: j for j, t in enumerate(themes)}
    added = np.zeros(len(themes))
    added[[column[t] for t in sent]] = list(sent.values())
    with np.errstate(over="ignore"):  # as Python's floats: too big is inf, then left out
        x = _table(current, column, len(themes), np.array(masses, dtype=float))
        x += added[None, :]
    usable = (x > 0) & (x < math.inf)
    largest = np.where(usable, x, -math.inf).max(axis=1)
    has = usable.any(axis=1)
    scaled = np.where(usable, x / np.where(has, largest, 1.0)[:, None], 0.0)
    totals = np.array([math.fsum(row) for row in scaled.tolist()])
    rows, columns = np.nonzero(scaled > 0)
    values = scaled[rows, columns]
    order = np.lexsort((columns, -values, rows))  # columns are in theme order
    rows, columns = rows[order], columns[order]
    shares = (values[order] / totals[rows]).tolist()
    mixes: list[dict[str, float]] = [{} for _ in current]
    for row, j, share in zip(rows.tolist(), columns.tolist(), shares, strict=True):
        mixes[row][themes[j]] = share
    return mixes


def _reached(exposures: Mapping[str, Mapping[str, float]]) -> dict[str, Mapping[str, float]]:
    """What readiness_of is given: the exposures of the members who have heard something."""
    return {key: exposure for key, exposure in exposures.items() if exposure}


def _mass(value: float, exposure: Mapping[str, float]) -> float:
    """The mass behind an exposure; one touch's worth when an exposure has no usable mass."""
    if not exposure:
        return 0.0
    try:
        mass = float(value)
    except (TypeError, ValueError, ArithmeticError):
        return 1.0
    return mass if math.isfinite(mass) and mass > 0 else 1.0


def _influence(value: float) -> float:
    try:
        number = float(value)
    except (TypeError, ArithmeticError, ValueError):
        return 0.0
    return number if math.isfinite(number) and number > 0 else 0.0


def _shares(values: np.ndarray) -> np.ndarray:
    """Values as shares of their total; equal shares when all are zero."""
    if not len(values):
        return np.zeros(0)
    largest = float(values.max())
    if largest <= 0:
        return np.full(len(values), 1.0 / len(values))
    scaled = values / largest
    return scaled / math.fsum(scaled.tolist())


def _is_champion(role: str) -> bool:
    return (role or "").strip().lower() == _CHAMPION


def _check_weight(value: float) -> float:
    number = float(value)
    if not (math.isfinite(number) and number > 0):
        raise ValueError("weight_new_touch must be a positive finite number")
    return number


def _require_unique(keys: Sequence[str], what: str) -> None:
    if len(set(keys)) != len(keys):
        raise ValueError(f"{what} keys must be unique")


def _join(items: Sequence[str]) -> str:
    items = list(items)
    if len(items) <= 1:
        return "".join(items)
    return ", ".join(items[:-1]) + " and " + items[-1]


def _percent(value: float) -> str:
    return f"{math.floor(max(0.0, min(1.0, value)) * 100 + 1e-9)}%"


def _points(value: float) -> int:
    """A 0..1 score as the 0-100 points every page and email shows."""
    return round(value * 100)
