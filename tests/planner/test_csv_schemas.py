"""Stakeholder, relationship and touch files: native, HubSpot and Salesforce."""

from datetime import UTC, datetime

import pytest

from csvio.errors import MAX_REPORTED_PROBLEMS
from csvio.reader import read_table, read_table_from_text
from planner.csv_schemas import (
    StakeholderRow,
    parse_relationships,
    parse_stakeholders,
    parse_touches,
)

NATIVE = (
    "email,name,title,buying_role,influence,stance,priorities,outcome\n"
    "ann@acme.test,Ann Lee,CFO,Budget Holder,5,skeptic,cost-of-downtime:3;security,Cut costs\n"
    "bo@acme.test,Bo Ng,Plant manager,end_user,,Supporter,,\n"
)

HUBSPOT = (
    '"Record ID","First Name","Last Name","Email","Phone Number","Contact owner",'
    '"Lifecycle Stage","Lead Status","Create Date","Job Title","Buying Role",'
    '"Associated Company"\r\n'
    '"101","Ann","Lee","Ann.Lee@Acme.test","+1 555 0100","Maya Marketer","Opportunity",'
    '"Open","2026-01-05 10:00","CFO","Budget Holder;Champion","Acme"\r\n'
    '"102","Bo","","bo@acme.test","","Maya Marketer","Lead","","2026-01-06 11:00",'
    '"IT lead","Gatekeeper","Acme"\r\n'
    '"103","","","cy@acme.test","","","","","","","",""\r\n'
)

SALESFORCE = (
    "Opportunity Name,Account Name,Contact: Full Name,Title,Email,Phone,Role,Primary,Contact ID\n"
    "Acme renewal,Acme,Ann Lee,CFO,ann@acme.test,555,Economic Buyer,1,003A\n"
    "Acme renewal,Acme,Bo Ng,Engineer,bo@acme.test,,Technical Buyer,0,003B\n"
    "Acme renewal,Acme,Cy Po,Counsel,cy@acme.test,,,0,003C\n"
)


def table(text: str):
    return read_table_from_text(text)


def messages(problems) -> list[str]:
    return [str(p) for p in problems]


def test_native_stakeholders():
    result = parse_stakeholders(table(NATIVE))
    assert result.ok
    assert result.format == "native"
    assert result.warnings == ()
    ann, bo = result.rows
    assert ann == StakeholderRow(
        line=2,
        email="ann@acme.test",
        name="Ann Lee",
        title="CFO",
        buying_role="budget_holder",
        influence=5,
        stance="skeptic",
        priorities={"cost-of-downtime": 3.0, "security": 1.0},
        outcome="Cut costs",
    )
    assert (bo.buying_role, bo.influence, bo.stance, dict(bo.priorities)) == (
        "end_user",
        3,
        "supporter",
        {},
    )
    assert result.columns == frozenset(
        {"email", "name", "title", "buying_role", "influence", "stance", "priorities", "outcome"}
    )


def test_header_names_ignore_case_and_spaces_and_extra_columns():
    text = " EMAIL , Buying Role ,Favourite Colour\nann@acme.test,champion,blue\n"
    result = parse_stakeholders(table(text))
    assert result.ok
    assert [(r.email, r.buying_role, r.name) for r in result.rows] == [
        ("ann@acme.test", "champion", "")
    ]
    assert result.columns == frozenset({"email", "buying_role"})


def test_hubspot_contact_export_is_recognised():
    result = parse_stakeholders(read_table(HUBSPOT.encode("utf-8-sig")))
    assert result.format == "hubspot"
    assert result.ok, messages(result.problems)
    assert [(r.line, r.email, r.name, r.title, r.buying_role) for r in result.rows] == [
        (2, "ann.lee@acme.test", "Ann Lee", "CFO", "budget_holder"),
        (3, "bo@acme.test", "Bo", "IT lead", "other"),
        (4, "cy@acme.test", "", "", "other"),
    ]
    assert messages(result.warnings) == [
        "Line 3, column Buying Role: unknown buying role 'Gatekeeper' was recorded as Other."
    ]
    assert result.columns == frozenset({"email", "name", "title", "buying_role"})


def test_salesforce_contact_roles_are_recognised():
    result = parse_stakeholders(table(SALESFORCE))
    assert result.format == "salesforce"
    assert result.ok
    assert [(r.name, r.title, r.buying_role) for r in result.rows] == [
        ("Ann Lee", "CFO", "budget_holder"),
        ("Bo Ng", "Engineer", "influencer"),
        ("Cy Po", "Counsel", "other"),
    ]


