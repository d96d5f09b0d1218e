"""Reading uploaded bytes into a table, and refusing files that are not CSV UTF-8."""

import pytest

from csvio.columns import column_letter, locate_columns
from csvio.errors import MAX_REPORTED_PROBLEMS, CsvFileError, Problem, ProblemLog
from csvio.reader import read_table, read_table_from_text


def refusal(data: bytes, **limits) -> str:
    with pytest.raises(CsvFileError) as caught:
        read_table(data, **limits)
    return str(caught.value)


def test_headers_are_normalised_and_values_stripped():
    table = read_table_from_text(
        "  Email , Buying   Role ,NAME\n ann@x.com , Champion ,  Ann Lee \n"
    )
    assert table.headers == ("email", "buying role", "name")
    assert table.original_headers == ("Email", "Buying   Role", "NAME")
    assert dict(table.rows[0].values) == {
        "email": "ann@x.com",
        "buying role": "Champion",
        "name": "Ann Lee",
    }
    assert table.rows[0].line == 2


def test_bom_and_crlf_are_accepted():
    table = read_table(b"\xef\xbb\xbfemail,name\r\nann@x.com,Ann\r\nbo@x.com,Bo\r\n")
    assert table.headers == ("email", "name")  # no BOM glued to the first header
    assert [(r.line, r.values["email"]) for r in table.rows] == [(2, "ann@x.com"), (3, "bo@x.com")]


def test_old_mac_cr_line_endings_are_accepted():
    table = read_table(b"email,name\rann@x.com,Ann\rbo@x.com,Bo")
    assert [(r.line, r.values["name"]) for r in table.rows] == [(2, "Ann"), (3, "Bo")]


def test_multi_line_quoted_cells_keep_their_text_and_later_line_numbers_stay_true():
    text = (
        "email,outcome\r\n"
        'ann@x.com,"Cut downtime\r\nby 20%,\r\nsay ""we did it"""\r\n'
        "bo@x.com,Ship faster\r\n"
    )
    table = read_table_from_text(text)
    ann, bo = table.rows
    assert ann.line == 2
    assert ann.values["outcome"] == 'Cut downtime\nby 20%,\nsay "we did it"'
    assert bo.line == 5  # the quoted cell spans lines 2 to 4


def test_blank_lines_and_rows_of_empty_cells_are_skipped_without_shifting_lines():
    table = read_table_from_text("email,name\n\nann@x.com,Ann\n,\n   \nbo@x.com,Bo\n\n")
    assert [(r.line, r.values["email"]) for r in table.rows] == [(3, "ann@x.com"), (6, "bo@x.com")]


def test_short_rows_read_missing_cells_as_empty_and_trailing_empty_cells_are_ignored():
    table = read_table_from_text("email,name,title\nann@x.com\nbo@x.com,Bo,CTO,,\n")
    assert dict(table.rows[0].values) == {"email": "ann@x.com", "name": "", "title": ""}
    assert table.rows[1].values["title"] == "CTO"
    assert table.problems == ()


def test_a_row_with_more_values_than_the_header_is_a_problem_naming_its_line():
    table = read_table_from_text("email,name\nann@x.com,Lee, Ann\nbo@x.com,Bo\n")
    assert [p.line for p in table.problems] == [2]
    assert "has 3 values but the header has 2 columns" in str(table.problems[0])
    assert str(table.problems[0]).startswith("Line 2: ")


def test_excel_workbook_is_refused_with_advice():
    message = refusal(b"PK\x03\x04\x14\x00\x06\x00" + b"\x00" * 40)
    assert "Excel workbook" in message
    assert "CSV UTF-8" in message


