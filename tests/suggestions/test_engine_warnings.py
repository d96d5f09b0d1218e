"""When the engine has nothing to suggest (no assets, no members, nobody consented, only
one-to-one assets) it says why in a warning, never crashes; duplicate keys are refused."""

import pytest

from suggestions.engine import suggest
from tests.suggestions.engine_inputs import asset, person


def test_no_assets_no_members_or_nobody_consented_gives_a_warning_not_a_crash():
    group = [person("ana@b.com", exposure={"roi": 1}), person("bo@b.com")]
    library = [asset("roi-guide", {"roi": 1})]
    cases = {
        "content library is empty": (group, []),
        "no members yet": ([], library),
        "Nobody in this group has consented": (
            [person("ana@b.com", consent=False), person("bo@b.com", consent=False)],
            library,
        ),
    }
    for words, (audience, assets) in cases.items():
        plan = suggest(audience, assets, stage="validation", readiness_of=lambda e: 55)
        assert plan.suggestions == () and plan.ranked == ()
        assert any(words in w for w in plan.warnings), plan.warnings
        assert plan.divergence_after == plan.divergence_before
        assert plan.readiness_before == plan.readiness_after == 55


def test_only_individualized_assets_leave_the_set_empty_and_say_why():
    group = [person("ana@b.com", exposure={"roi": 1}), person("bo@b.com")]
    library = [asset("for-ana", {"roi": 1}, framing="individual", level="individualized")]
    plan = suggest(group, library, stage="validation")
    assert plan.suggestions == ()
    assert plan.ranked == ()
    assert any("written for one person" in w for w in plan.warnings)


def test_duplicate_keys_are_refused():
    with pytest.raises(ValueError):
        suggest([person("a@b.com"), person("a@b.com")], [], stage="validation")
    with pytest.raises(ValueError):
        suggest([person("a@b.com")], [asset("x", {}), asset("x", {})], stage="validation")
