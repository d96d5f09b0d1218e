"""The consensus kit's content: what may leave the company, and the drafts. Pure: no DB."""

import dataclasses
import re
from datetime import date, datetime, timedelta

import pytest

from kits.content import (
    KitAsset,
    KitDocument,
    KitMeasure,
    KitQuestion,
    KitStep,
    KitTerm,
    PersonFacts,
    internal_words,
    person_facts,
    public_role,
)
from kits.drafting import (
    ACROSS_THE_GROUP,
    asset_why,
    default_plan,
    discussion_guide,
    draft_problem_statement,
    draft_title,
    kind_label,
    success_measures,
)

AYSE = "Ayşe Y\u0131lmaz"  # a Turkish dotless i
THEMES = {
    "cost-of-downtime": "Cost of downtime",
    "predictive-maintenance": "Predictive maintenance",
    "security": "Security",
    "sustainability": "Sustainability",
}
GROUND = [("cost-of-downtime", 0.86), ("predictive-maintenance", 0.64), ("security", 0.31)]
LINKS = {"cost-of-downtime": ["Unplanned downtime"]}
GLOSSARY = [
    KitTerm(term="OEE", definition="Overall equipment effectiveness."),
    KitTerm(term="Unplanned downtime", definition="A stop that was not on the schedule."),
]
INTERNAL = re.compile(
    r"\b(stances?|skeptic\w*|supporters?|influenc\w*|friction\w*|blockers?)\b", re.IGNORECASE
)


def _sentences(text: str) -> int:
    return len(re.findall(r"[.?!](\s|$)", text))


# ------------------------------------------------------------------ problem statement


def test_problem_statement_names_shared_themes_in_the_glossarys_words():
    text = draft_problem_statement(
        account="Contoso Manufacturing",
        common_ground=GROUND,
        theme_names=THEMES,
        glossary=GLOSSARY,
        term_links=LINKS,
    )
    assert "Contoso Manufacturing" in text
    # The linked glossary term replaces the theme's name; the next shared theme follows.
    assert "share one problem: unplanned downtime." in text
    assert "Cost of downtime" not in text
    assert "predictive maintenance" in text
    # Security is below half the group: it is not part of the shared problem.
    assert "security" not in text.lower()
    assert "“Unplanned downtime”" in text
    assert 2 <= _sentences(text) <= 4
    assert not re.search(r"\d", text), "no coverage figures in the customer's text"


def test_problem_statement_without_common_ground_invites_the_group_to_name_it():
    text = draft_problem_statement(
        account="Contoso", common_ground=[], theme_names={}, glossary=[], term_links=None
    )
    assert "Contoso" in text
    assert "not yet named one problem" in text
    assert 2 <= _sentences(text) <= 4


def test_problem_statement_with_a_weak_top_theme_speaks_of_several_people():
    text = draft_problem_statement(
        account="Contoso",
        common_ground=[("security", 0.3), ("sustainability", 0.1)],
        theme_names=THEMES,
        glossary=[],
    )
    assert "Several people at Contoso" in text
    assert "security" in text
    assert "sustainability" not in text
    assert 2 <= _sentences(text) <= 4


def test_title_uses_the_shared_problem_or_the_account():
    assert (
        draft_title(account="Contoso", common_ground=GROUND, theme_names=THEMES, term_links=LINKS)
        == "A shared view of unplanned downtime"
    )
    assert (
        draft_title(account="Contoso", common_ground=[("security", 0.2)], theme_names=THEMES)
        == "Contoso: one shared view"
    )
    # Acronyms keep their case inside a sentence.
    assert (
        draft_title(account="C", common_ground=[("oee", 0.9)], theme_names={"oee": "OEE"})
        == "A shared view of OEE"
    )


# ------------------------------------------------------------------ success measures


