"""What the suggestion engine is given in its tests: people and assets written by hand
(`person`, `asset`) or generated (`audiences`, `libraries`), and the published divergence
its answers are checked against."""

from hypothesis import settings
from hypothesis import strategies as st

from scoring.core.divergence import Member, divergence
from suggestions.candidates import STAGES, Audience, Candidate

THEMES = ["cost-of-downtime", "security", "compliance", "integration", "roi", "uptime"]
ROLES = ["Champion", "Decision Maker", "Budget Holder", "End User", "Influencer", "Other"]
ASSET_KEYS = [f"asset-{i}" for i in range(8)]
FAST = settings(max_examples=30, deadline=None)

theme_weights = st.dictionaries(
    st.sampled_from(THEMES), st.floats(min_value=0.1, max_value=10), max_size=4
)
some_themes = st.dictionaries(
    st.sampled_from(THEMES), st.floats(min_value=0.1, max_value=10), min_size=1, max_size=4
)


def person(key, *, influence=3, consent=True, exposure=None, mass=None, priorities=None, **kw):
    exposure = exposure or {}
    return Audience(
        key=key,
        name=kw.pop("name", key.split("@")[0].title()),
        influence=influence,
        role=kw.pop("role", "Other"),
        consent=consent,
        exposure=exposure,
        mass=(1.0 if exposure else 0.0) if mass is None else mass,
        priorities=priorities or {},
        seen=frozenset(kw.pop("seen", ())),
        broker=kw.pop("broker", False),
    )


def asset(key, themes, *, framing="shared_problem", level="mass_customized", stage=None):
    return Candidate(
        key=key,
        title=key.replace("-", " ").title(),
        framing=framing,
        level=level,
        stage=stage or "problem_identification",
        themes=themes,
    )


@st.composite
def audiences(draw, min_size=1, max_size=9, consent=None):
    size = draw(st.integers(min_size, max_size))
    people = []
    for i in range(size):
        exposure = draw(theme_weights)
        people.append(
            Audience(
                key=f"p{i}@buyer.com",
                name=f"Person {i}",
                influence=draw(st.integers(1, 5)),
                role=draw(st.sampled_from(ROLES)),
                consent=draw(st.booleans()) if consent is None else consent,
                exposure=exposure,
                mass=draw(st.floats(min_value=0.1, max_value=8)) if exposure else 0.0,
                priorities=draw(theme_weights),
                seen=frozenset(draw(st.lists(st.sampled_from(ASSET_KEYS), max_size=3))),
                broker=draw(st.booleans()),
            )
        )
    return people


@st.composite
def libraries(draw, min_size=0, max_size=6):
    size = draw(st.integers(min_size, max_size))
    return [
        Candidate(
            key=ASSET_KEYS[i],
            title=f"Asset {i}",
            framing=draw(st.sampled_from(["shared_problem", "solution", "individual"])),
            level=draw(st.sampled_from(["mass", "mass_customized", "individualized"])),
            stage=draw(st.sampled_from(STAGES)),
            themes=draw(theme_weights),
        )
        for i in range(size)
    ]


def keys_of(suggestions):
    return [s.asset for s in suggestions]


def official_divergence(audience, exposures):
    return divergence(
        [Member(key=m.key, influence=m.influence, exposure=exposures[m.key]) for m in audience]
    ).score
