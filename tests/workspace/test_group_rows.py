"""The group page's rows (People table, relationships, latest touches) are written in
Python (workspace.rows, workspace/templatetags/group_rows.py): byte for byte what the
template loops drew before, which are kept here as the reference, for any text people
type (hostile markup included), either role, any time zone and under a script prefix."""

from datetime import UTC, datetime
from zoneinfo import ZoneInfo

import pytest
from django.template import engines
from django.urls import reverse, set_script_prefix
from django.utils import timezone
from django.utils.html import format_html
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from content.models import Asset
from planner.models import Relationship, RelationshipKind, Stakeholder, Stance, Touch
from workspace import rows
from workspace.templatetags import group_rows

# The loops as the templates had them (templates/workspace/_people_table.html and the
# relationships and touches of templates/workspace/group_detail.html), on model objects.
PEOPLE_LOOP = """{% load themes %}{% for person in people %}
      <tr>
        <td><strong>{{ person.name|default:person.email }}</strong>{% if person.email in data.insights.brokers %} <span class="badge">broker</span>{% endif %}{% if not person.consent %} <span class="badge badge--warning">no consent</span>{% endif %}<br><span class="muted small">{{ person.title|default:person.email }}</span></td>
        <td data-label="Buying role">{{ person.role_label }}</td>
        <td data-label="Influence"><span class="influence" aria-label="{{ person.influence }} of 5">{{ person.influence }}/5</span></td>
        <td data-label="Stance"><span class="stance stance--{{ person.stance }}">{{ person.get_stance_display }}</span></td>
        <td data-label="Priorities">{% for slug, weight in person.priorities.items %}<span class="chip">{{ slug|theme_name:theme_names }}</span> {% empty %}<span class="muted">—</span>{% endfor %}</td>
        <td data-label="Measured on">{{ person.outcome|default:"—" }}</td>
        <td class="actions"><a class="button button--small" href="{% url 'stakeholder_timeline' group.pk person.pk %}">Touches<span class="visually-hidden"> of {{ person }}</span></a>{% if can_edit %}{% url 'stakeholder_edit' group.pk person.pk as edit_url %} <a class="button button--small" href="{{ edit_url }}"{% if inline_edit %} hx-get="{{ edit_url }}" hx-target="#editor" hx-swap="innerHTML show:#editor:top"{% endif %}>Edit<span class="visually-hidden"> {{ person }}</span></a>{% endif %}</td>
      </tr>
    {% endfor %}"""  # noqa: E501

TIES_LOOP = """{% for tie in relationships %}
      <div class="list-row">
        <div><strong>{{ tie.source }}</strong> <span class="kind kind--{{ tie.kind }}">{{ tie.get_kind_display }}</span> <strong>{{ tie.target }}</strong> <span class="muted small">strength {{ tie.strength }}/5</span></div>
        {% if can_edit %}{% url 'relationship_edit' group.pk tie.pk as edit_url %}{% url 'relationship_delete' group.pk tie.pk as remove_url %}
        <div class="row-actions">
          <a class="button button--small" href="{{ edit_url }}" hx-get="{{ edit_url }}" hx-target="#editor" hx-swap="innerHTML show:#editor:top">Edit<span class="visually-hidden"> {{ tie }}</span></a>
          <form method="post" action="{{ remove_url }}" hx-post="{{ remove_url }}" hx-target="#group-workspace" hx-swap="outerHTML">{% csrf_token %}<button type="submit" class="button button--small button--danger">Remove<span class="visually-hidden"> {{ tie }}</span></button></form>
        </div>
        {% endif %}
      </div>
    {% endfor %}"""  # noqa: E501

TOUCHES_LOOP = """{% load themes %}{% for touch in touches %}
      <div class="list-row">
        <div>
          <strong>{% if touch.asset %}{{ touch.asset.title }}{% else %}Message{% endif %}</strong> to <a href="{% url 'stakeholder_timeline' group.pk touch.stakeholder_id %}">{{ touch.stakeholder }}</a>
          <br><span class="muted small">{{ touch.occurred_at|date:"j M Y, H:i" }}{% if touch.channel %} · {{ touch.channel }}{% endif %}{% for slug in touch.themes %} · {{ slug|theme_name:theme_names }}{% endfor %}</span>
        </div>
        {% if can_edit %}{% url 'touch_delete' group.pk touch.pk as remove_url %}<form method="post" action="{{ remove_url }}" hx-post="{{ remove_url }}" hx-target="#group-workspace" hx-swap="outerHTML" data-confirm="Remove this touch?">{% csrf_token %}<button type="submit" class="button button--small button--danger">Remove<span class="visually-hidden"> this touch</span></button></form>{% endif %}
      </div>
    {% endfor %}"""  # noqa: E501

