"""``seed_demo`` gives the in-progress demo case a partly completed review, once."""

from __future__ import annotations

import io

import pytest
from django.core.management import call_command

from reviews.models import Case, CaseStatus, KeyEpisode, ReviewSection

pytestmark = pytest.mark.django_db


def test_the_demo_case_in_progress_has_a_review_under_way():
    for _ in range(2):
        call_command("seed_demo", "--quiet-logins", stdout=io.StringIO())
    case = Case.objects.get(status=CaseStatus.IN_PROGRESS)
    rows = dict(ReviewSection.objects.filter(case=case).values_list("key", "completed"))
    assert rows == {"about-the-person": True, "family-and-carers": False}
    assert KeyEpisode.objects.filter(case=case).count() == 1
