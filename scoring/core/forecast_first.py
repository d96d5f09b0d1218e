"""Who should hear an asset first, by the consensus forecast: every candidate scored by
the divergence after `weeks` weeks if the asset went to them alone. Mixed into
:class:`scoring.core.forecast.Model`, whose arrays it reads. Plain numpy, no Django.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from operator import attrgetter

import numpy as np

from scoring.core.divergence_batch import BATCH_VALUES
from scoring.core.forecast_data import FirstRecipient, checked_weeks, theme_shares
from scoring.core.forecast_parameters import DEFAULT_WEEKS

_by_divergence = attrgetter("divergence", "key")


class FirstRecipients:
    """The first-recipient questions of :class:`scoring.core.forecast.Model`."""

    def first_recipients(
        self,
        themes: Mapping[str, float],
        *,
        candidates: Sequence[str] | None = None,
        weeks: int = DEFAULT_WEEKS,
    ) -> tuple[FirstRecipient, ...]:
        """Each candidate (default: everybody), scored by the forecast divergence after
        `weeks` weeks if the asset went to that person alone; lowest first, then by key.
        Exact for any group size: x(T) = A_T x(0) is linear in x(0). A person's score does
        not depend on who else is a candidate (nor on what else is scored with it), so
        each is computed once per model, asset mix and horizon (a page asks for the same
        asset with different candidates); :meth:`score_first_recipients` scores several
        assets at once beforehand."""
        weeks = checked_weeks(weeks)
        asked = self._asked(themes, candidates, weeks)
        if asked is None:
            return ()
        known, keys = asked
        self._score([(themes, known, keys)], weeks)
        return tuple(sorted((known[k] for k in keys), key=_by_divergence))

    def score_first_recipients(
        self,
        asks: Sequence[tuple[Mapping[str, float], Sequence[str] | None]],
        *,
        weeks: int = DEFAULT_WEEKS,
    ) -> None:
        """Score every (asset themes, candidates) of `asks` in as few batches as the
        memory bound allows, for the :meth:`first_recipients` calls that follow."""
        weeks = checked_weeks(weeks)
        found = [(themes, self._asked(themes, candidates, weeks)) for themes, candidates in asks]
        self._score([(themes, *asked) for themes, asked in found if asked is not None], weeks)

    def _asked(self, themes, candidates, weeks: int) -> tuple[dict, list[str]] | None:
        """(the scores known for the asset's mix, by key; the candidates, sorted), or None
        when there is nobody or nothing to score."""
        keys = self.keys if candidates is None else [k for k in candidates if k in self.index]
        keys = sorted(set(keys))
        shares = theme_shares(themes)
        if not keys or not shares:
            return None
        return self._firsts.setdefault((tuple(sorted(shares.items())), weeks), {}), keys

    def _score(self, asks: list[tuple[Mapping[str, float], dict, list[str]]], weeks: int) -> None:
        """Score the candidates not known yet: every asset whose states have as many themes
        in one batch (cut where it would hold more than about BATCH_VALUES numbers)."""
        a = self.response(weeks)
        # themes in the states -> [(known, key)], their columns, their assets, the changes
        pending: dict[int, tuple[list, list[int], list[int], list[np.ndarray]]] = {}
        bases: dict[int, np.ndarray] = {}
        planned: set[tuple[int, str]] = set()  # an asset asked twice is scored once
        for themes, known, keys in asks:
            missing = [k for k in keys if k not in known and (id(known), k) not in planned]
            if not missing:
                continue
            x0, mix = self._widen(themes)
            width = x0.shape[1]
            if width not in bases:  # x0 is today's, widened with zeros: one product
                bases[width] = a @ x0
            planned.update((id(known), k) for k in missing)
            todo, columns, assets, changes = pending.setdefault(width, ([], [], [], []))
            todo.extend((known, k) for k in missing)
            columns.extend(self.index[k] for k in missing)
            assets.extend([len(changes)] * len(missing))
            changes.append(self.sent_rows(x0, mix) - x0)
        for width, (todo, columns, assets, changes) in pending.items():
            base, changed = bases[width], np.stack(changes)
            batch = max(1, BATCH_VALUES // max(1, base.size))
            for start in range(0, len(todo), batch):
                cut = slice(start, start + batch)
                states = (
                    a[:, columns[cut]].T[:, :, None]
                    * changed[assets[cut], columns[cut]][:, None, :]
                )
                states += base[None, :, :]  # base + what the send adds, in place
                values = self.scores(states)  # as `unit`: in [0, 1], 0 when not finite
                values = np.where(np.isfinite(values), np.clip(values, 0.0, 1.0), 0.0)
                for (known, key), value in zip(todo[cut], values.tolist(), strict=True):
                    # float noise never decides the order
                    known[key] = FirstRecipient(key=key, divergence=round(value, 12))