def test_success_measures_group_outcomes_under_each_persons_top_priority():
    people = [
        PersonFacts("Maria Chen", "VP Operations", "OEE from 71% to 80%", {"cost-of-downtime": 5}),
        PersonFacts("Tom Becker", "Budget Holder", "Spend -12%", {"cost-of-downtime": 4, "x": 1}),
        PersonFacts("Zoë Laurent", "Head of Maintenance", "40% planned work", {"security": 1}),
        PersonFacts("Jonas Weber", "Blocker", "Zero audit findings", {"security": 5}),
        PersonFacts("Nobody Measured", "End User", "", {"security": 5}),
        PersonFacts("Sofia Rossi", "Sustainability Lead", "Scrap -8%", {}),
        # A tie between two top themes goes to the first slug, whatever the dict order.
        PersonFacts(AYSE, "Plant Manager", "2 stops", {"security": 3, "cost-of-downtime": 3}),
    ]
    measures = success_measures(people, theme_names=THEMES)
    assert [m.theme for m in measures] == ["Cost of downtime", "Security", ACROSS_THE_GROUP]
    assert measures[0].people == (
        (AYSE, "Plant Manager", "2 stops"),
        ("Maria Chen", "VP Operations", "OEE from 71% to 80%"),
        ("Tom Becker", "Budget owner", "Spend -12%"),  # the outward name of the role
    )
    # "Blocker" is internal vocabulary: the person appears with no role at all.
    assert ("Jonas Weber", "", "Zero audit findings") in measures[1].people
    everyone = [p[0] for m in measures for p in m.people]
    assert "Nobody Measured" not in everyone
    assert measures[-1].people == (("Sofia Rossi", "Sustainability Lead", "Scrap -8%"),)


def test_success_measures_without_theme_names_show_slugs_in_words():
    measures = success_measures([PersonFacts("A", "CFO", "Margin", {"cost-of-downtime": 1})])
    assert measures[0].theme == "Cost of downtime"


def test_success_measures_ignore_unusable_priorities():
    person = PersonFacts("A", "CFO", "Margin", {"nan": float("nan"), "neg": -1, "ok": 0.5})
    assert dict(person.priorities) == {"ok": 0.5}
    assert success_measures([person])[0].theme == "Ok"


def test_public_role_hides_internal_labels_and_keeps_job_titles():
    assert public_role("Blocker") == ""
    assert public_role("blocker") == ""
    assert public_role("Influencer") == "Advisor"
    assert public_role("Budget Holder") == "Budget owner"
    assert public_role("legal_and_compliance") == "Legal & compliance"
    assert public_role("Chief Financial Officer") == "Chief Financial Officer"


# ------------------------------------------------------------------ discussion guide


def test_discussion_guide_asks_each_role_present_in_a_fixed_order():
    framing, questions, disagreements, bridges = discussion_guide(
        roles=["End User", "Blocker", "Decision Maker", "end_user", "Mystery role", "Influencer"],
        common_ground=GROUND,
        divergent_themes=["security", "sustainability"],
        theme_names=THEMES,
        term_links=LINKS,
    )
    assert [q.role for q in questions] == [
        "Decision maker",
        "Day-to-day users",
        "Advisors and evaluators",
        "Those who carry the risk",
        "Everyone else in the group",  # the unknown role
    ]
    for q in questions:
        assert len(q.questions) == 3
        assert all(text.endswith("?") or text.endswith("?”") for text in q.questions)
    # The questions speak of the problem the group shares, in the glossary's words.
    assert any("unplanned downtime" in text for q in questions for text in q.questions)
    assert any("unplanned downtime" in text for text in framing)
    assert framing[0].startswith("Open with the problem")
    # Where views differ: themes only.
    assert len(disagreements) == 2
    assert "security" in disagreements[0]
    assert "sustainability" in disagreements[1]
    assert any("security" in b and "unplanned downtime" in b for b in bridges)
    everything = " ".join([*framing, *disagreements, *bridges]) + " ".join(
        t for q in questions for t in (q.role, *q.questions)
    )
    assert not INTERNAL.search(everything)
    assert not re.search(r"\d", everything)


