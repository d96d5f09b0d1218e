"""Why the engine suggests what it suggests, in plain sentences a marketer can check.
Pure Python, no Django.
"""

from collections.abc import Sequence

import numpy as np

from suggestions.candidates import (
    CONSENSUS_FIT,
    CONSENSUS_STAGE,
    HIGH_DIVERGENCE,
    INDIVIDUALIZED,
    Audience,
    Candidate,
)
from suggestions.measures import _effect_sentence, _is_champion, _join, _percent, _points

# Why a person goes first, as a clause after "Send it to <name> first: ".
FIRST_BROKER = "they link the sides of the group"
FIRST_CHAMPION = "as the champion, they can carry it to the rest of the group"
FIRST_INFLUENTIAL = "they are the most influential person you can contact"
FIRST_FORECAST = "the consensus forecast brings the group closest when they hear it first"


class Explanations:
    """The engine's sentences: why an asset, why no set, who first. Mixed into
    :class:`suggestions.ranking.Engine`, whose arrays it reads."""

    def why_no_set(self) -> str:
        """Why the greedy set came out empty (the first pick found nothing eligible)."""
        if not self.has_themes.any():
            return "No asset has themes tagged, so none can carry a story to the group."
        if not (self.has_themes & ~self.individualized).any():
            return (
                "Every asset with themes is written for one person: write a shared-problem "
                "piece for the whole group."
            )
        return (
            "No asset can go to the whole group without widening the split: write a "
            "shared-problem piece on the themes the group already shares."
        )

    # -- recipients and words

    def recipients(self) -> tuple[tuple[str, ...], str, str, str, str]:
        """(recipients, the first one's key, the sentence on why them first, their name,
        the same why as a clause)."""
        contactable = [(i, m) for i, m in enumerate(self.people) if self.consent[i] > 0]

        def strongest(group: list[tuple[int, Audience]]) -> Audience | None:
            if not group:
                return None
            return min(group, key=lambda item: (-self.influence[item[0]], item[1].key))[1]

        brokers = strongest([(i, m) for i, m in contactable if m.broker])
        champion = strongest([(i, m) for i, m in contactable if _is_champion(m.role)])
        first = brokers or champion or strongest(contactable)
        assert first is not None  # there is at least one contactable member
        name = first.name or first.key
        if brokers is not None:
            why = FIRST_BROKER
            reason = f"Send it to {name} first, who links the sides of the group."
        elif champion is not None:
            why = FIRST_CHAMPION
            reason = (
                f"Send it to {name} first: as the champion, they can carry it to the rest "
                "of the group."
            )
        else:
            why = FIRST_INFLUENTIAL
            reason = f"Send it to {name} first, the most influential person you can contact."
        rest = sorted(
            (item for item in contactable if item[1].key != first.key),
            key=lambda item: (-self.influence[item[0]], item[1].key),
        )
        return (first.key, *(m.key for _, m in rest)), first.key, reason, name, why

    def theme_name(self, slug: str) -> str:
        return self.theme_names.get(slug) or slug.replace("-", " ").replace("_", " ")

    def reasons(
        self,
        i: int,
        effect: tuple[float, float] | None,
        first_reason: str,
        *,
        new: tuple[str, ...] = (),
        after_earlier: bool = False,
    ) -> tuple[str, ...]:
        """2 to 4 sentences: coverage, up to two more, and who to send it to first."""
        asset = self.assets[i]
        # (position in the text, sentence), most important first; two of them are kept.
        optional: list[tuple[int, str]] = []
        framing, split = self._framing_sentence(asset)
        if framing and split:
            optional.append((2, framing))
        seen, everyone = self._seen_sentence(asset)
        if seen and everyone:
            optional.append((5, seen))
        if new:
            optional.append((1, f"Adds {self._themes_text(new)}, which earlier picks leave out."))
        moved = _effect_sentence(effect, after_earlier) if effect else None
        if moved:
            optional.append((3, moved))
        stage = self._stage_sentence(asset)
        if stage:
            optional.append((4, stage))
        if framing and not split:
            optional.append((2, framing))
        if seen and not everyone:
            optional.append((5, seen))
        sentences = [(0, self._coverage_sentence(i)), *optional[:2], (6, first_reason)]
        sentences.sort(key=lambda item: item[0])
        return tuple(text for _, text in sentences)

    def _themes_text(self, slugs: Sequence[str], limit: int = 2) -> str:
        return _join([self.theme_name(s) for s in slugs[:limit]])

    def _coverage_sentence(self, i: int) -> str:
        columns = np.flatnonzero(self.mix[i])
        if not len(columns):
            return "Has no themes tagged, so it adds nothing to the group's story."
        by_need = sorted(columns.tolist(), key=lambda j: (-self.need[j], self.themes[j]))
        needed = [j for j in by_need if self.need[j] > 0]
        if not needed:
            listed = self._themes_text([self.themes[j] for j in by_need])
            return f"Covers {listed}, which nobody in this group has heard about or asked for yet."
        top = needed[0]
        share = float(self.common[top])
        widest = int(np.lexsort((np.arange(len(self.common)), -self.common))[0])
        splits_most = (
            int(np.lexsort((np.arange(len(self.contributions)), -self.contributions))[0])
            if self.contributions.max() > 0
            else -1
        )
        if top == widest and share > 0.5:
            what = "the theme most of the group already cares about"
        elif top == splits_most:
            what = "the theme that pulls the group apart most"
        elif share >= 0.5:
            what = f"a theme {_percent(share)} of the group already cares about or has heard"
        else:
            what = f"a theme {_percent(share)} of the group has heard or cares about"
        listed = [self.themes[j] for j in needed[:2]]
        if len(listed) == 1:
            return f"Covers {self.theme_name(listed[0])}, {what}."
        return f"Covers {self._themes_text(listed)}; {self.theme_name(listed[0])} is {what}."

    def _framing_sentence(self, asset: Candidate) -> tuple[str | None, bool]:
        """The sentence on framing and level, and whether it warns of a deeper split."""
        if asset.level == INDIVIDUALIZED:
            return "Written for one person: it would deepen the split.", True
        if asset.framing == "individual":
            return "Framed around one person's interests, which pulls the group apart.", True
        if asset.framing == "shared_problem":
            return "Frames the problem the whole group shares, not a product.", False
        if asset.framing == "solution" and self.before >= HIGH_DIVERGENCE:
            return "Pitches a solution while the group still disagrees on the problem.", False
        return None, False

    def _stage_sentence(self, asset: Candidate) -> str | None:
        label = asset.stage.replace("_", " ")
        if asset.stage == self.stage:
            return f"Fits the group's current buying job, {label}."
        fit = self._stage_fit(asset.stage)
        if asset.stage == CONSENSUS_STAGE and fit >= CONSENSUS_FIT * 0.5:
            return (
                f"Built for consensus creation, which a group this split needs "
                f"(divergence {_points(self.before)} of 100)."
            )
        if fit > 0:
            return f"Close to the group's current buying job ({label})."
        return None

    def _seen_sentence(self, asset: Candidate) -> tuple[str | None, bool]:
        """Who already received the asset, and whether that is everyone contactable."""
        contactable = [(i, m) for i, m in enumerate(self.people) if self.consent[i] > 0]
        seen = [(i, m) for i, m in contactable if asset.key in m.seen]
        if not seen:
            return None, False
        if len(seen) == len(contactable):
            return "Everyone you can contact has already received it.", True
        seen.sort(key=lambda item: (-self.influence[item[0]], item[1].key))
        others = len(contactable) - len(seen)
        rest = "the one other person has not" if others == 1 else f"the other {others} have not"
        if len(seen) <= 2:
            who = _join([m.name or m.key for _, m in seen])
            verb = "has" if len(seen) == 1 else "have"
            return f"{who} {verb} already received it; {rest}.", False
        return f"{len(seen)} people already received it; {rest}.", False