def test_salesforce_export_with_first_and_last_name():
    text = "First Name,Last Name,Title,Email,Role\nAnn,Lee,CFO,ann@acme.test,Business User\n"
    result = parse_stakeholders(table(text))
    assert result.format == "salesforce"
    assert [(r.name, r.buying_role) for r in result.rows] == [("Ann Lee", "end_user")]


def test_missing_email_column_is_one_problem_naming_the_columns_found():
    result = parse_stakeholders(table("Record ID,First Name,Last Name\n1,Ann,Lee\n2,Bo,Ng\n"))
    assert not result.ok
    assert result.rows == ()
    assert messages(result.problems) == [
        "Line 1: the column email is missing; the columns found are Record ID, First Name, "
        "Last Name."
    ]


def test_duplicate_emails_name_both_lines_whatever_the_case():
    text = "email,name\nann@acme.test,Ann\nbo@acme.test,Bo\nANN@acme.test,Ann again\n"
    result = parse_stakeholders(table(text))
    assert messages(result.problems) == [
        "Line 4, column email: ann@acme.test is already on line 2; "
        "each person can appear only once."
    ]


def test_every_problem_of_every_row_is_reported_sorted_by_line():
    text = (
        "email,name,influence,stance,priorities\n"
        "not-an-email,Ann,high,fan,security:0\n"
        "bo@acme.test,Bo,3,neutral,\n"
        ",Cy,9,,\n"
        "dee@acme.test,Dee,2,supporter,a:1\n"
        "eve@acme.test,Eve,1,unknown,x:1\n"
        "eve@acme.test,Eve,1,unknown,x:1\n"
    )
    result = parse_stakeholders(table(text))
    assert not result.ok
    assert [(p.line, p.column) for p in result.problems] == [
        (2, "email"),
        (2, "influence"),
        (2, "stance"),
        (2, "priorities"),
        (4, "email"),
        (4, "influence"),
        (7, "email"),
    ]
    assert str(result.problems[1]) == (
        "Line 2, column influence: must be a whole number from 1 to 5 (got 'high')."
    )
    # Rows without problems are still there for a preview.
    assert [r.email for r in result.rows] == ["bo@acme.test", "dee@acme.test", "eve@acme.test"]


def test_rows_with_too_many_values_are_problems_of_the_schema_too():
    result = parse_stakeholders(table("email,name\nann@acme.test,Lee, Ann\n"))
    assert [(p.line, p.column) for p in result.problems] == [(2, None)]


def test_too_long_text_is_refused():
    result = parse_stakeholders(table("email,title\nann@acme.test," + "x" * 151 + "\n"))
    assert messages(result.problems) == [
        "Line 2, column title: is 151 characters long; the limit is 150."
    ]


def test_reported_problems_are_capped():
    text = "email\n" + "nope\n" * (MAX_REPORTED_PROBLEMS + 10)
    result = parse_stakeholders(table(text))
    assert len(result.problems) == MAX_REPORTED_PROBLEMS
    assert str(result.problems[-1]) == "…and 11 more problems."


def test_header_only_file_is_ok_with_a_warning():
    result = parse_stakeholders(table("email,name\n"))
    assert result.ok
    assert result.rows == ()
    assert messages(result.warnings) == ["The file has no rows below the header."]


def test_a_used_column_given_twice_is_a_problem_but_an_unused_one_is_not():
    result = parse_stakeholders(table("Email,Notes,Notes\nann@acme.test,a,b\n"))
    assert result.ok
    result = parse_stakeholders(table("Email,Name,email\nann@acme.test,Ann,bo@acme.test\n"))
    assert messages(result.problems) == [
        "Line 1, column Email: this column name appears 2 times in the header "
        "(columns A and C); keep only one."
    ]


KNOWN = {"Ann@acme.test", "bo@acme.test", "cy@acme.test"}


def test_relationships():
    text = (
        "source_email,target_email,kind,strength\n"
        "ann@acme.test,bo@acme.test,Reports to,\n"
        "bo@acme.test,cy@acme.test,conflicts-with,5\n"
    )
    result = parse_relationships(table(text), known_emails=KNOWN)
    assert result.ok
    assert [(r.line, r.source_email, r.target_email, r.kind, r.strength) for r in result.rows] == [
        (2, "ann@acme.test", "bo@acme.test", "reports_to", 3),
        (3, "bo@acme.test", "cy@acme.test", "conflicts_with", 5),
    ]


