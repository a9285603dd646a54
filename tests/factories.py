"""Factories for the shared core. Apps add their own beside their tests."""

import factory
from allauth.account.models import EmailAddress
from django.contrib.auth.hashers import make_password

from portal.models import Membership, Organisation, Region, User

PASSWORD = "correct-horse-battery-staple"
# Hashing with the real hasher is slow; every factory user shares one pre-computed hash.
PASSWORD_HASH = make_password(PASSWORD)


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = User
        skip_postgeneration_save = True

    email = factory.Sequence(lambda n: f"person{n}@example.org")
    full_name = factory.Faker("name", locale="en_GB")
    role = User.Role.SUPPLIER
    password = PASSWORD_HASH

    @factory.post_generation
    def verified(self, create, extracted, **kwargs):
        if create and extracted is not False:
            EmailAddress.objects.create(user=self, email=self.email, verified=True, primary=True)


class CommissionerFactory(UserFactory):
    role = User.Role.COMMISSIONER

    @factory.post_generation
    def regions(self, create, extracted, **kwargs):
        if create and extracted:
            self.regions.set(extracted)


class AdminFactory(UserFactory):
    role = User.Role.MOJ_ADMIN
    is_staff = True
    is_superuser = True


class OrganisationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Organisation

    legal_name = factory.Sequence(lambda n: f"Second Chances Trust {n}")
    legal_form = Organisation.LegalForm.CIO
    charity_number = factory.Sequence(lambda n: f"{1100000 + n}")
    is_vcse = True
    size_band = Organisation.SizeBand.SMALL
    address_line_1 = "1 High Street"
    town = "Leeds"
    postcode = "LS1 1AA"
    contact_name = "Sam Patel"
    contact_email = factory.Sequence(lambda n: f"contact{n}@example.org")
    contact_phone = "0113 496 0000"


class MembershipFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Membership

    user = factory.SubFactory(UserFactory)
    organisation = factory.SubFactory(OrganisationFactory)
    is_admin = False


def region(code: str) -> Region:
    return Region.objects.get(code=code)
