"""Valid answers for every section of the review, as a browser would post them, and
helpers that fill a review through the forms and services (synthetic data only)."""

from __future__ import annotations

import datetime
from typing import Any

from reviews.models import Case, LearningTheme
from reviews.review.sections import get_section, sections_for
from reviews.review.state import form_context
from reviews.services import (
    key_episode_add,
    multi_agency_meeting_add,
    review_section_save,
)

PEN_PORTRAIT = "Ada loved gardening and music. She liked a calm morning routine."


def post_data(key: str) -> dict[str, Any]:
    """Complete, valid answers for the section ``key`` (completed = yes)."""
    # The migration seeds the themes, but a transactional test elsewhere may have flushed
    # them from a reused test database.
    for name in ("Reasonable adjustments", "Communication between services"):
        LearningTheme.objects.get_or_create(name=name)
    themes = [str(pk) for pk in LearningTheme.objects.values_list("pk", flat=True)[:2]]
    data: dict[str, dict[str, Any]] = {
        "about-the-person": {
            "pen_portrait": PEN_PORTRAIT,
            "ld_level": "moderate",
            "autism": "no",
            "accommodation": "supported_living",
            "lives_alone": "no",
            "out_of_area": "no",
            "communication_needs": "Used Makaton and pictures",
        },
        "family-and-carers": {
            "family_contacted": "yes",
            "contact_on_day": "3",
            "contact_on_month": "2",
            "contact_on_year": "2026",
            "contact_relationship": "Sister",
            "family_views": "The family felt the hospital listened to them.",
            "condolence_letter": "yes",
            "condolence_letter_on_day": "20",
            "condolence_letter_on_month": "1",
            "condolence_letter_on_year": "2026",
            "pen_portrait_shared": "yes",
            "pen_portrait_comments": "They added her love of music.",
        },
        "evidence": {
            "gp_records": "reviewed",
            "gp_conversation": "yes",
            "gp_conversation_on_day": "5",
            "gp_conversation_on_month": "2",
            "gp_conversation_on_year": "2026",
            "gp_conversation_summary": "The GP described regular reviews.",
            "professionals": (
                "Community nurse, Leeds Community Healthcare\nSocial worker, Leeds City Council"
            ),
        },
        "key-episodes": {"overview": "Two admissions in her last year."},
        "cause-of-death": {
            "cause_1a": "Aspiration pneumonia",
            "cause_1b": "Dysphagia",
            "icd10_code": "j690",
            "place_of_death": "hospital",
            "coroner": "no",
            "avoidable": "treatable",
        },
        "care-questions": {
            "dnacpr_in_place": "yes",
            "dnacpr_followed": "yes",
            "mca_relevant": "yes",
            "mca_followed": "yes",
            "dols": "no",
            "reasonable_adjustments": "partly",
            "annual_health_check": "yes",
            "health_action_plan": "yes",
            "delays": "no",
            "care_package": "yes",
            "guidelines": "no",
        },
        "multi-agency-meetings": {"overview": ""},
        "further-agencies": {
            "agencies_information": "Housing and the police had no concerns.",
            "safeguarding_referral": "no",
            "patient_safety_referral": "yes",
            "patient_safety_detail": "Reported as a patient safety incident (PSI-12345).",
        },
        "analysis": {
            "analysis": "Swallowing risk was known but not shared at discharge.",
            "recommendations": "Share swallowing plans at every discharge.",
        },
        "findings": {
            "good_practice": "Reasonable adjustments in outpatients.",
            "learning": "Dysphagia plans must travel with the person.",
            "concerns": "Delay in speech and language therapy referral.",
            "grade": "3",
            "themes": themes,
            "focused_needed": "no",
        },
    }
    return {**data[key], "completed": "yes"}


def save_section(case: Case, key: str, by: Any, **overrides: Any) -> Any:
    """Validate ``post_data(key)`` (with overrides) through the form and save it."""
    section = get_section(key)
    assert section is not None
    case.refresh_from_db()
    row = case.sections.filter(key=key).first()
    data = {**post_data(key), "revision": str(row.revision if row else 0), **overrides}
    form = section.form_class(data, context=form_context(case))
    assert form.is_valid(), form.errors
    return review_section_save(
        case=case,
        key=key,
        answers=form.to_data(),
        completed=form.cleaned_data["completed"] == "yes",
        revision=form.cleaned_data["revision"],
        by=by,
    )


def add_episode(case: Case, by: Any, day: int = 1, **kw: Any) -> Any:
    fields = {
        "occurred_on": datetime.date(2025, 12, day),
        "setting": "hospital_inpatient",
        "organisation": "Leeds Teaching Hospitals",
        "what_happened": "Admitted with a chest infection.",
        "good_practice": "Hospital passport used.",
        "concerns": "",
    }
    fields.update(kw)
    return key_episode_add(case=case, by=by, **fields)


def add_meeting(case: Case, by: Any) -> Any:
    return multi_agency_meeting_add(
        case=case,
        held_on=datetime.date(2026, 2, 10),
        attendees=[{"role": "Safeguarding lead", "organisation": "Leeds City Council"}],
        minutes_summary="Agreed the discharge plan was not shared.",
        by=by,
    )


def complete_review(case: Case, by: Any) -> None:
    """Fill and complete every section the case's review type needs."""
    case.refresh_from_db()
    if not case.episodes.exists():
        add_episode(case, by)
    if case.review_type == "focused" and not case.meetings.exists():
        add_meeting(case, by)
    for section in sections_for(case.review_type):
        save_section(case, section.key, by)
