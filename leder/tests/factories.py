"""Factories for the core models. Staff users come with MFA enrolled (TOTP)."""

from __future__ import annotations

import time

import factory
from allauth.mfa.totp.internal.auth import generate_totp_secret
from factory.django import DjangoModelFactory

from leder.auth.totp import totp_code_for_secret, totp_enrol, totp_secret
from leder.models import Organisation, OrganisationType, User
from leder.roles import Role
from leder.services.roles import user_set_roles


class ICBFactory(DjangoModelFactory):
    class Meta:
        model = Organisation
        django_get_or_create = ("ods_code",)

    ods_code = factory.Sequence(lambda n: f"Q{n:02d}")
    name = factory.Sequence(lambda n: f"NHS Test {n} Integrated Care Board")
    org_type = OrganisationType.ICB
    secure_email = factory.LazyAttribute(lambda o: f"{o.ods_code.lower()}.leder@nhs.net")


class OrganisationFactory(DjangoModelFactory):
    class Meta:
        model = Organisation

    ods_code = factory.Sequence(lambda n: f"X{n:05d}")
    name = factory.Sequence(lambda n: f"Test organisation {n}")
    org_type = OrganisationType.NHS_TRUST
    parent_icb = factory.SubFactory(ICBFactory)
    secure_email = factory.LazyAttribute(lambda o: f"{o.ods_code.lower()}@nhs.net")


class GPPracticeFactory(OrganisationFactory):
    ods_code = factory.Sequence(lambda n: f"Y{n:05d}")
    name = factory.Sequence(lambda n: f"Test Medical Practice {n}")
    org_type = OrganisationType.GP_PRACTICE
    postcode = "LS1 4AP"


class UserFactory(DjangoModelFactory):
    """A staff user. ``roles=[Role.LAC]``; ``mfa=False`` for a user who has not enrolled."""

    class Meta:
        model = User
        skip_postgeneration_save = True

    class Params:
        faker_name = factory.Faker("name", locale="en_GB")

    email = factory.Sequence(lambda n: f"user{n}@example.nhs.uk")
    # With a typographic apostrophe (U+2019), as people type names on phones: an ASCII
    # one is escaped in the markup, so a test's `name in page` failed now and then. Tests
    # of escaping give hostile names of their own.
    full_name = factory.LazyAttribute(lambda o: o.faker_name.replace("'", "\u2019"))
    icb = factory.SubFactory(ICBFactory)
    password = factory.django.Password("correct horse battery staple")

    @factory.post_generation
    def roles(self: User, create: bool, extracted: list[Role] | None, **kwargs: object) -> None:
        if create and extracted:
            user_set_roles(user=self, roles=set(extracted))
            if Role.SYSTEM_ADMINISTRATOR in extracted and not self.is_staff:
                self.is_staff = True  # as user_invite does: admin-site access
                self.save(update_fields=["is_staff"])

    @factory.post_generation
    def mfa(self: User, create: bool, extracted: bool | None, **kwargs: object) -> None:
        if create and extracted is not False:
            totp_enrol(user=self, secret=generate_totp_secret())


def totp_code(user: User) -> str:
    """The current code from the user's authenticator app.

    The service accepts only the current 30-second window's code (no tolerance), so a code
    read in the last moments of a window can reach the server in the next one and be
    refused, as a person's would: like a person, wait for the next code then."""
    from allauth.mfa import app_settings

    period = app_settings.TOTP_PERIOD
    left = period - time.time() % period
    if left < 1.5:
        time.sleep(left + 0.05)  # once: under a frozen clock the server sees this code too
    return totp_code_for_secret(totp_secret(user))
