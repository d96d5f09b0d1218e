"""The digest email: both bodies and every header, as a mail program receives them."""

import email
import email.policy
import re
from html import unescape

import pytest
from django.conf import settings
from django.core import mail
from django.core.management import call_command

from digests.tokens import unsubscribe_ids
from tests.factories import BuyingGroupFactory

HREF = re.compile(r'href="([^"]+)"')


@pytest.fixture
def berlin_marketer(marketer):
    marketer.time_zone = "Europe/Berlin"
    marketer.save()
    return marketer


def _received(message) -> email.message.EmailMessage:
    """The message as the SMTP server gets it, parsed back like a mail program does."""
    return email.message_from_bytes(
        message.message().as_bytes(linesep="\r\n"), policy=email.policy.default
    )


def _bodies(parsed) -> tuple[str, str]:
    assert parsed.get_content_type() == "multipart/alternative"
    parts = list(parsed.iter_parts())
    assert [p.get_content_type() for p in parts] == ["text/plain", "text/html"]
    text, html = (part.get_content().replace("\r\n", "\n") for part in parts)
    return text, html


def test_every_header_of_the_digest(clock, busy_week, berlin_marketer, org):
    call_command("send_digests")

    [message] = mail.outbox
    parsed = _received(message)
    user_id, org_id = berlin_marketer.pk, org.pk
    unsubscribe = parsed["List-Unsubscribe"].strip()  # folded: it is longer than a line
    token = re.fullmatch(r"<https://app\.example\.com/digest/unsubscribe/([^/]+)/>", unsubscribe)
    assert token, unsubscribe
    assert unsubscribe_ids(token.group(1)) == (user_id, org_id)
    assert {key: parsed[key] for key in parsed} == {
        "Content-Type": parsed["Content-Type"],
        "MIME-Version": "1.0",
        "Subject": "Acme Corp weekly digest: 1 group drifting apart, readiness fell in 1 group, "
        "rose in 1 group",
        "From": settings.DEFAULT_FROM_EMAIL,
        "To": "marketer@acme.test",
        "Date": "Mon, 08 Jun 2026 06:05:00 -0000",
        "Message-ID": f"<digest-{user_id}-{org_id}-2026W24@app.example.com>",
        "List-Id": "<digest.acme.app.example.com>",
        "List-Unsubscribe": parsed["List-Unsubscribe"],
        "List-Unsubscribe-Post": "List-Unsubscribe=One-Click",
        "Auto-Submitted": "auto-generated",
    }
    assert parsed.get_content_type() == "multipart/alternative"
    assert message.to == ["marketer@acme.test"]


def test_the_plain_text_body(clock, busy_week, berlin_marketer, org, suggestions):
    call_command("send_digests")

    text, _html = _bodies(_received(mail.outbox[0]))
    token = mail.outbox[0].extra_headers["List-Unsubscribe"].rsplit("/", 2)[-2]
    ids = {k: g.pk for k, g in busy_week.items()}
    group = "https://app.example.com/digest/org/{}/groups/{}/".format
    assert text == (
        "Hello Maya,\n"
        "\n"
        "Here is the week in the buying groups of Acme Corp (week of 8 June 2026).\n"
        "\n"
        "DRIFTING APART\n"
        "The members of these groups heard more different stories than a week ago.\n"
        "\n"
        "* Contoso renewal: divergence 42 of 100, up 12 points since 1 Jun\n"
        "  Why: Two factions hear different stories.\n"
        f"  {group(org.pk, ids['contoso'])}\n"
        "\n"
        "READINESS FELL\n"
        "Consensus readiness (0 to 100) dropped over the week.\n"
        "\n"
        "* Contoso renewal: readiness 45, down from 60 since 1 Jun\n"
        "  Why: Two factions hear different stories.\n"
        f"  {group(org.pk, ids['contoso'])}\n"
        "\n"
        "READINESS ROSE\n"
        "Consensus readiness (0 to 100) went up over the week.\n"
        "\n"
        "* Fabrikam expansion: readiness 58, up from 50 since 1 Jun\n"
        f"  {group(org.pk, ids['fabrikam'])}\n"
        "\n"
        "WHAT TO SEND NEXT\n"
        "For each group at risk, the shared-problem content that brings it together best.\n"
        "\n"
        '* Northwind pilot (readiness 30): send "Cost of downtime calculator" '
        "to Dana Decider first.\n"
        "  - Everyone cares about downtime.\n"
        "  - Shared-problem framing.\n"
        f"  {group(org.pk, ids['northwind'])}\n"
        "\n"
        '* Contoso renewal (readiness 45): send "Security checklist".\n'
        f"  {group(org.pk, ids['contoso'])}\n"
        "\n"
        "MISSING ROLES\n"
        "Nobody in these groups holds a role your team requires.\n"
        "\n"
        "* Contoso renewal: missing Decision Maker\n"
        f"  {group(org.pk, ids['contoso'])}\n"
        "\n"
        f"Open your dashboard: https://app.example.com/digest/org/{org.pk}/\n"
        "\n"
        "--\n"
        "You get this digest as a member of Acme Corp, every Monday at 08:00 (Europe/Berlin).\n"
        "Change the day and time, or turn it off: https://app.example.com/account/preferences/\n"
        f"Unsubscribe with one click: https://app.example.com/digest/unsubscribe/{token}/\n"
    )


