"""The review's lists cost the same number of queries however many rows they show."""

from __future__ import annotations

import pytest
from django.test import Client
from django.urls import reverse

from leder.testing import assert_queries_flat, sign_in_with_mfa
from reviews.services import (
    case_return_to_reviewer,
    case_submit_for_qa,
    supervision_comment_add,
)
from reviews.tests.review_data import add_episode, complete_review

pytestmark = pytest.mark.django_db


def test_the_task_list_and_the_timeline_do_not_grow_with_episodes(review_case, reviewer, senior):
    client = sign_in_with_mfa(Client(), reviewer)

    def grow(n):
        for i in range(n):
            add_episode(review_case, reviewer, day=1 + i % 28)
            supervision_comment_add(
                case=review_case, section_key="key-episodes", text=f"Comment {i}", by=senior
            )

    for name, kwargs in (
        ("review", {}),
        ("review_section", {"key": "key-episodes"}),
        ("review_submit", {}),
    ):
        address = reverse(f"reviews:{name}", kwargs={"reference": review_case.reference, **kwargs})
        before, after = assert_queries_flat(
            lambda address=address: client.get(address), grow, small=1, large=40
        )
        print(f"{name}: {before} queries with few rows, {after} with 40 more")


def test_the_versions_list_does_not_grow_with_versions(review_case, reviewer, lac):
    client = sign_in_with_mfa(Client(), reviewer)
    complete_review(review_case, reviewer)
    address = reverse("reviews:review_versions", kwargs={"reference": review_case.reference})

    def grow(n):
        for _ in range(n):
            case_submit_for_qa(case=review_case, by=reviewer)
            case_return_to_reviewer(case=review_case, by=lac, comments="More")

    before, after = assert_queries_flat(lambda: client.get(address), grow, small=1, large=8)
    print(f"versions: {before} queries with 1 version, {after} with 8")