def test_discussion_guide_with_every_hubspot_role_has_nine_sets_of_questions():
    roles = [
        "Decision Maker",
        "Budget Holder",
        "Champion",
        "End User",
        "Legal & Compliance",
        "Executive Sponsor",
        "Influencer",
        "Blocker",
        "Other",
    ]
    _, questions, _, _ = discussion_guide(
        roles=roles, common_ground=[], divergent_themes=[], theme_names={}
    )
    assert len(questions) == 9
    assert questions[0].role == "Executive sponsor"
    assert len({q for item in questions for q in item.questions}) == 27  # no repeats
    # Without common ground the questions still read naturally.
    assert any("this problem" in q for item in questions for q in item.questions)


def test_discussion_guide_with_no_split_has_nothing_to_bridge():
    _, questions, disagreements, bridges = discussion_guide(
        roles=[], common_ground=GROUND, divergent_themes=[], theme_names=THEMES
    )
    assert questions == ()
    assert disagreements == ()
    assert bridges == ()


# ------------------------------------------------------------------ mutual plan


def test_default_plan_spreads_six_steps_until_the_close_date():
    today, close = date(2026, 11, 25), date(2027, 1, 29)
    plan = default_plan(today=today, expected_close=close)
    assert len(plan) == 6
    assert {s.owner for s in plan} == {"Your champion", "Us", "Both"}
    steps = " ".join(s.step for s in plan).lower()
    for word in ("problem", "kit", "workshop", "requirements", "decision", "contract"):
        assert word in steps
    dues = [s.due for s in plan]
    assert dues == sorted(dues)
    assert today < dues[0] and dues[-1] <= close
    assert dues[-1] >= close - timedelta(days=2)  # the last step lands on the close
    assert all(d.weekday() < 5 for d in dues)


@pytest.mark.parametrize("close", [None, date(2026, 11, 1), date(2026, 11, 25)])
def test_default_plan_without_a_future_close_runs_eight_weeks(close):
    today = date(2026, 11, 25)
    plan = default_plan(today=today, expected_close=close)
    dues = [s.due for s in plan]
    assert dues == sorted(dues)
    assert today < dues[0]
    assert timedelta(weeks=7) <= dues[-1] - today <= timedelta(weeks=8)
    assert all(d.weekday() < 5 for d in dues)


def test_default_plan_with_a_close_date_very_soon_stays_on_weekdays_after_today():
    today = date(2026, 11, 27)  # a Friday
    plan = default_plan(today=today, expected_close=date(2026, 11, 30))
    assert all(s.due > today and s.due.weekday() < 5 for s in plan)


# ------------------------------------------------------------------ assets


def test_asset_why_is_one_line_about_the_group_not_figures():
    why = asset_why(
        kind="calculator",
        themes={"cost-of-downtime": 2, "security": 1},
        common_ground=GROUND,
        theme_names=THEMES,
        term_links=LINKS,
    )
    assert (
        why == "Lets you put one shared number on unplanned downtime, a concern most of you share."
    )
    split = asset_why(
        kind="case_study",
        themes={"sustainability": 1},
        common_ground=GROUND,
        theme_names=THEMES,
        divergent_themes=["sustainability"],
    )
    assert (
        split
        == "Shows how a similar team tackled sustainability, where views in the group differ today."
    )
    assert asset_why(kind="article", themes={}, common_ground=GROUND, theme_names=THEMES)
    assert kind_label("case_study") == "Case study"
    assert kind_label("unknown") == "Reading"


# ------------------------------------------------------------------ the data model


def _document(**changes) -> KitDocument:
    values = {
        "title": "A shared view",
        "account": "Contoso",
        "version": 1,
        "prepared_by": "Dana",
        "prepared_on": date(2026, 11, 25),
        "problem_statement": "One problem.",
    }
    return KitDocument(**(values | changes))


FORBIDDEN_FIELDS = {"stance", "influence", "notes", "friction", "centrality", "divergence", "email"}


