"""Forms copied cheaply (their choices frozen, their fields copied directly) draw and check
what they are given exactly as Django's own do, each with fields of its own."""

import pytest
from django import forms

from accounts.form_copies import FrozenChoices, cheap_copies
from accounts.models import Organization

KINDS = [("a", "Apples"), ("b", "Bananas"), ("Citrus", [("l", "Lemons"), ("o", "Oranges")])]


def _fields() -> dict:
    return {
        "kind": forms.ChoiceField(choices=KINDS),
        "size": forms.TypedChoiceField(choices=[(1, "Small"), (2, "Large")], coerce=int),
        "many": forms.MultipleChoiceField(choices=KINDS, widget=forms.CheckboxSelectMultiple),
        "note": forms.CharField(required=False),
    }


Plain = type("Plain", (forms.Form,), _fields())
Frozen = cheap_copies(type("Frozen", (forms.Form,), _fields()))


def test_an_empty_form_draws_the_same_html():
    assert str(Frozen(prefix="p")) == str(Plain(prefix="p"))
    assert isinstance(Frozen.base_fields["kind"].choices, FrozenChoices)
    assert not isinstance(Plain.base_fields["kind"].choices, FrozenChoices)


@pytest.mark.parametrize(
    "data",
    [
        {"kind": "l", "size": "2", "many": ["a", "o"]},
        {"kind": "Citrus", "size": "3", "many": ["x"]},  # a group's name is no choice
        {"kind": "", "size": "", "many": []},
    ],
)
def test_answers_are_checked_and_drawn_back_the_same(data):
    plain, frozen = Plain(data), Frozen(data)
    assert frozen.is_valid() == plain.is_valid()
    assert frozen.errors == plain.errors
    assert getattr(frozen, "cleaned_data", None) == getattr(plain, "cleaned_data", None)
    assert str(frozen) == str(plain)


def test_changing_one_forms_choices_leaves_the_others_alone():
    first, second = Frozen(), Frozen()
    first.fields["kind"].choices = [("z", "Zucchini")]
    assert [value for value, _ in second.fields["kind"].choices] == ["a", "b", "Citrus"]
    assert [value for value, _ in Frozen().fields["kind"].widget.choices] == ["a", "b", "Citrus"]


def test_pairs_read_as_pairs_are_taken_as_they_are():
    pairs = FrozenChoices((("", "None"), (3, "Three")), normalized=True)
    assert list(pairs) == [("", "None"), (3, "Three")]
    assert len(pairs) == 2 and pairs[1] == (3, "Three")


def test_each_form_has_its_own_fields_widgets_and_messages():
    first, second = Frozen(), Frozen()
    for name in ("kind", "note"):
        field = first.fields[name]
        assert field is not Frozen.base_fields[name] and field is not second.fields[name]
        assert field.widget is not second.fields[name].widget
        field.widget.attrs["data-x"] = "1"
        field.error_messages["required"] = "Say something."
        field.validators.append(len)
        other = second.fields[name]
        assert "data-x" not in other.widget.attrs and "data-x" not in Frozen()[name].as_widget()
        assert other.error_messages["required"] == "This field is required."
        assert len not in other.validators and len not in Frozen.base_fields[name].validators


def test_a_field_that_copies_itself_otherwise_is_copied_by_django():
    Dated = cheap_copies(type("Dated", (forms.Form,), {"at": forms.SplitDateTimeField()}))
    first, second = Dated(), Dated()
    assert first.fields["at"].fields[0] is not second.fields["at"].fields[0]
    assert first.fields["at"].widget.widgets[0] is not second.fields["at"].widget.widgets[0]
    assert str(first) == str(type("Plain", (forms.Form,), {"at": forms.SplitDateTimeField()})())


def test_a_model_choice_field_gets_a_queryset_of_its_own(db, org, other_org):
    def fields():
        return {
            "one": forms.ModelChoiceField(queryset=Organization.objects.order_by("name")),
            "many": forms.ModelMultipleChoiceField(queryset=Organization.objects.order_by("pk")),
            "none": forms.ModelChoiceField(queryset=None, required=False),
        }

    Plain, Cheap = (
        type("Plain", (forms.Form,), fields()),
        cheap_copies(type("Cheap", (forms.Form,), fields())),
    )
    first, second, plain = Cheap(), Cheap(), Plain()
    assert first.fields["one"].queryset is not second.fields["one"].queryset
    assert first.fields["one"].widget.choices.field is first.fields["one"]
    for form in (first, second, plain):
        form.fields["none"].choices = [("", "Nothing")]
    first.fields["none"].choices = [("", "Nothing"), (org.pk, "Only this one")]
    assert "Only this one" in str(first) and "Only this one" not in str(second)
    assert str(second) == str(plain)
    posted = {"one": str(other_org.pk), "many": [str(org.pk)]}
    cheap, plain = Cheap(posted), Plain(posted)
    assert cheap.is_valid() and plain.is_valid()
    assert cheap.cleaned_data["one"] == plain.cleaned_data["one"] == other_org
    assert list(cheap.cleaned_data["many"]) == list(plain.cleaned_data["many"]) == [org]
