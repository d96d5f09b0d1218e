"""The Jinja2 environment (settings.TEMPLATES, the "jinja2" engine) of the pages whose
templates are in templates/jinja2/: the group page, the app's busiest, where Django's
template language took about 3 ms of a 6 ms view.

Its templates read like the Django templates they replaced and write the same HTML, byte
for byte (templates/jinja2/base.html is templates/base.html's twin: a test renders both
for every role and page and compares them). Every `{{ value }}` goes through `finalize`,
which is what `{{ value }}` does in a Django template (`render_value_in_context`:
localized, then escaped with Django's `escape`, text marked safe left as it is); Jinja2's
own autoescaping then leaves that markup alone. The few tags and filters those templates
use are here under their Django names, doing what Django's do: `url(name, *args)` (as
`{% url %}`, through `config.template_urls`), `static`, `widthratio(value, max, width)`,
and the filters `date` (in the current time zone), `pluralize`, `urlencode` and
`theme_name`; the rows and forms written in Python are called as the Django templates
call them. Two context processors make per page what Django's templates make per page:
the CSRF token and field (`csrf_once`) and the URL pieces (`page_urls`). Nothing is
marked safe here but what those functions return (every text in it escaped) and what
`finalize` escaped.
"""

from __future__ import annotations

import functools
from collections.abc import Iterator

from django.conf import settings
from django.core.signals import setting_changed
from django.dispatch import receiver
from django.middleware.csrf import get_token
from django.template import Context
from django.template.backends import jinja2 as backends
from django.template.base import render_value_in_context
from django.template.defaultfilters import date as date_filter
from django.template.defaultfilters import pluralize, urlencode
from django.templatetags.static import static
from django.urls import reverse
from django.utils.html import format_html
from django.utils.safestring import SafeString
from django.utils.timezone import template_localtime
from jinja2 import ChainableUndefined, Environment, UndefinedError, pass_context
from jinja2.compiler import CodeGenerator
from markupsafe import Markup

from config.template_urls import fast_reverse, url_pieces, url_setting
from content.templatetags.themes import theme_name
from workspace.escaping import escape
from workspace.templatetags import form_fields as form_fields_tag
from workspace.templatetags import group_rows

_CONTEXT = Context()  # autoescape on; time zone and localization from the settings


_markup = functools.partial(str.__new__, Markup)  # text already escaped, as Markup


def finalize(value) -> Markup:
    """`{{ value }}` as a Django template writes it (a plain `str`, most values, is only
    escaped: the engine's localizing and time-zone steps leave it as it is; markup made
    by us, such as the pictures, is written as it is, without a copy)."""
    kind = type(value)
    if kind is str:
        return _markup(escape(value))
    if kind is Markup:
        return value
    if kind is SafeString:  # Django's safe text (the CSRF field): as it is
        return _markup(value)
    if kind is int and not settings.USE_THOUSAND_SEPARATOR:  # localized as it is
        return _markup(str(value))
    if isinstance(value, ChainableUndefined):
        return _markup("")
    return Markup(render_value_in_context(value, _CONTEXT))  # noqa: S704 - escaped


class PageURLs:
    """`{% url name arg ... %}` for one page: `url(name, *args)`, each name's URL pieces
    looked up once (its URLconf, prefix and language cannot change while it is written)."""

    def __init__(self):
        self._pieces: dict[tuple[str, int], tuple[str, ...]] = {}
        self._setting: tuple | None = None

    def __call__(self, name: str, *args) -> str:
        key = (name, len(args))
        pieces = self._pieces.get(key)
        if pieces is None:
            if self._setting is None:
                self._setting = url_setting()
            pieces = self._pieces[key] = url_pieces(name, len(args), self._setting)
        return fast_reverse(name, args, pieces) or reverse(name, args=args)


def page_urls(request) -> dict:
    """A context processor: `url` for the page (see PageURLs)."""
    return {"url": PageURLs()}


@functools.lru_cache(maxsize=512)
def static_url(path: str) -> str:
    """`{% static path %}`, looked up once per path: the storage's answer is fixed for the
    life of the process (its base URL and, in production, its manifest are read once),
    except when a test changes the static settings (then these are forgotten)."""
    return static(path)


@receiver(setting_changed)
def _static_settings_changed(*, setting, **kwargs) -> None:
    if setting in {"STATIC_URL", "STATIC_ROOT", "STORAGES"}:
        static_url.cache_clear()


def widthratio(value, max_value, max_width) -> str:
    """`{% widthratio value max_value max_width %}`, as Django computes it."""
    try:
        return str(round(float(value) / float(max_value) * int(max_width)))
    except ZeroDivisionError:
        return "0"
    except (ValueError, TypeError, OverflowError, UndefinedError):  # a missing value
        return ""


