"""Finding a schema's columns in a read table, and the cells of one row by column: what the
import schemas (planner, content) parse rows with. Plain Python, no Django.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass
from typing import Any, TypeVar

from csvio.errors import Problem, ProblemLog
from csvio.fields import FieldError
from csvio.reader import Row, Table

T = TypeVar("T")


@dataclass(frozen=True)
class Column:
    """Where a schema found one of its columns."""

    position: int  # 0-based
    header: str  # as written in the file, for messages


def locate_columns(
    table: Table, spellings: Mapping[str, tuple[str, ...]], *, required: tuple[str, ...] = ()
) -> tuple[dict[str, Column], list[Problem]]:
    """Find a schema's columns: ``spellings`` maps each field to the header names it goes
    by, most preferred first (matched by `column_key`).

    Returns the columns found and the problems with the header: one naming every missing
    ``required`` field and the columns the file does have, and one per used column whose
    name appears more than once. Columns the schema does not name are ignored.
    """
    found: dict[str, Column] = {}
    problems: list[Problem] = []
    for name, names in spellings.items():
        positions = table.find(*names)
        if not positions:
            continue
        header = table.original_headers[positions[0]]
        found[name] = Column(positions[0], header)
        if len(positions) > 1:
            letters = _and_list(column_letter(p) for p in positions)
            problems.append(
                Problem(
                    table.header_line,
                    header,
                    f"this column name appears {len(positions)} times in the header "
                    f"(columns {letters}); keep only one",
                )
            )
    missing = [name for name in required if name not in found]
    if missing:
        present = [h for h in table.original_headers if h]
        shown = ", ".join(present[:15])
        if len(present) > 15:
            shown += f" and {len(present) - 15} more"
        if len(missing) == 1:
            what = f"the column {missing[0]} is missing"
        else:
            what = f"the columns {_and_list(missing)} are missing"
        problems.append(Problem(table.header_line, None, f"{what}; the columns found are {shown}"))
    return found, problems


def column_letter(position: int) -> str:
    """A spreadsheet's name for a 0-based column position: 0 -> "A", 27 -> "AB"."""
    letters = ""
    number = position + 1
    while number:
        number, remainder = divmod(number - 1, 26)
        letters = chr(ord("A") + remainder) + letters
    return letters


def _and_list(items: Iterator[str] | list[str]) -> str:
    values = list(items)
    if len(values) <= 1:
        return "".join(values)
    return ", ".join(values[:-1]) + " and " + values[-1]


class RowCells:
    """One row seen through a schema's columns; parse failures go to the log.

    ``failed`` turns true when any cell of the row had a problem, so the schema can leave
    the row out of its result while still reporting every problem of every row.
    """

    def __init__(self, row: Row, columns: Mapping[str, Column], log: ProblemLog) -> None:
        self.row = row
        self.columns = columns
        self.log = log
        self.failed = False

    def header(self, name: str) -> str:
        column = self.columns.get(name)
        return column.header if column else name

    def text(self, name: str, *, max_length: int | None = None) -> str:
        """The cell's stripped text ("" when the file has no such column)."""
        column = self.columns.get(name)
        value = self.row.cell(column.position) if column else ""
        if max_length is not None and len(value) > max_length:
            self.problem(name, f"is {len(value):,} characters long; the limit is {max_length:,}")
        return value

    def parse(self, name: str, parser: Callable[..., T], *args: Any, **kwargs: Any) -> T | None:
        """``parser(text, *args, **kwargs)``, or None after logging its `FieldError`."""
        try:
            return parser(self.text(name), *args, **kwargs)
        except FieldError as error:
            self.problem(name, error.message)
            return None

    def problem(self, name: str | None, message: str) -> None:
        self.failed = True
        self.log.problem(self.row.line, self.header(name) if name else None, message)

    def warning(self, name: str | None, message: str) -> None:
        self.log.warning(self.row.line, self.header(name) if name else None, message)


def start_parse(
    table: Table, spellings: Mapping[str, tuple[str, ...]], *, required: tuple[str, ...]
) -> tuple[dict[str, Column] | None, ProblemLog]:
    """What every schema does first: locate its columns and start a `ProblemLog` holding
    the header's problems, the table's own row problems, and a warning for a file with no
    rows. The columns are None when required ones are missing: there is nothing to parse.
    """
    log = ProblemLog()
    columns, header_problems = locate_columns(table, spellings, required=required)
    log.extend(header_problems)
    if any(name not in columns for name in required):
        return None, log
    log.extend(table.problems)
    if not table.rows:
        log.warning(None, None, "the file has no rows below the header")
    return columns, log
