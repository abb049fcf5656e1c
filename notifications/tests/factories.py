"""Factories for notifications: synthetic people only (NHS numbers from the synthetic range).

``NotificationFactory()`` is a fresh notification awaiting screening in ``icb`` (through its
GP practice). Traits: ``eligible``, ``ineligible``, ``needs_confirmation``, ``duplicate``,
``opted_out``, ``unrouted``. Traits set the status directly: tests of the transitions use the
services instead.
"""

from __future__ import annotations

import datetime
import uuid

import factory
import nhs_number
from factory.django import DjangoModelFactory

from leder.tests.factories import GPPracticeFactory, ICBFactory
from notifications.choices import (
    Ethnicity,
    LDLevel,
    PlaceOfDeath,
    Sex,
    YesNoNotKnown,
)
from notifications.models import Notification, NotificationStatus, normalise_name


def synthetic_nhs_number() -> str:
    return nhs_number.generate(for_region=nhs_number.REGION_SYNTHETIC)[0]


class NotificationFactory(DjangoModelFactory):
    class Meta:
        model = Notification

    class Params:
        eligible = factory.Trait(status=NotificationStatus.ELIGIBLE)
        ineligible = factory.Trait(status=NotificationStatus.INELIGIBLE)
        needs_confirmation = factory.Trait(
            status=NotificationStatus.NEEDS_CONFIRMATION,
            learning_disability=YesNoNotKnown.NO,
            autism=YesNoNotKnown.NO,
        )
        duplicate = factory.Trait(
            status=NotificationStatus.DUPLICATE,
            duplicate_of=factory.SubFactory(
                "notifications.tests.factories.NotificationFactory",
                icb=factory.SelfAttribute("..icb"),
                gp_practice=factory.SelfAttribute("..gp_practice"),
            ),
        )
        opted_out = factory.Trait(status=NotificationStatus.OPTED_OUT)
        unrouted = factory.Trait(icb=None, gp_practice=None)

    reference = factory.Sequence(lambda n: f"LDR-2026-{900000 + n:06d}")
    idempotency_key = factory.LazyFunction(uuid.uuid4)
    status = NotificationStatus.RECEIVED
    icb = factory.SubFactory(ICBFactory)
    gp_practice = factory.SubFactory(GPPracticeFactory, parent_icb=factory.SelfAttribute("..icb"))

    given_name = factory.Faker("first_name", locale="en_GB")
    family_name = factory.Faker("last_name", locale="en_GB")
    name_key = factory.LazyAttribute(lambda o: normalise_name(o.given_name, o.family_name))
    date_of_birth = datetime.date(1970, 5, 17)
    nhs_number = factory.LazyFunction(synthetic_nhs_number)
    postcode = "LS1 4AP"
    sex = Sex.FEMALE
    ethnicity = Ethnicity.WHITE_BRITISH
    learning_disability = YesNoNotKnown.YES
    learning_disability_level = LDLevel.MODERATE
    autism = YesNoNotKnown.NO
    date_of_death = datetime.date(2026, 1, 10)
    place_of_death = PlaceOfDeath.HOSPITAL
    place_of_death_detail = "Leeds General Infirmary"
    care_concerns = YesNoNotKnown.NO
    detained_mha = YesNoNotKnown.NO
    detained_cjs = YesNoNotKnown.NO
    family_requested_review = YesNoNotKnown.NO
    notifier_name = factory.Faker("name", locale="en_GB")
    notifier_role = "GP receptionist"
    notifier_email = "reception@example.nhs.uk"
    age_at_death = 55


def answers(**overrides: object) -> dict[str, object]:
    """A complete set of answers for ``notification_submit`` (an eligible adult)."""
    base: dict[str, object] = {
        "given_name": "Ada",
        "family_name": "Testperson",
        "other_names": "",
        "date_of_birth": datetime.date(1970, 5, 17),
        "nhs_number": synthetic_nhs_number(),
        "address": "1 Test Street, Leeds",
        "postcode": "LS1 4AP",
        "sex": Sex.FEMALE,
        "ethnicity": Ethnicity.WHITE_BRITISH,
        "learning_disability": YesNoNotKnown.YES,
        "learning_disability_level": LDLevel.MILD,
        "autism": YesNoNotKnown.NO,
        "date_of_death": datetime.date(2026, 1, 10),
        "place_of_death": PlaceOfDeath.HOME,
        "place_of_death_detail": "",
        "gp_practice": None,
        "cause_of_death": "Pneumonia",
        "care_concerns": YesNoNotKnown.NO,
        "care_concerns_detail": "",
        "detained_mha": YesNoNotKnown.NO,
        "detained_cjs": YesNoNotKnown.NO,
        "family_requested_review": YesNoNotKnown.NO,
        "other_processes": [],
        "contact_name": "Bea Testperson",
        "contact_relationship": "sister",
        "contact_phone": "07700 900982",
        "contact_email": "",
        "contact_knows": "yes",
        "notifier_name": "Cal Receptionist",
        "notifier_role": "GP receptionist",
        "notifier_organisation": "Test Medical Practice",
        "notifier_email": "notifier@example.com",
        "notifier_phone": "",
    }
    base.update(overrides)
    return base
