"""`workspace.escaping.escape` writes exactly what `html.escape` writes, whether the text
was seen before or not, long or short, plain or lazy; and rows of display values whose
texts are escaped once and kept."""

import html
import pickle
from dataclasses import dataclass

from django.utils.functional import lazy
from django.utils.safestring import mark_safe
from hypothesis import given
from hypothesis import strategies as st

from workspace.escaping import SHORT, EscapedOnce, escape, escaped_rows

HOSTILE = [
    "",
    "Ana Ruiz",
    "<script>alert(1)</script>",
    'Tom & Jerry\'s "quotes"',
    "&amp; already escaped",
    "\u00e9l\u00e8ve <b>",
    "x" * (SHORT + 1) + "<>&\"'",
]


def test_every_text_comes_out_as_html_escape_writes_it_every_time():
    for _round in range(3):  # the first time computed, then remembered
        for text in HOSTILE:
            assert escape(text) == html.escape(text)
    assert escape("<b>") == "&lt;b&gt;"
    assert escape("\"'") == "&quot;&#x27;"


def test_text_marked_safe_is_escaped_all_the_same_and_lazy_text_too():
    assert escape(mark_safe("<i>")) == "&lt;i&gt;"
    assert escape("<i>") == "&lt;i&gt;"
    label = lazy(lambda: "R&D <team>", str)()
    assert escape(label) == "R&amp;D &lt;team&gt;"


@dataclass(frozen=True, slots=True)
class Row:
    pk: int
    name: str
    flag: bool
    chips: tuple


ROWS = [Row(1, '<b id="x">O\'Brien</b> & co', True, ("R&D", "<i>")), Row(2, "plain", False, ())]


def test_rows_keep_their_texts_escaped_once_and_do_not_pickle_them():
    rows = EscapedOnce(ROWS)
    escaped = rows.escaped
    assert escaped is rows.escaped  # worked out once, kept with the rows
    assert escaped == (
        Row(
            1,
            "&lt;b id=&quot;x&quot;&gt;O&#x27;Brien&lt;/b&gt; &amp; co",
            True,
            ("R&amp;D", "&lt;i&gt;"),
        ),
        Row(2, "plain", False, ()),
    )
    assert escaped_rows(ROWS) == escaped  # any other rows: worked out each time
    copied = pickle.loads(pickle.dumps(rows))  # noqa: S301 - our own bytes
    assert type(copied) is EscapedOnce and copied == rows and "escaped" not in vars(copied)
    assert copied.escaped == escaped


@given(st.text(), st.lists(st.text(), max_size=3))
def test_any_text_of_a_row_is_escaped(name, chips):
    row = Row(7, name, False, tuple(chips))
    (escaped,) = escaped_rows([row])
    assert escaped.name == html.escape(name)
    assert escaped.chips == tuple(html.escape(chip) for chip in chips)


def test_a_rows_lazy_or_safe_text_is_escaped_too():
    label = lazy(lambda: "R&D <team>", str)()
    (escaped,) = escaped_rows([Row(3, label, True, (mark_safe("<b>"), 2, None))])
    assert escaped == Row(3, "R&amp;D &lt;team&gt;", True, ("&lt;b&gt;", 2, None))


def test_a_row_of_one_field_is_escaped_too():
    @dataclass(frozen=True)
    class One:
        name: str

    assert escaped_rows([One("<b>")]) == (One("&lt;b&gt;"),)
