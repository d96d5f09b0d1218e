"""The one Jensen-Shannon formula of :mod:`scoring.core.divergence`, for K mixtures at
once, in two forms: member by member and theme by theme (the batch of the forecast and
the suggestion engine, which needs only the themes). Plain numpy, no Django.
"""

import numpy as np


def terms(w: np.ndarray, p: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """The one Jensen-Shannon formula, for K mixes at once: ``w`` is K x members (weights
    adding up to 1 in each row), ``p`` K x members x themes (each member's distribution).
    Returns each member's and theme's term ``w_i P_i(t) log2(P_i(t) / M(t))`` (K x members
    x themes; their sum is the divergence in bits), the mixture ``M`` (K x themes) and the
    entropy of the weights (K; the largest the divergence can be)."""
    mix = np.einsum("km,kmt->kt", w, p)
    with np.errstate(all="ignore"):
        ratio = np.divide(
            p, mix[:, None, :], out=np.ones_like(p), where=(p > 0) & (mix[:, None, :] > 0)
        )
        found = w[:, :, None] * p * np.log2(ratio)
    return np.where(np.isfinite(found), found, 0.0), mix, entropy(w)


def theme_sums(w: np.ndarray, p: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """The same formula summed over the members, theme by theme (K x themes), with ``M``
    and the weights' entropy as above: ``sum_i w_i P_i(t) log2 P_i(t) - M(t) log2 M(t)``,
    which is the sum of the terms (as sum_i w_i P_i(t) = M(t)) without making them one by
    one: a third of the time, for the forecast's thousands of possible futures."""
    return *theme_sums_and_mix(w, p), entropy(w)


def theme_sums_and_mix(w: np.ndarray, p: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """:func:`theme_sums` without the weights' entropy (a caller that has it)."""
    mix = np.einsum("km,kmt->kt", w, p)
    return np.einsum("km,kmt->kt", w, xlog2x(p)) - xlog2x(mix), mix


def xlog2x(values: np.ndarray) -> np.ndarray:
    """x log2 x, and 0 where x is 0 (its limit). The logarithm runs on every entry (1
    where x is not positive, whose log is 0): numpy's `where=` would take it only where
    x > 0, with the same values, but three times slower."""
    positive = values > 0
    if positive.all():  # (the forecast's weeks reach nearly every theme)
        logs = np.log2(values)
    else:
        logs = np.where(positive, values, 1.0)
        np.log2(logs, out=logs)
    logs *= values
    return logs


def entropy(w: np.ndarray) -> np.ndarray:
    """Entropy of each row of weights, in bits."""
    with np.errstate(all="ignore"):
        return np.where(w > 0, -w * np.log2(np.where(w > 0, w, 1.0)), 0.0).sum(axis=1)
