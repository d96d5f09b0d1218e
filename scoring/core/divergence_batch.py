"""Divergence of many possible futures of one group at once, as numbers: the suggestion
engine's simulated sends and the forecast's weeks and first recipients. The same formula
as :func:`scoring.core.divergence.divergence`, vectorised. Plain numpy, no Django.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

from scoring.core.divergence import SNAP, influence_shares
from scoring.core.jensen_shannon import entropy, theme_sums_and_mix

# Callers of `divergence_batch` that score many futures cut them into batches of about this
# many (future, member, theme) values: half a megabyte per array, which the allocator
# reuses (bigger arrays cost a page fault per 4 kB, every time). A future's score does not
# depend on the batch it is in.
BATCH_VALUES = 65_536


def divergence_batch(
    weights: np.ndarray,
    influence: Sequence[float] | np.ndarray,
    *,
    shares: np.ndarray | None = None,
    contributions: bool = False,
) -> tuple[np.ndarray, np.ndarray | None]:
    """:func:`divergence` of K groups at once, as numbers: ``weights`` is K x members x
    themes (each row a member's theme weights, normalised here; an all-zero row is an
    unaligned member), ``influence`` one value per member (as :attr:`Member.influence`).
    Returns the K scores and, with ``contributions``, each theme's contribution (K x
    themes). The same formula as :func:`divergence`, vectorised for simulations that
    score many possible futures of one group (the suggestion engine, the forecast).
    ``shares`` are the members' influence shares when the caller has them already.
    """
    weights = np.asarray(weights, dtype=float)
    n_batch, n_members, n_themes = weights.shape
    if n_members == 0:
        zeros = np.zeros(n_batch)
        return zeros, (np.zeros((n_batch, n_themes)) if contributions else None)
    influence = np.asarray(influence, dtype=float)
    with np.errstate(invalid="ignore"):
        influence = np.where(np.isfinite(influence) & (influence > 0), influence, 0.0)
    if shares is None:
        shares = influence_shares(influence)
    sums = weights.sum(axis=2)
    aligned = sums > 0
    if aligned.all():  # everybody heard something, in every future: the same weights
        unaligned_share = np.zeros(n_batch)
        row = influence if influence.sum() > 0 else np.ones(n_members)
        row = row / row.sum()
        w = np.repeat(row[None, :], n_batch, axis=0)
        weight_entropy = np.repeat(entropy(row[None, :]), n_batch)
    else:
        unaligned_share = (shares[None, :] * ~aligned).sum(axis=1)
        unaligned_share = np.where(aligned.any(axis=1), np.clip(unaligned_share, 0.0, 1.0), 1.0)
        unaligned_share = np.where(aligned.all(axis=1), 0.0, unaligned_share)
        raw = influence[None, :] * aligned
        total = raw.sum(axis=1)
        equal = total <= 0
        raw = np.where(equal[:, None], aligned.astype(float), raw)
        total = raw.sum(axis=1)
        w = raw / np.where(total > 0, total, 1.0)[:, None]
        weight_entropy = entropy(w)

    p = weights / np.where(sums > 0, sums, 1.0)[:, :, None]
    theme_raw, mix = theme_sums_and_mix(w, p)
    theme_raw = np.maximum(theme_raw, 0.0)
    js = theme_raw.sum(axis=1)
    ok = (weight_entropy > 0) & (js > 0)
    normalised = np.where(ok, js / np.where(ok, weight_entropy, 1.0), 0.0)
    normalised = np.clip(normalised, 0.0, 1.0)
    normalised = np.where(normalised < SNAP, 0.0, normalised)
    normalised = np.where(normalised > 1.0 - SNAP, 1.0, normalised)
    aligned_part = (1.0 - unaligned_share) * normalised
    score = np.clip(aligned_part + unaligned_share, 0.0, 1.0)
    if not contributions:
        return score, None
    scale = np.where(js > 0, aligned_part / np.where(js > 0, js, 1.0), 0.0)
    values = theme_raw * scale[:, None] + unaligned_share[:, None] * mix
    return score, values
