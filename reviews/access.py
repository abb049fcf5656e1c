"""Who may see and act on cases and the reviewer directory: the accessors and checks.

Views get a case only through :func:`get_case_for_user` (404 for anyone outside its ICB
without a grant), lists only through :func:`cases_for_user` (or its narrower forms
:func:`icb_cases_for_user` and :func:`cases_granted_to`, or :func:`icb_cases` with
:func:`icb_grantee`'s scope), and a reviewer profile only
through :func:`get_profile_for_user`.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable
from dataclasses import dataclass
from functools import wraps
from typing import Any

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.db.models import Q, QuerySet
from django.http import Http404, HttpRequest, HttpResponse

from leder.roles import Role
from notifications.models import REFERENCE_RE
from reviews.models import Allocation, Case, CaseStatus, ReviewerProfile, ReviewType
from reviews.querysets import ICB_WIDE_ROLES, CaseQuerySet

REVIEWER_ROLES = frozenset({Role.REVIEWER, Role.SENIOR_REVIEWER})


def cases_for_user(user: Any) -> CaseQuerySet:
    """Every case ``user`` may see: their ICB's (LAC, administrator) or granted to them."""
    return Case.objects.visible_to(user)


def icb_cases_for_user(user: Any, icb_id: int) -> CaseQuerySet:
    """The cases of one ICB that ``user`` may see: ``cases_for_user(user)`` of that ICB,
    as a simpler query (every statement of the dashboard reads it): a LAC or
    administrator of that ICB sees all of its cases, so their grants add nothing; anyone
    else, the cases of it they were granted."""
    return icb_cases(icb_id, icb_grantee(user, icb_id))


def icb_grantee(user: Any, icb_id: int) -> int | None:
    """Whose grants narrow ``user``'s view of one ICB's cases: None for a LAC or
    administrator of that ICB (they see all of them), else the user's own id. With
    :func:`icb_cases`, the scope of :func:`icb_cases_for_user` as plain values (the
    dashboard's prepared statements are keyed by them)."""
    if user.icb_id == icb_id and user.has_role(*ICB_WIDE_ROLES):
        return None
    return int(user.pk)


def icb_cases(icb_id: int, grantee_id: int | None) -> CaseQuerySet:
    """The cases of one ICB: all of them (``grantee_id`` None), or those granted to the
    user with that id. Views take the arguments from :func:`icb_grantee`."""
    cases = Case.objects.filter(icb_id=icb_id)
    return cases if grantee_id is None else cases.granted_to_id(grantee_id)


def cases_granted_to(user: Any) -> CaseQuerySet:
    """The cases ``user`` reviews or supports now: ``cases_for_user(user)`` narrowed to
    their grants, as one condition (every granted case is one they may see)."""
    if not getattr(user, "is_authenticated", False):
        return Case.objects.none()
    return Case.objects.granted_to(user)


def get_case_for_user(user: Any, reference: str) -> Case:
    """The case with this reference, if ``user`` may see it; else 404."""
    if not REFERENCE_RE.match(reference or ""):
        raise Http404
    found = (
        cases_for_user(user)
        .for_list()
        .select_related("icb", "notification__gp_practice")
        .filter(reference=reference)
        .first()
    )
    if found is None:
        raise Http404
    return found


def manages_case(user: Any, case: Case) -> bool:
    """LAC or administrator of the case's ICB."""
    return user.has_role(*ICB_WIDE_ROLES) and user.icb_id is not None and case.icb_id == user.icb_id


def active_allocation(case: Case) -> Allocation | None:
    return (
        Allocation.objects.filter(case=case, ended_at__isnull=True)
        .select_related("reviewer", "senior_reviewer", "allocated_by")
        .first()
    )


def overrides_for_user(user: Any) -> QuerySet[Allocation]:
    """Allocations of ``user``'s ICB made or kept despite a conflict of interest."""
    from django.db.models import Prefetch

    from reviews.models import ConflictFlag

    if getattr(user, "icb_id", None) is None:
        return Allocation.objects.none()
    return (
        Allocation.objects.in_icb(user.icb_id)
        .overridden()
        .select_related("case", "reviewer", "senior_reviewer", "allocated_by")
        .prefetch_related(
            Prefetch(
                "flags",
                queryset=ConflictFlag.objects.filter(resolved_at__isnull=False).select_related(
                    "resolved_by"
                ),
                to_attr="kept_flags",
            )
        )
        .order_by("-allocated_at", "-pk")
    )


