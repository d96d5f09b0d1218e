"""The consensus kit as a PDF (Typst) and as text. Pure: no DB."""

import io
import re
import time
from datetime import date

import pypdf
import pytest
import typst

from kits.content import KitAsset, KitDocument, KitStep, KitTerm, person_facts
from kits.drafting import (
    asset_why,
    default_plan,
    discussion_guide,
    draft_problem_statement,
    draft_title,
    success_measures,
)
from kits.render import render_pdf, render_text

AYSE = "Ayşe Y\u0131lmaz"  # a Turkish dotless i
TODAY = date(2026, 11, 25)
THEMES = {
    "cost-of-downtime": "Cost of downtime",
    "predictive-maintenance": "Predictive maintenance",
    "integration": "Integration with MES",
    "security": "Security",
}
GROUND = [("cost-of-downtime", 0.86), ("predictive-maintenance", 0.64), ("security", 0.31)]
LINKS = {"cost-of-downtime": ["Unplanned downtime"]}
GLOSSARY = (
    KitTerm("Unplanned downtime", "Any stop of a line that was not on the schedule."),
    KitTerm("OEE", "Overall equipment effectiveness, per line and per shift."),
    KitTerm("MES", "The manufacturing execution system on the shop floor."),
)
# What the CRM knows about people, internal data included on purpose.
STAKEHOLDERS = [
    {
        "name": "Maria Chen",
        "title": "VP Operations",
        "role_label": "Decision Maker",
        "outcome": "Raise OEE on the Tilburg lines from 71% to 80%",
        "priorities": {"cost-of-downtime": 5},
        "stance": "supporter",
        "influence": 5,
        "notes": "Internal note: golf with our CEO, push hard in Q4",
    },
    {
        "name": "Jonas Weber",
        "title": "",
        "role_label": "Blocker",
        "outcome": "Zero audit findings on OT network access",
        "priorities": {"security": 5},
        "stance": "skeptic",
        "influence": 4,
        "notes": "Thinks we are overpriced; friction 0.83 with Maria",
    },
    {
        "name": AYSE,
        "title": "Plant Manager, Brno",
        "role_label": "End User",
        "outcome": "Fewer than 2 unplanned stops per line per month",
        "priorities": {"predictive-maintenance": 3},
        "stance": "neutral",
        "influence": 2,
        "notes": "",
    },
    {
        "name": "Priya Natarajan",
        "title": "",
        "role_label": "Influencer",
        "outcome": "A decision the plant teams stand behind",
        "priorities": {"integration": 2},
        "stance": "supporter",
        "influence": 3,
        "notes": "Strong influence on the CFO",
    },
]
SECRETS = ("golf with our CEO", "overpriced", "0.83", "Strong influence on the CFO")
INTERNAL = re.compile(
    r"\b(stances?|skeptic\w*|sceptic\w*|supporters?|influenc\w*|friction\w*|blockers?)\b",
    re.IGNORECASE,
)


def _squash(text: str) -> str:
    return " ".join(text.split())


def pdf_text(pdf: bytes) -> str:
    reader = pypdf.PdfReader(io.BytesIO(pdf))
    return _squash(" ".join(page.extract_text() for page in reader.pages))


