"""A kit document as it is stored (``ConsensusKit.document``, JSON) and read back, so a
share link's PDF is the version that was built, not today's analysis. Pure: no Django."""

from __future__ import annotations

import dataclasses
import json
from collections.abc import Mapping
from datetime import date
from typing import Any

from kits.content import KitAsset, KitDocument, KitMeasure, KitQuestion, KitStep, KitTerm


def document_json(document: KitDocument) -> dict:
    """The document as JSON data (dates as ISO text)."""
    return json.loads(json.dumps(dataclasses.asdict(document), default=str))


def document_from_json(data: Mapping[str, Any]) -> KitDocument:
    """A kit document back from the JSON it was stored as (``dataclasses.asdict`` with
    dates as ISO text). Fields a document built by an older version lacks take their
    defaults."""

    def texts(name: str) -> tuple[str, ...]:
        return tuple(str(item) for item in data.get(name) or ())

    def day(value: Any) -> date | None:
        return date.fromisoformat(str(value)[:10]) if value else None

    return KitDocument(
        title=str(data.get("title") or ""),
        account=str(data.get("account") or ""),
        version=int(data.get("version") or 1),
        prepared_by=str(data.get("prepared_by") or ""),
        prepared_on=day(data.get("prepared_on")) or date(2000, 1, 1),
        problem_statement=str(data.get("problem_statement") or ""),
        terms=tuple(
            KitTerm(term=str(t.get("term", "")), definition=str(t.get("definition", "")))
            for t in data.get("terms") or ()
        ),
        assets=tuple(
            KitAsset(**{k: str(a.get(k) or "") for k in KitAsset.__dataclass_fields__})
            for a in data.get("assets") or ()
        ),
        measures=tuple(
            KitMeasure(
                theme=str(m.get("theme", "")),
                people=tuple(tuple(str(part) for part in row) for row in m.get("people") or ()),
            )
            for m in data.get("measures") or ()
        ),
        framing=texts("framing"),
        questions=tuple(
            KitQuestion(role=str(q.get("role", "")), questions=tuple(map(str, q["questions"])))
            for q in data.get("questions") or ()
        ),
        disagreements=texts("disagreements"),
        bridges=texts("bridges"),
        plan=tuple(
            KitStep(
                step=str(p.get("step", "")), owner=str(p.get("owner", "")), due=day(p.get("due"))
            )
            for p in data.get("plan") or ()
        ),
        prepared_by_email=str(data.get("prepared_by_email") or ""),
        prepared_by_phone=str(data.get("prepared_by_phone") or ""),
    )
