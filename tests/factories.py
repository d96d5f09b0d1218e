"""factory-boy factories: the data tests build on."""

import itertools

import factory
from django.utils import timezone

from accounts.models import Invitation, Membership, Organization, User
from accounts.roles import Role
from content.models import Asset

TEST_PASSWORD = "correct horse battery staple"


class OrganizationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Organization
        django_get_or_create = ("slug",)

    slug = factory.Sequence(lambda n: f"org-{n}")
    name = factory.Sequence(lambda n: f"Organization {n}")


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = User
        skip_postgeneration_save = True

    email = factory.Sequence(lambda n: f"person{n}@example.com")
    name = factory.Faker("name")
    password = factory.PostGenerationMethodCall("set_password", TEST_PASSWORD)

    @factory.post_generation
    def _save(obj, create, extracted, **kwargs):
        if create:
            obj.save()


class MembershipFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Membership

    user = factory.SubFactory(UserFactory)
    organization = factory.SubFactory(OrganizationFactory)
    role = Role.MARKETER


class InvitationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Invitation

    organization = factory.SubFactory(OrganizationFactory)
    email = factory.Sequence(lambda n: f"invitee{n}@example.com")
    role = Role.MARKETER
    created_at = factory.LazyFunction(timezone.now)
    expires_at = factory.LazyAttribute(lambda o: o.created_at + timezone.timedelta(days=7))


def member(organization, role=Role.MARKETER, **user_fields) -> User:
    """A user with `role` in `organization`."""
    user = UserFactory(**user_fields)
    MembershipFactory(user=user, organization=organization, role=role)
    return user


class BuyingGroupFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = "planner.BuyingGroup"

    organization = factory.SubFactory(OrganizationFactory)
    name = factory.Sequence(lambda n: f"Deal {n}")
    account = factory.Faker("company")


class StakeholderFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = "planner.Stakeholder"

    group = factory.SubFactory(BuyingGroupFactory)
    email = factory.Sequence(lambda n: f"buyer{n}@customer.example")
    name = factory.Faker("name")
    title = factory.Faker("job")
    buying_role = "influencer"
    influence = 3
    stance = "neutral"
    priorities = factory.LazyFunction(dict)


class RelationshipFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = "planner.Relationship"

    group = factory.SubFactory(BuyingGroupFactory)
    source = factory.SubFactory(StakeholderFactory, group=factory.SelfAttribute("..group"))
    target = factory.SubFactory(StakeholderFactory, group=factory.SelfAttribute("..group"))
    kind = "collaborates"
    strength = 3


def group_of(organization, size: int, **fields):
    """A group of `size` people in a chain of collaborations, plus one conflict."""
    group = BuyingGroupFactory(organization=organization, **fields)
    people = [
        StakeholderFactory(group=group, email=f"p{i}@{group.pk}.example", name=f"Person {i:02d}")
        for i in range(size)
    ]
    for a, b in itertools.pairwise(people):
        RelationshipFactory(group=group, source=a, target=b)
    if size > 2:
        RelationshipFactory(group=group, source=people[0], target=people[-1], kind="conflicts_with")
    return group


def shared_story(organization, themes: dict) -> Asset:
    """A shared-problem asset for the whole group, "The shared story", on `themes`, as the
    suggestion, forecast and cache tests use."""
    return Asset.objects.create(
        organization=organization,
        slug="shared-story",
        title="The shared story",
        framing="shared_problem",
        level="mass_customized",
        stage="problem_identification",
        themes=themes,
    )