def realistic_document(**changes) -> KitDocument:
    people = [person_facts(s) for s in STAKEHOLDERS]
    framing, questions, disagreements, bridges = discussion_guide(
        roles=[s["role_label"] for s in STAKEHOLDERS],
        common_ground=GROUND,
        divergent_themes=["security", "integration"],
        theme_names=THEMES,
        term_links=LINKS,
    )
    values = {
        "title": draft_title(
            account="Contoso Manufacturing",
            common_ground=GROUND,
            theme_names=THEMES,
            term_links=LINKS,
        ),
        "account": "Contoso Manufacturing",
        "version": 2,
        "prepared_by": "Dana Reyes",
        "prepared_on": TODAY,
        "problem_statement": draft_problem_statement(
            account="Contoso Manufacturing",
            common_ground=GROUND,
            theme_names=THEMES,
            glossary=GLOSSARY,
            term_links=LINKS,
        ),
        "terms": GLOSSARY,
        "assets": (
            KitAsset(
                title="The real cost of unplanned downtime",
                kind="Article",
                why=asset_why(
                    kind="article",
                    themes={"cost-of-downtime": 1},
                    common_ground=GROUND,
                    theme_names=THEMES,
                    term_links=LINKS,
                ),
                url="https://fabrikam.example/resources/cost-of-unplanned-downtime",
                summary="The four costs behind every stopped line.",
            ),
            KitAsset(
                title="Downtime cost calculator",
                kind="Calculator",
                why="One number the whole group can check.",
                url="https://fabrikam.example/calculator",
            ),
        ),
        "measures": success_measures(people, theme_names=THEMES),
        "framing": framing,
        "questions": questions,
        "disagreements": disagreements,
        "bridges": bridges,
        "plan": default_plan(today=TODAY, expected_close=date(2027, 1, 29)),
    }
    return KitDocument(**(values | changes))


@pytest.fixture(scope="module")
def document() -> KitDocument:
    return realistic_document()


@pytest.fixture(scope="module")
def pdf(document) -> bytes:
    return render_pdf(document)


def test_the_pdf_holds_every_section_of_the_kit(document, pdf):
    assert pdf.startswith(b"%PDF-")
    text = pdf_text(pdf)
    assert _squash(document.problem_statement) in text
    for term in document.terms:
        assert term.term in text
        assert _squash(term.definition) in text
    for asset in document.assets:
        assert asset.title in text
        assert asset.why in text
    for measure in document.measures:
        assert measure.theme in text
        for name, _role, outcome in measure.people:
            assert name in text
            assert outcome in text
    for step in document.plan:
        assert step.step in text
        assert f"{step.due.day} {step.due:%b} {step.due.year}" in text
    for heading in (
        "The problem we share",
        "Words we use",
        "What to read together",
        "How each of you will know it worked",
        "Guide for the champion",
        "Our mutual plan",
    ):
        assert heading in text
    assert "Prepared for the Contoso Manufacturing buying group" in text
    assert "A shared view of unplanned downtime" in text
    assert "v2 · 25 Nov 2026" in text
    assert re.search(r"Page 1 of \d", text)


def test_the_text_version_holds_the_same_sections(document):
    text = render_text(document)
    squashed = _squash(text)
    assert _squash(document.problem_statement) in squashed
    for term in document.terms:
        assert term.term in text
    for asset in document.assets:
        assert asset.title in text
        assert asset.url in text  # never wrapped: it stays clickable
    for measure in document.measures:
        for name, _role, outcome in measure.people:
            assert _squash(f"{name}") in squashed
            assert _squash(outcome) in squashed
    for step in document.plan:
        assert step.step in squashed
    headings = re.findall(r"^\d\. (.+)\n-+$", text, re.MULTILINE)
    assert headings == [
        "THE PROBLEM WE SHARE",
        "WORDS WE USE",
        "WHAT TO READ TOGETHER",
        "HOW EACH OF YOU WILL KNOW IT WORKED",
        "GUIDE FOR THE CHAMPION",
        "OUR MUTUAL PLAN",
    ]
    assert all(len(line) <= 78 or "://" in line for line in text.splitlines())


def test_neither_version_carries_internal_data(document, pdf):
    """The stakeholders above come with stances, influence levels, notes and a friction
    figure; none of it, and none of the internal vocabulary, reaches the customer."""
    for text in (pdf_text(pdf), render_text(document)):
        assert not INTERNAL.search(text), INTERNAL.search(text)
        for secret in SECRETS:
            assert secret not in text
    # The internal buying roles are shown by their outward names.
    text = render_text(document)
    assert "Decision maker" in text
    assert "Those who carry the risk" in text
    assert "Jonas Weber: Zero audit findings" in _squash(text)  # no role shown


