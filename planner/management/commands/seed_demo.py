from datetime import date
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

from accounts.models import Membership, Organization, User
from accounts.roles import Role
from planner import importing
from planner.models import BuyingGroup

DEMO_FILES = Path(__file__).resolve().parents[2] / "demo"
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
