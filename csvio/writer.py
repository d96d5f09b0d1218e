"""Writing CSV files that are safe to open in a spreadsheet.

Plain Python, no Django. Spreadsheets run a cell that starts with = + - or @ as a formula
(and some also after a leading TAB or CR), so a stakeholder named "=HYPERLINK(...)" could
run code on the machine of whoever opens an export. Following OWASP's advice on CSV
injection, `safe_cell` puts a single apostrophe in front of *any* cell that starts with
one of those characters, numbers such as "-3" included: a spreadsheet shows the
apostrophe-prefixed text as plain text, and `unescape_cell` (used by the reader) removes
the apostrophe again, so an export imports back unchanged.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable, Sequence

FORMULA_TRIGGERS = ("=", "+", "-", "@", "\t", "\r")
UTF8_BOM = "\ufeff"


def safe_cell(value: object) -> str:
    """The text of ``value`` for a CSV cell (None -> ""), defused against formulas."""
    if value is None:
        return ""
    text = value if isinstance(value, str) else str(value)
    if text.startswith(FORMULA_TRIGGERS):
        return "'" + text
    return text


def unescape_cell(text: str) -> str:
    """Undo `safe_cell`: "'=SUM(A1)" -> "=SUM(A1)"; any other text is returned as is."""
    if len(text) > 1 and text[0] == "'" and text[1:].startswith(FORMULA_TRIGGERS):
        return text[1:]
    return text


def write_csv(
    headers: Sequence[str], rows: Iterable[Sequence[object]], *, bom: bool = False
) -> str:
    """An RFC 4180 CSV document: CRLF line endings, quotes only where needed, and every
    cell (headers too) passed through `safe_cell`. ``bom`` prepends a UTF-8 byte order
    mark, which makes Excel open the file as UTF-8."""
    buffer = io.StringIO()
    if bom:
        buffer.write(UTF8_BOM)
    writer = csv.writer(buffer, lineterminator="\r\n", quoting=csv.QUOTE_MINIMAL)
    writer.writerow([safe_cell(h) for h in headers])
    writer.writerows([safe_cell(cell) for cell in row] for row in rows)
    return buffer.getvalue()
