"""Which files an asset may carry: extension and content must agree."""

import io
import zipfile

import pytest

from content.models import asset_file_path, safe_file_name
from content.uploads import UploadRefused, check_upload, human_size


def check(name: str, data: bytes):
    return check_upload(name=name, size=len(data), file=io.BytesIO(data))


def test_the_file_is_left_at_its_start():
    file = io.BytesIO(b"hello, world\n")
    assert check_upload(name="a.txt", size=13, file=file).key == "txt"
    assert file.read() == b"hello, world\n"


def test_text_is_checked_to_the_end_not_just_the_start():
    data = b"a" * 200_000 + b"\x00"
    with pytest.raises(UploadRefused, match="does not look like a Text file"):
        check("long.txt", data)


def test_a_utf8_character_split_across_chunks_is_fine():
    data = b"a" * (64 * 1024 - 1) + "é".encode() + b"\n"
    assert check("split.txt", data).key == "txt"


def test_an_office_file_needs_its_content_types():
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
    assert check("deck.pptx", buffer.getvalue()).key == "pptx"
    with pytest.raises(UploadRefused, match="does not look like a PowerPoint file"):
        check("deck.pptx", b"PK\x03\x04" + b"\x00" * 40)


def test_extensions_are_compared_without_case():
    assert check("SCAN.JPEG", b"\xff\xd8\xff\xdb....").key == "jpeg"


@pytest.mark.parametrize(
    ("size", "text"),
    [(512, "512 bytes"), (2048, "2 KB"), (20 * 1024 * 1024, "20 MB"), (1_500_000, "1.4 MB")],
)
def test_sizes_read_naturally(size, text):
    assert human_size(size) == text


@pytest.mark.parametrize(
    ("name", "safe"),
    [
        ("Q3 report (final).pdf", "Q3_report_final.pdf"),
        ("../../etc/passwd", "passwd"),
        ("C:\\Users\\me\\deck.pptx", "deck.pptx"),
        (".hidden.txt", "hidden.txt"),
        ("..", "file"),
        ("???", "file"),
        ("x" * 300 + ".pdf", "x" * 116 + ".pdf"),
    ],
)
def test_file_names_are_made_safe(name, safe):
    assert safe_file_name(name) == safe


def test_files_are_stored_per_organization_under_a_random_folder():
    from content.models import Asset

    first = asset_file_path(Asset(organization_id=7), "a b.pdf")
    second = asset_file_path(Asset(organization_id=7), "a b.pdf")
    assert first.startswith("assets/7/") and first.endswith("/a_b.pdf")
    assert first != second
