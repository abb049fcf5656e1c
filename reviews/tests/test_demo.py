"""``manage.py seed_demo`` adds reviewer profiles and cases in different states, once."""

from __future__ import annotations

import io

import pytest
from django.core.management import call_command

from leder.models import User
from notifications.models import Notification, NotificationStatus
from reviews.conflicts import conflicts_for
from reviews.models import Allocation, Case, CaseStatus, ReviewerProfile

pytestmark = pytest.mark.django_db


def seed() -> str:
    out = io.StringIO()
    call_command("seed_demo", "--quiet-logins", stdout=out)
    return out.getvalue()


def test_it_seeds_reviewers_and_cases_idempotently():
    assert "4 demo notifications created" in seed()
    reviewer = User.objects.get(email="reviewer@leder.example")
    assert reviewer.reviewer_profile.training_in_date()
    assert ReviewerProfile.objects.count() == 2
    statuses = sorted(Case.objects.values_list("status", flat=True))
    assert statuses == sorted(
        [CaseStatus.AWAITING_ALLOCATION, CaseStatus.ALLOCATED, CaseStatus.IN_PROGRESS]
    )
    assert Notification.objects.filter(status=NotificationStatus.RECEIVED).count() == 1
    waiting = Case.objects.get(status=CaseStatus.AWAITING_ALLOCATION)
    assert conflicts_for(reviewer, waiting)  # the demo shows the conflict check

    counts = (Notification.objects.count(), Case.objects.count(), Allocation.objects.count())
    assert "0 demo notifications created" in seed()
    assert counts == (
        Notification.objects.count(),
        Case.objects.count(),
        Allocation.objects.count(),
    )
