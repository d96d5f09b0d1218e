"""`workspace.escaping.escape` writes exactly what `html.escape` writes, whether the text
was seen before or not, long or short, plain or lazy."""

import html

from django.utils.functional import lazy
from django.utils.safestring import mark_safe

from workspace.escaping import SHORT, escape

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
