"""The hostile crawl: one organization where every user-typed or imported field carries
markup with htmx attributes. Signed in as each role, every same-site page reachable by
GET from the dashboard (plus the digest preview), the public share, invitation and
unsubscribe pages, and every email (digest, invitation, password reset; text and HTML)
must show that markup as text, and no answer may be a server error."""

from __future__ import annotations

import pytest
from django.core import mail
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone
from django.utils.safestring import SafeData

from accounts import services as account_services
from accounts.roles import Role
from accounts.tokens import invitation_token
from digests.emails import digest_email
from digests.schedule import due_state, zone
from digests.selectors import digest_content
from digests.tokens import unsubscribe_token
from kits import services as kits
from tests.security import hostile
from tests.security.crawl import Findings, crawl, post_forms

PAGE_LIMIT = 400  # per role: the crawl is bounded, and says so if it hits the bound
ROLES = (Role.ADMIN, Role.MARKETER, Role.SALES)


@pytest.fixture
def hostile_org(db):
    return hostile.build(timezone.now())


@pytest.fixture
def client(client):
    client.raise_request_exception = False  # a 500 is a finding, not a crash
    return client


def _report(findings: Findings, label: str) -> None:
    print(f"\n[hostile crawl] {label}: {findings.pages} answers, statuses {findings.statuses}")


def _assert_clean(findings: Findings) -> None:
    assert findings.server_errors == []
    assert findings.unescaped == []


@pytest.mark.parametrize("role", ROLES)
def test_every_page_a_member_reaches_shows_hostile_markup_as_text(client, hostile_org, role):
    client.force_login(hostile_org.users[role])
    findings = crawl(client, ["/", "/digest/preview/"], limit=PAGE_LIMIT)
    _report(findings, role)
    _assert_clean(findings)
    assert findings.pages < PAGE_LIMIT, "the crawl hit its bound: raise it"
    assert findings.pages > 20
    # The crawl reached every field this role is shown (as text), not just some pages.
    expected = hostile_org.keys - hostile.NEVER_SHOWN - hostile.KIT_TEXTS
    if role == Role.SALES:
        expected -= hostile.INTERNAL_NOTES
    assert expected - findings.seen_keys == set()
    print(f"[hostile crawl] {role}: {len(findings.seen_keys & hostile_org.keys)} fields seen")


def test_the_public_pages_show_hostile_markup_as_text(client, hostile_org):
    organization, users = hostile_org.organization, hostile_org.users
    seeds = [f"/k/{kits.share_token(hostile_org.share)}/"]
    seeds.append(f"/invitations/{invitation_token(hostile_org.invitation)}/")
    seeds += [
        f"/digest/unsubscribe/{unsubscribe_token(user=u, organization_id=organization.pk)}/"
        for u in users.values()
    ]
    findings = crawl(client, seeds, limit=50)
    _report(findings, "anonymous")
    _assert_clean(findings)
    assert findings.statuses.get(200, 0) >= len(seeds)
    assert hostile.KIT_TEXTS | {"org-name", "user-admin", "group-account"} <= findings.seen_keys


def test_every_email_shows_hostile_markup_as_text(hostile_org, django_capture_on_commit_callbacks):
    organization, users = hostile_org.organization, hostile_org.users
    now = timezone.now()
    content = digest_content(organization, now=now)
    assert not content.quiet, "the hostile week must have news"
    messages = []
    for user in users.values():
        week = due_state(
            now, zone(user.time_zone), weekday=user.digest_weekday, hour=user.digest_hour
        ).week
        messages.append(
            digest_email(user=user, organization=organization, content=content, week=week)
        )
    with django_capture_on_commit_callbacks(execute=True):
        account_services.invitation_create(
            organization=organization,
            email="second@hostile.test",
            role=Role.MARKETER,
            invited_by=users[Role.ADMIN],
        )
    for user in users.values():
        account_services.password_reset_send(email=user.email)
    messages += mail.outbox
    findings = Findings()
    for index, message in enumerate(messages):
        for part in (message.subject, message.body):
            assert not isinstance(part, SafeData)  # text is text, wherever it is shown
        [(html_body, mimetype)] = message.alternatives
        assert mimetype == "text/html"
        findings.check_markup(f"email {index} ({message.subject[:40]})", html_body)
        findings.pages += 1
    print(f"\n[hostile crawl] emails: {len(messages)} (digest x3, invitation, reset x3)")
    assert len(messages) == 7
    _assert_clean(findings)
    for key in ("group-name", "org-name", "user-admin"):
        assert key in findings.seen_keys, key


