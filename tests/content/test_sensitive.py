"""The sensitive-data lint: what it flags, and the business copy it leaves alone."""

import csv
from pathlib import Path

import pytest

from content.sensitive import CATEGORIES, Finding, find_sensitive

DEMO_LIBRARY = Path(__file__).resolve().parents[2] / "content" / "demo" / "library.csv"


def flagged(text: str) -> list[tuple[str, str]]:
    return [(f.category, f.phrase) for f in find_sensitive(text)]


@pytest.mark.parametrize(
    ("text", "category", "phrase"),
    [
        ("She was diagnosed with cancer in May.", "health", "diagnosed with"),
        ("Dana is on sick leave until March.", "health", "on sick leave"),
        ("Worried about his mental health lately.", "health", "mental health"),
        ("Recovering from surgery.", "health", "surgery"),
        ("She is pregnant.", "pregnancy", "pregnant"),
        ("Back from maternity leave in June.", "pregnancy", "maternity"),
        ("Going through a messy divorce.", "family", "divorce"),
        ("He has two kids at home.", "family", "has two kids"),
        ("Asked about her marital status.", "family", "marital status"),
        ("A devout Muslim.", "religion", "Muslim"),
        ("He is Christian, like the CEO.", "religion", "Christian"),
        ("Asked about their ethnicity.", "ethnicity", "ethnicity"),
        ("Hispanic background.", "ethnicity", "Hispanic"),
        ("He is openly gay.", "sexuality", "gay"),
        ("Talked about her gender identity.", "sexuality", "gender identity"),
        ("Drowning in credit card debt.", "finances", "credit card debt"),
        ("His salary is below market.", "finances", "His salary"),
        ("Bad credit score.", "finances", "credit score"),
        ("Filed for bankruptcy in 2019.", "finances", "bankruptcy"),
        ("A trade union member.", "union", "trade union"),
        ("Active union rep on site.", "union", "union rep"),
        ("Votes Labour every time.", "politics", "Votes Labour"),
        ("A Republican donor.", "politics", "Republican"),
        ("Strong political views.", "politics", "political views"),
        ("He has a criminal record.", "criminal", "criminal record"),
        ("Was arrested last year.", "criminal", "arrested"),
        ("Convicted of fraud.", "criminal", "Convicted"),
        ("Uses a wheelchair.", "disability", "wheelchair"),
        ("Has a disability.", "disability", "disability"),
        ("She is partially blind.", "disability", "partially blind"),
        ("Diagnosed ADHD.", "disability", "ADHD"),
    ],
)
def test_it_flags_special_categories(text, category, phrase):
    assert (category, phrase) in flagged(text)


@pytest.mark.parametrize(
    "text",
    [
        "Run a health check of your data platform and watch the health score.",
        "System health dashboards for every pipeline.",
        "Healthcare providers cut reporting time by half.",
        "What an hour of downtime costs: the cost of downtime calculator.",
        "Pay down technical debt before the migration.",
        "Data residency in the European Union.",
        "Fix race conditions in your event pipeline.",
        "The connector is disabled until the next sync.",
        "Find the blind spots in your monitoring; run a blind test.",
        "Key custody with your own HSM.",
        "Sell with conviction.",
        "A conservative estimate of savings.",
        "The CFO votes for option B.",
        "Christian Meyer, CTO, signs off the budget.",
        "Parent and child pipelines, child processes.",
        "Calculate your savings and your income from new revenue.",
        "The report came out last week.",
        "Personal briefing for the CISO.",
        "Impregnable security for the union of all your data sources.",
    ],
)
def test_it_leaves_ordinary_business_copy_alone(text):
    assert flagged(text) == []


def test_the_demo_library_has_nothing_to_flag():
    with DEMO_LIBRARY.open(encoding="utf-8") as file:
        for row in csv.DictReader(file):
            assert flagged(f"{row['title']}\n{row['summary']}") == [], row["slug"]


def test_each_phrase_is_reported_once_in_order_of_appearance():
    text = "Divorced. Cancer. DIVORCED again, and cancer."
    assert find_sensitive(text) == (
        Finding("family", "Divorced", "“Divorced” may be about family or marital status."),
        Finding("health", "Cancer", "“Cancer” may be about a health or medical condition."),
    )


def test_findings_read_as_sentences_for_every_category():
    assert set(CATEGORIES) == {
        "health",
        "pregnancy",
        "family",
        "religion",
        "ethnicity",
        "sexuality",
        "finances",
        "union",
        "politics",
        "criminal",
        "disability",
    }
    (finding,) = find_sensitive("a  trade\nunion  member")
    assert finding.phrase == "trade union"  # spaces and line breaks collapsed
    assert str(finding) == "“trade union” may be about trade-union membership."


@pytest.mark.parametrize("text", ["", "   ", "\n"])
def test_empty_text_has_no_findings(text):
    assert find_sensitive(text) == ()
