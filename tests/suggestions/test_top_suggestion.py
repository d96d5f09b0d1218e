"""The real `top_suggestion` the digest calls (the digest tests use a stand-in)."""

from planner.models import Stakeholder
from suggestions.suggesting import group_plan, top_suggestion


def test_the_top_suggestion_is_the_first_of_the_set_with_who_to_send_it_first(
    tailored_group, shared_asset
):
    top = top_suggestion(tailored_group)

    assert top is not None
    assert (top.asset, top.title) == ("shared-story", "The shared story")
    [first] = group_plan(tailored_group, top=1).suggestions
    # Its own reasons; whom to send it to first is said apart (once), with why.
    assert top.reasons == first.reasons[:-1] and top.reasons
    assert first.reasons[-1].startswith(f"Send it to {top.send_first_name} first")
    assert top.send_first_why == first.first_why != ""
    person = Stakeholder.objects.get(group=tailored_group, email=first.send_first)
    assert top.send_first_name == (person.name or person.email)


def test_without_a_content_library_there_is_no_top_suggestion(tailored_group):
    assert top_suggestion(tailored_group) is None