def test_the_digest_preview_page_shows_the_text_body_as_text(client, hostile_org):
    client.force_login(hostile_org.users[Role.ADMIN])
    page = client.get("/digest/preview/").content.decode()
    assert "&lt;b id=&quot;xss-group-name&quot;" in page
    assert '<b id="xss-' not in page


@pytest.mark.parametrize("role", ROLES)
def test_every_form_shows_hostile_input_back_as_text(client, hostile_org, role):
    client.force_login(hostile_org.users[role])
    pages = crawl(client, ["/"], limit=PAGE_LIMIT).html_pages
    findings = Findings()
    forms = post_forms(
        client, pages, value_for=lambda name: hostile.hostile(f"post-{name}"), findings=findings
    )
    print(f"\n[hostile crawl] {role}: {forms} forms posted, statuses {findings.statuses}")
    _assert_clean(findings)
    assert forms >= (3 if role == Role.SALES else 20)


def _csv(header: str, *rows: list[str]) -> bytes:
    quoted = [",".join('"' + cell.replace('"', '""') + '"' for cell in row) for row in rows]
    return "\n".join([header, *quoted]).encode()


def test_imported_csv_text_is_shown_as_text_in_the_preview_and_its_errors(client, hostile_org):
    client.force_login(hostile_org.users[Role.MARKETER])
    h = hostile.hostile
    people = _csv(
        "email,name,title,buying_role,influence,stance,priorities,outcome",
        ["new1@buyer.test", h("csv-name"), h("csv-title"), "Champion", "3", "", "", h("csv-out")],
        ["new2@buyer.test", "Bo", "CFO", h("csv-role"), "3", "", "", ""],
    )
    bad_people = _csv(
        "email,name,title,buying_role,influence,stance,priorities,outcome",
        ["new3@buyer.test", "Cy", "CTO", "", "3", h("csv-stance"), "", ""],
    )
    library = _csv(
        "slug,title,kind,framing,level,stage,themes,url,summary",
        [
            "csv-asset",
            h("csv-asset-title"),
            "article",
            "shared_problem",
            "mass",
            "problem_identification",
            "security",
            "",
            h("csv-summary"),
        ],
    )
    bad_library = _csv(
        "slug,title,kind,framing,level,stage,themes,url,summary",
        ["bad-asset", "Bad", h("csv-kind"), "", "", "", "", "", ""],
    )
    answers = [
        client.post(
            f"/groups/{hostile_org.group.pk}/import/",
            {"stakeholders": SimpleUploadedFile("people.csv", people, "text/csv")},
        ),
        client.post(
            f"/groups/{hostile_org.group.pk}/import/",
            {"stakeholders": SimpleUploadedFile("bad.csv", bad_people, "text/csv")},
        ),
        client.post(
            "/library/import/",
            {"file": SimpleUploadedFile('<b id="xss-csv-file" hx-get=x>.csv', library, "text/csv")},
        ),
        client.post(
            "/library/import/", {"file": SimpleUploadedFile("bad.csv", bad_library, "text/csv")}
        ),
    ]
    findings = Findings()
    for answer in answers:
        assert answer.status_code < 500
        findings.check_markup("import", answer.content.decode())
    _assert_clean(findings)
    # The preview lists what a file would write; errors quote the value they refuse.
    # File names, warnings and errors quote what they were given.
    assert {"csv-file", "csv-role", "csv-stance", "csv-kind"} <= findings.seen_keys
