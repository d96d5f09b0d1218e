"""`workspace.escaping.escape` writes exactly what `html.escape` writes, whether the text
was seen before or not, long or short, plain or lazy; `escape_all` too, for many texts."""

import html

from django.utils.functional import lazy
from django.utils.safestring import mark_safe
from hypothesis import given
from hypothesis import strategies as st

from workspace.escaping import SHORT, escape, escape_all

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


@given(st.lists(st.text()))
def test_many_texts_escaped_at_once_are_each_escaped(texts):
    """Whatever they hold (the separator included: then one by one)."""
    assert escape_all(texts) == [html.escape(text) for text in texts]


def test_a_list_of_hostile_names_is_escaped_at_once():
    names = ['<b id="x">O\'Brien</b> & co', "plain", "", "a\x00b"]
    assert escape_all(names) == [html.escape(name) for name in names]
    assert escape_all(names[:3]) == [html.escape(name) for name in names[:3]]
