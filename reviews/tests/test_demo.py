"""``manage.py seed_demo`` adds reviewer profiles and the demo story's cases, once."""

from __future__ import annotations

import io

import pytest
from django.core.management import call_command

from leder.models import User
from notifications.models import Notification, NotificationStatus
from reviews.conflicts import conflicts_for
from reviews.demo import DEMO_DEATHS, EXPECTED, demo_case
from reviews.models import Allocation, Case, CaseStatus, ReviewerProfile

pytestmark = pytest.mark.django_db


def seed() -> str:
    out = io.StringIO()
    call_command("seed_demo", "--quiet-logins", stdout=out)
    return out.getvalue()


def test_it_seeds_reviewers_and_cases_idempotently():
    assert f"{len(DEMO_DEATHS)} demo notifications created" in seed()
    reviewer = User.objects.get(email="reviewer@leder.example")
    assert reviewer.reviewer_profile.training_in_date()
    assert ReviewerProfile.objects.count() == 2
    statuses = sorted(Case.objects.values_list("status", flat=True))
    assert statuses == sorted(c for _, c, _ in EXPECTED.values() if c is not None)
    # Awaiting screening: one in the demo ICB, one waiting for the regional coordinator.
    assert Notification.objects.filter(status=NotificationStatus.RECEIVED).count() == 2
    waiting = demo_case("demo-2")
    assert waiting.status == CaseStatus.AWAITING_ALLOCATION
    assert conflicts_for(reviewer, waiting)  # the demo shows the conflict check

    counts = (Notification.objects.count(), Case.objects.count(), Allocation.objects.count())
    assert "0 demo notifications created" in seed()
    assert counts == (
        Notification.objects.count(),
        Case.objects.count(),
        Allocation.objects.count(),
    )