def test_relationship_problems():
    text = (
        "source_email,target_email,kind,strength\n"
        "ann@acme.test,zed@acme.test,influences,3\n"
        "ann@acme.test,ann@acme.test,influences,3\n"
        "ann@acme.test,bo@acme.test,mentors,0\n"
        "ann@acme.test,bo@acme.test,influences,2\n"
        "ann@acme.test,bo@acme.test,influences,4\n"
    )
    result = parse_relationships(table(text), known_emails=KNOWN)
    assert messages(result.problems) == [
        "Line 2, column target_email: no stakeholder with email zed@acme.test in this group "
        "or in the stakeholders file.",
        "Line 3, column target_email: a person cannot have a relationship with themselves.",
        "Line 4, column kind: must be a relationship kind: reports_to, influences, "
        "collaborates or conflicts_with (got 'mentors').",
        "Line 4, column strength: must be a whole number from 1 to 5 (got '0').",
        "Line 6: the relationship ann@acme.test influences bo@acme.test is already on line 5; "
        "give each relationship once.",
    ]


def test_reversed_symmetric_relationship_is_skipped_with_a_warning():
    text = (
        "source_email,target_email,kind\n"
        "ann@acme.test,bo@acme.test,collaborates\n"
        "bo@acme.test,ann@acme.test,collaborates\n"
        "bo@acme.test,ann@acme.test,influences\n"
        "ann@acme.test,bo@acme.test,influences\n"
    )
    result = parse_relationships(table(text), known_emails=KNOWN)
    assert result.ok
    assert [r.line for r in result.rows] == [2, 4, 5]
    assert [p.line for p in result.warnings] == [3]


def test_relationships_need_their_columns():
    result = parse_relationships(table("source_email,strength\na@x.com,3\n"), known_emails=())
    assert messages(result.problems) == [
        "Line 1: the columns target_email and kind are missing; "
        "the columns found are source_email, strength."
    ]


ASSETS = {"roi-calculator", "downtime-study"}


def test_touches():
    text = (
        "email,occurred_at,channel,asset,themes\n"
        "ann@acme.test,2026-03-05,email,ROI Calculator,\n"
        "bo@acme.test,2026-03-05T09:30:00+02:00,call,,security:2;cost-of-downtime\n"
    )
    result = parse_touches(table(text), known_emails=KNOWN, known_assets=ASSETS)
    assert result.ok, messages(result.problems)
    first, second = result.rows
    assert (
        first.email,
        first.occurred_at,
        first.channel,
        first.asset_slug,
        dict(first.themes),
    ) == (
        "ann@acme.test",
        datetime(2026, 3, 5, tzinfo=UTC),
        "email",
        "roi-calculator",
        {},
    )
    assert second.occurred_at == datetime(2026, 3, 5, 7, 30, tzinfo=UTC)
    assert second.asset_slug is None
    assert dict(second.themes) == {"security": 2.0, "cost-of-downtime": 1.0}


def test_touch_problems_all_reported():
    text = (
        "email,occurred_at,channel,asset,themes\n"
        "ann@acme.test,2026-03-05,email,roi-calc,\n"
        "zed@acme.test,yesterday,call,,security:x\n"
    )
    result = parse_touches(table(text), known_emails=KNOWN, known_assets=ASSETS)
    assert messages(result.problems) == [
        "Line 2, column asset: no asset 'roi-calc' in the content library.",
        "Line 3, column email: no stakeholder with email zed@acme.test in this group or in "
        "the stakeholders file.",
        "Line 3, column occurred_at: must be a date or date and time in ISO 8601 form, like "
        "2026-03-05 or 2026-03-05T14:30:00Z (got 'yesterday').",
        "Line 3, column themes: theme security: the weight must be a positive number (got 'x').",
    ]


def test_touch_warnings_for_repeats_and_touches_that_carry_nothing():
    text = (
        "email,occurred_at,asset\n"
        "ann@acme.test,2026-03-05,downtime-study\n"
        "ann@acme.test,2026-03-05T00:00:00Z,downtime-study\n"
        "bo@acme.test,2026-03-06,\n"
    )
    result = parse_touches(table(text), known_emails=KNOWN, known_assets=ASSETS)
    assert result.ok
    assert [r.line for r in result.rows] == [2, 4]
    assert [(p.line, p.column) for p in result.warnings] == [(3, None), (4, "themes")]


@pytest.mark.parametrize("missing", ["email", "occurred_at"])
def test_touches_need_email_and_time(missing):
    columns = [c for c in ("email", "occurred_at", "asset") if c != missing]
    result = parse_touches(table(",".join(columns) + "\n"), known_emails=(), known_assets=())
    assert [p.line for p in result.problems] == [1]
    assert f"the column {missing} is missing" in str(result.problems[0])