def test_user_text_is_printed_literally_never_as_markup():
    tricky = r"Cost #1 is $5 *per* minute <script>alert(1)</script> C:\plant\line_2 `x` @ref"
    markup = '#panic("boom") #include "/etc/passwd" $x^2$ = [link]'
    doc = realistic_document(
        title=markup,
        problem_statement=tricky,
        terms=(KitTerm("Zoë's #term", "Ayşe said: 50% *less* downtime \\ \\n"),),
        assets=(KitAsset(title="<b>Bold?</b>", kind="Article", why=markup, url=""),),
        plan=(KitStep(step="Sign with 李伟 and Zoë", owner=AYSE, due=None),),
    )
    text = pdf_text(render_pdf(doc))
    for literal in (
        "Cost #1 is $5 *per* minute <script>alert(1)</script> C:\\plant\\line_2 `x` @ref",
        '#panic("boom") #include "/etc/passwd" $x^2$ = [link]',
        "Zoë's #term",
        "Ayşe said: 50% *less* downtime \\ \\n",
        "<b>Bold?</b>",
        AYSE,
        "To be agreed",
    ):
        assert literal in text
    plain = render_text(doc)
    assert tricky in plain
    assert "Sign with 李伟 and Zoë" in plain


def test_non_latin_names_print_with_the_shipped_fonts():
    doc = realistic_document(
        plan=(KitStep(step="Review with 李伟, Zoë and Ayşe", owner="Both", due=TODAY),)
    )
    text = pdf_text(render_pdf(doc))
    assert "Zoë and Ayşe" in text
    # The project ships a CJK font (kit_templates/fonts/), so this holds on every machine.
    assert "李伟" in text


def test_an_empty_kit_renders_and_leaves_empty_sections_out():
    doc = KitDocument(
        title="",
        account="Contoso",
        version=1,
        prepared_by="",
        prepared_on=TODAY,
        problem_statement="We are still naming the problem.",
    )
    text = pdf_text(render_pdf(doc))
    assert "We are still naming the problem." in text
    assert "Contoso: one shared view" in text
    for absent in ("Words we use", "What to read together", "know it worked", "mutual plan"):
        assert absent not in text
    assert "Guide for the champion" not in text  # nothing to guide with yet
    plain = render_text(doc)
    assert "GUIDE FOR THE CHAMPION" not in plain
    assert "WORDS WE USE" not in plain
    assert "OUR MUTUAL PLAN" not in plain
    assert "Prepared by" not in plain


def test_the_same_document_gives_the_same_pdf(document, pdf):
    assert render_pdf(document) == pdf


def test_a_large_kit_renders_quickly():
    people = [
        person_facts(
            {
                "name": f"Person {i} with a fairly long name",
                "title": "Director of Something Important" if i % 2 else "",
                "role_label": "End User",
                "outcome": f"Outcome {i}: " + "a measurable result that takes some words " * 3,
                "priorities": {list(THEMES)[i % 4]: 1},
            }
        )
        for i in range(12)
    ]
    assets = tuple(
        KitAsset(
            title=f"Asset {i}: a title long enough to wrap onto a second line in the card",
            kind="Case study",
            why="Shows how a similar team tackled unplanned downtime, a concern most of you share.",
            url=f"https://fabrikam.example/resources/{i}/" + "very-long-path-segment-" * 6,
            summary="A summary of a few sentences. " * 6,
        )
        for i in range(8)
    )
    doc = realistic_document(assets=assets, measures=success_measures(people, theme_names=THEMES))
    started = time.perf_counter()
    pdf = render_pdf(doc)
    text = render_text(doc)
    seconds = time.perf_counter() - started
    print(f"\n8 assets, 12 people: PDF and text in {seconds:.3f} s ({len(pdf)} bytes)")
    assert seconds < 3
    rendered = pdf_text(pdf)
    assert all(a.title in rendered for a in assets)
    assert "Person 11 with a fairly long name" in rendered
    assert "Asset 7" in text


def test_the_kit_font_ships_with_the_project():

    from kits.render import FONT_DIR

    fonts = typst.Fonts(
        include_system_fonts=False, include_embedded_fonts=True, font_paths=[str(FONT_DIR)]
    )
    assert "Liberation Sans" in fonts.families()
