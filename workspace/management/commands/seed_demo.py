from datetime import date, timedelta
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from django.db import transaction
from django.utils import timezone

from accounts.models import Membership, Organization, User
from accounts.roles import Role
from content.importing import asset_import_apply, asset_import_plan
from content.models import Asset, GlossaryTerm, Theme
from planner import importing, services
from planner.models import BuyingGroup, Stakeholder
from scoring.snapshots import snapshot_take

DEMO_FILES = Path(__file__).resolve().parents[3] / "planner" / "demo"
LIBRARY_FILE = Path(__file__).resolve().parents[3] / "content" / "demo" / "library.csv"
HISTORY_WEEKS = 10
DEMO_GLOSSARY = [
    (
        "Unplanned downtime",
        "Hours a production line or system stops without warning.",
        ["cost-of-downtime", "uptime"],
    ),
    (
        "Cost of downtime",
        "What one hour of unplanned downtime costs: lost output, overtime, "
        "penalties and recovery work.",
        ["cost-of-downtime"],
    ),
    (
        "Total cost of ownership",
        "Everything the platform costs over three years: licences, "
        "people, infrastructure and the cost of change.",
        ["total-cost"],
    ),
    (
        "Time to insight",
        "How long it takes from data arriving to a decision made with it.",
        ["time-to-insight"],
    ),
    (
        "Audit finding",
        "A gap an internal or external auditor reports, with a date to close it.",
        ["compliance", "security"],
    ),
    (
        "Single source of truth",
        "One agreed place for each number, so every team argues from the same facts.",
        ["integration"],
    ),
]
C, F, T = "Contoso data platform", "Fabrikam security analytics", "Tailspin analytics pilot"
# (group, weeks ago, recipients, asset): Contoso starts with one tailored asset per person,
# so its members drift apart, then a shared-problem article starts to bring them together.
DEMO_TOUCHES = [
    (C, 9, ["dana.ross@contoso.example"], "cfo-tco-one-pager"),
    (C, 9, ["li.wei@contoso.example"], "platform-uptime-case-study"),
    (C, 8, ["marta.silva@contoso.example"], "ciso-personal-briefing"),
    (C, 8, ["sam.ortiz@contoso.example"], "total-cost-of-ownership-guide"),
    (
        C,
        7,
        ["elena.popov@contoso.example", "jonas.berg@contoso.example"],
        "integration-architecture-guide",
    ),
    (C, 6, ["aisha.khan@contoso.example"], "self-service-analytics-demo"),
    (
        C,
        5,
        ["marta.silva@contoso.example", "tom.becker@contoso.example"],
        "security-compliance-checklist",
    ),
    (C, 4, ["dana.ross@contoso.example"], "cfo-tco-one-pager"),
    (C, 3, ["jonas.berg@contoso.example"], "self-service-analytics-demo"),
    (
        C,
        0.4,
        ["li.wei@contoso.example", "priya.nair@contoso.example", "aisha.khan@contoso.example"],
        "true-cost-of-unplanned-downtime",
    ),
    # Fabrikam heard one shared story, then tailored one-to-one messages pulled it apart:
    # the group page shows the backfire alert.
    (
        F,
        8,
        [
            "grace.okafor@fabrikam.example",
            "henrik.larsen@fabrikam.example",
            "ines.moreau@fabrikam.example",
            "jamal.price@fabrikam.example",
            "kenji.sato@fabrikam.example",
            "laura.chen@fabrikam.example",
            "mo.haddad@fabrikam.example",
        ],
        "security-compliance-checklist",
    ),
    (F, 3, ["laura.chen@fabrikam.example"], "ciso-personal-briefing"),
    (F, 2.5, ["grace.okafor@fabrikam.example"], "cfo-tco-one-pager"),
    (F, 2, ["henrik.larsen@fabrikam.example"], "self-service-analytics-demo"),
    (F, 1.5, ["jamal.price@fabrikam.example"], "integration-architecture-guide"),
    (F, 1, ["kenji.sato@fabrikam.example"], "time-to-insight-benchmark"),
    (F, 0.5, ["ines.moreau@fabrikam.example"], "self-service-analytics-demo"),
    (F, 0.3, ["grace.okafor@fabrikam.example"], "cfo-tco-one-pager"),
    (
        T,
        5,
        [
            "nora.blake@tailspin.example",
            "oscar.diaz@tailspin.example",
            "pia.kowalski@tailspin.example",
        ],
        "time-to-insight-benchmark",
    ),
    (
        T,
        2,
        ["nora.blake@tailspin.example", "oscar.diaz@tailspin.example"],
        "integration-architecture-guide",
    ),
]
# (organization slug, group name, account, stage, close, stakeholders file, relationships file)
DEMO_GROUPS = [
    (
        "northwind",
        "Contoso data platform",
        "Contoso Manufacturing",
        "evaluation",
        date(2027, 2, 26),
        "contoso_stakeholders.csv",
        "contoso_relationships.csv",
    ),
    (
        "northwind",
        "Fabrikam security analytics",
        "Fabrikam",
        "discovery",
        date(2027, 4, 15),
        "fabrikam_hubspot.csv",
        "fabrikam_relationships.csv",
    ),
    (
        "globex",
        "Tailspin analytics pilot",
        "Tailspin Toys",
        "proposal",
        date(2027, 1, 29),
        "tailspin_stakeholders.csv",
        "tailspin_relationships.csv",
    ),
]

