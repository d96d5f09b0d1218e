"""HubSpot's buying roles and the spellings CRMs export them in."""

import pytest

from planner.buying_roles import (
    DEFAULT_REQUIRED_ROLES,
    ROLE_CHOICES,
    ROLE_LABELS,
    BuyingRole,
    parse_buying_role,
    role_label,
)


def test_choices_are_hubspots_labels_in_order():
    assert ROLE_CHOICES == (
        ("blocker", "Blocker"),
        ("budget_holder", "Budget Holder"),
        ("champion", "Champion"),
        ("decision_maker", "Decision Maker"),
        ("end_user", "End User"),
        ("executive_sponsor", "Executive Sponsor"),
        ("influencer", "Influencer"),
        ("legal_and_compliance", "Legal & Compliance"),
        ("other", "Other"),
    )
    assert [role.value for role in BuyingRole] == [value for value, _ in ROLE_CHOICES]
    assert BuyingRole.LEGAL_AND_COMPLIANCE.label == "Legal & Compliance"
    assert set(DEFAULT_REQUIRED_ROLES) <= set(ROLE_LABELS)
    assert role_label("budget_holder") == "Budget Holder"
    assert role_label("nonsense") == "Other"


@pytest.mark.parametrize(("value", "label"), ROLE_CHOICES)
def test_every_label_and_value_reads_back_without_warning(value, label):
    assert parse_buying_role(label) == (value, None)
    assert parse_buying_role(value) == (value, None)
    assert parse_buying_role(value.upper()) == (value, None)


@pytest.mark.parametrize(
    ("text", "value"),
    [
        ("legal and compliance", "legal_and_compliance"),
        ("Legal_Compliance", "legal_and_compliance"),
        ("LEGAL & COMPLIANCE", "legal_and_compliance"),
        ("decision-maker", "decision_maker"),
        ("  budget holder ", "budget_holder"),
        # Salesforce opportunity contact roles
        ("Economic Buyer", "budget_holder"),
        ("Economic Decision Maker", "decision_maker"),
        ("Business User", "end_user"),
        ("Evaluator", "influencer"),
        ("Technical Buyer", "influencer"),
        ("Executive Sponsor", "executive_sponsor"),
    ],
)
def test_other_spellings_and_salesforce_roles(text, value):
    assert parse_buying_role(text) == (value, None)


def test_empty_means_other_silently():
    assert parse_buying_role("") == ("other", None)
    assert parse_buying_role(" ; ") == ("other", None)


def test_several_roles_keep_the_first_recognised_one():
    assert parse_buying_role("Champion;Decision Maker") == ("champion", None)
    assert parse_buying_role("End User, Influencer") == ("end_user", None)


def test_unknown_roles_become_other_with_a_warning():
    assert parse_buying_role("Gatekeeper") == (
        "other",
        "Unknown buying role 'Gatekeeper' was recorded as Other.",
    )
    value, warning = parse_buying_role("Gatekeeper;Coach")
    assert value == "other"
    assert warning == "Unknown buying roles 'Gatekeeper', 'Coach' were recorded as Other."


def test_unknown_roles_beside_a_known_one_are_reported_but_the_known_one_kept():
    value, warning = parse_buying_role("Gatekeeper;Budget Holder;Champion")
    assert value == "budget_holder"
    assert warning == "Unknown buying role 'Gatekeeper' was ignored; kept Budget Holder."