def date(value, arg=None) -> str:
    """`{{ value|date:arg }}`: in the current time zone, as Django's filter is given it."""
    return date_filter(template_localtime(value), arg)


def csrf_once(request) -> dict:
    """A context processor: the CSRF token and its hidden field, made once for the page,
    as a Django template has them (the backend's are remade, with a new mask, wherever
    they are written: a dozen times a page)."""
    token = get_token(request)
    return {
        "csrf_token": token,
        "csrf_input": format_html(
            '<input type="hidden" name="csrfmiddlewaretoken" value="{}">', token
        ),
    }


def _csrf(context) -> str:
    return str(context.get("csrf_input", ""))


@pass_context
def tie_rows(context, rows, can_edit) -> Markup:
    """The relationships' rows, with the page's CSRF field in their forms."""
    csrf = _csrf(context) if can_edit else ""
    return Markup(group_rows.tie_rows_html(rows, can_edit, csrf))  # noqa: S704 - escaped


@pass_context
def touch_rows(context, rows, can_edit) -> Markup:
    """The latest touches' rows, with the page's CSRF field in their forms."""
    csrf = _csrf(context) if can_edit else ""
    return Markup(group_rows.touch_rows_html(rows, can_edit, csrf))  # noqa: S704 - escaped


def people_table(rows, can_edit, inline_edit, caption) -> Markup:
    """workspace/_people_table.html."""
    return Markup(group_rows.people_table(rows, can_edit, inline_edit, caption))  # noqa: S704 - escaped


def form_fields(form) -> Markup:
    """`{% form_fields form %}`."""
    return Markup(form_fields_tag.form_html(form))  # noqa: S704 - escaped


class Jinja2(backends.Jinja2):
    """Django's Jinja2 backend, whose templates can also give a page in the pieces they
    write it in (:meth:`Template.pieces`)."""

    def get_template(self, template_name):
        return Template(super().get_template(template_name).template, self)


class Template(backends.Template):
    def pieces(self, context: dict, request) -> Iterator[str]:
        """What `render(context, request)` returns, as the pieces the template writes it
        in, for a view to encode one by one: the page's big plain-ASCII pieces (its
        pictures) are then copied as they are, instead of widened with the rest of the
        text to its widest character and encoded again (0.1 ms of a 420 KB page). Encode
        them yourself: an HttpResponse given an iterator looks its charset up again for
        each piece, which costs more than it saves."""
        context = {**context, "request": request}
        context["csrf_input"] = backends.csrf_input_lazy(request)
        context["csrf_token"] = backends.csrf_token_lazy(request)
        for processor in self.backend.template_context_processors:
            context.update(processor(request))
        return self.template.generate(context)


class _FinalizedOutput(CodeGenerator):
    """Compiles `{{ value }}` to `finalize(value)` where Jinja2 compiles it to
    `escape(finalize(value))`: `finalize` escapes every value and returns markup, which
    Jinja2's `escape` would only copy (two hundred copies a page). Where autoescaping is
    not known when the template is compiled, and where there is no `finalize`, the
    output is what Jinja2 writes."""

    def _writes_finalized(self, frame, finalize) -> bool:
        eval_ctx = frame.eval_ctx
        return finalize.src is not None and eval_ctx.autoescape and not eval_ctx.volatile

    def _output_child_pre(self, node, frame, finalize) -> None:
        if self._writes_finalized(frame, finalize):
            self.write(finalize.src)
        else:
            super()._output_child_pre(node, frame, finalize)

    def _output_child_post(self, node, frame, finalize) -> None:
        if self._writes_finalized(frame, finalize):
            self.write(")")
        else:
            super()._output_child_post(node, frame, finalize)


class _Environment(Environment):
    code_generator_class = _FinalizedOutput


def environment(**options) -> Environment:
    # As in a Django template, a missing value, or an attribute of one, is written as
    # nothing (whatever the backend's default for DEBUG).
    options["undefined"] = ChainableUndefined
    # Django's backend passes autoescape=True; `finalize` escapes every value regardless.
    env = _Environment(keep_trailing_newline=True, finalize=finalize, **options)
    env.globals.update(
        url=lambda name, *args: PageURLs()(name, *args),  # a template given no request
        static=static_url,
        widthratio=widthratio,
        tie_rows=tie_rows,
        touch_rows=touch_rows,
        people_table=people_table,
        form_fields=form_fields,
    )
    env.filters.update(date=date, pluralize=pluralize, urlencode=urlencode, theme_name=theme_name)
    return env
