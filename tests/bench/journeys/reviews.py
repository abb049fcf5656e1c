"""Reviews: the reviewer's list, the review's task list, a section and its save; the senior
reviewer reading the reviews they support.

The scale data's ``reviews`` step gives every accepted case its sections, so a reviewer's
open review (in progress or returned) has a saved "About the person" to load and save
again; the save posts the revision the page showed (a stale one would be refused, 409).
"""

from __future__ import annotations

import re
from typing import Any

from django.urls import reverse

from leder.roles import Role
from tests.bench.journeys import Visit, journey, page, sample, users

MY_REVIEWS = "reviews:my_reviews"
TASK_LIST = "reviews:review"
SECTION = "reviews:review_section"
SAVED_SECTION = "about-the-person"
REVISION = re.compile(
    r'<input[^>]*name="revision"[^>]*value="(\d*)"|<input[^>]*value="(\d*)"[^>]*name="revision"'
)
# A complete, valid "About the person" (reviews.forms.sections.AboutPersonForm).
ABOUT_THE_PERSON = {
    "pen_portrait": "They loved music and a walk to the shop after lunch; they liked a routine.",
    "ld_level": "moderate",
    "autism": "no",
    "accommodation": "supported_living",
    "lives_alone": "no",
    "out_of_area": "no",
    "communication_needs": "Short sentences and Makaton; needed time to answer.",
    "completed": "yes",
}

users(Role.REVIEWER, 3, prefer="open_reviews")
users(Role.SENIOR_REVIEWER, 1)


def _allocated(user: Any, *, as_senior: bool, statuses: tuple[str, ...]) -> list[str]:
    from reviews.models import Allocation

    who = {"senior_reviewer": user} if as_senior else {"reviewer": user}
    return list(
        Allocation.objects.filter(ended_at__isnull=True, case__status__in=statuses, **who)
        .order_by("-case__opened_at")
        .values_list("case__reference", flat=True)[:30]
    )


REVIEWING = ("in_progress", "returned")
READABLE = ("in_progress", "on_hold", "awaiting_qa", "returned", "completed")


@sample("open_reviews", role=Role.REVIEWER)
def open_reviews(user: Any) -> list[str]:
    """The reviewer's reviews they can still edit."""
    return _allocated(user, as_senior=False, statuses=REVIEWING)


@sample("reviews", role=Role.REVIEWER)
def reviews(user: Any) -> list[str]:
    """Any review of theirs with a task list (finished ones are read-only)."""
    return _allocated(user, as_senior=False, statuses=READABLE)


@sample("supported_reviews", role=Role.SENIOR_REVIEWER)
def supported_reviews(user: Any) -> list[str]:
    """Reviews the senior reviewer gives peer support on."""
    return _allocated(user, as_senior=True, statuses=READABLE)


def revision_of(html: str) -> str:
    found = REVISION.search(html)
    return next((g for g in found.groups() if g is not None), "") if found else ""


@journey(
    "reviews: my reviews, a task list, a section and its save",
    role=Role.REVIEWER,
    weight=3,
    requires=(MY_REVIEWS, TASK_LIST, SECTION),
)
def review_and_save(visit: Visit) -> None:
    visit.get(MY_REVIEWS, reverse(MY_REVIEWS))
    editable = visit.samples.get("open_reviews")
    readable = visit.samples.get("reviews")
    if not (editable or readable):
        return  # a reviewer with nothing allocated: the empty list is the journey
    visit.pause()
    reference = visit.pick("open_reviews" if editable else "reviews")
    visit.get(TASK_LIST, reverse(TASK_LIST, args=[reference]))
    visit.pause()
    url = reverse(SECTION, args=[reference, SAVED_SECTION])
    form = visit.get(SECTION, url)
    if not editable:
        return
    visit.pause()
    visit.post(f"{SECTION} (save)", url, {**ABOUT_THE_PERSON, "revision": revision_of(form.text)})


@journey(
    "reviews: supporting a review (senior reviewer)",
    role=Role.SENIOR_REVIEWER,
    weight=2,
    requires=(MY_REVIEWS, TASK_LIST, SECTION),
)
def supporting(visit: Visit) -> None:
    visit.get(MY_REVIEWS, reverse(MY_REVIEWS))
    if not visit.samples.get("supported_reviews"):
        return
    visit.pause()
    reference = visit.pick("supported_reviews")
    visit.get(TASK_LIST, reverse(TASK_LIST, args=[reference]))
    visit.pause()
    visit.get(SECTION, reverse(SECTION, args=[reference, "findings"]))


page(MY_REVIEWS, role=Role.REVIEWER, path=lambda s: reverse(MY_REVIEWS), growth=True)
page(
    TASK_LIST,
    role=Role.REVIEWER,
    path=lambda s: reverse(TASK_LIST, args=[s["reviews"][0]]),
    growth=True,
    needs="reviews",
)
page(
    f"{SECTION} (findings)",
    role=Role.REVIEWER,
    path=lambda s: reverse(SECTION, args=[s["reviews"][0], "findings"]),
    requires=(SECTION,),
    needs="reviews",
)
