"""The group page is written by Jinja2 (config.jinja, templates/jinja2/) as its
Django template wrote it: every value as `{{ value }}` writes it in a Django template
(escaped with Django's escaping, localized, in the current time zone; text marked safe left
alone), and `url`, `widthratio`, `date`, `pluralize` and `urlencode` as Django's tags and
filters do, for hostile text too."""

import re
from datetime import UTC, date, datetime
from decimal import Decimal

import pytest
from django.contrib import messages
from django.contrib.messages.storage import default_storage
from django.contrib.sessions.backends.db import SessionStore
from django.template import Context, Template, engines
from django.urls import resolve, reverse, set_script_prefix
from django.utils import timezone
from django.utils.functional import lazy
from django.utils.safestring import mark_safe
from hypothesis import given
from hypothesis import strategies as st
from markupsafe import Markup

from accounts.models import Membership, User
from accounts.roles import Role
from config.jinja import finalize
from planner.models import BuyingGroup

HOSTILE = '<b id="x">O\'Brien & co</b> {{ 7*7 }} {% raw %}'


def django(source: str, **values) -> str:
    return Template(source).render(Context(values))


def jinja_environment():
    return engines["jinja2"].env


def jinja(source: str, **values) -> str:
    return engines["jinja2"].from_string(source).render(values)


VALUES = [
    HOSTILE,
    "",
    "plain",
    mark_safe("<em>ours</em>"),
    lazy(lambda: "<lazy & text>", str)(),
    0,
    42,
    -7,
    True,
    None,
    0.5,
    1 / 3,
    Decimal("12.50"),
    date(2026, 3, 4),
    datetime(2026, 3, 4, 23, 30, tzinfo=UTC),
    ["<a>", 1],
]


@pytest.mark.parametrize("value", VALUES, ids=repr)
def test_a_value_is_written_as_a_django_template_writes_it(value):
    with timezone.override("America/New_York"):
        assert jinja("{{ v }}", v=value) == django("{{ v }}", v=value)


@given(st.text())
def test_any_text_is_escaped_as_django_escapes_it(text):
    assert jinja("<p title='{{ v }}'>{{ v }}</p>", v=text) == django(
        "<p title='{{ v }}'>{{ v }}</p>", v=text
    )


@pytest.mark.parametrize("value", [*VALUES, jinja_environment().undefined()], ids=repr)
def test_finalize_gives_markup_for_any_value(value):
    # The compiled templates write `finalize(value)` without Jinja2's `escape()` around
    # it (config.jinja._FinalizedOutput): that is safe only while it gives markup.
    assert type(finalize(value)) is Markup


def test_a_value_is_escaped_once_in_loops_blocks_macros_and_filters():
    source = (
        "{% for v in values %}{{ v }}{% endfor %}|{% set kept %}{{ values[0] }}{% endset %}"
        "{{ kept }}|{% macro m(x) %}{{ x }}{% endmacro %}{{ m(values[0]) }}|"
        "{% filter upper %}{{ values[0] }}{% endfilter %}|{{ values[0] ~ '&' }}"
    )
    escaped = "&lt;b&gt;O&#x27;Brien &amp; co"
    assert jinja(source, values=["<b>O'Brien & co"]) == (
        f"{escaped}|{escaped}|{escaped}|{escaped.upper()}|{escaped}&amp;"
    )
    code = jinja_environment().compile("{{ v }}", raw=True)
    assert "environment.finalize(" in code
    assert "escape(" not in code


def test_a_missing_value_or_its_attribute_is_written_as_nothing():
    assert jinja("[{{ nothing }}|{{ nothing.at.all }}|{{ widthratio(nothing, 1, 100) }}]") == (
        "[||]"
    )


@pytest.mark.parametrize(
    ("value", "maximum", "width"),
    [(0.374, 1, 100), (0.125, 1, 100), (0.135, 1, 100), (-3, -1, 1), (5, 0, 100), (None, 1, 100)],
)
def test_widthratio_is_djangos(value, maximum, width):
    expected = django("{% widthratio v m w %}", v=value, m=maximum, w=width)
    assert jinja("{{ widthratio(v, m, w) }}", v=value, m=maximum, w=width) == expected


@pytest.mark.parametrize("count", [0, 1, 2])
def test_pluralize_and_date_are_djangos(count):
    when = datetime(2026, 3, 4, 23, 30, tzinfo=UTC)
    with timezone.override("Asia/Tokyo"):  # the next day there
        expected = django(
            '{{ n }} {{ n|pluralize:"person,people" }} {{ n|pluralize }} {{ t|date:"j M, H:i" }}',
            n=count,
            t=when,
        )
        written = jinja(
            '{{ n }} {{ n|pluralize("person,people") }} {{ n|pluralize }} {{ t|date("j M, H:i") }}',
            n=count,
            t=when,
        )
    assert written == expected
    assert "5 Mar, 08:30" in written


