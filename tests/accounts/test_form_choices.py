"""Forms whose choices are frozen draw and check them exactly as Django's own do."""

import pytest
from django import forms

from accounts.form_choices import FrozenChoices, frozen_choices

KINDS = [("a", "Apples"), ("b", "Bananas"), ("Citrus", [("l", "Lemons"), ("o", "Oranges")])]


def _fields() -> dict:
    return {
        "kind": forms.ChoiceField(choices=KINDS),
        "size": forms.TypedChoiceField(choices=[(1, "Small"), (2, "Large")], coerce=int),
        "many": forms.MultipleChoiceField(choices=KINDS, widget=forms.CheckboxSelectMultiple),
        "note": forms.CharField(required=False),
    }


Plain = type("Plain", (forms.Form,), _fields())
Frozen = frozen_choices(type("Frozen", (forms.Form,), _fields()))


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
