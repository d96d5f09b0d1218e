"""Which files an asset may carry, checked by name and by content.

An upload is accepted when its extension is one of `FILE_TYPES` and its first bytes are
what that type starts with: ``%PDF-`` for PDF, a zip archive holding
``[Content_Types].xml`` for the Office formats, the PNG and JPEG signatures, and UTF-8
without NUL bytes for text and CSV. A "report.pdf" that is really an executable, or a
"deck.pptx" that is a renamed zip of anything, is refused with a message that says so.

Plain Python apart from the size limit, read from the ``ASSET_FILE_MAX_BYTES`` setting.
"""

from __future__ import annotations

import codecs
import zipfile
from dataclasses import dataclass
from typing import BinaryIO

from django.conf import settings

DEFAULT_MAX_BYTES = 20 * 1024 * 1024
_CHUNK = 64 * 1024


@dataclass(frozen=True)
class FileType:
    key: str  # stored in Asset.file_type
    label: str  # for people: "PDF", "PowerPoint"
    extensions: tuple[str, ...]
    content_type: str  # sent with downloads


FILE_TYPES: tuple[FileType, ...] = (
    FileType("pdf", "PDF", (".pdf",), "application/pdf"),
    FileType(
        "pptx",
        "PowerPoint",
        (".pptx",),
        "application/vnd.openxmlformats-officedocument.presentationml.presentation",
    ),
    FileType(
        "docx",
        "Word",
        (".docx",),
        "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    ),
    FileType(
        "xlsx",
        "Excel",
        (".xlsx",),
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    ),
    FileType("png", "PNG image", (".png",), "image/png"),
    FileType("jpeg", "JPEG image", (".jpg", ".jpeg"), "image/jpeg"),
    FileType("txt", "Text", (".txt",), "text/plain; charset=utf-8"),
    FileType("csv", "CSV", (".csv",), "text/csv; charset=utf-8"),
)
BY_KEY = {t.key: t for t in FILE_TYPES}
_BY_EXTENSION = {ext: t for t in FILE_TYPES for ext in t.extensions}
ALLOWED_EXTENSIONS = tuple(_BY_EXTENSION)
ALLOWED_LABEL = "PDF, PowerPoint (.pptx), Word (.docx), Excel (.xlsx), PNG, JPEG, text or CSV"


class UploadRefused(ValueError):
    """The file cannot be attached; ``str(error)`` is a sentence for the user."""


def max_bytes() -> int:
    return int(getattr(settings, "ASSET_FILE_MAX_BYTES", DEFAULT_MAX_BYTES))


def human_size(size: int) -> str:
    if size >= 1024 * 1024:
        return f"{size / (1024 * 1024):.1f} MB".replace(".0 MB", " MB")
    if size >= 1024:
        return f"{size / 1024:.0f} KB"
    return f"{size} bytes"


def _extension(name: str) -> str:
    dot = name.rfind(".")
    return name[dot:].lower() if dot > 0 else ""


def _is_office(file: BinaryIO, head: bytes) -> bool:
    if not head.startswith(b"PK\x03\x04"):
        return False
    try:  # reads the zip's directory only, never decompresses a member
        with zipfile.ZipFile(file) as archive:
            return "[Content_Types].xml" in archive.namelist()
    except (zipfile.BadZipFile, OSError, ValueError):
        return False


def _is_text(file: BinaryIO) -> bool:
    decoder = codecs.getincrementaldecoder("utf-8")()
    try:
        while chunk := file.read(_CHUNK):
            if b"\x00" in chunk:
                return False
            decoder.decode(chunk)
        decoder.decode(b"", final=True)
    except UnicodeDecodeError:
        return False
    return True


def _looks_like(file_type: FileType, file: BinaryIO, head: bytes) -> bool:
    if file_type.key == "pdf":
        return head.startswith(b"%PDF-")
    if file_type.key in ("pptx", "docx", "xlsx"):
        return _is_office(file, head)
    if file_type.key == "png":
        return head.startswith(b"\x89PNG\r\n\x1a\n")
    if file_type.key == "jpeg":
        return head.startswith(b"\xff\xd8\xff")
    return _is_text(file)


def check_upload(*, name: str, size: int, file: BinaryIO) -> FileType:
    """The type of an acceptable upload; raises `UploadRefused` saying why otherwise.

    ``file`` must be seekable; it is left at its start.
    """
    limit = max_bytes()
    if size <= 0:
        raise UploadRefused(f"{name} is empty.")
    if size > limit:
        raise UploadRefused(
            f"{name} is {human_size(size)}; files can be up to {human_size(limit)}."
        )
    file_type = _BY_EXTENSION.get(_extension(name))
    if file_type is None:
        raise UploadRefused(
            f"{name} is not a file type the library keeps. Attach a {ALLOWED_LABEL} file."
        )
    file.seek(0)
    head = file.read(16)
    file.seek(0)
    try:
        looks_right = _looks_like(file_type, file, head)
    finally:
        file.seek(0)
    if not looks_right:
        raise UploadRefused(
            f"{name} does not look like a {file_type.label} file inside, although its name "
            f"ends in {_extension(name)}. Save it again as a real {file_type.label} file."
        )
    return file_type
