"""Reading a CSV file named on the command line, with the same size limit as uploads."""

from pathlib import Path

from csvio.errors import CsvFileError


def read_csv_file(path: str, *, max_bytes: int) -> bytes:
    """The file's bytes; CsvFileError (a one-line reason) when missing or too large."""
    file = Path(path)
    if not file.is_file():
        raise CsvFileError(f"no such file: {path}")
    size = file.stat().st_size
    if size > max_bytes:
        raise CsvFileError(
            f"{path} is {size / 1_000_000:.1f} MB; the limit is {max_bytes / 1_000_000:g} MB"
        )
    return file.read_bytes()
