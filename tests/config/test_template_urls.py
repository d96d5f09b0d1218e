"""{% url %} (config.template_urls) says what Django's reverse says: for every route of
the site with whole-number arguments, under a script prefix (a site mounted at /planner/),
and with anything it does not put together itself left to Django."""

import pytest
from django.template import Context, Engine, Template, engines
from django.urls import (
    NoReverseMatch,
    get_resolver,
    get_script_prefix,
    reverse,
    set_script_prefix,
)

from config import template_urls
from tests.factories import group_of


@pytest.fixture
def prefix():
    """Restores the script prefix a test sets."""
    before = get_script_prefix()
    yield set_script_prefix
    set_script_prefix(before)


def _named_routes() -> list[tuple[str, int]]:
    """(name, number of arguments) of every named route without a namespace."""
    routes = []
    for name in get_resolver().reverse_dict:
        if isinstance(name, str):
            for possibilities, *_ in get_resolver().reverse_dict.getlist(name):
                routes += [(name, len(params)) for _, params in possibilities]
    return sorted(set(routes))


ARGS = [0, 7, 42, 1234567, 7_306_194_825, 10**20]


@pytest.mark.parametrize("script_prefix", ["/", "/planner/", "/a b%/", "/ünï/"])
def test_every_route_reverses_as_django_reverses_it(prefix, script_prefix):
    prefix(script_prefix)
    fast = 0
    for name, count in _named_routes():
        for first in ARGS:
            args = [first + i for i in range(count)]
            try:
                expected = reverse(name, args=args)
            except NoReverseMatch:
                expected = None
            made = template_urls.fast_reverse(name, args)
            if made is not None:
                fast += 1
                assert made == expected, (name, args)
    assert fast > 50  # the rows' routes do go the fast way


def test_the_tag_renders_what_djangos_tag_renders(org, prefix):
    group = group_of(org, 3)
    person = group.stakeholders.first()
    source = (
        "{% url 'group_detail' group.pk %}|{% url 'stakeholder_edit' group.pk person.pk %}|"
        "{% url name group.pk %}|{% url 'group_list' %}|{% url 'group_detail' pk=group.pk %}|"
        "{% url 'group_detail' '12' %}|{% url 'group_detail' group.pk as link %}[{{ link }}]|"
        "{% url 'no-such-route' 1 as missing %}[{{ missing }}]"
    )
    context = {"group": group, "person": person, "name": "group_people"}
    ours = engines["django"].from_string(source)
    plain = Template(source, engine=Engine())  # Django's own tag
    for script_prefix in ("/", "/planner/"):
        prefix(script_prefix)
        assert ours.render(context) == plain.render(Context(context))
        assert ours.render(context).startswith(f"{script_prefix}groups/{group.pk}/|")


def test_a_name_that_does_not_reverse_fails_as_with_django(org):
    page = engines["django"].from_string("{% url 'group_detail' 1 2 %}")
    with pytest.raises(NoReverseMatch):
        page.render({})
    for bad in (-1, True, 1.5, "x"):
        assert template_urls.fast_reverse("group_detail", [bad]) is None


def test_a_page_under_a_script_prefix_links_under_it(client, marketer, org, prefix):
    """As under a WSGI server that mounts the site at /planner (which sets the prefix from
    SCRIPT_NAME for each request; the test client does not, so the test sets it)."""
    group = group_of(org, 4)
    client.force_login(marketer)
    person = group.stakeholders.order_by("pk").first()
    prefix("/planner/")
    html = client.get(f"/groups/{group.pk}/").content.decode()
    assert f'href="/planner/groups/{group.pk}/people/{person.pk}/"' in html
    assert 'href="/planner/groups/"' in html
    assert 'href="/groups/' not in html
    assert 'action="/groups/' not in html