def test_urlencode_is_djangos():
    text = "economic buyer/&?=<>"
    assert jinja("{{ v|urlencode }}", v=text) == django("{{ v|urlencode }}", v=text)


@pytest.mark.django_db
def test_url_is_djangos_under_a_script_prefix(org):
    group = BuyingGroup.objects.create(organization=org, name="G")
    set_script_prefix("/sub/")
    try:
        written = jinja("{{ url('group_detail', pk) }} {{ url('group_list') }}", pk=group.pk)
        assert written == f"{reverse('group_detail', args=[group.pk])} {reverse('group_list')}"
        assert written.startswith("/sub/")
    finally:
        set_script_prefix("/")


def test_the_csrf_field_is_made_once_per_page(rf):
    """Each form of the page carries the same field (the backend's own remakes it, with a
    new mask, each time it is written)."""
    request = rf.get("/")
    written = engines["jinja2"].from_string("{{ csrf_input }}|{{ csrf_input }}").render({}, request)
    first, second = written.split("|")
    assert first == second
    assert first.startswith('<input type="hidden" name="csrfmiddlewaretoken" value="')


# The page around the group page's content: templates/jinja2/base.html (and its header
# and messages) must stay what templates/base.html writes for every other page.
PAGE = (
    '{% extends "base.html" %}{% block title %}T &amp; co{% endblock %}'
    "{% block content %}<p>content</p>{% endblock %}"
)
CSRF = re.compile(r'(csrfmiddlewaretoken" value="|X-CSRFToken": ")[^"]+')


def _request(rf, user, path: str):
    request = rf.get(path, {"next": "<x>"})
    request.user = user
    request.resolver_match = resolve(path)
    request.memberships = list(
        Membership.objects.filter(user=user)
        .select_related("organization")
        .order_by("organization__name", "organization_id")
    )
    request.membership = request.memberships[0] if request.memberships else None
    request.session = SessionStore()
    request._messages = default_storage(request)
    messages.success(request, HOSTILE)
    messages.add_message(request, 99, "untagged <i>level</i>")
    return request


@pytest.mark.parametrize("page", ["group_detail", "group_list", "members", "dashboard"])
@pytest.mark.parametrize("who", ["marketer", "admin of two organizations", "no organization"])
def test_the_page_around_the_content_is_base_html(rf, org, other_org, group, page, who):
    org.name = HOSTILE
    org.save()
    user = User.objects.create_user("u@example.com", "not-used-password-1", name=HOSTILE)
    if who != "no organization":
        Membership.objects.create(user=user, organization=org, role=Role.MARKETER)
    if who == "admin of two organizations":
        Membership.objects.create(user=user, organization=other_org, role=Role.ADMIN)
    path = reverse(page, args=[group.pk]) if page == "group_detail" else reverse(page)
    written = {
        name: CSRF.sub(r"\1T", engines[name].from_string(PAGE).render({}, _request(rf, user, path)))
        for name in ("django", "jinja2")
    }
    assert written["jinja2"] == written["django"]
    assert "&lt;b id=&quot;x&quot;&gt;O&#x27;Brien" in written["jinja2"]  # the message
    assert ("org-switcher" in written["jinja2"]) == (who == "admin of two organizations")


def test_a_page_in_pieces_is_the_page_rendered_whole(rf, marketer, group):
    """The group page is handed to its response in the pieces Jinja2 writes (each encoded
    on its own): together they are what `render` writes."""
    path = reverse("group_detail", args=[group.pk])
    page = engines["jinja2"].get_template("base.html")
    pieces = list(page.pieces({"note": HOSTILE}, _request(rf, marketer, path)))
    whole = page.render({"note": HOSTILE}, _request(rf, marketer, path))
    assert len(pieces) > 1
    assert CSRF.sub(r"\1T", "".join(pieces)) == CSRF.sub(r"\1T", whole)


def test_static_is_djangos_and_follows_a_change_of_settings(settings):
    assert jinja("{{ static('css/app.css') }}") == django(
        "{% load static %}{% static 'css/app.css' %}"
    )
    settings.STATIC_URL = "/elsewhere/"
    assert jinja("{{ static('css/app.css') }}") == "/elsewhere/css/app.css"
