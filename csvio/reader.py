"""Reading an uploaded CSV file into a table of stripped text cells.

Plain Python, no Django. `read_table` turns the bytes a marketer uploaded into a `Table`
or raises `CsvFileError` with one sentence saying what is wrong with the file as a whole
and how to fix it. What it accepts: UTF-8 (with or without a BOM), commas between values,
double quotes around values that contain commas, quotes or line breaks (RFC 4180), CRLF,
LF or CR line endings, blank lines anywhere (skipped, also rows of empty cells such as
",,,"), and a first line "sep=," as Excel sometimes writes.

Decisions worth knowing:

- Line numbers are file lines: the header is line 1 (unless blank lines precede it) and a
  row's ``line`` is where its record starts, so a quoted cell spanning three lines moves
  the next row's number on by three.
- A row with *more* non-empty cells than the header has is not a whole-file error: it is
  recorded as a `Problem` in ``Table.problems`` (naming the line), so one upload reports
  every bad line at once. Extra cells that are empty (trailing commas) are ignored. A row
  with fewer cells than the header reads the missing ones as empty.
- Duplicate header names are not refused here: real CRM exports repeat the names of
  columns the app never reads. The first column of a name wins in ``Row.values``;
  schemas use `Table.find` and refuse a duplicate only for a column they use.
- A cell written by `csvio.writer.safe_cell` (an apostrophe before = + - @) is read back
  without the apostrophe, so an export imports again unchanged.
"""

from __future__ import annotations

import csv
import re
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from types import MappingProxyType
from typing import TypeVar

from csvio.errors import CsvFileError, Problem
from csvio.writer import unescape_cell

DEFAULT_MAX_BYTES = 2_000_000
DEFAULT_MAX_ROWS = 5_000

T = TypeVar("T")

_SAVE_AS_HINT = 'In Excel, use File > Save As > "CSV UTF-8 (Comma delimited)" and upload that file.'
_LINE = re.compile(r"[^\r\n]*(?:\r\n|\r|\n)|[^\r\n]+")
_SPACES = re.compile(r"\s+")
_KEY_NOISE = re.compile(r"[\s_\-.:]+")


@dataclass(frozen=True)
class Row:
    """One record: ``values`` maps each normalised header to its stripped cell."""

    line: int
    values: Mapping[str, str] = field(hash=False)
    cells: tuple[str, ...] = ()  # every cell by position, padded to the header's width

    def get(self, header: str, default: str = "") -> str:
        return self.values.get(normalise_header(header), default)

    def cell(self, position: int) -> str:
        return self.cells[position] if position < len(self.cells) else ""


@dataclass(frozen=True)
class Table:
    headers: tuple[str, ...]  # normalised: stripped, lowercased, inner whitespace collapsed
    original_headers: tuple[str, ...]  # stripped, as written in the file
    rows: tuple[Row, ...]
    problems: tuple[Problem, ...] = ()  # row-level problems found while reading
    header_line: int = 1

    def find(self, *spellings: str) -> tuple[int, ...]:
        """Positions of the columns named like the first spelling that is present.

        Names match by `column_key` (case, spaces, underscores, dashes, dots and colons
        ignored), so "Buying Role" matches "buying_role". Returns () when no spelling is
        present, and several positions when the header repeats that name.
        """
        keys = [column_key(h) for h in self.headers]
        for spelling in spellings:
            wanted = column_key(spelling)
            found = tuple(i for i, key in enumerate(keys) if key and key == wanted)
            if found:
                return found
        return ()


def normalise_header(name: str) -> str:
    """Stripped, lowercased, inner whitespace collapsed: "  Buying   Role " -> "buying role"."""
    return _SPACES.sub(" ", name.replace("\ufeff", "")).strip().lower()


def column_key(name: str) -> str:
    """How schemas compare header names: "Contact: Full Name" -> "contactfullname"."""
    return _KEY_NOISE.sub("", normalise_header(name))


