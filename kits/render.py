"""The consensus kit as a PDF (Typst) and as plain text. No Django.

The PDF is laid out by ``typst/kit.typ``; the document travels to it as one
JSON string in ``sys.inputs``, which the template reads with ``json()``, so no user text
is ever interpreted as Typst markup and nothing is escaped by hand. Both renderers show
the same sections, under the same headings, and omit the same empty ones.

Fonts: Typst's built-in fonts, the machine's fonts, and the files in
``typst/fonts/``: Liberation Sans ships there, so the kit looks the same on every
machine; add a CJK font there so names like 李伟 print where no such font is installed.
"""

from __future__ import annotations

import json
import textwrap
from collections.abc import Mapping
from datetime import UTC, date, datetime
from functools import cache
from pathlib import Path

import typst

from kits.content import KitDocument, phone_link

TEMPLATE_DIR = Path(__file__).resolve().parent / "typst"
TEMPLATE = TEMPLATE_DIR / "kit.typ"
FONT_DIR = TEMPLATE_DIR / "fonts"

# Headings and fixed sentences, shared by the PDF and the text version.
LABELS: dict[str, str] = {
    "kit": "Consensus kit",
    "problem": "The problem we share",
    "terms": "Words we use",
    "terms_intro": "One meaning for each word, so every team hears the same thing.",
    "assets": "What to read together",
    "assets_intro": "Chosen for the whole group, in the order we suggest reading them.",
    "open": "Open:",
    "measures": "How each of you will know it worked",
    "measures_intro": "One problem, measured the way each of you is measured.",
    "guide": "Guide for the champion",
    "guide_intro": "For the person bringing the group together: how to frame the problem, "
    "what to ask each role, and where views differ.",
    "framing": "How to frame the problem",
    "questions": "Questions to ask each role",
    "differ": "Where views differ, and how to bridge them",
    "where_differ": "Where views differ",
    "bridge": "How to bridge them",
    "no_differ": "Views in the group are close today. Keep using the shared words to keep "
    "it that way.",
    "plan": "Our mutual plan",
    "plan_intro": "Proposed steps and dates: we will adjust them together.",
    "step": "Step",
    "owner": "Owner",
    "date": "Date",
    "no_date": "To be agreed",
    "page": "Page",
    "of": "of",
    "contact": "Your contact",
    "email": "Email",
    "phone": "Phone",
    "file": "File:",
    "download": "Download:",
    "file_via_share": "open it from the link this kit was shared with",
}
_MONTHS = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")
_MONTHS_LONG = (
    "January",
    "February",
    "March",
    "April",
    "May",
    "June",
    "July",
    "August",
    "September",
    "October",
    "November",
    "December",
)


def short_date(day: date) -> str:
    """25 Nov 2026 (the same in every locale)."""
    return f"{day.day} {_MONTHS[day.month - 1]} {day.year}"


def long_date(day: date) -> str:
    return f"{day.day} {_MONTHS_LONG[day.month - 1]} {day.year}"


def _prepared_for(doc: KitDocument) -> str:
    return f"Prepared for the {doc.account} buying group" if doc.account else "Prepared for you"


def _meta(doc: KitDocument) -> str:
    parts = [f"Version {doc.version}", long_date(doc.prepared_on)]
    if doc.prepared_by:
        parts.append(f"Prepared by {doc.prepared_by}")
    return " · ".join(parts)


def _closing(doc: KitDocument) -> str:
    who = f" {doc.prepared_by}" if doc.prepared_by else " us"
    return f"Questions or changes? Talk to{who}: this kit is yours to edit and share."


def _contact(doc: KitDocument) -> dict:
    """The rep who built the kit, as the cover and the last page show them."""
    parts = [p for p in (doc.prepared_by, doc.prepared_by_email, doc.prepared_by_phone) if p]
    return {
        "name": doc.prepared_by,
        "email": doc.prepared_by_email,
        "phone": doc.prepared_by_phone,
        "tel": phone_link(doc.prepared_by_phone),
        "line": " · ".join(parts),
    }