def test_the_html_body(clock, busy_week, berlin_marketer, org, suggestions):
    call_command("send_digests")

    text, html = _bodies(_received(mail.outbox[0]))
    links = [unescape(url) for url in HREF.findall(html)]
    group = f"https://app.example.com/digest/org/{org.pk}/groups/"
    assert links == [
        f"{group}{busy_week['contoso'].pk}/",  # drifting
        f"{group}{busy_week['contoso'].pk}/",  # readiness fell
        f"{group}{busy_week['fabrikam'].pk}/",  # readiness rose
        f"{group}{busy_week['northwind'].pk}/",  # suggestions
        f"{group}{busy_week['contoso'].pk}/",
        f"{group}{busy_week['contoso'].pk}/",  # missing roles
        f"https://app.example.com/digest/org/{org.pk}/",
        "https://app.example.com/account/preferences/",
        mail.outbox[0].extra_headers["List-Unsubscribe"].strip("<>"),
    ]
    # Every link of the text body is in the HTML body too.
    assert set(re.findall(r"https://\S+", text)) == set(links)
    for heading in ("Drifting apart", "Readiness fell", "Readiness rose", "What to send next"):
        assert f">{heading}</h2>" in html
    assert "<strong>Cost of downtime calculator</strong> to Dana Decider first." in html
    assert "<li>Everyone cares about downtime.</li>" in html
    assert "Why: Two factions hear different stories." in html
    assert '<meta name="viewport" content="width=device-width, initial-scale=1">' in html
    assert "max-width:560px" in html  # one column that narrows on a phone
    # Styles are inline (mail programs drop <style> and external sheets), nothing runs.
    assert "<style" not in html and "<link" not in html and "<script" not in html
    assert "class=" not in html


def test_names_are_escaped_in_html_and_plain_in_text(clock, berlin_marketer, org):
    from tests.digests.conftest import MONDAY, WEEK_AGO, snapshot

    group = BuyingGroupFactory(organization=org, name="R&D <pilot>")
    snapshot(group, WEEK_AGO, divergence=0.1, readiness=50)
    snapshot(group, MONDAY, divergence=0.3, readiness=50, missing=["Legal & Compliance"])

    call_command("send_digests")

    text, html = _bodies(_received(mail.outbox[0]))
    assert "* R&D <pilot>: divergence 30 of 100, up 20 points" in text
    assert "missing Legal & Compliance" in text
    assert "R&amp;D &lt;pilot&gt;" in html and "<pilot>" not in html
    assert "Missing Legal &amp; Compliance" in html


def test_one_digest_per_organization_each_with_its_own_ids(clock, busy_week, org, other_org):
    from accounts.models import Membership
    from tests.digests.conftest import MONDAY, WEEK_AGO, snapshot
    from tests.factories import member

    person = member(org, email="both@example.com", name="Bo Both", time_zone="Asia/Tokyo")
    Membership.objects.create(user=person, organization=other_org)
    foreign = BuyingGroupFactory(organization=other_org, name="Globex deal")
    snapshot(foreign, WEEK_AGO, divergence=0.1, readiness=50)
    snapshot(foreign, MONDAY, divergence=0.3, readiness=50)

    call_command("send_digests")

    mine = sorted(
        (m for m in mail.outbox if m.to == ["both@example.com"]),
        key=lambda m: m.extra_headers["Message-ID"],
    )
    assert [m.subject.split(" weekly")[0] for m in mine] == ["Acme Corp", "Globex"]
    assert [m.extra_headers["Message-ID"] for m in mine] == [
        f"<digest-{person.pk}-{org.pk}-2026W24@app.example.com>",
        f"<digest-{person.pk}-{other_org.pk}-2026W24@app.example.com>",
    ]
    tokens = [m.extra_headers["List-Unsubscribe"].rsplit("/", 2)[-2] for m in mine]
    assert [unsubscribe_ids(t) for t in tokens] == [(person.pk, org.pk), (person.pk, other_org.pk)]
    assert "Globex deal" in mine[1].body and "Globex deal" not in mine[0].body