HOSTILE = [
    '<script>alert("x")</script>',
    "\" onmouseover='alert(1)' x=\"",
    "O'Brien & <Sons>",
    "Zoë “quoted” — {{ name }} {% url %}",
    "",
]
CSRF = "tok<&>en"
text = st.one_of(st.sampled_from(HOSTILE), st.text(max_size=30))
slugs = st.text(min_size=1, max_size=12).filter(lambda s: s != "items")  # see below
theme_names = st.dictionaries(slugs, text, max_size=4)


class Group:
    def __init__(self, pk):
        self.pk = pk


class Insights:
    def __init__(self, brokers):
        self.brokers = tuple(brokers)


class Data:
    def __init__(self, brokers):
        self.insights = Insights(brokers)


@st.composite
def people(draw, min_size=0):
    count = draw(st.integers(min_value=min_size, max_value=6))
    return [
        Stakeholder(
            pk=draw(st.integers(min_value=1, max_value=10**9)),
            email=f"p{i}-{draw(text)}@x.example",
            name=draw(text),
            title=draw(text),
            buying_role=draw(st.sampled_from(["champion", "other", "decision_maker", "nope"])),
            influence=draw(st.integers(min_value=1, max_value=5)),
            stance=draw(st.sampled_from([*Stance.values, "odd<"])),
            priorities=draw(st.dictionaries(slugs, st.floats(1, 5), max_size=3)),
            outcome=draw(text),
            consent=draw(st.booleans()),
        )
        for i in range(count)
    ]


def drawn(source: str, **context) -> str:
    return engines["django"].from_string(source).render({"csrf_token": CSRF, **context})


def tag(source: str, **context) -> str:
    return drawn("{% load group_rows %}" + source, **context)


def page(source: str, **context) -> str:
    """`source` in the group page's engine (Jinja2), with the page's CSRF field for the
    token the loops are given."""
    field = format_html('<input type="hidden" name="csrfmiddlewaretoken" value="{}">', CSRF)
    return engines["jinja2"].from_string(source).render({"csrf_input": field, **context})


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    found=people(),
    names=theme_names,
    group_pk=st.integers(min_value=1, max_value=10**6),
    can_edit=st.booleans(),
    inline_edit=st.booleans(),
    broker_share=st.integers(min_value=0, max_value=3),
)
def test_people_rows_are_the_template_loops_rows(
    found, names, group_pk, can_edit, inline_edit, broker_share
):
    brokers = [p.email for p in found[:broker_share]]
    shown = rows.person_rows(found, group_pk=group_pk, brokers=brokers, theme_names=names)
    expected = drawn(
        PEOPLE_LOOP,
        people=found,
        data=Data(brokers),
        theme_names=names,
        group=Group(group_pk),
        can_edit=can_edit,
        inline_edit=inline_edit,
    )
    ours = tag(
        "{% person_rows rows can_edit inline_edit %}",
        rows=shown,
        can_edit=can_edit,
        inline_edit=inline_edit,
    )
    assert ours == expected


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    found=people(min_size=2),
    kinds=st.lists(st.sampled_from([*RelationshipKind.values, "odd<"]), min_size=1, max_size=5),
    strengths=st.lists(st.integers(min_value=1, max_value=5), min_size=5, max_size=5),
    group_pk=st.integers(min_value=1, max_value=10**6),
    can_edit=st.booleans(),
)
def test_relationship_rows_are_the_template_loops_rows(found, kinds, strengths, group_pk, can_edit):
    ties = [
        Relationship(
            pk=100 + i,
            source=found[i % len(found)],
            target=found[(i + 1) % len(found)],
            kind=kind,
            strength=strengths[i],
        )
        for i, kind in enumerate(kinds)
    ]
    context = {"group": Group(group_pk), "can_edit": can_edit}
    expected = drawn(TIES_LOOP, relationships=ties, **context)
    shown = rows.tie_rows(ties, group_pk=group_pk)
    written = page("{{ tie_rows(relationships, can_edit) }}", relationships=shown, **context)
    assert written == expected


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    found=people(min_size=1),
    titles=st.lists(st.one_of(st.none(), text), min_size=1, max_size=5),
    channels=st.lists(text, min_size=5, max_size=5),
    when=st.datetimes(
        min_value=datetime(2000, 1, 1),
        max_value=datetime(2100, 1, 1),
        timezones=st.just(UTC),
    ),
    zone=st.sampled_from(["UTC", "Europe/Berlin", "America/St_Johns", "Asia/Kathmandu"]),
    themes=st.lists(st.dictionaries(slugs, st.floats(0, 3), max_size=3), min_size=5, max_size=5),
    names=theme_names,
    group_pk=st.integers(min_value=1, max_value=10**6),
    can_edit=st.booleans(),
)
def test_touch_rows_are_the_template_loops_rows(
    found, titles, channels, when, zone, themes, names, group_pk, can_edit
):
    touches = []
    for i, title in enumerate(titles):
        person = found[i % len(found)]
        touches.append(
            Touch(
                pk=500 + i,
                stakeholder=person,
                asset=None if title is None else Asset(pk=9, title=title),
                occurred_at=when + (when - datetime(2000, 1, 1, tzinfo=UTC)) * i / 7,
                channel=channels[i],
                themes=themes[i],
            )
        )
    context = {"group": Group(group_pk), "can_edit": can_edit, "theme_names": names}
    with timezone.override(ZoneInfo(zone)):
        expected = drawn(TOUCHES_LOOP, touches=touches, **context)
        shown = rows.touch_rows(touches, group_pk=group_pk, theme_names=names)
        assert page("{{ touch_rows(touches, can_edit) }}", touches=shown, **context) == expected


