"""Parsing one cell: numbers, choices, emails, dates, themes, slugs and web addresses."""

from datetime import UTC, datetime

import pytest

from csvio.fields import (
    FieldError,
    choice_lookup,
    format_theme_weights,
    parse_choice,
    parse_datetime,
    parse_email,
    parse_int,
    parse_slug,
    parse_theme_weights,
    parse_url,
    slugify_theme,
)


def error_of(parser, *args, **kwargs) -> str:
    with pytest.raises(FieldError) as caught:
        parser(*args, **kwargs)
    assert isinstance(caught.value, ValueError)
    return caught.value.message


def test_parse_int_range_default_and_message():
    assert parse_int("4", low=1, high=5, default=3) == 4
    assert parse_int(" 5.0 ", low=1, high=5, default=3) == 5
    assert parse_int("", low=1, high=5, default=3) == 3
    message = error_of(parse_int, "high", low=1, high=5, default=3)
    assert message == "must be a whole number from 1 to 5 (got 'high')"
    for bad in ("0", "6", "2.5", "inf", "nan", "1_0", "3,0"):
        error_of(parse_int, bad, low=1, high=5, default=3)
    assert "is empty" in error_of(parse_int, "", low=1, high=5)


STANCES = choice_lookup(
    [("supporter", "Supporter"), ("skeptic", "Skeptic"), ("unknown", "Unknown")],
    {"sceptic": "skeptic"},
)


def test_parse_choice_accepts_labels_case_and_separators():
    kinds = choice_lookup([("case_study", "Case study"), ("mass_customized", "Mass customized")])
    assert parse_choice("Case Study", kinds, label="kind") == "case_study"
    assert parse_choice("case-study", kinds, label="kind") == "case_study"
    assert parse_choice("MASS  customized", kinds, label="kind") == "mass_customized"
    assert parse_choice("Sceptic", STANCES, label="stance") == "skeptic"
    assert parse_choice("", STANCES, default="unknown", label="stance") == "unknown"


def test_parse_choice_messages_list_the_values():
    message = error_of(parse_choice, "fan", STANCES, default="unknown", label="stance")
    assert message == "must be a stance: supporter, skeptic or unknown (got 'fan')"
    assert error_of(parse_choice, "", STANCES, label="asset kind").startswith(
        "is empty; it must be an asset kind:"
    )


def test_parse_email():
    assert parse_email("  Ann.Lee+crm@Example.COM ") == "ann.lee+crm@example.com"
    assert parse_email("mailto:bo@x.io") == "bo@x.io"
    for bad in ("ann", "ann@", "@x.com", "ann@x", "ann@@x.com", "ann lee@x.com", "a..b@x.com"):
        assert "must be an email address" in error_of(parse_email, bad)
    assert "is empty" in error_of(parse_email, "")
    assert "254" in error_of(parse_email, "a@" + "b" * 250 + ".com")


def test_parse_datetime_date_alone_is_midnight_utc():
    assert parse_datetime("2026-03-05") == datetime(2026, 3, 5, tzinfo=UTC)


def test_parse_datetime_offsets_are_converted_to_utc():
    moment = parse_datetime("2026-03-05T01:30:00+02:00")
    assert moment == datetime(2026, 3, 4, 23, 30, tzinfo=UTC)
    assert moment.tzinfo is UTC
    assert parse_datetime("2026-03-05T14:30:00Z") == datetime(2026, 3, 5, 14, 30, tzinfo=UTC)
    assert parse_datetime("2026-03-05t14:30z") == datetime(2026, 3, 5, 14, 30, tzinfo=UTC)
    assert parse_datetime("2026-03-05 14:30") == datetime(2026, 3, 5, 14, 30, tzinfo=UTC)


def test_parse_datetime_refuses_what_is_not_iso_8601():
    for bad in ("3/5/2026", "45321", "2026-02-30", "yesterday", "2026-03-05T25:00"):
        assert "ISO 8601" in error_of(parse_datetime, bad)
    assert "too far" in error_of(parse_datetime, "0001-01-01T00:00+01:00")
    assert "is empty" in error_of(parse_datetime, " ")


def test_parse_theme_weights_edge_cases():
    assert parse_theme_weights("") == {}
    assert parse_theme_weights("  ;  ") == {}
    assert parse_theme_weights("cost-of-downtime:3;security:1") == {
        "cost-of-downtime": 3.0,
        "security": 1.0,
    }
    # Missing or empty weight is 1; case, spaces and underscores are normalised.
    assert parse_theme_weights("Security; Cost of_Downtime: ;roi:0.5;") == {
        "security": 1.0,
        "cost-of-downtime": 1.0,
        "roi": 0.5,
    }
    assert parse_theme_weights("a:1e1") == {"a": 10.0}


@pytest.mark.parametrize(
    ("text", "words"),
    [
        ("security:0", "positive number"),
        ("security:-1", "positive number"),
        ("security:inf", "positive number"),
        ("security:nan", "positive number"),
        ("security:high", "positive number"),
        ("security:1;Security:2", "given twice"),
        ("a:1,b:2", "separated by ';'"),
        ("security:1,5", "'.' for decimals"),
        ("a:1:2", "slug:weight"),
        (":3", "no theme name"),
        ("-:3", "empty theme name"),
        ("roi/calc:2", "not a valid theme"),
    ],
)
def test_parse_theme_weights_refusals(text, words):
    assert words in error_of(parse_theme_weights, text)


def test_format_theme_weights_round_trips():
    weights = {"cost-of-downtime": 3.0, "security": 1.0, "roi": 0.125}
    text = format_theme_weights(weights)
    assert text == "cost-of-downtime:3;security:1;roi:0.125"
    assert parse_theme_weights(text) == weights


def test_slugify_theme():
    assert slugify_theme("  Cost of  Downtime ") == "cost-of-downtime"
    assert slugify_theme("Sécurité_Réseau") == "securite-reseau"
    assert slugify_theme("--a--b--") == "a-b"
    assert "not a valid theme" in error_of(slugify_theme, "C++")
    assert "longer than 50" in error_of(slugify_theme, "x" * 51)
    assert "not a valid slug" in error_of(parse_slug, "roi/calc")
    assert "is empty" in error_of(parse_slug, "")


def test_parse_url():
    assert parse_url("") == ""
    assert parse_url(" https://example.com/roi?utm=1 ") == "https://example.com/roi?utm=1"
    assert parse_url("http://intranet:8080/a") == "http://intranet:8080/a"
    for bad in ("javascript:alert(1)", "ftp://x.com", "www.example.com", "https://", "http://a b"):
        assert "must be a web address" in error_of(parse_url, bad)
    assert "must be a web address" in error_of(parse_url, "http://x.com:99999/")
