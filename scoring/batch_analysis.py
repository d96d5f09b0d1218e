"""The analyses of many groups from a few queries: what bulk rescoring computes a chunk of
groups with (`scoring.snapshots.snapshot_batch`).

`scoring.analysis.analyze` reads one group in about seven queries, and for a small group
building those queries costs more than the analysis itself. Here the same rows are read
for a whole batch of groups at once (planner settings and theme names of their
organizations, stakeholders, relationships, touches: five queries per batch, whatever its
size), then each group is analysed by `analyze` itself from its share of them: the result
is the one `analyze(group, as_of=as_of)` gives.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterator, Sequence
from datetime import datetime

from content.models import Theme
from planner.models import BuyingGroup, PlannerSettings, Relationship, Stakeholder, Touch
from planner.selectors import planner_settings
from scoring.analysis import GroupAnalysis, analyze, touch_columns
from scoring.group_map import group_map

# Groups read together: five queries for each batch, and at most this many groups' rows
# in memory at once.
READ_BATCH = 100


class _Rows:
    """What the analyses of one batch of groups read, by group (or organization)."""

    def __init__(self, groups: Sequence[BuyingGroup], as_of: datetime) -> None:
        ids = [group.pk for group in groups]
        organizations = {group.organization_id: group.organization for group in groups}
        found = PlannerSettings.objects.filter(organization_id__in=organizations)
        by_organization = {s.organization_id: s for s in found}
        self.settings = {  # an organization without a row: the defaults, as `analyze` has
            pk: by_organization.get(pk) or planner_settings(organization)
            for pk, organization in organizations.items()
        }
        self.theme_names: dict[int, dict[str, str]] = defaultdict(dict)
        themes = Theme.objects.filter(organization_id__in=organizations)
        for organization_id, slug, name in themes.values_list("organization_id", "slug", "name"):
            self.theme_names[organization_id][slug] = name
        self.stakeholders: dict[int, list[Stakeholder]] = defaultdict(list)
        people = Stakeholder.objects.filter(group_id__in=ids).order_by("group_id", "name", "email")
        for person in people:
            self.stakeholders[person.group_id].append(person)
        self.relationships: dict[int, list[Relationship]] = defaultdict(list)
        for tie in Relationship.objects.filter(group_id__in=ids).order_by("group_id", "pk"):
            self.relationships[tie.group_id].append(tie)
        self.touches: dict[int, list[tuple]] = defaultdict(list)
        rows, self.read_moment = _touch_rows(ids, as_of)  # see touch_columns
        for group_id, *row in rows:
            self.touches[group_id].append(row)


def _touch_rows(group_ids: list[int], as_of: datetime):
    """`scoring.analysis._touch_rows` for many groups: the same columns after the group's
    id, each group's rows in the same order (Touch's own: newest first)."""
    touches = Touch.objects.filter(group_id__in=group_ids, occurred_at__lte=as_of)
    return touch_columns(touches.order_by("group_id", "-occurred_at", "-pk"), leading=("group_id",))


def read_batch(groups: Sequence[BuyingGroup], *, as_of: datetime) -> _Rows:
    """Everything the analyses of `groups` (at most a few hundred) as of `as_of` read."""
    return _Rows(groups, as_of)


def analyze_from(rows: _Rows, group: BuyingGroup, *, as_of: datetime) -> GroupAnalysis:
    """`analyze(group, as_of=as_of)` from rows read by `read_batch` (no query)."""
    settings = rows.settings[group.organization_id]
    data = group_map(
        group,
        settings=settings,
        rows=(rows.stakeholders.get(group.pk, []), rows.relationships.get(group.pk, [])),
    )
    return analyze(
        group,
        as_of=as_of,
        settings=settings,
        data=data,
        touches=(rows.touches.get(group.pk, []), rows.read_moment),
        theme_names=dict(rows.theme_names.get(group.organization_id, {})),
    )


def batches(groups: Sequence[BuyingGroup]) -> Iterator[Sequence[BuyingGroup]]:
    for first in range(0, len(groups), READ_BATCH):
        yield groups[first : first + READ_BATCH]