def test_old_excel_and_utf16_and_binary_files_are_refused():
    assert "old Excel workbook" in refusal(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1rest")
    assert "UTF-16" in refusal("email\nann@x.com\n".encode("utf-16"))
    assert "binary data (line 2)" in refusal(b"email\nann\x00@x.com\n")


def test_latin1_file_is_refused_naming_the_line_with_the_bad_byte():
    data = "email,name\nann@x.com,Ann\nzoe@x.com,Zoë Müller\n".encode("latin-1")
    message = refusal(data)
    assert "not UTF-8" in message
    assert "line 3" in message
    assert "'ë'" in message
    assert "CSV UTF-8" in message


def test_empty_files_are_refused():
    for data in (b"", b"\xef\xbb\xbf", b"\r\n\r\n  \n"):
        assert refusal(data) == "The file is empty."


def test_size_limit_names_both_sizes():
    assert refusal(b"x" * 3_400_000) == "The file is 3.4 MB; the limit is 2 MB."
    # Rounded up, so a file just over the limit never reads as exactly the limit.
    assert refusal(b"x" * 2_000_001) == "The file is 2.1 MB; the limit is 2 MB."
    assert (
        refusal(b"email\nann@x.com\n", max_bytes=10)
        == "The file is 16 bytes; the limit is 10 bytes."
    )


def test_row_limit_counts_data_rows_only():
    data = b"email\n" + b"a@x.com\n\n" * 3
    assert len(read_table(data, max_rows=3).rows) == 3
    assert "more than 2 rows; the limit is 2" in refusal(data, max_rows=2)


def test_header_row_without_names_is_refused():
    assert "has no column names" in refusal(b",,\nann@x.com,Ann,CFO\n")


def test_semicolon_separated_files_are_refused_with_advice():
    message = refusal(b"Email;Name\nann@x.com;Ann\n")
    assert "semicolons" in message
    assert "commas" in message


def test_excel_sep_hint_line_is_skipped_and_other_separators_refused():
    assert "not separated by commas" in refusal(b"sep=;\nemail;name\n")
    table = read_table(b"sep=,\nemail\nann@x.com\n")
    assert table.headers == ("email",)
    assert table.header_line == 2
    assert table.rows[0].line == 3


def test_unterminated_quote_is_refused_naming_the_line_where_it_opens():
    message = refusal(b'email,name\nann@x.com,Ann\nbo@x.com,"Bo\nzed@x.com,Zed\n')
    assert message.startswith("Line 3:")
    assert "never closed" in message


def test_text_after_a_closing_quote_is_refused():
    message = refusal(b'email,name\nann@x.com,"Ann" Lee\n')
    assert message.startswith("Line 2:")
    assert '""' in message


def test_duplicate_headers_are_kept_and_reported_only_for_columns_a_schema_uses():
    table = read_table_from_text("Email,Notes,Notes,Email\na@x.com,one,two,b@x.com\n")
    assert table.rows[0].values["notes"] == "one"  # the first column of a name wins
    assert table.rows[0].cells == ("a@x.com", "one", "two", "b@x.com")
    columns, problems = locate_columns(table, {"email": ("email",)}, required=("email",))
    assert columns["email"].position == 0
    assert [str(p) for p in problems] == [
        "Line 1, column Email: this column name appears 2 times in the header "
        "(columns A and D); keep only one."
    ]


def test_missing_required_columns_are_one_problem_listing_the_columns_found():
    table = read_table_from_text("Record ID,Phone Number\n1,555\n")
    spellings = {"email": ("email",), "kind": ("kind",), "note": ("note",)}
    columns, problems = locate_columns(table, spellings, required=("email", "kind"))
    assert columns == {}
    assert [str(p) for p in problems] == [
        "Line 1: the columns email and kind are missing; "
        "the columns found are Record ID, Phone Number."
    ]


def test_find_ignores_case_spaces_underscores_and_colons():
    table = read_table_from_text("Buying Role,Contact: Full Name\nChampion,Ann\n")
    assert table.find("buying_role") == (0,)
    assert table.find("full name", "contact_full_name") == (1,)
    assert table.find("role") == ()


def test_values_written_formula_safe_read_back_unchanged():
    table = read_table_from_text("name,score\n'=Ann,'-3\n'plain,x\n")
    assert dict(table.rows[0].values) == {"name": "=Ann", "score": "-3"}
    assert table.rows[1].values["name"] == "'plain"  # only our own escape is undone


def test_column_letters_match_spreadsheets():
    assert [column_letter(i) for i in (0, 25, 26, 27, 701, 702)] == [
        "A",
        "Z",
        "AA",
        "AB",
        "ZZ",
        "AAA",
    ]


def test_problem_sentences():
    assert (
        str(Problem(4, "influence", "must be a whole number from 1 to 5 (got 'high')"))
        == "Line 4, column influence: must be a whole number from 1 to 5 (got 'high')."
    )
    assert str(Problem(None, None, "the file has no rows")) == "The file has no rows."
    assert str(Problem(None, "kind", "is required")) == "Column kind: is required."
    assert str(Problem(3, None, "done.")) == "Line 3: done."


def test_problem_log_sorts_by_line_and_caps_with_a_count_of_the_rest():
    log = ProblemLog()
    for line in range(MAX_REPORTED_PROBLEMS + 50, 1, -1):
        log.problem(line, "email", "bad")
    log.problem(None, None, "whole file")
    result = log.result(())
    assert len(result.problems) == MAX_REPORTED_PROBLEMS
    assert result.problems[0].line is None
    assert [p.line for p in result.problems[1:4]] == [2, 3, 4]
    assert str(result.problems[-1]) == "…and 51 more problems."
    assert not result.ok
    assert ProblemLog().result(()).ok


def test_the_csv_layer_is_pure_python():
    import ast
    from pathlib import Path

    import content.csv_schemas
    import csvio
    import planner.buying_roles
    import planner.csv_schemas

    files = [*Path(csvio.__file__).parent.glob("*.py")]
    files += [Path(m.__file__) for m in (planner.buying_roles, planner.csv_schemas)]
    files.append(Path(content.csv_schemas.__file__))
    for file in files:
        tree = ast.parse(file.read_text())
        imported = {n.module or "" for n in ast.walk(tree) if isinstance(n, ast.ImportFrom)}
        imported |= {a.name for n in ast.walk(tree) if isinstance(n, ast.Import) for a in n.names}
        assert not [m for m in imported if m.split(".")[0] == "django"], file
