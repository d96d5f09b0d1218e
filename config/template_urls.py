"""`{% url %}`, faster for the rows of a page: a builtin of our template engine (settings,
TEMPLATES OPTIONS "builtins") that takes the place of Django's tag, with the same syntax
and the same output.

The group page reverses a URL a few hundred times (an edit and a remove link for each
relationship, touch and person), always one of a handful of names with whole numbers for
arguments. Django's `reverse` walks the resolver every time. This tag reverses a name once
for each number of arguments (with stand-in numbers), keeps the URL around those numbers,
and puts the real numbers in their place. It does so only where that is exactly what
`reverse` would say: a name without a namespace whose only route takes that many `int`
path converters (whose text is the number itself), called with non-negative `int`s and
no keyword arguments. Everything else goes to Django's tag, as does the reversal itself,
so errors (NoReverseMatch, and `as var` swallowing them) behave as before.

The kept URLs are per URLconf, script prefix (SCRIPT_NAME) and language, so a site
mounted under a prefix gets its prefix; at most `KEPT` of them, then they are forgotten.
"""

from __future__ import annotations

import threading

from django import template
from django.template import defaulttags
from django.template.defaulttags import URLNode
from django.urls import get_resolver, get_script_prefix, get_urlconf, reverse
from django.urls.converters import IntConverter
from django.utils.html import conditional_escape
from django.utils.translation import get_language

register = template.Library()

KEPT = 1000
STAND_IN = 7_306_194_825  # digits that no route of ours contains; + i for argument i
_NOT_FAST = ()  # kept for a name whose URLs cannot be made this way

_kept: dict[tuple, tuple[str, ...]] = {}
_lock = threading.Lock()


def _fast_route(resolver, name: str, count: int) -> bool:
    """Whether `name` has one route, and it takes `count` int converters and nothing else
    (the keyword arguments a route gives its view, its defaults, are not part of a URL
    reversed with positional arguments: `reverse` leaves them out)."""
    routes = resolver.reverse_dict.getlist(name)
    if len(routes) != 1:
        return False
    possibilities, _pattern, _defaults, converters = routes[0]
    if len(possibilities) != 1:
        return False
    _result, params = possibilities[0]
    return len(params) == count and all(
        type(converters.get(param)) is IntConverter for param in params
    )


def url_setting() -> tuple:
    """What a URL depends on besides its name and arguments: the URLconf's resolver, the
    script prefix and the language (the same while one page is written)."""
    return get_resolver(get_urlconf()), get_script_prefix(), get_language()


def url_pieces(name: str, count: int, setting: tuple | None = None) -> tuple[str, ...]:
    """The URL of `name` around its `count` numbers (count + 1 pieces), or `_NOT_FAST`;
    `setting`: `url_setting()`, when the caller has it."""
    resolver, prefix, language = setting or url_setting()
    key = (resolver, name, count, prefix, language)
    found = _kept.get(key)
    if found is not None:
        return found
    pieces = _NOT_FAST
    if _fast_route(resolver, name, count):
        stand_ins = [str(STAND_IN + i) for i in range(count)]
        url = reverse(name, args=[STAND_IN + i for i in range(count)])
        rest, cut = url, []
        for stand_in in stand_ins:
            before, found_it, rest = rest.partition(stand_in)
            if not found_it:
                cut = None
                break
            cut.append(before)
        if cut is not None and not any(s in piece for s in stand_ins for piece in (*cut, rest)):
            pieces = (*cut, rest)
    with _lock:
        if len(_kept) >= KEPT:
            _kept.clear()
        _kept[key] = pieces
    return pieces


def fast_reverse(name: str, args, pieces: tuple[str, ...] | None = None) -> str | None:
    """`reverse(name, args=args)` when it can be put together from kept pieces, else None
    (`pieces`: those of `name` for this many arguments, when the caller has them)."""
    if ":" in name or not all(type(arg) is int and arg >= 0 for arg in args):
        return None
    if pieces is None:
        pieces = url_pieces(name, len(args))
    if not pieces:
        return None
    parts = [pieces[0]]
    for arg, piece in zip(args, pieces[1:], strict=True):
        parts.append(str(arg))
        parts.append(piece)
    return "".join(parts)


class FastURLNode(URLNode):
    def render(self, context):
        if self.kwargs:
            return super().render(context)
        name = self.view_name.resolve(context)
        url = None
        if isinstance(name, str):
            args = [arg.resolve(context) for arg in self.args]
            # The pieces once per template rendered (its URLconf, prefix and language
            # cannot change meanwhile), not once per row.
            known = context.render_context.setdefault(FastURLNode, {})
            pieces = known.get((name, len(args)))
            if pieces is None:
                pieces = known[name, len(args)] = url_pieces(name, len(args))
            url = fast_reverse(name, args, pieces)
        if url is None:
            return super().render(context)
        if self.asvar:
            context[self.asvar] = url
            return ""
        return conditional_escape(url) if context.autoescape else url


@register.tag
def url(parser, token):
    """Django's {% url %} (see the module)."""
    node = defaulttags.url(parser, token)
    return FastURLNode(node.view_name, node.args, node.kwargs, node.asvar)
