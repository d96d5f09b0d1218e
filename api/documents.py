"""The analysis document, cached under the group's version (`scoring.versions`: bumped by
every write, the content library's fingerprint, the planner settings), for the day it is
computed for. A write, a change to the library or the planner settings, or the next day
all make a new one. (An analysis as of the end of a given day, not "now": so not
`scoring.cached.current_analysis`.)"""

from __future__ import annotations

import json
import logging
from datetime import date

from django.core.cache import cache

from planner.models import BuyingGroup
from scoring.analysis import analyze, end_of_day
from scoring.versions import group_version

log = logging.getLogger(__name__)
KEEP_SECONDS = 60 * 60


def _key(group: BuyingGroup, day: date) -> str | None:
    version = group_version(group)
    if version is None:  # the cache is down: compute every time
        return None
    return f"api:analysis:{version}:{day.isoformat()}"


def analysis_json(group: BuyingGroup, *, day: date) -> str:
    """`analyze_group --format json --as-of DAY` for the group, as JSON text (kept so, the
    cached answer costs no serialising), from the cache if fresh."""
    key = _key(group, day)
    text = None
    if key:
        try:
            text = cache.get(key)
        except Exception:
            text = None
    if text is None:
        document = analyze(group, as_of=end_of_day(day)).document()
        text = json.dumps(document, ensure_ascii=False, allow_nan=False)
        if key:
            try:
                cache.set(key, text, timeout=KEEP_SECONDS)
            except Exception:
                log.warning("could not cache an analysis", exc_info=True)
    return text