def payload(doc: KitDocument, *, file_links: Mapping[str, str] | None = None) -> dict:
    """The JSON document the Typst template reads (all text; dates formatted here).
    `file_links`: asset file key -> the URL a reader downloads it from (a share link's);
    without one, an asset's file is named and said to come with the share link."""
    links = file_links or {}
    return {
        "labels": LABELS,
        "title": doc.title or f"{doc.account}: one shared view",
        "account": doc.account,
        "prepared_by": doc.prepared_by,
        "prepared_for": _prepared_for(doc),
        "meta": _meta(doc),
        "footer": f"v{doc.version} · {short_date(doc.prepared_on)}",
        "closing": _closing(doc),
        "contact": _contact(doc),
        "problem": doc.problem_statement.split("\n\n") if doc.problem_statement else [],
        "terms": [{"term": t.term, "definition": t.definition} for t in doc.terms],
        "assets": [
            {
                "title": a.title,
                "kind": a.kind,
                "why": a.why,
                "url": a.url,
                "summary": a.summary,
                "file": a.file_name,
                "file_url": links.get(a.file_key, "") if a.file_key else "",
            }
            for a in doc.assets
        ],
        "measures": [
            {
                "theme": m.theme,
                "people": [{"name": n, "role": r, "outcome": o} for n, r, o in m.people],
            }
            for m in doc.measures
            if m.people
        ],
        "framing": list(doc.framing),
        "questions": [
            {"role": q.role, "questions": list(q.questions)} for q in doc.questions if q.questions
        ],
        "disagreements": list(doc.disagreements),
        "bridges": list(doc.bridges),
        "plan": [
            {"step": s.step, "owner": s.owner, "due": short_date(s.due) if s.due else ""}
            for s in doc.plan
        ],
    }


@cache
def _fonts() -> typst.Fonts:
    """Built-in, system and project fonts, scanned once per process."""
    extra = [str(FONT_DIR)] if FONT_DIR.is_dir() else []
    return typst.Fonts(include_system_fonts=True, include_embedded_fonts=True, font_paths=extra)


def render_pdf(doc: KitDocument, *, file_links: Mapping[str, str] | None = None) -> bytes:
    """The kit as an A4 PDF (`file_links`: see :func:`payload`). The same document always
    gives the same bytes (the PDF's creation date is the kit's date)."""
    stamp = datetime(
        doc.prepared_on.year, doc.prepared_on.month, doc.prepared_on.day, 12, tzinfo=UTC
    )
    return typst.compile(
        str(TEMPLATE),
        root=str(TEMPLATE_DIR),
        font_paths=_fonts(),
        format="pdf",
        sys_inputs={"data": json.dumps(payload(doc, file_links=file_links), ensure_ascii=False)},
        timestamp=stamp,
    )


def render_pages_png(
    doc: KitDocument, *, ppi: float = 80, file_links: Mapping[str, str] | None = None
) -> list[bytes]:
    """Each page as a PNG (for previews and for looking at the layout)."""
    pages = typst.compile(
        str(TEMPLATE),
        root=str(TEMPLATE_DIR),
        font_paths=_fonts(),
        format="png",
        ppi=ppi,
        sys_inputs={"data": json.dumps(payload(doc, file_links=file_links), ensure_ascii=False)},
    )
    return pages if isinstance(pages, list) else [pages]


# ------------------------------------------------------------------------- text

WIDTH = 78


def _wrap(text: str, indent: str = "", first: str | None = None) -> list[str]:
    return textwrap.wrap(
        text,
        width=WIDTH,
        initial_indent=indent if first is None else first,
        subsequent_indent=indent,
        break_long_words=False,
        break_on_hyphens=False,
    ) or [(indent if first is None else first).rstrip()]


def _heading(number: int, title: str) -> list[str]:
    line = f"{number}. {title.upper()}"
    return ["", "", line, "-" * len(line), ""]


