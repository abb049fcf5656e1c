"""Who may see and act on cases and the reviewer directory: the accessors and checks.

Views get a case only through :func:`get_case_for_user` (404 for anyone outside its ICB
without a grant), lists only through :func:`cases_for_user`, and a reviewer profile only
through :func:`get_profile_for_user`.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable
from functools import wraps
from typing import Any

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.db.models import QuerySet
from django.http import Http404, HttpRequest, HttpResponse

from leder.roles import Role
from notifications.models import REFERENCE_RE
from reviews.models import Allocation, Case, ReviewerProfile
from reviews.querysets import ICB_WIDE_ROLES, CaseQuerySet

REVIEWER_ROLES = frozenset({Role.REVIEWER, Role.SENIOR_REVIEWER})


def cases_for_user(user: Any) -> CaseQuerySet:
    """Every case ``user`` may see: their ICB's (LAC, administrator) or granted to them."""
    return Case.objects.visible_to(user)


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


def roles_required(
    roles: frozenset[Role],
) -> Callable[[Callable[..., HttpResponse]], Callable[..., HttpResponse]]:
    """Signed in with one of ``roles`` (else 403)."""

    def decorator(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
        @wraps(view)
        def wrapped(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
            if not request.user.has_role(*roles):  # type: ignore[union-attr]
                raise PermissionDenied
            return view(request, *args, **kwargs)

        return login_required(wrapped)

    return decorator
