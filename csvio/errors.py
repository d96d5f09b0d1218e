"""What can be wrong with an uploaded CSV file, in words a marketer understands.

Plain Python, no Django. A `Problem` is one thing wrong with one line (or cell) of a
file; a `CsvFileError` is raised when the file as a whole cannot be read. Schemas return
a `ParseResult`, built with a `ProblemLog` that sorts and caps what it collected.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

MAX_REPORTED_PROBLEMS = 200


@dataclass(frozen=True)
class Problem:
    """One thing wrong with a file: where it is, and what is wrong, in plain words.

    ``line`` is the file line where the record starts (the header is line 1), or None for
    the file as a whole; ``column`` is the header as written in the file, or None.
    ``message`` is written to follow "Line 4, column influence: " (lowercase start, no
    final full stop); ``str()`` gives the complete sentence.
    """

    line: int | None
    column: str | None
    message: str

    def __str__(self) -> str:
        message = self.message.strip()
        if message and message[-1] not in ".!?…":
            message += "."
        where = []
        if self.line is not None:
            where.append(f"Line {self.line}")
        if self.column:
            where.append(f"column {self.column}" if where else f"Column {self.column}")
        if not where:
            return message[:1].upper() + message[1:]
        return f"{', '.join(where)}: {message}"


class CsvFileError(Exception):
    """The file as a whole cannot be read; ``str(error)`` is a sentence for the user."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


@dataclass(frozen=True)
class ParseResult:
    """What a schema made of a table.

    ``rows`` holds the rows that parsed cleanly (frozen dataclasses, in file order), even
    when there are problems, so a preview can show them; callers write nothing unless
    ``ok``. ``problems`` refuse the file; ``warnings`` are shown but do not. Both are
    sorted by line and capped at `MAX_REPORTED_PROBLEMS` entries, the last of which then
    says how many more there were. ``format`` says which kind of export was recognised:
    "native", "hubspot" or "salesforce". ``columns`` names the schema fields the file has
    a column for (e.g. {"email", "name", "buying_role"} for a HubSpot export), so an
    importer can leave alone what a file does not mention.
    """

    rows: tuple
    problems: tuple[Problem, ...] = ()
    warnings: tuple[Problem, ...] = ()
    format: str = "native"
    columns: frozenset[str] = frozenset()

    @property
    def ok(self) -> bool:
        return not self.problems


class ProblemLog:
    """Collects every problem and warning of a parse, then sorts and caps them."""

    def __init__(self, *, limit: int = MAX_REPORTED_PROBLEMS) -> None:
        self.limit = limit
        self.problems: list[Problem] = []
        self.warnings: list[Problem] = []

    def problem(self, line: int | None, column: str | None, message: str) -> None:
        self.problems.append(Problem(line, column, message))

    def warning(self, line: int | None, column: str | None, message: str) -> None:
        self.warnings.append(Problem(line, column, message))

    def extend(self, problems: Iterable[Problem]) -> None:
        self.problems.extend(problems)

    def result(
        self,
        rows: Iterable[object],
        *,
        format: str = "native",
        columns: Iterable[str] = (),
    ) -> ParseResult:
        return ParseResult(
            rows=tuple(rows),
            problems=capped(self.problems, self.limit, "problem"),
            warnings=capped(self.warnings, self.limit, "warning"),
            format=format,
            columns=frozenset(columns),
        )


def capped(
    problems: Iterable[Problem], limit: int = MAX_REPORTED_PROBLEMS, noun: str = "problem"
) -> tuple[Problem, ...]:
    """Problems sorted by line (whole-file ones first), at most ``limit`` of them.

    When there are more, the first ``limit - 1`` are kept and a last entry says
    "…and N more problems".
    """
    ordered = sorted(problems, key=lambda p: -1 if p.line is None else p.line)
    if len(ordered) <= limit:
        return tuple(ordered)
    kept = ordered[: max(limit - 1, 0)]
    more = len(ordered) - len(kept)
    return (*kept, Problem(None, None, f"…and {more} more {noun}{'' if more == 1 else 's'}"))


@dataclass(frozen=True)
class FileProblem:
    """A problem (or warning) of one uploaded file, named by its file."""

    file: str
    problem: Problem

    def __str__(self) -> str:
        return f"{self.file}: {self.problem}"


@dataclass(frozen=True)
class RowAction:
    """What an import would do with one row: create, update (which fields) or nothing."""

    line: int
    action: str  # create | update | unchanged
    label: str
    changes: tuple[str, ...] = ()
