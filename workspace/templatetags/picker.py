"""The option lists and the "select by role / faction" buttons of the recipient picker
(templates/partials/recipient_picker.html), one line of HTML per person or set, written
in Python: a group of 500 lists 500 people, and the template engine costs microseconds for
each value of each line. The HTML is what the template loops drew before
(tests/workspace/test_picker_options.py keeps them and compares, with hostile names):
every value is escaped (`escape`, what autoescaping does to a `str` or an `int`), and
only the joined lines of escaped values and our own constant markup are marked safe. A
picker's people (`PickPeople`, cached with the group's analysis) keep their lines, and
the options with nobody picked (an empty form), so that a view of a group of 500 joins
500 kept lines at most, and writes none of them again (`workspace.escaping.kept`).
"""

from django import template
from django.utils.safestring import mark_safe

from workspace.escaping import escape, escaped_rows, kept

register = template.Library()


@register.simple_tag
def picker_options(people, picked) -> str:
    """`<option>`s of the multi-select, the `picked` ids selected."""
    lines = kept(people, "options", _option_lines)
    if not picked:  # (an empty form: the same on every view)
        return kept(people, "options:none", lambda _: _joined(lines, picked))
    return _joined(lines, picked)


@register.simple_tag
def picker_checkboxes(people, picked, name: str) -> str:
    """`<li>`s of the checkbox list, the `picked` ids checked."""
    name = escape(str(name))
    return _joined(kept(people, f"checkboxes:{name}", lambda rows: _box_lines(rows, name)), picked)


def _option_lines(people) -> tuple[tuple[int, str, str], ...]:
    """Each person's (id, option, option selected)."""
    return tuple(
        (
            pk,
            f'<option value="{p.pk}" data-s="{p.email}">{p.label}</option>',
            f'<option value="{p.pk}" data-s="{p.email}" selected>{p.label}</option>',
        )
        for pk, p in _escaped(people)
    )


def _box_lines(people, name: str) -> tuple[tuple[int, str, str], ...]:
    """Each person's (id, item, item checked); `name` escaped."""
    return tuple(
        (
            pk,
            f'<li data-s="{p.email}"><label><input type="checkbox" name="{name}" '
            f'value="{p.pk}"> {p.label}</label></li>',
            f'<li data-s="{p.email}"><label><input type="checkbox" name="{name}" '
            f'value="{p.pk}" checked> {p.label}</label></li>',
        )
        for pk, p in _escaped(people)
    )


def _joined(lines, picked) -> str:
    """The lines, each as picked or not: every value in them escaped."""
    return mark_safe(  # noqa: S308 - every value escaped
        "".join(chosen if pk in picked else line for pk, line, chosen in lines)
    )


def _escaped(people) -> zip:
    """Each person's id (as given: `picked` holds those) and the person with every text
    escaped (a picker's `PickPeople` keeps them)."""
    return zip((p.pk for p in people), escaped_rows(people), strict=True)


@register.simple_tag
def picker_sets(sets, find_form, name: str) -> str:
    """The buttons of a role's or a faction's people (`recipient_picker.PickSet`s), each
    after a space, submitting the picker's GET form `find_form` as `name`."""
    find_form, name = escape(str(find_form)), escape(str(name))
    return mark_safe(  # noqa: S308 - every value escaped
        "".join(
            f' <button type="submit" class="chip-button" form="{find_form}" name="{name}" '
            f'value="{escape(str(s.value))}" data-ids="{escape(str(s.id_list))}">'
            f'{escape(str(s.label))} <span class="chip-button__count">{len(s.ids)}</span></button>'
            for s in sets
        )
    )