def read_table_from_text(
    text: str, *, max_bytes: int = DEFAULT_MAX_BYTES, max_rows: int = DEFAULT_MAX_ROWS
) -> Table:
    """`read_table` for text already in memory (tests, fixtures): encodes it as UTF-8."""
    return read_table(text.encode("utf-8"), max_bytes=max_bytes, max_rows=max_rows)


def read_table(
    data: bytes, *, max_bytes: int = DEFAULT_MAX_BYTES, max_rows: int = DEFAULT_MAX_ROWS
) -> Table:
    """Read an uploaded CSV file; raise `CsvFileError` when it cannot be read as a whole."""
    if len(data) > max_bytes:
        raise CsvFileError(
            f"The file is {_size(len(data), up=True)}; the limit is {_size(max_bytes)}."
        )
    _refuse_binary(data)
    if data.startswith(b"\xef\xbb\xbf"):
        data = data[3:]
    text = _decode(data)
    if not text.strip():
        raise CsvFileError("The file is empty.")

    records = _records(text)
    header_line, header_cells = _header(records)
    original = tuple(cell.strip() for cell in header_cells)
    headers = tuple(normalise_header(cell) for cell in original)
    if not any(headers):
        raise CsvFileError(
            f"The header row (line {header_line}) has no column names; the first line "
            "must name the columns, for example: email,name,title."
        )
    if len(headers) == 1 and (";" in original[0] or "\t" in original[0]):
        separator = "semicolons" if ";" in original[0] else "tabs"
        raise CsvFileError(
            f"The values in this file are separated by {separator}; this app needs commas. "
            + _SAVE_AS_HINT
        )

    first_position = {}
    for position, name in enumerate(headers):
        if name:
            first_position.setdefault(name, position)
    width = len(headers)

    rows: list[Row] = []
    problems: list[Problem] = []
    for line, cells in records:
        stripped = [_clean(cell) for cell in cells]
        if not any(stripped):
            continue
        if len(rows) >= max_rows:
            raise CsvFileError(
                f"The file has more than {max_rows:,} rows; the limit is {max_rows:,}. "
                "Split it into smaller files."
            )
        if len(stripped) > width:
            extra = stripped[width:]
            if any(extra):
                problems.append(
                    Problem(
                        line,
                        None,
                        f"has {len(stripped)} values but the header has {width} columns "
                        "(a value containing a comma must be put in double quotes)",
                    )
                )
            stripped = stripped[:width]
        elif len(stripped) < width:
            stripped.extend([""] * (width - len(stripped)))
        values = {name: stripped[position] for name, position in first_position.items()}
        rows.append(Row(line=line, values=MappingProxyType(values), cells=tuple(stripped)))

    return Table(
        headers=headers,
        original_headers=original,
        rows=tuple(rows),
        problems=tuple(problems),
        header_line=header_line,
    )


def _clean(cell: str) -> str:
    value = unescape_cell(cell.strip())
    if "\r" in value:
        value = value.replace("\r\n", "\n").replace("\r", "\n")
    return value.strip()


def _header(records: Iterator[tuple[int, list[str]]]) -> tuple[int, list[str]]:
    """The first record that is not a blank line (a row of empty cells is a header row
    with no names, not a blank line: the caller refuses it)."""
    for line, cells in records:
        if len(cells) <= 1 and not "".join(cells).strip():
            continue
        hint = ",".join(cells).strip().lower()
        if line == 1 and hint == "sep=,":
            continue  # Excel's hint line
        if line == 1 and hint in ("sep=;", "sep=\t"):
            raise CsvFileError(
                "The values in this file are not separated by commas; this app needs commas. "
                + _SAVE_AS_HINT
            )
        return line, cells
    raise CsvFileError("The file is empty.")


def _records(text: str) -> Iterator[tuple[int, list[str]]]:
    """Yield (line where the record starts, cells) for every record, blank ones included."""
    lines = (match.group() for match in _LINE.finditer(text))
    reader = csv.reader(lines, strict=True)
    start = 1
    while True:
        try:
            cells = next(reader)
        except StopIteration:
            return
        except csv.Error as error:
            raise CsvFileError(_syntax_message(str(error), start, reader.line_num)) from None
        yield start, cells
        start = reader.line_num + 1