@pytest.mark.parametrize(
    "cls", [KitAsset, KitTerm, KitMeasure, KitQuestion, KitStep, KitDocument, PersonFacts]
)
def test_no_kit_class_has_a_field_for_internal_data(cls):
    names = {f.name for f in dataclasses.fields(cls)}
    assert not names & FORBIDDEN_FIELDS
    assert "__slots__" in vars(cls)  # instances have no __dict__ to hide extras in


def test_internal_data_cannot_be_attached_or_smuggled_in():
    with pytest.raises(TypeError):
        _document(stance="skeptic")
    with pytest.raises(TypeError):
        PersonFacts("A", "CFO", "Margin", {}, influence=5)
    doc = _document()
    with pytest.raises((AttributeError, TypeError)):
        doc.notes = "Internal: thinks we are too expensive"  # type: ignore[attr-defined]
    with pytest.raises(dataclasses.FrozenInstanceError):
        doc.title = "changed"  # type: ignore[misc]
    # Structured data where text belongs is refused, not printed.
    with pytest.raises(TypeError):
        KitMeasure(theme="Cost", people=(("A", {"stance": "skeptic"}, "Margin"),))
    with pytest.raises(TypeError):
        KitAsset(title="T", kind="Article", why={"friction": 0.83})  # type: ignore[arg-type]
    with pytest.raises(TypeError):
        _document(framing=("ok", 0.83))
    with pytest.raises(TypeError):
        _document(terms=({"term": "x", "definition": "y"},))


def test_person_facts_reads_a_stakeholder_through_an_allow_list():
    record = {
        "name": "Jonas Weber",
        "email": "jonas@contoso.example",
        "title": "",
        "role_label": "Blocker",
        "outcome": "Zero audit findings",
        "priorities": {"security": 5},
        "stance": "skeptic",
        "influence": 5,
        "notes": "Internal: calls us overpriced; friction 0.83 with Maria",
    }
    facts = person_facts(record)
    assert facts == PersonFacts("Jonas Weber", "Blocker", "Zero audit findings", {"security": 5})

    class Stakeholder:  # a model instance is read the same way, by attribute
        name = ""
        email = "li@contoso.example"
        title = "IT Director"
        role_label = "Influencer"
        outcome = "No new system"
        priorities = {"security": 1}
        stance = "supporter"
        notes = "secret"

    assert person_facts(Stakeholder()) == PersonFacts(
        "li@contoso.example", "IT Director", "No new system", {"security": 1}
    )
    # Everything a document built from these facts holds is free of the internal data.
    doc = _document(measures=success_measures([facts, person_facts(Stakeholder())]))
    flat = repr(dataclasses.asdict(doc))
    for secret in ("skeptic", "supporter", "overpriced", "0.83", "secret", "Blocker"):
        assert secret not in flat


def test_text_is_tidied_and_dates_are_dates():
    term = KitTerm(term="  OEE \n", definition="Overall\x00 equipment\teffectiveness")
    assert term == KitTerm("OEE", "Overall equipment effectiveness")
    doc = _document(problem_statement="First  line\r\nsame paragraph.\n\n\n\nSecond.\x07")
    assert doc.problem_statement == "First line same paragraph.\n\nSecond."
    assert KitStep("Sign", "Both", datetime(2027, 1, 4, 9, 30)).due == date(2027, 1, 4)
    with pytest.raises(TypeError):
        KitStep("Sign", "Both", "2027-01-04")  # type: ignore[arg-type]
    with pytest.raises(ValueError):
        _document(version=0)
    assert _document(framing=["a", "", " b "]).framing == ("a", "b")


def test_internal_words_flags_a_reps_edits():
    doc = _document(
        problem_statement="Our skeptics worry about cost; influence the CFO.",
        plan=(KitStep("Win over the blocker", "Us"),),
    )
    assert internal_words(doc) == ("skeptics", "influence", "blocker")
    assert internal_words(_document()) == ()
