"""Writes to cases and the reviewer directory: one service per verb, each atomic.

- ``case_open``, ``case_transition``: opening a case; every status move.
- ``case_allocate``, ``case_accept``, ``case_decline_conflict``, ``conflict_flags_resolve``:
  allocation and the reviewer's answer.
- ``case_provider_add``: an organisation involved in care (re-checks conflicts).
- ``reviewer_profile_*``, ``employment_*``, ``declared_conflict_*``: the directory.
- ``review_section_save``, ``key_episode_*``, ``multi_agency_meeting_*``,
  ``supervision_comment_*``: the review (``reviews.services.review``).
- ``case_hold``, ``case_resume``: holds (``reviews.services.holds``).
- ``case_submit_for_qa``, ``case_return_to_reviewer``, ``case_complete``,
  ``case_escalate_to_focused``: QA and escalation (``reviews.services.qa``), with the
  reads the governance app uses: ``version_diff``, ``review_report_html``/``_pdf``.
"""

from reviews.review.diff import Difference, version_diff
from reviews.review.report import review_report_html, review_report_pdf
from reviews.services.allocation import (
    allocation_end_active,
    case_accept,
    case_allocate,
    case_decline_conflict,
    conflict_flags_resolve,
)
from reviews.services.cases import case_open, case_transition
from reviews.services.holds import case_hold, case_resume
from reviews.services.providers import case_provider_add
from reviews.services.qa import (
    case_complete,
    case_escalate_to_focused,
    case_return_to_reviewer,
    case_submit_for_qa,
)
from reviews.services.review import (
    key_episode_add,
    key_episode_delete,
    key_episode_update,
    multi_agency_meeting_add,
    multi_agency_meeting_delete,
    multi_agency_meeting_update,
    review_section_save,
    supervision_comment_add,
    supervision_comment_reply,
)
from reviews.services.reviewers import (
    declared_conflict_add,
    declared_conflict_update,
    employment_add,
    employment_update,
    reviewer_profile_create,
    reviewer_profile_update,
)

__all__ = [
    "Difference",
    "allocation_end_active",
    "case_accept",
    "case_allocate",
    "case_complete",
    "case_decline_conflict",
    "case_escalate_to_focused",
    "case_hold",
    "case_open",
    "case_provider_add",
    "case_resume",
    "case_return_to_reviewer",
    "case_submit_for_qa",
    "case_transition",
    "conflict_flags_resolve",
    "declared_conflict_add",
    "declared_conflict_update",
    "employment_add",
    "employment_update",
    "key_episode_add",
    "key_episode_delete",
    "key_episode_update",
    "multi_agency_meeting_add",
    "multi_agency_meeting_delete",
    "multi_agency_meeting_update",
    "review_report_html",
    "review_report_pdf",
    "review_section_save",
    "reviewer_profile_create",
    "reviewer_profile_update",
    "supervision_comment_add",
    "supervision_comment_reply",
    "version_diff",
]