def profiles_for_user(user: Any) -> QuerySet[ReviewerProfile]:
    if not user.has_role(*ICB_WIDE_ROLES) or user.icb_id is None:
        return ReviewerProfile.objects.none()
    return ReviewerProfile.objects.filter(user__icb_id=user.icb_id)


def get_profile_for_user(user: Any, key: str) -> ReviewerProfile:
    """The reviewer profile with this key, if it is in ``user``'s ICB directory; else 404."""
    try:
        uuid.UUID(str(key))
    except ValueError:
        raise Http404 from None
    found = profiles_for_user(user).select_related("user").filter(key=key).first()
    if found is None:
        raise Http404
    return found


def permission_required(
    perm: str,
) -> Callable[[Callable[..., HttpResponse]], Callable[..., HttpResponse]]:
    """Signed in (else to the sign-in page) with the model permission ``perm`` (else 403)."""

    def decorator(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
        @wraps(view)
        def wrapped(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
            if not request.user.has_perm(perm):
                raise PermissionDenied
            return view(request, *args, **kwargs)

        return login_required(wrapped)

    return decorator


# --- The review ----------------------------------------------------------------------------


@dataclass
class ReviewAccess:
    """What ``user`` may do with the review of ``case`` (from :func:`get_review_for_user`).

    The allocated reviewer edits; the senior reviewer reads and comments; the LAC and the
    administrator of the ICB read, and the LAC may also hold, resume and escalate.
    """

    user: Any
    case: Case
    allocation: Allocation | None
    is_reviewer: bool
    is_senior: bool
    manages: bool

    @property
    def is_lac(self) -> bool:
        return self.manages and self.user.has_role(Role.LAC)

    @property
    def can_edit(self) -> bool:
        from reviews.review.state import EDITABLE_STATUSES

        return self.is_reviewer and self.case.status in EDITABLE_STATUSES

    @property
    def can_comment(self) -> bool:
        return self.is_senior and self.case.status in _COMMENTABLE

    @property
    def can_reply(self) -> bool:
        return self.is_reviewer and self.case.status in _COMMENTABLE

    @property
    def can_hold(self) -> bool:
        return (self.is_reviewer or self.is_lac) and self.case.status == CaseStatus.IN_PROGRESS

    @property
    def can_resume(self) -> bool:
        return (self.is_reviewer or self.is_lac) and self.case.status == CaseStatus.ON_HOLD

    @property
    def can_escalate(self) -> bool:
        if self.case.review_type == ReviewType.FOCUSED:
            return False
        if self.is_reviewer:
            return self.case.status in {CaseStatus.IN_PROGRESS, CaseStatus.RETURNED}
        return self.is_lac and self.case.status in {
            CaseStatus.IN_PROGRESS,
            CaseStatus.RETURNED,
            CaseStatus.AWAITING_QA,
        }


_COMMENTABLE = frozenset(
    {CaseStatus.IN_PROGRESS, CaseStatus.ON_HOLD, CaseStatus.AWAITING_QA, CaseStatus.RETURNED}
)


class NoLongerAllocated(Exception):
    """The user was this case's reviewer or senior reviewer, and is not any more."""


def get_review_for_user(user: Any, reference: str) -> ReviewAccess:
    """The review of the case with this reference, with what ``user`` may do with it.

    404 for anyone who may not see it; :class:`NoLongerAllocated` for someone whose
    allocation has ended (so the page can say so instead of a bare 404).
    """
    try:
        case = get_case_for_user(user, reference)
    except Http404:
        if (
            getattr(user, "is_authenticated", False)
            and REFERENCE_RE.match(reference or "")
            and Allocation.objects.filter(case__reference=reference)
            .filter(Q(reviewer_id=user.pk) | Q(senior_reviewer_id=user.pk))
            .exists()
        ):
            raise NoLongerAllocated from None
        raise
    allocation = active_allocation(case)
    access = ReviewAccess(
        user=user,
        case=case,
        allocation=allocation,
        is_reviewer=allocation is not None and allocation.reviewer_id == user.pk,
        is_senior=allocation is not None and allocation.senior_reviewer_id == user.pk,
        manages=manages_case(user, case),
    )
    if not (access.is_reviewer or access.is_senior or access.manages):
        raise Http404
    return access
