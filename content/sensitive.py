"""A lint for special-category personal data in free text (health, religion, debt...).

Plain Python, no Django: `find_sensitive(text)` returns one `Finding` per distinct phrase,
in the order they first appear. Asset forms run it on the title and summary, and the
planner runs it on stakeholder notes; a finding is a prompt to look again, never a block.

What it looks for: mentions of a person's health or medical condition, pregnancy or
maternity, family status (divorce, children, marital status), religion, ethnicity or
race, sexual orientation or gender identity, personal finances (debt, salary, credit
score, bankruptcy), trade-union membership, political opinions, criminal records and
disability: roughly the GDPR's special categories plus what a sales team should not write
down about a buyer.

The trade-off: a lint that shouts at ordinary B2B copy gets ignored, so the lexicon
prefers phrases to single words wherever a word has an everyday business meaning, and
accepts that some sensitive text slips through.

- Word boundaries everywhere, case-insensitive: "pregnant" matches, "impregnable" does not.
- "health" alone is not flagged ("health check", "system health", "healthcare providers"
  are about machines and markets); "mental health", "his health", "health condition" are.
- "debt" alone is not flagged ("technical debt"); "credit card debt", "in debt", "her
  debts" are. "cost of downtime", "total cost" and "revenue" never match anything.
- "union" only with "trade", "labor/labour", "member(ship)" or "rep"; never "European Union".
- "race" only as "his/her/their race" or "racial"; never "race condition".
- "blind" not before "spot", "test", "trial", "copy"; "disabled" only before a word for a
  person ("disabled employee"), never "the feature is disabled".
- "conservative" and "liberal" alone are not flagged ("a conservative estimate");
  "Labour Party", "Republican", "political views" are.
- "Christian" followed by a capitalised word is read as a first name ("Christian Meyer").
- "diagnosed" only as "diagnosed with" ("we diagnosed the outage" is engineering);
  "conviction" only as "criminal/prior conviction" ("sell with conviction"); "custody"
  only about children ("key custody" is security); "voted" only with a party.
- Still flagged although sometimes harmless: "salary" and "bankruptcy" (a vendor can go
  bankrupt), "children", "surgery", "church". A finding asks for a second look; the
  person can confirm and save.
- Not detected: illnesses beyond a common list, non-English text, and anything said
  indirectly ("she has been away a lot since the operation"). The lint helps people
  notice; it is not a data-loss-prevention system.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

__all__ = ["CATEGORIES", "Finding", "find_sensitive"]

# Possessives and pronouns that make a word be about a person.
_THEIR = r"(?:his|her|their|my|your)"
# "health" followed by one of these is about a system, not a person.
_SYSTEM = r"(?![\s-]+(?:checks?|scores?|dashboards?|monitor\w*|status|metrics?|probes?|endpoints?))"

# category -> (what it is, in words, patterns)
_LEXICON: dict[str, tuple[str, tuple[str, ...]]] = {
    "health": (
        "a health or medical condition",
        (
            r"mental[\s-]+health",
            rf"{_THEIR}\s+health{_SYSTEM}",
            r"health\s+(?:condition|issue|problem|scare|reason)s?",
            r"medical\s+(?:condition|history|leave|record|reason|treatment|appointment)s?",
            r"(?:on\s+)?sick\s+(?:leave|note|day)s?",
            r"diagnosed\s+with",
            rf"{_THEIR}\s+diagnosis",
            r"illness(?:es)?",
            r"chronic(?:ally)?\s+ill",
            r"terminal(?:ly)?\s+ill",
            r"cancer",
            r"chemo(?:therapy)?",
            r"tumou?r",
            r"diabet(?:es|ic)",
            r"clinical\s+depression",
            r"(?:is|was|been|gets|got)\s+depressed",
            r"depression",
            r"anxiety\s+(?:disorder|attack)s?",
            r"panic\s+attacks?",
            r"burn[\s-]?out\s+leave",
            r"bipolar",
            r"schizophreni(?:a|c)",
            r"heart\s+attack",
            r"stroke\s+(?:victim|patient|survivor)",
            r"had\s+a\s+stroke",
            r"surgery",
            r"hospitali[sz](?:ed|ation)",
            r"(?:is|was|been|in|into|out\s+of)\s+hospital",
            r"hiv",
            r"addict(?:ion|ed)",
            r"alcoholi(?:c|sm)",
            r"rehab",
            r"therapist",
            r"medication",
        ),
    ),
    "pregnancy": (
        "pregnancy or maternity",
        (
            r"pregnan(?:t|cy|cies)",
            r"maternity",
            r"paternity",
            r"parental\s+leave",
            r"expecting\s+(?:a\s+baby|twins)",
            r"baby\s+on\s+the\s+way",
            r"miscarriage",
            r"ivf",
            r"fertility\s+treatment",
        ),
    ),
    "family": (
        "family or marital status",
        (
            r"divorc(?:e|ed|es|ing)",
            r"separated\s+from\s+(?:his|her|their)\s+(?:wife|husband|partner|spouse)",
            r"marital\s+status",
            r"(?:is|got|getting|just|recently|newly|happily)\s+married",
            r"single\s+(?:mother|father|parent|mum|mom|dad)",
            r"widow(?:ed|er)?",
            r"(?:child|shared|joint|sole)\s+custody",
            r"custody\s+(?:battle|dispute|hearing|of\s+(?:his|her|their)\s+(?:kids|children))",
            r"childcare",
            r"children",
            r"kids",
            rf"{_THEIR}\s+(?:son|daughter|child|baby|wife|husband|spouse|girlfriend|boyfriend)",
            r"(?:has|have|with)\s+(?:a|no|one|two|three|four|\d+)\s+(?:young\s+)?(?:kids?|children|child)",
        ),
    ),
    "religion": (
        "religion or belief",
        (
            r"religio(?:n|us|ns)",
            r"christian(?!\s+(?-i:[A-Z]))s?",
            r"muslims?",
            r"islam(?:ic)?",
            r"jew(?:s|ish)?",
            r"hindus?",
            r"buddhists?",
            r"sikhs?",
            r"catholics?",
            r"protestants?",
            r"evangelicals?",
            r"mormons?",
            r"atheists?",
            r"church",
            r"mosque",
            r"synagogue",
            r"ramadan",
            r"(?:goes|go|went)\s+to\s+(?:church|mass|temple)",
        ),
    ),
    "ethnicity": (
        "ethnicity or race",
        (
            r"ethnicit(?:y|ies)",
            r"ethnic(?:ally)?",
            r"racial(?:ly)?",
            rf"{_THEIR}\s+race",
            r"skin\s+colou?r",
            r"hispanic",
            r"latin[oax]",
            r"caucasian",
            r"african[\s-]+american",
            r"immigrant",
            r"immigration\s+status",
        ),
    ),
    "sexuality": (
        "sexual orientation or gender identity",
        (
            r"sexual\s+orientation",
            r"gender\s+identity",
            r"gay",
            r"lesbian",
            r"bisexual",
            r"homosexual",
            r"heterosexual",
            r"transgender",
            r"trans\s+(?:woman|man|women|men|person|people)",
            r"non[\s-]?binary",
            r"queer",
            r"lgbt\w*",
            r"sex\s+life",
        ),
    ),
    "finances": (
        "a person's own finances",
        (
            rf"{_THEIR}\s+(?:debts?|salary|salaries|wages?|mortgage|loans?)",
            r"(?:personal|credit[\s-]card|student|gambling|medical|mounting)\s+debts?",
            r"in\s+debt",
            r"debt\s+collect(?:or|ors|ion)",
            r"salary",
            r"salaries",
            r"pay\s+(?:rise|raise|cut)",
            r"credit\s+(?:score|history)",
            r"(?:went|gone|going|declared)\s+bankrupt",
            r"bankruptc(?:y|ies)",
            r"foreclos(?:ed|ure)",
            r"mortgage\s+(?:arrears|problems?)",
            r"payday\s+loans?",
            r"personal\s+loans?",
            r"wage\s+garnish(?:ment|ed)",
            r"money\s+(?:problems|troubles|worries)",
            rf"{_THEIR}\s+(?:personal\s+)?financ(?:es|ial\s+(?:problems|troubles|difficulties))",
        ),
    ),
    "union": (
        "trade-union membership",
        (
            r"(?:trade|labou?r|teachers'?|workers'?)\s+unions?",
            r"union\s+(?:member|membership|rep|representative|dues|card|activist)s?",
            r"unioni[sz](?:ed|ing|ation)",
            r"shop\s+steward",
        ),
    ),
    "politics": (
        "political opinions",
        (
            r"politic(?:al|s)\s+(?:views?|opinions?|affiliations?|leanings?|beliefs?|party)",
            r"(?:labour|conservative|democratic|republican|green|liberal\s+democrat)\s+party",
            r"democrats?",
            r"republicans?",
            r"tor(?:y|ies)",
            r"(?:votes?|voted|voting)\s+(?:labour|conservative|tory|green|republican|democrat"
            r"|leave|remain)",
            r"(?:left|right)[\s-]wing",
            r"trump\s+supporter",
            r"maga",
            r"socialist",
            r"communist",
        ),
    ),
    "criminal": (
        "a criminal record",
        (
            r"criminal\s+(?:record|history|conviction|charges?|past)",
            r"convicted",
            r"(?:criminal|prior|previous)\s+convictions?",
            r"arrest(?:ed|s)?",
            r"felon(?:y|ies|s)?",
            r"misdemeano(?:u)?r",
            r"(?:in|out\s+of|went\s+to)\s+(?:jail|prison)",
            r"jailed",
            r"imprison(?:ed|ment)",
            r"parole",
            r"dui",
            r"drunk\s+driving",
            r"sentenced\s+to",
        ),
    ),
    "disability": (
        "a disability",
        (
            r"disabilit(?:y|ies)",
            r"disabled\s+(?:person|people|employee|worker|veteran|colleague|parent|child|"
            r"son|daughter|man|woman)s?",
            r"handicap(?:ped)?",
            r"wheelchair",
            r"(?:legally\s+|partially\s+)?blind(?![\s-]*(?:spots?|tests?|trials?|copy|review))",
            r"deaf(?:ness)?(?!\s+ears)",
            r"hard\s+of\s+hearing",
            r"autis(?:m|tic)",
            r"asperger'?s",
            r"adhd",
            r"dyslexi(?:a|c)",
            r"learning\s+difficult(?:y|ies)",
            r"neurodivergent",
        ),
    ),
}

CATEGORIES: dict[str, str] = {name: what for name, (what, _) in _LEXICON.items()}


@dataclass(frozen=True)
class Finding:
    """One phrase that looks like special-category data about a person."""

    category: str  # a key of CATEGORIES, e.g. "health"
    phrase: str  # the words as written in the text
    message: str  # for the user: why this phrase was flagged

    def __str__(self) -> str:
        return self.message


def _compile(category: str, patterns: tuple[str, ...]) -> re.Pattern[str]:
    body = "|".join(f"(?:{p})" for p in patterns)
    return re.compile(rf"(?<![\w-])(?:{body})(?![\w])", re.IGNORECASE)


_PATTERNS: tuple[tuple[str, re.Pattern[str]], ...] = tuple(
    (category, _compile(category, patterns)) for category, (_, patterns) in _LEXICON.items()
)


def find_sensitive(text: str) -> tuple[Finding, ...]:
    """Each distinct sensitive-looking phrase in `text`, in order of first appearance.

    A phrase is reported once per category however often it appears, compared without
    case and extra spaces.
    """
    if not text or not text.strip():
        return ()
    hits: list[tuple[int, str, str]] = []
    for category, pattern in _PATTERNS:
        for match in pattern.finditer(text):
            hits.append((match.start(), category, " ".join(match.group(0).split())))
    findings: list[Finding] = []
    seen: set[tuple[str, str]] = set()
    for _, category, phrase in sorted(hits):
        key = (category, phrase.casefold())
        if key in seen:
            continue
        seen.add(key)
        message = f"“{phrase}” may be about {CATEGORIES[category]}."
        findings.append(Finding(category, phrase, message))
    return tuple(findings)