def _syntax_message(error: str, start: int, line: int) -> str:
    if "unexpected end of data" in error:
        return (
            f'Line {start}: a value opened with a double quote (") is never closed. '
            'Check that line for a missing ", or write a " inside a quoted value as "".'
        )
    if "expected after" in error:
        return (
            f'Line {line}: a closing double quote (") must be followed by a comma or the end '
            'of the line; to put a " inside a quoted value, write it twice ("").'
        )
    if "field larger than field limit" in error:
        return (
            f"Line {start}: a value is longer than {csv.field_size_limit():,} characters, "
            'usually because a double quote (") opened there is never closed.'
        )
    return f"Line {line}: this line cannot be read as CSV ({error})."


def _refuse_binary(data: bytes) -> None:
    if not data:
        raise CsvFileError("The file is empty.")
    if data.startswith(b"PK\x03\x04"):
        raise CsvFileError(
            "This looks like an Excel workbook (.xlsx), not a CSV file; export it as "
            "CSV UTF-8. " + _SAVE_AS_HINT
        )
    if data.startswith(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"):
        raise CsvFileError(
            "This looks like an old Excel workbook (.xls), not a CSV file; export it as "
            "CSV UTF-8. " + _SAVE_AS_HINT
        )
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        raise CsvFileError(
            'The file is saved as UTF-16 ("Unicode Text"); this app needs CSV UTF-8. '
            + _SAVE_AS_HINT
        )
    nul = data.find(b"\x00")
    if nul != -1:
        raise CsvFileError(
            f"The file contains binary data (line {_line_of(data, nul)}), so it is not a "
            "CSV text file. " + _SAVE_AS_HINT
        )


def _decode(data: bytes) -> str:
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError as error:
        bad = data[error.start : error.start + 1]
        try:
            guess = f", probably '{bad.decode('cp1252')}' in a Windows or Latin-1 encoding"
        except UnicodeDecodeError:
            guess = ""
        raise CsvFileError(
            f"The file is not UTF-8 text: line {_line_of(data, error.start)} has the byte "
            f"0x{bad.hex().upper()}{guess}. Save the file as CSV UTF-8. " + _SAVE_AS_HINT
        ) from None


def _line_of(data: bytes, offset: int) -> int:
    before = data[:offset]
    return before.count(b"\n") + before.count(b"\r") - before.count(b"\r\n") + 1


def _size(size: int, *, up: bool = False) -> str:
    """1_500_000 -> "1.5 MB", 2_000_000 -> "2 MB"; ``up`` rounds up so a too-large file
    never reads as exactly the limit."""
    for unit, scale in (("MB", 1_000_000), ("KB", 1_000)):
        if size >= scale:
            tenths = -(-size * 10 // scale) if up else round(size * 10 / scale)
            number = f"{tenths / 10:.1f}".removesuffix(".0")
            return f"{number} {unit}"
    return f"{size} bytes"


def table_from_records(
    headers: Sequence[str], records: Sequence[Mapping[str, str]], *, first_line: int = 0
) -> Table:
    """A `Table` made of records that did not come from a file (an API call's JSON list),
    so they are checked by the very same schema as an upload. Each record's ``line`` is
    its position in the list (from ``first_line``); missing cells read as empty."""
    names = tuple(normalise_header(h) for h in headers)
    rows = tuple(
        Row(
            line=first_line + index,
            values=MappingProxyType(
                {n: str(record.get(h, "")).strip() for h, n in zip(headers, names, strict=True)}
            ),
            cells=tuple(str(record.get(h, "")).strip() for h in headers),
        )
        for index, record in enumerate(records)
    )
    return Table(
        headers=names, original_headers=tuple(headers), rows=rows, header_line=first_line - 1
    )