def test_no_rows_and_no_token_write_nothing_of_theirs():
    assert tag("{% person_rows rows True True %}", rows=[]) == ""
    rows_ = rows.tie_rows([], group_pk=1)
    assert page("{{ tie_rows(rows, True) }}", rows=rows_) == ""
    person = Stakeholder(pk=1, email="a@x.example", name="A")
    tie = Relationship(pk=2, source=person, target=person, kind="influences", strength=3)
    # Without a CSRF field in the context: no hidden input.
    html = (
        engines["jinja2"]
        .from_string("{{ tie_rows(rows, True) }}")
        .render({"rows": rows.tie_rows([tie], group_pk=1)})
    )
    assert "csrfmiddlewaretoken" not in html and "Remove" in html


def test_a_theme_named_items_is_a_chip_not_an_error():
    """The old loop read `priorities.items`, which is the weight of a theme named "items"
    (and broke the page); the rows name the theme."""
    person = Stakeholder(pk=1, email="a@x.example", name="A", priorities={"items": 2.0})
    shown = rows.person_rows([person], group_pk=1, brokers=(), theme_names={})
    assert shown[0].chips == ("items",)


@pytest.mark.parametrize("prefix", ["/", "/sub path/", "/a&b/"])
def test_row_urls_are_what_reverse_says(prefix):
    set_script_prefix(prefix)
    try:
        url = rows.RowUrls(42)
        for name in ("stakeholder_timeline", "stakeholder_edit", "touch_delete"):
            for pk in (0, 1, 7, 12345, rows.STAND_IN, 10**12):
                assert url(name, pk) == reverse(name, args=[42, pk])
    finally:
        set_script_prefix("/")


def test_the_rows_module_escapes_every_value():
    """Every value is text, escaped: hostile names come out as text in every row."""
    hostile = '<b id="x">'
    person = Stakeholder(
        pk=1, email=f"{hostile}@x.example", name=hostile, title=hostile, outcome=hostile
    )
    html = group_rows.person_rows(
        rows.person_rows([person], group_pk=1, brokers=(), theme_names={}), True, True
    )
    assert "<b " not in html and "&lt;b id=&quot;x&quot;&gt;" in html


def test_kept_rows_are_written_for_each_viewer_with_their_own_csrf_field():
    """A page's cached rows keep what is written of them (workspace.escaping.kept): every
    view still gets its own request's CSRF field, and the buttons its role allows."""
    person = Stakeholder(pk=1, email="a@x.example", name="<b>A</b>", buying_role="champion")
    other = Stakeholder(pk=3, email="c@x.example", name="C & D")
    tie = Relationship(pk=2, source=person, target=other, kind="influences", strength=3)
    touch = Touch(pk=4, stakeholder=person, occurred_at=datetime(2026, 1, 2, tzinfo=UTC))
    kept_rows = {
        "tie_rows": rows.tie_rows([tie], group_pk=1),
        "touch_rows": rows.touch_rows([touch], group_pk=1, theme_names={}),
    }
    people_rows = rows.person_rows([person, other], group_pk=1, brokers=[], theme_names={})
    engine = engines["jinja2"]
    for view, (token, can_edit) in enumerate(
        [("a" * 64, True), ("b" * 64, False), ("c" * 64, True)]
    ):
        field = format_html('<input type="hidden" name="csrfmiddlewaretoken" value="{}">', token)
        for name, kept in kept_rows.items():
            source = f"{{{{ {name}(rows, can_edit) }}}}"
            fresh = type(kept)(tuple(kept))  # the same rows, nothing kept yet
            written = {
                which: engine.from_string(source).render(
                    {"rows": found, "can_edit": can_edit, "csrf_input": field}
                )
                for which, found in (("kept", kept), ("fresh", fresh))
            }
            assert written["kept"] == written["fresh"], (view, name)
            assert written["kept"].count(token) == (1 if can_edit else 0)
            for other_token in {"a" * 64, "b" * 64, "c" * 64} - {token}:
                assert other_token not in written["kept"]
        for inline in (True, False):
            ours = tag(
                "{% person_rows rows can_edit inline %}",
                rows=people_rows,
                can_edit=can_edit,
                inline=inline,
            )
            fresh = type(people_rows)(tuple(people_rows))
            assert ours == tag(
                "{% person_rows rows can_edit inline %}",
                rows=fresh,
                can_edit=can_edit,
                inline=inline,
            )
            assert ("Edit" in ours) is can_edit and "&lt;b&gt;A&lt;/b&gt;" in ours
