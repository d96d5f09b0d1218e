"""An organization where every field a user can type or import carries markup.

Each value is `hostile(key)`: a `<b>` element with htmx attributes that would make the
viewer leave their organization, and a marker `xss-<key>` unique to the field. Escaped,
it shows as text; unescaped, the page holds `<b id="xss-<key>"` and the crawl fails.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import timedelta

from django.core.files.base import ContentFile
from django.utils import timezone

from accounts.models import Invitation, Organization, User
from accounts.roles import Role
from content.models import Asset, GlossaryTerm, Theme
from kits import services as kits
from kits.models import ConsensusKit, KitShare
from planner.models import BuyingGroup, Relationship, Stakeholder, Touch
from scoring.snapshots import snapshot_take
from suggestions.services import planned_send_create
from tests.factories import MembershipFactory, UserFactory

# Stored but shown on no page or email today (theme descriptions have no screen yet;
# a planned send keeps the reasons it was accepted for, the page shows fresh ones).
NEVER_SHOWN = {"theme-desc-downtime", "theme-desc-security", "theme-desc-cost", "send-reason"}
# What a rep writes in a kit: on the kit's PDF and its public share page.
KIT_TEXTS = {"kit-problem", "kit-why", "kit-step", "kit-owner"}
# Internal notes: editors (admins, marketers) only.
INTERNAL_NOTES = {"group-notes", *(f"person-notes-{i}" for i in range(5))}
UNESCAPED = re.compile(r'<b id="xss-([\w-]+)"|hx-post="/organization/leave/"')
MARKER = re.compile(r"xss-([\w-]+)")


def hostile(key: str) -> str:
    return f'<b id="xss-{key}" hx-post="/organization/leave/" hx-trigger="load">"\'&amp;{key}</b>'


def short_hostile(key: str) -> str:
    """For fields of 50 characters."""
    return f'<b id="xss-{key}" hx-get="/">'


@dataclass
class HostileOrg:
    organization: Organization
    users: dict[str, User]  # role -> user
    group: BuyingGroup
    share: KitShare
    invitation: Invitation
    keys: set[str] = field(default_factory=set)


def build(now) -> HostileOrg:
    keys: set[str] = set()

    def h(key: str) -> str:
        keys.add(key)
        return hostile(key)

    organization = Organization.objects.create(slug="hostile", name=h("org-name"))
    users = {}
    for role in (Role.ADMIN, Role.MARKETER, Role.SALES):
        user = UserFactory(email=f"{role}@hostile.test", name=h(f"user-{role}"))
        MembershipFactory(user=user, organization=organization, role=role)
        users[role] = user

    themes = [
        Theme.objects.create(
            organization=organization,
            slug=slug,
            name=h(f"theme-{slug}"),
            description=h(f"theme-desc-{slug}"),
        )
        for slug in ("downtime", "security", "cost")
    ]
    assets = [
        Asset.objects.create(
            organization=organization,
            slug=f"asset-{i}",
            title=h(f"asset-title-{i}"),
            summary=h(f"asset-summary-{i}"),
            url=f'https://example.com/{i}?q="><b id="xss-asset-url-{i}">',
            file_name='<b id="xss-asset-file-0">.pdf' if i == 0 else "",
            kind="article" if i else "case_study",
            framing="shared_problem" if i else "individual",
            level="mass" if i else "individualized",
            themes={themes[i].slug: 2, themes[(i + 1) % 3].slug: 1},
        )
        for i in range(3)
    ]
    keys.update({"asset-url-0", "asset-url-1", "asset-url-2", "asset-file-0"})
    assets[0].file.save("brief.pdf", ContentFile(b"%PDF-1.4\n%%EOF\n"), save=False)
    assets[0].file_size, assets[0].file_type = 15, "pdf"
    assets[0].save()
    for i, theme in enumerate(themes):
        term = GlossaryTerm.objects.create(
            organization=organization, term=h(f"term-{i}"), definition=h(f"definition-{i}")
        )
        term.themes.set([theme])

    group = BuyingGroup.objects.create(
        organization=organization,
        name=h("group-name"),
        account=h("group-account"),
        notes=h("group-notes"),
        owner=users[Role.MARKETER],
        expected_close=(now + timedelta(days=60)).date(),
    )
    roles = ["champion", "decision_maker", "budget_holder", "blocker", "end_user"]
    stances = ["supporter", "skeptic", "neutral", "unknown", "supporter"]
    people = [
        Stakeholder.objects.create(
            group=group,
            email=f"person{i}@buyer.test",
            name=h(f"person-name-{i}"),
            title=h(f"person-title-{i}"),
            outcome=h(f"person-outcome-{i}"),
            notes=h(f"person-notes-{i}"),
            buying_role=roles[i],
            stance=stances[i],
            influence=1 + i % 5,
            priorities={themes[i % 3].slug: 2, themes[(i + 2) % 3].slug: 1},
        )
        for i in range(5)
    ]
    for (a, b), kind in zip(
        [(0, 1), (1, 2), (2, 3), (3, 4), (0, 4)],
        ["reports_to", "influences", "collaborates", "collaborates", "conflicts_with"],
        strict=True,
    ):
        Relationship.objects.create(
            group=group, source=people[a], target=people[b], kind=kind, strength=3
        )

    def touch(days_ago: int, person: Stakeholder, asset: Asset | None, key: str, themes_=None):
        Touch.objects.create(
            group=group,
            stakeholder=person,
            occurred_at=now - timedelta(days=days_ago),
            channel=short_hostile(key),
            asset=asset,
            themes=themes_ or dict(asset.themes if asset else {}),
            logged_by=users[Role.MARKETER],
        )
        keys.add(key)

    touch(20, people[0], assets[1], "channel-0")
    touch(20, people[1], assets[1], "channel-1")
    snapshot_take(group=group, now=now - timedelta(days=8))
    for i, person in enumerate(people):
        touch(3, person, assets[0] if i % 2 else None, f"channel-x{i}", {themes[i % 3].slug: 1})
    snapshot_take(group=group, now=now - timedelta(hours=2))

    planned_send_create(
        group=group,
        asset=assets[1],
        recipients=people[:3],
        send_first=people[0],
        reasons=[h("send-reason")],
        by=users[Role.MARKETER],
    )
    kit = kits.kit_request(
        group=group,
        by=users[Role.SALES],
        problem_statement=h("kit-problem"),
        assets=[{"id": assets[1].pk, "why": h("kit-why")}],
        plan=[{"step": h("kit-step"), "owner": h("kit-owner"), "due": ""}],
        enqueue=False,
    )
    kits.kit_build(kit_id=kit.pk)
    kit = ConsensusKit.objects.get(pk=kit.pk)
    assert kit.status == ConsensusKit.Status.READY, kit.error
    share = kits.share_create(kit=kit, by=users[Role.SALES])

    inviter = users[Role.ADMIN]
    invitation = Invitation.objects.create(
        organization=organization,
        email="newcomer@hostile.test",
        role=Role.SALES,
        invited_by=inviter,
        expires_at=timezone.now() + timedelta(days=7),
    )
    return HostileOrg(
        organization=organization,
        users=users,
        group=group,
        share=share,
        invitation=invitation,
        keys=keys,
    )