def _bullets(items: tuple[str, ...] | list[str], indent: str = "") -> list[str]:
    lines: list[str] = []
    for item in items:
        lines += _wrap(item, indent + "  ", first=indent + "- ")
    return lines


def render_text(doc: KitDocument, *, file_links: Mapping[str, str] | None = None) -> str:
    """The kit as plain text: the same sections as the PDF, wrapped at 78 columns."""
    links = file_links or {}
    data = payload(doc, file_links=links)
    title = data["title"]
    out: list[str] = [*_wrap(title), "=" * min(WIDTH, len(title)), data["prepared_for"]]
    out += _wrap(data["meta"])
    if data["contact"]["line"]:
        out += _wrap(f"{LABELS['contact']}: {data['contact']['line']}")
    number = 0

    def section(title: str) -> None:
        nonlocal number
        number += 1
        out.extend(_heading(number, title))

    section(LABELS["problem"])
    for i, paragraph in enumerate(data["problem"]):
        if i:
            out.append("")
        out += _wrap(paragraph)

    if doc.terms:
        section(LABELS["terms"])
        out += [*_wrap(LABELS["terms_intro"]), ""]
        for term in doc.terms:
            out.append(term.term)
            out += _wrap(term.definition, "    ")

    if doc.assets:
        section(LABELS["assets"])
        out += [*_wrap(LABELS["assets_intro"]), ""]
        for i, asset in enumerate(doc.assets, start=1):
            if i > 1:
                out.append("")
            head = asset.title + (f" ({asset.kind})" if asset.kind else "")
            out += _wrap(head, "   ", first=f"{i}. ".ljust(3))
            out += _wrap(asset.why, "   ")
            if asset.summary:
                for paragraph in asset.summary.split("\n\n"):
                    out += _wrap(paragraph, "   ")
            if asset.url:
                out.append(f"   {LABELS['open']} {asset.url}")
            if asset.file_name:
                url = links.get(asset.file_key) if asset.file_key else ""
                line = (
                    f"{LABELS['download']} {asset.file_name}: {url}"
                    if url
                    else f"{LABELS['file']} {asset.file_name}: {LABELS['file_via_share']}"
                )
                out += _wrap(line, "   ")

    if data["measures"]:
        section(LABELS["measures"])
        out += _wrap(LABELS["measures_intro"])
        for measure in data["measures"]:
            out += ["", measure["theme"]]
            for p in measure["people"]:
                who = f"{p['name']}, {p['role']}" if p["role"] else p["name"]
                out += _wrap(f"{who}: {p['outcome']}", "    ", first="  - ")

    if doc.framing or data["questions"] or doc.disagreements:
        section(LABELS["guide"])
        out += _wrap(LABELS["guide_intro"])
        if doc.framing:
            out += ["", LABELS["framing"], *_bullets(doc.framing, "  ")]
        if data["questions"]:
            out += ["", LABELS["questions"]]
            for q in data["questions"]:
                out += ["", "  " + q["role"], *_bullets(q["questions"], "    ")]
        out += ["", LABELS["differ"]]
        if doc.disagreements:
            out += ["", "  " + LABELS["where_differ"], *_bullets(doc.disagreements, "    ")]
            if doc.bridges:
                out += ["", "  " + LABELS["bridge"], *_bullets(doc.bridges, "    ")]
        else:
            out += _wrap(LABELS["no_differ"], "  ")

    if doc.plan:
        section(LABELS["plan"])
        out += [*_wrap(LABELS["plan_intro"]), ""]
        for i, step in enumerate(data["plan"], start=1):
            due = step["due"] or LABELS["no_date"]
            out += _wrap(step["step"], "     ", first=f"  {i}. ")
            out.append(f"     {LABELS['owner']}: {step['owner']} · {LABELS['date']}: {due}")

    out += ["", "", *_wrap(data["closing"])]
    contact = data["contact"]
    out += [f"{LABELS[k]}: {contact[k]}" for k in ("email", "phone") if contact[k]]
    out.append(f"v{doc.version} · {short_date(doc.prepared_on)}")
    return "\n".join(out).rstrip() + "\n"
