"""``seed_demo`` gives the in-progress demo case a partly completed review, once."""

from __future__ import annotations

import io

import pytest
from django.core.management import call_command

from reviews.demo import demo_case
from reviews.models import CaseStatus, KeyEpisode, ReviewSection, SupervisionComment

pytestmark = pytest.mark.django_db


def test_the_demo_case_in_progress_has_a_review_under_way():
    for _ in range(2):
        call_command("seed_demo", "--quiet-logins", stdout=io.StringIO())
    case = demo_case("demo-4")
    assert case.status == CaseStatus.IN_PROGRESS
    rows = dict(ReviewSection.objects.filter(case=case).values_list("key", "completed"))
    assert rows == {
        "about-the-person": True,
        "family-and-carers": False,
        "evidence": True,
        "key-episodes": False,
    }
    assert KeyEpisode.objects.filter(case=case).count() == 2
    comment = SupervisionComment.objects.get(case=case)
    assert comment.reply  # the senior reviewer asked, the reviewer answered
