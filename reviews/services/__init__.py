"""Writes to cases and the reviewer directory: one service per verb, each atomic.

- ``case_open``, ``case_transition``: opening a case; every status move.
- ``case_allocate``, ``case_accept``, ``case_decline_conflict``, ``conflict_flags_resolve``:
  allocation and the reviewer's answer.
- ``case_provider_add``: an organisation involved in care (re-checks conflicts).
- ``reviewer_profile_*``, ``employment_*``, ``declared_conflict_*``: the directory.
"""

from reviews.services.allocation import (
    allocation_end_active,
    case_accept,
    case_allocate,
    case_decline_conflict,
    conflict_flags_resolve,
)
from reviews.services.cases import case_open, case_transition
from reviews.services.providers import case_provider_add
from reviews.services.reviewers import (
    declared_conflict_add,
    declared_conflict_update,
    employment_add,
    employment_update,
    reviewer_profile_create,
    reviewer_profile_update,
)

__all__ = [
    "allocation_end_active",
    "case_accept",
    "case_allocate",
    "case_decline_conflict",
    "case_open",
    "case_provider_add",
    "case_transition",
    "conflict_flags_resolve",
    "declared_conflict_add",
    "declared_conflict_update",
    "employment_add",
    "employment_update",
    "reviewer_profile_create",
    "reviewer_profile_update",
]
