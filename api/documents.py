"""The analysis document, cached like the group page: under the group's and the
organization's version tokens (bumped by every write, `workspace.page_cache`) and the
content library's fingerprint, for the day it is computed for. A write, a change to the
library or the planner settings, or the next day all make a new one."""

from __future__ import annotations

import hashlib
import json
import logging
from datetime import date

from django.core.cache import cache

from planner.models import BuyingGroup
from scoring.analysis import analyze, end_of_day
from workspace.page_cache import page_state, tokens

log = logging.getLogger(__name__)
KEEP_SECONDS = 60 * 60


def _key(group: BuyingGroup, day: date) -> str | None:
    try:
        group_token, organization_token = tokens(group.pk, group.organization_id)
    except Exception:  # the cache is down: compute every time
        log.warning("the analysis cache is unreachable", exc_info=True)
        return None
    parts = (
        group.pk,
        group_token,
        organization_token,
        page_state(group).library,
        group.updated_at.isoformat() if group.updated_at else "",
        day.isoformat(),
    )
    return "api:analysis:" + hashlib.sha256(repr(parts).encode()).hexdigest()[:40]


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
