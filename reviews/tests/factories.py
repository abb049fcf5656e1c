"""Factories for cases and the reviewer directory: synthetic data only.

``CaseFactory()`` is a case awaiting allocation, opened from an eligible notification in
``icb``. Traits set the status directly (``allocated``, ``in_progress``, ``on_hold``,
``awaiting_qa``, ``returned``, ``completed``, ``opted_out``): tests of the moves use the
services instead. ``ReviewerProfileFactory()`` is a reviewer with training in date; traits
``expired`` and ``untrained``; ``senior=True`` gives the senior reviewer role.
"""

from __future__ import annotations

import datetime

import factory
from django.utils import timezone
from factory.django import DjangoModelFactory

from leder.roles import Role
from leder.services.roles import user_set_roles
from leder.tests.factories import ICBFactory, OrganisationFactory, UserFactory
from notifications.tests.factories import NotificationFactory
from reviews.models import (
    Case,
    CaseHold,
    CaseProvider,
    CaseStatus,
    DeclaredConflict,
    Employment,
    HoldReason,
    ProviderRole,
    ReviewerProfile,
)


def days_ago(days: int) -> datetime.date:
    return timezone.localdate() - datetime.timedelta(days=days)


class CaseFactory(DjangoModelFactory):
    class Meta:
        model = Case

    class Params:
        icb_org = factory.SubFactory(ICBFactory)
        allocated = factory.Trait(status=CaseStatus.ALLOCATED)
        in_progress = factory.Trait(status=CaseStatus.IN_PROGRESS)
        on_hold = factory.Trait(status=CaseStatus.ON_HOLD)
        awaiting_qa = factory.Trait(status=CaseStatus.AWAITING_QA)
        returned = factory.Trait(status=CaseStatus.RETURNED)
        completed = factory.Trait(status=CaseStatus.COMPLETED)
        opted_out = factory.Trait(status=CaseStatus.OPTED_OUT)

    notification = factory.SubFactory(
        NotificationFactory, eligible=True, icb=factory.SelfAttribute("..icb_org")
    )
    icb = factory.SelfAttribute("notification.icb")
    reference = factory.SelfAttribute("notification.reference")
    status = CaseStatus.AWAITING_ALLOCATION


class ReviewerProfileFactory(DjangoModelFactory):
    class Meta:
        model = ReviewerProfile
        skip_postgeneration_save = True

    class Params:
        icb = factory.SubFactory(ICBFactory)
        expired = factory.Trait(training_completed_on=factory.LazyFunction(lambda: days_ago(400)))
        untrained = factory.Trait(training_completed_on=None)

    user = factory.SubFactory(
        UserFactory, icb=factory.SelfAttribute("..icb"), roles=[Role.REVIEWER]
    )
    max_caseload = 4
    training_completed_on = factory.LazyFunction(lambda: days_ago(30))

    @factory.post_generation
    def senior(self: ReviewerProfile, create: bool, extracted: object, **kwargs: object) -> None:
        """``senior=True``: the senior reviewer role instead of the reviewer role."""
        if create and extracted:
            user_set_roles(user=self.user, roles={Role.SENIOR_REVIEWER})


class EmploymentFactory(DjangoModelFactory):
    class Meta:
        model = Employment

    profile = factory.SubFactory(ReviewerProfileFactory)
    organisation = factory.SubFactory(OrganisationFactory)
    started_on = datetime.date(2015, 4, 1)
    ended_on = None


class DeclaredConflictFactory(DjangoModelFactory):
    class Meta:
        model = DeclaredConflict

    profile = factory.SubFactory(ReviewerProfileFactory)
    description = "Neighbour of the family"
    names = "Testperson"
    nhs_number = ""


class CaseProviderFactory(DjangoModelFactory):
    class Meta:
        model = CaseProvider

    case = factory.SubFactory(CaseFactory)
    organisation = factory.SubFactory(
        OrganisationFactory, parent_icb=factory.SelfAttribute("..case.icb")
    )
    role = ProviderRole.CARE_PROVIDER


class CaseHoldFactory(DjangoModelFactory):
    class Meta:
        model = CaseHold

    case = factory.SubFactory(CaseFactory, on_hold=True)
    reason = HoldReason.CORONER
    started_on = factory.LazyFunction(lambda: days_ago(10))
    ended_on = None
