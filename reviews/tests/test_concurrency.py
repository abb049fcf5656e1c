"""Two LACs allocate the same case at the same moment: exactly one wins.

Real threads, each with its own PostgreSQL connection (so real row locks), released
together by a barrier after each has read the case as unallocated (a stale page).
"""

from __future__ import annotations

import threading

import pytest
from django.core.exceptions import ValidationError
from django.db import connection

from leder.lib.workflow import TransitionNotAllowed
from leder.roles import Role
from reviews.models import Allocation, Case, CaseStatus, CaseUserObjectPermission
from reviews.services import case_allocate
from reviews.services.allocation import STALE

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.mark.parametrize("attempt", range(3))
def test_it_lets_exactly_one_of_two_simultaneous_allocations_win(
    attempt, case, make_user, make_reviewer
):
    lacs = [make_user(Role.LAC), make_user(Role.LAC)]
    reviewers = [make_reviewer().user, make_reviewer().user]
    barrier = threading.Barrier(2, timeout=10)
    outcomes: list[object] = [None, None]

    def allocate(i: int) -> None:
        try:
            seen = Case.objects.get(pk=case.pk)  # both see it awaiting allocation
            assert seen.status == CaseStatus.AWAITING_ALLOCATION
            barrier.wait()
            outcomes[i] = case_allocate(
                case=seen,
                reviewer=reviewers[i],
                review_type="initial",
                review_type_reason="No focused review criteria",
                replacing=None,
                by=lacs[i],
            )
        except (ValidationError, TransitionNotAllowed) as exc:
            outcomes[i] = exc
        finally:
            connection.close()

    threads = [threading.Thread(target=allocate, args=(i,)) for i in range(2)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=30)
    assert not any(t.is_alive() for t in threads)

    won = [o for o in outcomes if isinstance(o, Allocation)]
    lost = [o for o in outcomes if isinstance(o, ValidationError | TransitionNotAllowed)]
    assert len(won) == 1 and len(lost) == 1, outcomes
    assert isinstance(lost[0], ValidationError) and lost[0].messages == [STALE]
    winner = won[0]
    assert list(Allocation.objects.values_list("pk", flat=True)) == [winner.pk]
    grants = CaseUserObjectPermission.objects.filter(content_object=case)
    assert list(grants.values_list("user_id", "permission__codename")) == [
        (winner.reviewer_id, "review_case")
    ]
    case.refresh_from_db()
    assert case.status == CaseStatus.ALLOCATED
    assert case.status_changes.count() == 1
