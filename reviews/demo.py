"""Demo data for the reviews app (``manage.py seed_demo``): synthetic people only.

Reviewer profiles for the demo reviewer and senior reviewer (training in date, one
employer each), and a few notifications and cases in different states, made through the
services. Idempotent: notifications are found again by a fixed idempotency key, and each
step is skipped once done.
"""

from __future__ import annotations

import datetime
import uuid
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.utils import timezone

from leder.lib.history import history_save
from leder.models import Organisation, User
from leder.roles import Role

DEMO_NAMESPACE = uuid.UUID("6f1b2d0e-9a55-4c1e-9d57-1e0d3c0a4b21")


@dataclass(frozen=True)
class DemoCase:
    key: str
    given_name: str
    family_name: str
    days_ago: int
    state: str  # "received", "awaiting_allocation", "allocated", "in_progress"
    practice: int  # which of the first three demo practices


# The demo reviewer works at practice 1: allocating "demo-2" to them shows a conflict.
DEMO_CASES = (
    DemoCase("demo-1", "Alex", "Demoperson", 3, "received", 0),
    DemoCase("demo-2", "Sam", "Exampleton", 40, "awaiting_allocation", 1),
    DemoCase("demo-3", "Jo", "Samplewell", 120, "allocated", 0),
    DemoCase("demo-4", "Kit", "Fictional", 170, "in_progress", 0),
)
STATES = ("received", "awaiting_allocation", "allocated", "in_progress")


def _answers(demo_case: DemoCase, practice: Organisation) -> dict[str, Any]:
    return {
        "given_name": demo_case.given_name,
        "family_name": demo_case.family_name,
        "other_names": "",
        "date_of_birth": datetime.date(1968, 3, 14),
        "nhs_number": "",
        "address": "",
        "postcode": "",
        "sex": "not_known",
        "ethnicity": "Z",
        "learning_disability": "yes",
        "learning_disability_level": "moderate",
        "autism": "not_known",
        "date_of_death": timezone.localdate() - datetime.timedelta(days=demo_case.days_ago + 2),
        "place_of_death": "home",
        "place_of_death_detail": "",
        "gp_practice": practice,
        "cause_of_death": "",
        "care_concerns": "no",
        "care_concerns_detail": "",
        "detained_mha": "no",
        "detained_cjs": "no",
        "family_requested_review": "not_known",
        "other_processes": [],
        "contact_name": "",
        "contact_relationship": "",
        "contact_phone": "",
        "contact_email": "",
        "contact_knows": "",
        "notifier_name": "Demo Notifier",
        "notifier_role": "GP receptionist",
        "notifier_organisation": practice.name,
        "notifier_email": "",
        "notifier_phone": "",
    }


def _profile(user: User, lac: User, employer: Organisation) -> None:
    from reviews.models import ReviewerProfile
    from reviews.services import employment_add, reviewer_profile_create, reviewer_profile_update

    profile = ReviewerProfile.objects.filter(user=user).first()
    if profile is None:
        profile = reviewer_profile_create(user=user, by=lac)
    if not profile.training_in_date():
        reviewer_profile_update(
            profile=profile,
            max_caseload=profile.max_caseload,
            training_completed_on=timezone.localdate() - datetime.timedelta(days=60),
            by=lac,
        )
    if not profile.employments.exists():
        employment_add(
            profile=profile,
            organisation=employer,
            started_on=datetime.date(2019, 4, 1),
            by=lac,
        )


def seed_reviews(*, icb: Organisation, users: dict[Role, User], say: Callable[[str], None]) -> None:
    from notifications.models import NotificationStatus
    from notifications.services import notification_decide, notification_submit
    from reviews.models import Allocation, Case, CaseStatus
    from reviews.services import case_accept, case_allocate

    lac, reviewer, senior = users[Role.LAC], users[Role.REVIEWER], users[Role.SENIOR_REVIEWER]
    practices = list(Organisation.objects.gp_practices().filter(parent_icb=icb).active()[:3])
    if len(practices) < 3:
        say("Reviews: skipped (no demo GP practices)")
        return
    _profile(reviewer, lac, practices[1])
    _profile(senior, lac, practices[2])

    made = 0
    for demo_case in DEMO_CASES:
        practice = practices[demo_case.practice]
        key = uuid.uuid5(DEMO_NAMESPACE, demo_case.key)
        notification, created = notification_submit(
            answers=_answers(demo_case, practice), idempotency_key=key
        )
        if created:
            made += 1
            notification.received_at = timezone.now() - datetime.timedelta(days=demo_case.days_ago)
            history_save(notification, by=None, reason="Demo data", update_fields=["received_at"])
        wanted = STATES.index(demo_case.state)
        if wanted >= 1 and notification.status == NotificationStatus.RECEIVED:
            notification_decide(notification=notification, to="eligible", by=lac)
        case = Case.objects.filter(notification=notification).first()
        if case is None or wanted < 2:
            continue
        if not Allocation.objects.filter(case=case, ended_at__isnull=True).exists():
            case_allocate(
                case=case,
                reviewer=reviewer if wanted == 3 else senior,
                senior_reviewer=senior if wanted == 3 else None,
                review_type="initial",
                review_type_reason="No focused review criteria met",
                by=lac,
            )
        case.refresh_from_db()
        if wanted == 3 and case.status == CaseStatus.ALLOCATED:
            case_accept(case=case, by=reviewer)
        if wanted == 3:
            _partly_reviewed(case, reviewer)
    say(f"Reviews: reviewer profiles ready; {made} demo notifications created.")


# A review under way: one section complete, one saved for later, one key episode.
DEMO_ANSWERS: dict[str, tuple[dict[str, Any], bool]] = {
    "about-the-person": (
        {
            "pen_portrait": "Kit loved trains, music from the 1980s and Sunday visits to the "
            "seaside. Kit liked a calm routine and knew everyone at the day centre by name.",
            "ld_level": "moderate",
            "autism": "no",
            "accommodation": "supported_living",
            "lives_alone": "no",
            "out_of_area": "no",
            "communication_needs": "Used Makaton and a picture book; needed extra time.",
        },
        True,
    ),
    "family-and-carers": ({"family_contacted": "unreachable"}, False),
}


def _partly_reviewed(case: Any, reviewer: User) -> None:
    """Give the in-progress demo case a partly completed review (once)."""
    from reviews.models import CaseStatus
    from reviews.review.sections import get_section
    from reviews.review.state import form_context
    from reviews.services import key_episode_add, review_section_save

    if case.status != CaseStatus.IN_PROGRESS or case.sections.exists():
        return
    context = form_context(case)
    for key, (answers, completed) in DEMO_ANSWERS.items():
        section = get_section(key)
        assert section is not None
        form = section.form_class(
            {**answers, "completed": "yes" if completed else "no", "revision": "0"},
            context=context,
        )
        if not form.is_valid():  # pragma: no cover - the demo answers are valid
            raise ValueError(f"Demo answers for {key}: {form.errors.as_text()}")
        review_section_save(
            case=case,
            key=key,
            answers=form.to_data(),
            completed=completed,
            revision=0,
            by=reviewer,
        )
    key_episode_add(
        case=case,
        occurred_on=case.notification.date_of_death - datetime.timedelta(days=20),
        setting="hospital_inpatient",
        organisation="Demo General Hospital",
        what_happened="Admitted with a chest infection; discharged after five days.",
        good_practice="Hospital passport used; family kept informed.",
        concerns="No swallowing assessment before discharge.",
        by=reviewer,
    )
