"""Formula-safe CSV output that reads back unchanged."""

from csvio.reader import read_table
from csvio.writer import safe_cell, unescape_cell, write_csv


def test_cells_that_a_spreadsheet_would_run_get_an_apostrophe():
    assert safe_cell('=HYPERLINK("http://evil")') == '\'=HYPERLINK("http://evil")'
    assert safe_cell("+1 555 0100") == "'+1 555 0100"
    assert safe_cell("-3") == "'-3"  # numbers too: OWASP's rule, no exceptions
    assert safe_cell(-3) == "'-3"
    assert safe_cell("@SUM(A1)") == "'@SUM(A1)"
    assert safe_cell("\t=1") == "'\t=1"
    assert safe_cell("\r=1") == "'\r=1"


def test_harmless_cells_are_unchanged():
    assert safe_cell(None) == ""
    assert safe_cell("") == ""
    assert safe_cell("Ann = CFO") == "Ann = CFO"
    assert safe_cell(3) == "3"
    assert safe_cell(0.5) == "0.5"
    assert safe_cell("'quoted") == "'quoted"


def test_unescape_undoes_only_our_escape():
    assert unescape_cell("'=1") == "=1"
    assert unescape_cell("'plain") == "'plain"
    assert unescape_cell("'") == "'"


def test_write_csv_is_rfc_4180_with_crlf_and_quotes_where_needed():
    text = write_csv(["email", "note"], [["ann@x.com", 'says "hi", twice'], ["bo@x.com", None]])
    assert text == 'email,note\r\nann@x.com,"says ""hi"", twice"\r\nbo@x.com,\r\n'


def test_write_csv_can_start_with_a_bom_for_excel():
    assert write_csv(["email"], [], bom=True) == "\ufeffemail\r\n"


def test_round_trip_through_the_reader_gives_back_every_value():
    rows = [
        ["=cmd|' /C calc'!A0", "-3", "Zoë Müller", "line one\nline two", "a,b"],
        ["@ann", "+44 20", "", '"quoted"', "\tleading tab"],
    ]
    text = write_csv(["one", "two", "three", "four", "five"], rows)
    for line in text.split("\r\n"):
        # No line that a spreadsheet reads as a cell start begins with a formula trigger.
        assert not line.startswith(("=", "+", "-", "@"))
    table = read_table(text.encode("utf-8"))
    assert [list(row.cells) for row in table.rows] == [
        ["=cmd|' /C calc'!A0", "-3", "Zoë Müller", "line one\nline two", "a,b"],
        ["@ann", "+44 20", "", '"quoted"', "leading tab"],  # cells are read stripped
    ]
    assert table.rows[1].line == 4  # the multi-line cell is counted
