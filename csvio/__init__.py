"""Reading and writing the CSV files marketers bring from their CRM (plain Python, no Django).

- `csvio.reader`: bytes -> `Table` of stripped cells, or `CsvFileError` for the whole file.
- `csvio.fields`: one cell -> a clean value, or `FieldError` with a message for the user.
- `csvio.errors`: `Problem`, `CsvFileError`, `ParseResult` and the `ProblemLog` schemas use.
- `csvio.writer`: formula-safe CSV output.

The schemas that know the columns live with their apps (`planner.csv_schemas`,
`content.csv_schemas`) and import from here, never from each other.
"""

from csvio.errors import CsvFileError, ParseResult, Problem, ProblemLog
from csvio.fields import FieldError
from csvio.reader import Row, Table, read_table, read_table_from_text
from csvio.writer import safe_cell, write_csv

__all__ = [
    "CsvFileError",
    "FieldError",
    "ParseResult",
    "Problem",
    "ProblemLog",
    "Row",
    "Table",
    "read_table",
    "read_table_from_text",
    "safe_cell",
    "write_csv",
]
