"""`{% form_fields form %}` (workspace/templatetags/form_fields.py) draws a form's fields
byte for byte as templates/partials/form_fields.html does: the group page's three forms
empty, with errors, with a sensitive-data warning and a form-wide error, with and without
the recipient picker, and other forms of the app."""

import pytest
from django import forms
from django.contrib.auth.forms import AuthenticationForm
from django.template import engines
from django.test import RequestFactory

from planner.forms import (
    GroupForm,
    ImportForm,
    PlannerSettingsForm,
    RelationshipForm,
    StakeholderForm,
    TouchForm,
)
from scoring.cached import current_analysis
from tests.factories import group_of
from workspace import recipient_picker

HOSTILE = ['<script>alert("x")</script>', 'O\'Brien & "Sons" <b>']


def both(form) -> tuple[str, str]:
    """The tag's HTML and the partial's, for `form`, in the same page context."""
    context = {"form": form, "csrf_token": "tok", "request": RequestFactory().get("/")}
    django = engines["django"]
    ours = django.from_string("{% load form_fields %}{% form_fields form %}").render(context)
    partial = django.from_string('{% include "partials/form_fields.html" %}').render(context)
    return ours, partial


def group_forms(group, *, posted=False):
    analysis = current_analysis(group)
    people = analysis.map.stakeholders
    picker = recipient_picker.build(group, analysis.map)
    first = people[0]
    person = {
        "person-name": HOSTILE[0],
        "person-email": first.email,  # already in the group
        "person-influence": "9",
        "person-notes": "She is pregnant and has diabetes.",  # the sensitive-data check
        "person-title": HOSTILE[1],
    }
    tie = {"tie-source": str(first.pk), "tie-target": first.email, "tie-kind": "x"}
    touch = {
        "touch-recipients": [str(first.pk), "1000000000"],
        "touch-occurred_at": "2999-01-01T10:00",
        "touch-themes": HOSTILE[1],
        "touch-channel": HOSTILE[0],
    }
    data = (person, tie, touch) if posted else (None, None, None)
    made = [
        StakeholderForm(data[0], group=group, prefix="person"),
        RelationshipForm(data[1], group=group, stakeholders=people, prefix="tie"),
        TouchForm(data[2], group=group, stakeholders=people, picker=picker, prefix="touch"),
        TouchForm(data[2], group=group, stakeholders=people, prefix="touch"),  # no picker
    ]
    for form in made:
        if posted:
            assert not form.is_valid()
    return made


@pytest.mark.parametrize("size", [3, 30])
@pytest.mark.parametrize("posted", [False, True])
def test_the_group_pages_forms_are_drawn_as_the_partial_draws_them(org, size, posted):
    group = group_of(org, size)
    group.stakeholders.filter(pk=group.stakeholders.first().pk).update(name=HOSTILE[0])
    for form in group_forms(group, posted=posted):
        ours, partial = both(form)
        assert ours == partial
        assert "<script>" not in ours
    if posted:
        person = group_forms(group, posted=True)[0]
        assert person.sensitive_findings and "sensitive-check" in both(person)[0]


def test_a_form_wide_error_is_drawn_as_the_partial_draws_it(org):
    form = StakeholderForm({"person-name": "x"}, group=group_of(org, 2), prefix="person")
    form.is_valid()
    form.add_error(None, f"Could not save: {HOSTILE[0]}")
    form.add_error(None, "A second problem.")
    ours, partial = both(form)
    assert ours == partial and 'class="form-errors"' in ours


class Everything(forms.Form):
    secret = forms.CharField(widget=forms.HiddenInput, initial=HOSTILE[0])
    text = forms.CharField(label=HOSTILE[1], help_text="Our <em>own</em> help.")
    agree = forms.BooleanField(required=False, label="I agree")
    many = forms.MultipleChoiceField(
        choices=[("a", HOSTILE[0]), ("b", "B")], widget=forms.CheckboxSelectMultiple
    )
    when = forms.DateField(required=False, widget=forms.DateInput(attrs={"type": "date"}))