DEMO_PASSWORD = "consensus-demo"  # noqa: S105 - published demo login, printed by `make run`
DEMO_ORG = ("northwind", "Northwind Analytics")
SECOND_ORG = ("globex", "Globex Partners")
DEMO_USERS = [
    ("admin@demo.example", "Ada Admin", Role.ADMIN),
    ("marketer@demo.example", "Maya Marketer", Role.MARKETER),
    ("sales@demo.example", "Sam Seller", Role.SALES),
]


class Command(BaseCommand):
    help = (
        "Fill an empty database with a demo organization, users and data, so a newcomer "
        "sees a living app. Refuses to touch a database that already has organizations."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--if-empty",
            action="store_true",
            help="exit 0 quietly when the database already has data (used by `make run`)",
        )

    def handle(self, *args, if_empty: bool, **options):
        if Organization.objects.exists():
            if if_empty:
                self.stdout.write("seed_demo: the database already has data; left as it is.")
                return
            raise CommandError(
                "the database already has organizations; seed_demo only fills an empty one"
            )
        with transaction.atomic():
            self._seed()
        self.stdout.write(
            f"seed_demo: created {DEMO_ORG[1]} and {SECOND_ORG[1]}; "
            f"sign in as marketer@demo.example / {DEMO_PASSWORD}"
        )

    def _seed(self) -> None:
        demo = Organization.objects.create(slug=DEMO_ORG[0], name=DEMO_ORG[1])
        second = Organization.objects.create(slug=SECOND_ORG[0], name=SECOND_ORG[1])
        users = {}
        for email, name, role in DEMO_USERS:
            user = User.objects.create_user(email=email, password=DEMO_PASSWORD, name=name)
            Membership.objects.create(user=user, organization=demo, role=role)
            users[email] = user
        # The marketer also sells for a partner organization, to show switching.
        Membership.objects.create(
            user=users["marketer@demo.example"], organization=second, role=Role.SALES
        )
        Membership.objects.create(
            user=users["admin@demo.example"], organization=second, role=Role.ADMIN
        )
        organizations = {demo.slug: demo, second.slug: second}
        groups = {}
        for slug, name, account, stage, close, people, ties in DEMO_GROUPS:
            group = BuyingGroup.objects.create(
                organization=organizations[slug],
                name=name,
                account=account,
                opportunity_stage=stage,
                expected_close=close,
                owner=users["marketer@demo.example"],
            )
            plan = importing.import_plan(
                group=group,
                stakeholders=(DEMO_FILES / people).read_bytes(),
                relationships=(DEMO_FILES / ties).read_bytes(),
            )
            if not plan.ok:
                raise CommandError(f"demo data is broken: {plan.problems[0]}")
            importing.import_apply(group=group, plan=plan)
            groups[name] = group
        for organization in organizations.values():
            library = asset_import_plan(organization=organization, data=(LIBRARY_FILE).read_bytes())
            if not library.ok:
                raise CommandError(f"demo library is broken: {library.problems[0]}")
            asset_import_apply(organization=organization, plan=library)
        for organization in organizations.values():
            for term, definition, slugs in DEMO_GLOSSARY:
                entry = GlossaryTerm.objects.create(
                    organization=organization, term=term, definition=definition
                )
                entry.themes.set(Theme.objects.filter(organization=organization, slug__in=slugs))
        self._history(groups, users["marketer@demo.example"])

    def _history(self, groups: dict, marketer: User) -> None:
        """Ten weeks of touches, and a snapshot at the end of each week, so the trend,
        the heatmap and "since last week" have something to show."""
        now = timezone.now().replace(minute=0, second=0, microsecond=0)
        for group_name, weeks_ago, emails, asset_slug in DEMO_TOUCHES:
            group = groups[group_name]
            people = list(Stakeholder.objects.filter(group=group, email__in=emails))
            asset = Asset.objects.get(organization=group.organization, slug=asset_slug)
            services.touches_record(
                group=group,
                stakeholders=people,
                occurred_at=now - timedelta(weeks=weeks_ago, hours=len(emails)),
                channel="email",
                asset=asset,
                themes=None if asset.themes else {"security": 1.0},
                by=marketer,
            )
        for group in groups.values():
            for weeks_ago in range(HISTORY_WEEKS, -1, -1):
                snapshot_take(group=group, now=now - timedelta(weeks=weeks_ago))
