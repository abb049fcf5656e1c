"""Reads of cases: chainable, scoped by the user's ICB."""

from __future__ import annotations

from typing import Any

from django.db import models

from leder.roles import Role

# Roles that see every case of their own ICB. Reviewers and panel members get object
# grants from the allocation and governance features instead.
ICB_WIDE_ROLES = (Role.LAC, Role.ADMINISTRATOR)


class CaseQuerySet(models.QuerySet):
    def visible_to(self, user: Any) -> CaseQuerySet:
        if not getattr(user, "is_authenticated", False) or user.icb_id is None:
            return self.none()
        if not user.has_role(*ICB_WIDE_ROLES):
            return self.none()
        return self.filter(icb_id=user.icb_id)

    def awaiting_allocation(self) -> CaseQuerySet:
        from reviews.models import CaseStatus

        return self.filter(status=CaseStatus.AWAITING_ALLOCATION)
