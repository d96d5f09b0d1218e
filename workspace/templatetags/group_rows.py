"""The rows of the group page's lists, written in Python: the People table (the People
page's too), the relationships and the latest touches.

A group page draws some sixty rows, and the template engine costs a few microseconds for
each value of each row (about 80 µs for a row of the People table); written here, from
the display values of `workspace.rows`, a row costs a tenth of that. The HTML is what the
template loops drew before, byte for byte: tests/workspace/test_group_rows.py keeps those
loops and compares, with hostile names. Every value is text, escaped here (`escape`, what
autoescaping does to a `str`; a row's texts through `escaped_rows`, which a page's cached
rows keep); only the joined rows of escaped values and our own constant markup are marked
safe. A page's cached rows keep what is written of them for each way they are written
(`workspace.escaping.kept`; the CSRF field of the rows' forms goes in on every view).
"""

from django import template
from django.utils.safestring import mark_safe

from workspace.escaping import escape, escaped_rows, kept

register = template.Library()

_PERSON = (
    "\n      <tr>\n"
    '        <td><strong>{name}</strong>{broker}{no_consent}<br><span class="muted small">'
    "{subtitle}</span></td>\n"
    '        <td data-label="Buying role">{role}</td>\n'
    '        <td data-label="Influence"><span class="influence" aria-label="{influence} of 5">'
    "{influence}/5</span></td>\n"
    '        <td data-label="Stance"><span class="stance stance--{stance}">{stance_label}</span>'
    "</td>\n"
    '        <td data-label="Priorities">{chips}</td>\n'
    '        <td data-label="Measured on">{outcome}</td>\n'
    '        <td class="actions"><a class="button button--small" href="{timeline_url}">Touches'
    '<span class="visually-hidden"> of {name}</span></a>{edit}</td>\n'
    "      </tr>\n    "
)
_BROKER = ' <span class="badge">broker</span>'
_NO_CONSENT = ' <span class="badge badge--warning">no consent</span>'
_NO_CHIPS = '<span class="muted">—</span>'
_PERSON_EDIT = (
    ' <a class="button button--small" href="{url}"{inline}>Edit'
    '<span class="visually-hidden"> {name}</span></a>'
)
_INLINE = ' hx-get="{url}" hx-target="#editor" hx-swap="innerHTML show:#editor:top"'

_TIE = (
    '\n      <div class="list-row">\n'
    '        <div><strong>{source}</strong> <span class="kind kind--{kind}">{kind_label}</span> '
    '<strong>{target}</strong> <span class="muted small">strength {strength}/5</span></div>\n'
    "        {actions}\n"
    "      </div>\n    "
)
_TIE_ACTIONS = (
    '\n        <div class="row-actions">\n'
    '          <a class="button button--small" href="{edit_url}" hx-get="{edit_url}" '
    'hx-target="#editor" hx-swap="innerHTML show:#editor:top">Edit'
    '<span class="visually-hidden"> {text}</span></a>\n'
    '          <form method="post" action="{remove_url}" hx-post="{remove_url}" '
    'hx-target="#group-workspace" hx-swap="outerHTML">{csrf}<button type="submit" '
    'class="button button--small button--danger">Remove<span class="visually-hidden"> {text}'
    "</span></button></form>\n"
    "        </div>\n        "
)

_TOUCH = (
    '\n      <div class="list-row">\n'
    "        <div>\n"
    '          <strong>{title}</strong> to <a href="{person_url}">{person}</a>\n'
    '          <br><span class="muted small">{when}{channel}{themes}</span>\n'
    "        </div>\n"
    "        {remove}\n"
    "      </div>\n    "
)
_TOUCH_REMOVE = (
    '<form method="post" action="{url}" hx-post="{url}" hx-target="#group-workspace" '
    'hx-swap="outerHTML" data-confirm="Remove this touch?">{csrf}<button type="submit" '
    'class="button button--small button--danger">Remove<span class="visually-hidden"> this '
    "touch</span></button></form>"
)


_TABLE = (
    '\n\n<div class="table-wrap">\n  <table class="table table--cards">\n'
    '    <caption class="visually-hidden">{caption}</caption>\n'
    '    <thead><tr><th scope="col">Person</th><th scope="col">Buying role</th><th scope="col">'
    'Influence</th><th scope="col">Stance</th><th scope="col">Priorities</th><th scope="col">'
    'Measured on</th><th scope="col"><span class="visually-hidden">Actions</span></th></tr>'
    "</thead>\n    <tbody>\n    {rows}\n    </tbody>\n  </table>\n</div>\n"
)


