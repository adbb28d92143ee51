import factory

from accounts.tests.factories import UserFactory
from governance.models import Control, Criterion, Framework


class FrameworkFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Framework

    urn = factory.Sequence(lambda n: f"urn:test:framework:{n}")
    slug = factory.Sequence(lambda n: f"fw{n}")
    name = factory.Sequence(lambda n: f"Framework {n}")
    version = "1"


class CriterionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Criterion

    framework = factory.SubFactory(FrameworkFactory)
    ref = factory.Sequence(lambda n: f"C{n}")
    urn = factory.LazyAttribute(lambda c: f"{c.framework.urn}:{c.ref}")
    title = factory.LazyAttribute(lambda c: f"Criterion {c.ref}")


class ControlFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Control

    ref = factory.Sequence(lambda n: f"CTL-{n:03}")
    name = factory.Sequence(lambda n: f"Control {n}")
    owner = factory.SubFactory(UserFactory)
    frequency = Control.Frequency.QUARTERLY
