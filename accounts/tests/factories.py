import factory
from django.contrib.auth.models import Group

from accounts import roles
from accounts.models import Organization, User

PASSWORD = "Correct-Horse-42"


class OrganizationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Organization
        django_get_or_create = ["slug"]

    name = factory.Sequence(lambda n: f"Tenant {n}")
    slug = factory.Sequence(lambda n: f"tenant-{n}")
    tier = Organization.Tier.PROFESSIONAL
    icp_segment = Organization.Segment.PHARMA
    region = Organization.Region.NORTH_AMERICA
    data_residency = Organization.Residency.US


class UserFactory(factory.django.DjangoModelFactory):
    """A user whose password is PASSWORD; `role=` puts them in that role's group."""

    class Meta:
        model = User

    role = None
    username = factory.Sequence(lambda n: f"user{n}")
    email = factory.LazyAttribute(lambda u: f"{u.username}@example.test")
    first_name = "Test"
    last_name = factory.LazyAttribute(lambda u: u.username.title())
    organization = factory.SubFactory(OrganizationFactory)
    is_staff = factory.LazyAttribute(lambda u: u.role in roles.STAFF_ROLES)

    @classmethod
    def _create(cls, model_class, *args, role=None, **kwargs):
        user = model_class(*args, **kwargs)
        user.set_password(PASSWORD)
        user.save()
        if role:
            user.groups.add(Group.objects.get(name=role))
        return user