# Where a row's form takes the request's CSRF field in the rows a page's rows keep (an
# escaped text never holds a "<")
_CSRF = "<csrf>"


def _around_csrf(rows, name: str, can_edit, csrf: str, write) -> str:
    """`write(rows, can_edit)`, its forms' CSRF fields written as `_CSRF`: kept by a page's
    cached rows as the pieces between them, which this request's field `csrf` joins."""
    parts = kept(rows, f"{name}:{bool(can_edit)}", lambda rows: write(rows, can_edit).split(_CSRF))
    return csrf.join(parts)  # every value escaped


@register.simple_tag
def people_table(rows, can_edit, inline_edit, caption) -> str:
    """The People table (cards on phones) of `rows` (`workspace.rows.PersonRow`s, most
    influential first), captioned `caption`; `inline_edit`: the Edit buttons open the
    group page's editor panel. The group page's and the People page's."""
    shown = _TABLE.format(caption=escape(caption), rows=person_rows(rows, can_edit, inline_edit))
    return mark_safe(shown)  # noqa: S308 - every value escaped


@register.simple_tag
def person_rows(rows, can_edit, inline_edit) -> str:
    """The People table's rows (`workspace.rows.PersonRow`s), kept by a page's cached rows
    (`workspace.escaping.kept`) for each way they are written."""
    name = f"people:{bool(can_edit)}:{bool(inline_edit)}"
    written = kept(rows, name, lambda rows: _person_rows(rows, can_edit, inline_edit))
    return mark_safe(written)  # noqa: S308 - every value escaped


def _person_rows(rows, can_edit, inline_edit) -> str:
    out = []
    for row in escaped_rows(rows):  # every text escaped
        edit = ""
        if can_edit:
            inline = _INLINE.format(url=row.edit_url) if inline_edit else ""
            edit = _PERSON_EDIT.format(url=row.edit_url, inline=inline, name=row.name)
        chips = "".join(f'<span class="chip">{chip}</span> ' for chip in row.chips)
        out.append(
            _PERSON.format(
                name=row.name,
                broker=_BROKER if row.broker else "",
                no_consent="" if row.consent else _NO_CONSENT,
                subtitle=row.subtitle,
                role=row.role,
                influence=row.influence,
                stance=row.stance,
                stance_label=row.stance_label,
                chips=chips or _NO_CHIPS,
                outcome=row.outcome,
                timeline_url=row.timeline_url,
                edit=edit,
            )
        )
    return "".join(out)


def tie_rows_html(rows, can_edit, csrf: str) -> str:
    """The relationships' rows (`workspace.rows.TieRow`s), with their edit and remove
    buttons for those who may use them; `csrf`: the forms' CSRF token field (our
    markup). Kept by a page's cached rows, around the CSRF field (one per request)."""
    return _around_csrf(rows, "ties", can_edit, csrf, _tie_rows)


def _tie_rows(rows, can_edit) -> str:
    out = []
    for row in escaped_rows(rows):  # every text escaped
        actions = ""
        if can_edit:
            actions = _TIE_ACTIONS.format(
                edit_url=row.edit_url, remove_url=row.remove_url, text=row.text, csrf=_CSRF
            )
        out.append(
            _TIE.format(
                source=row.source,
                kind=row.kind,
                kind_label=row.kind_label,
                target=row.target,
                strength=row.strength,
                actions=actions,
            )
        )
    return "".join(out)


def touch_rows_html(rows, can_edit, csrf: str) -> str:
    """The latest touches' rows (`workspace.rows.TouchRow`s), with a remove button for
    those who may use it; `csrf`: the forms' CSRF token field (our markup). Kept by a
    page's cached rows, around the CSRF field."""
    return _around_csrf(rows, "touches", can_edit, csrf, _touch_rows)


def _touch_rows(rows, can_edit) -> str:
    out = []
    for row in escaped_rows(rows):  # every text escaped
        remove = _TOUCH_REMOVE.format(url=row.remove_url, csrf=_CSRF) if can_edit else ""
        out.append(
            _TOUCH.format(
                title=row.title,
                person_url=row.person_url,
                person=row.person,
                when=row.when,
                channel=f" · {row.channel}" if row.channel else "",
                themes="".join(f" · {theme}" for theme in row.themes),
                remove=remove,
            )
        )
    return "".join(out)
