"""Every place that marks HTML safe or turns autoescaping off, reviewed: each wraps only
our own constants or output that escaped every text it was given, and each is fed markup
here (or by the hostile crawl, named below). A new one fails until it is reviewed."""

import re
from pathlib import Path

from django.conf import settings
from django.template.loader import render_to_string

from charts.svg import render_sparkline
from planner.models import BuyingGroup
from tests.security.hostile import UNESCAPED, hostile

ROOT = Path(settings.BASE_DIR)
PATTERN = re.compile(
    r"mark_safe\(|SafeString|format_html|\|safe\b|\|safeseq|autoescape (?:off|false)|html_safe"
    r"|Markup\("
)
# file -> how many uses, and why each is safe (and which test feeds it markup).
REVIEWED = {
    # render_sparkline escapes its label (test below); the crawl sees every dashboard.
    # Group-page pictures: charts.svg escapes every text (the crawl renders them with
    # hostile names). The scoring guide is docs/scoring.md from this repository (below).
    "workspace/views.py": 4,  # + docs/formats.md as HTML (our own file); the map's legend
    # The group page's pictures, cached as Markup: charts.svg and the map escape every text.
    "workspace/group_charts.py": 3,
    # What the group page's Jinja2 templates write (config.jinja): `finalize` escapes as
    # Django does (tests/workspace/test_jinja_page.py, hostile text); the rows and forms
    # are the functions below, each escaping every text; the CSRF field is Django's
    # markup around the token (format_html escapes it), which `finalize` writes as it is
    # (Django's SafeString, as a Django template does); 2 in its docstring.
    "config/jinja.py": 9,
    # A faction's map: workspace.map_view draws it and escapes every text (hostile names
    # in tests/workspace/test_faction_map.py); the legend is our own constant text.
    "workspace/map_pages.py": 2,
    # Not a use: its docstring explains why text bodies (autoescape off) become plain str.
    "accounts/emails.py": 1,
    # The recipient picker's option lists and role and faction buttons: every value is
    # escaped before the joined lines are marked safe (hostile names, emails and labels in
    # tests/workspace/test_picker_options.py, with the lines kept by the picker's people
    # too); the rest are constants.
    "workspace/templatetags/picker.py": 2,
    # The group page's rows (People table, relationships, touches): every value escaped
    # before the joined rows are marked safe (hostile text in
    # tests/workspace/test_group_rows.py, compared with the template loops they replace).
    "workspace/templatetags/group_rows.py": 2,  # + the People table around its rows
    # The group page's form fields: widgets are the renderer's HTML, every text escaped,
    # help texts ours as in form_fields.html (hostile labels, values and errors in
    # tests/workspace/test_form_fields.py, compared with the partial). 2 in its docstring.
    "workspace/templatetags/form_fields.py": 3,
    # help_text is written by us in forms and models; the crawl renders every form page.
    "templates/partials/form_fields.html": 1,
    # Text emails are not HTML: accounts.emails returns their bodies as plain str, and the
    # digest preview escapes them (tests/digests/test_preview_escaping.py, the crawl).
    "templates/email/digest.txt": 1,
    "templates/email/digest_section_drifting.txt": 1,
    "templates/email/digest_section_forecast_drift.txt": 1,
    "templates/email/digest_section_kits.txt": 1,
    "templates/email/digest_section_missing_roles.txt": 1,
    "templates/email/digest_section_readiness.txt": 1,
    "templates/email/digest_section_suggestions.txt": 1,
    "templates/email/digest_subject.txt": 1,
    "templates/email/invitation.txt": 1,
    "templates/email/invitation_subject.txt": 1,
    "templates/email/password_reset.txt": 1,
    "templates/email/password_reset_subject.txt": 1,
}
# Every package of the app (whatever rooms it grows), and the templates.
PACKAGES = sorted(
    p.name
    for p in ROOT.iterdir()
    if (p / "__init__.py").exists() and p.name not in {"tests", "bench"}
)
SOURCES = [*PACKAGES, "templates"]


def test_every_use_of_safe_markup_is_reviewed():
    found = {}
    for top in SOURCES:
        for path in (ROOT / top).rglob("*"):
            if path.suffix not in {".py", ".html", ".txt"} or "migrations" in path.parts:
                continue
            count = len(PATTERN.findall(path.read_text(encoding="utf-8")))
            if count:
                found[str(path.relative_to(ROOT))] = count
    assert found == REVIEWED, (
        "A use of mark_safe / |safe / autoescape off changed. Check that it wraps only our "
        "own constants or escaped output, feed it markup in a test, then update REVIEWED."
    )


def test_the_dashboard_sparkline_escapes_its_label():
    svg = render_sparkline([40, 50, 60], label=f"Readiness of {hostile('spark')}")
    assert not UNESCAPED.search(svg)
    assert "&lt;b id=&quot;xss-spark&quot;" in svg


def test_the_scoring_guide_is_our_own_markdown_without_active_markup(client, marketer):
    client.force_login(marketer)
    page = client.get("/help/scoring/").content.decode()
    guide = (ROOT / "docs" / "scoring.md").read_text()
    assert "<script" not in guide.lower() and "hx-" not in guide
    assert "<script" not in page.lower().replace('<script src="/static/', "")


def test_form_help_text_is_ours_even_on_a_hostile_page(client, marketer, org):
    group = BuyingGroup.objects.create(organization=org, name=hostile("help"))
    client.force_login(marketer)
    page = client.get(f"/groups/{group.pk}/edit/").content.decode()
    assert not UNESCAPED.search(page)
    assert 'class="help"' in page


def test_an_html_email_escapes_what_its_text_twin_prints_as_is(org, admin):
    org.name = hostile("mail-org")
    context = {"organization": org, "inviter": admin, "url": "https://x", "role": "Admin"}
    html = render_to_string("email/invitation.html", context)
    assert not UNESCAPED.search(html) and "&lt;b id=&quot;xss-mail-org&quot;" in html