class Edges(forms.Form):
    """Widgets whose attributes `as_widget` works out in every way it can."""

    own_id = forms.CharField(widget=forms.TextInput(attrs={"id": "mine"}), help_text="Help.")
    described = forms.CharField(
        widget=forms.TextInput(attrs={"aria-describedby": "elsewhere"}), help_text="Help."
    )
    off = forms.CharField(disabled=True, initial="fixed")
    local = forms.DecimalField(localize=True, initial=1234.5)
    number = forms.IntegerField(initial=lambda: 7, min_value=0)
    pick = forms.ChoiceField(choices=[("", "---------"), ("a", HOSTILE[0])])
    pick_set = forms.ChoiceField(choices=[("a", "A"), ("b", "B")], initial="b")
    note = forms.CharField(widget=forms.Textarea, required=False, initial=HOSTILE[1])
    when = forms.SplitDateTimeField(required=False)
    was = forms.CharField(show_hidden_initial=True, initial=HOSTILE[0])


@pytest.mark.parametrize(
    "make",
    [
        lambda org: Edges(),
        lambda org: Edges(prefix="p", initial={"pick": "a", "note": "given"}),
        lambda org: Edges(auto_id="x_%s"),
        lambda org: GroupForm(organization=org),
        lambda org: GroupForm({"name": ""}, organization=org),
        lambda org: PlannerSettingsForm({"half_life_days": "0", "roles": ["nope"]}),
        lambda org: ImportForm({}),
        lambda org: AuthenticationForm(),
        lambda org: Everything(),
        lambda org: Everything({"text": "", "many": ["z"]}),
        lambda org: Everything(auto_id=False),
    ],
)
def test_other_forms_are_drawn_as_the_partial_draws_them(org, make):
    form = make(org)
    if form.is_bound:
        form.is_valid()
    ours, partial = both(form)
    assert ours == partial


@pytest.mark.parametrize("missing", ["", None])
def test_a_missing_form_is_drawn_as_the_partial_draws_it(missing):
    ours, partial = both(missing)
    assert ours == partial


def test_with_a_picker_the_touch_form_still_takes_only_the_groups_people(org):
    """The picker lists the people itself, so the form makes no choices of them; what is
    posted is still checked against the group's people."""
    group, other = group_of(org, 3), group_of(org, 2)
    analysis = current_analysis(group)
    picker = recipient_picker.build(group, analysis.map)
    stranger = other.stakeholders.first()
    mine = group.stakeholders.order_by("pk").first()
    posted = {"touch-occurred_at": "2020-01-01T10:00", "touch-themes": "cost"}
    for pk, valid in ((stranger.pk, False), (mine.pk, True)):
        form = TouchForm(
            {**posted, "touch-recipients": [str(pk)]},
            group=group,
            stakeholders=analysis.map.stakeholders,
            picker=picker,
            prefix="touch",
        )
        assert form.is_valid() is valid
        if valid:
            assert list(form.cleaned_data["recipients"]) == [mine]


def _picker(people, *, query="", checkboxes=True, factions_hidden=0, sets=2):
    persons = tuple(
        recipient_picker.PickPerson(pk=p.pk, label=f"{HOSTILE[0]} {p.pk}", email=p.email)
        for p in people
    )
    ids = tuple(p.pk for p in people)
    roles = tuple(
        recipient_picker.PickSet(value=f"role-{i}", label=HOSTILE[1], ids=ids) for i in range(sets)
    )
    factions = tuple(
        recipient_picker.PickSet(value=str(i + 1), label=f"Faction of {HOSTILE[0]}", ids=ids)
        for i in range(sets)
    )
    return recipient_picker.Picker(
        people=persons,
        size=len(people) + 7,
        roles=roles,
        factions=factions,
        factions_hidden=factions_hidden,
        find_url='/groups/1/touches/new/?x="<y>"',
        query=query,
        checkboxes=checkboxes,
    )


@pytest.mark.parametrize("checkboxes", [True, False])
@pytest.mark.parametrize(
    "shape",
    [
        {},
        {"query": HOSTILE[1], "factions_hidden": 1},
        {"query": "nobody", "factions_hidden": 3, "sets": 1},
        {"sets": 0, "nobody": True, "query": "x"},
    ],
)
@pytest.mark.parametrize("posted", [False, True])
def test_every_shape_of_the_picker_is_drawn_as_its_template_draws_it(
    org, checkboxes, shape, posted
):
    group = group_of(org, 3)
    people = list(group.stakeholders.order_by("pk"))
    shape = dict(shape)
    listed = [] if shape.pop("nobody", False) else people
    picker = _picker(listed, checkboxes=checkboxes, **shape)
    data = {"touch-recipients": [str(people[0].pk), "x"]} if posted else None
    form = TouchForm(data, group=group, stakeholders=people, picker=picker, prefix="touch")
    if posted:
        assert not form.is_valid()
    ours, partial = both(form)
    assert ours == partial
    assert "<script>" not in ours and 'x="<y>"' not in ours
