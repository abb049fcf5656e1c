"""The frozen content of a submitted review (``ReviewVersion.content``).

Self-describing: every answer is kept with its question and its display text, so a version
reads the same forever, even after the forms, the grading scale or the theme list change.
The person's identifiers are kept apart (``person``) so the redacted report can leave them
out. Schema::

    {"schema": 1, "reference", "review_type", "review_type_label",
     "person": {"name", "nhs_number", "date_of_birth", "date_of_death", "address",
                "postcode", "age_at_death", "sex", "gp_practice"},
     "family_names": [...],
     "icb", "reviewer", "senior_reviewer", "received_on",
     "sections": [{"key", "title", "completed", "rows": [{"name", "label", "value"}]}],
     "episodes": [{"id", "date", "date_display", "setting", "organisation", "what_happened",
                   "good_practice", "concerns"}],
     "meetings": [{"id", "date", "date_display", "attendees": [{"role", "organisation"}],
                   "minutes_summary"}],
     "comments": [{"section", "section_title", "author", "at", "text", "reply",
                   "replied_by", "replied_at"}],
     "holds": [{"reason", "started_on", "ended_on"}]}
"""

from __future__ import annotations

from typing import Any

from leder.jinja2 import nhs_date, nhs_datetime
from reviews.models import Allocation, Case, CaseHold, ReviewType
from reviews.review.sections import section_title
from reviews.review.state import ReviewState

SCHEMA = 1


def _iso(value: Any) -> str:
    return value.isoformat() if value else ""


def build_snapshot(case: Case) -> dict[str, Any]:
    state = ReviewState.load(case)
    n = case.notification
    context = state.form_context()
    sections = []
    for section in state.sections():
        row = state.rows.get(section.key)
        form = section.form_class(context=context)
        sections.append(
            {
                "key": section.key,
                "title": section.title,
                "completed": bool(row and row.completed),
                "rows": form.display_rows(row.data if row else {}),
            }
        )
    episodes = [
        {
            "id": e.pk,
            "date": _iso(e.occurred_on),
            "date_display": nhs_date(e.occurred_on),
            "setting": e.get_setting_display(),
            "organisation": e.organisation,
            "what_happened": e.what_happened,
            "good_practice": e.good_practice,
            "concerns": e.concerns,
        }
        for e in case.episodes.order_by("occurred_on", "pk")
    ]
    meetings = [
        {
            "id": m.pk,
            "date": _iso(m.held_on),
            "date_display": nhs_date(m.held_on),
            "attendees": m.attendees,
            "minutes_summary": m.minutes_summary,
        }
        for m in case.meetings.order_by("held_on", "pk")
    ]
    comments = [
        {
            "section": c.section_key,
            "section_title": section_title(c.section_key),
            "author": c.author.full_name or "Senior reviewer",
            "at": nhs_datetime(c.created_at),
            "text": c.text,
            "reply": c.reply,
            "replied_by": c.replied_by.full_name if c.replied_by else "",
            "replied_at": nhs_datetime(c.replied_at) if c.replied_at else "",
        }
        for c in case.supervision_comments.select_related("author", "replied_by").order_by(
            "created_at", "pk"
        )
    ]
    allocation = (
        Allocation.objects.filter(case=case, ended_at__isnull=True)
        .select_related("reviewer", "senior_reviewer")
        .first()
    )
    holds = [
        {
            "reason": h.get_reason_display(),
            "started_on": nhs_date(h.started_on),
            "ended_on": nhs_date(h.ended_on) if h.ended_on else "",
        }
        for h in CaseHold.objects.filter(case=case).order_by("started_on", "pk")
    ]
    review_type = case.review_type or ReviewType.INITIAL
    return {
        "schema": SCHEMA,
        "reference": case.reference,
        "review_type": review_type,
        "review_type_label": str(ReviewType(review_type).label),
        "person": {
            "name": n.full_name,
            "other_names": n.other_names,
            "nhs_number": n.nhs_number,
            "date_of_birth": _iso(n.date_of_birth),
            "date_of_death": _iso(n.date_of_death),
            "address": n.address,
            "postcode": n.postcode,
            "age_at_death": n.age_at_death,
            "sex": n.get_sex_display() if n.sex else "",
            "gp_practice": n.gp_practice.name if n.gp_practice else "",
        },
        "family_names": [name for name in [n.contact_name] if name],
        "icb": case.icb.name,
        "reviewer": allocation.reviewer.full_name if allocation else "",
        "senior_reviewer": (
            allocation.senior_reviewer.full_name
            if allocation and allocation.senior_reviewer
            else ""
        ),
        "received_on": _iso(n.received_at.date()),
        "sections": sections,
        "episodes": episodes,
        "meetings": meetings,
        "comments": comments,
        "holds": holds,
    }
