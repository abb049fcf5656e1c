"""Reads of record requests and their outbox: chainable, and N+1-free for the pages."""

from __future__ import annotations

import datetime
from typing import Any, cast

from django.db import models
from django.db.models import Prefetch, Q


class RecordRequestQuerySet(models.QuerySet):
    def visible_to(self, user: Any) -> RecordRequestQuerySet:
        """Requests on the cases ``user`` may see (``Case.objects.visible_to``): the
        allocated reviewer and senior reviewer, the LACs and administrators of the ICB."""
        from reviews.models import Case

        return self.filter(case__in=Case.objects.visible_to(user))

    def open(self) -> RecordRequestQuerySet:
        from reviews.records.models import OPEN_STATUSES

        return self.filter(status__in=OPEN_STATUSES)

    def live_links_expired(self, now: datetime.datetime) -> RecordRequestQuerySet:
        """Waiting for the organisation, and every link sent has expired."""
        from reviews.records.models import LINK_STATUSES

        return self.filter(status__in=LINK_STATUSES, expires_at__lte=now)

    def reminder_due(self, now: datetime.datetime, before: datetime.timedelta) -> Any:
        """Links expire within ``before`` and no reminder went for them yet."""
        from reviews.records.models import LINK_STATUSES

        return self.filter(
            status__in=LINK_STATUSES,
            expires_at__gt=now,
            expires_at__lte=now + before,
            reminded_at__isnull=True,
        )

    def for_page(self) -> RecordRequestQuerySet:
        """Everything the request list shows, in a fixed number of queries."""
        from reviews.records.models import RecordFile, RecordRequestEvent

        return self.select_related("organisation", "created_by", "phone_offer").prefetch_related(
            Prefetch(
                "events",
                queryset=RecordRequestEvent.objects.select_related("by").order_by("at", "pk"),
            ),
            Prefetch(
                "files",
                queryset=RecordFile.objects.filter(removed_at__isnull=True).order_by(
                    "uploaded_at", "pk"
                ),
            ),
        )

    def summary_for(self, user: Any, case: Any) -> dict[str, Any]:
        """For ``templates/records/_case_summary.jinja``: the case's requests as ``user``
        may see them, and whether they may ask for more."""
        from reviews.models import OPEN_STATUSES
        from reviews.records.access import can_request_records

        visible = self.visible_to(user).filter(case=case).for_page().order_by("-created_at", "-pk")
        may_ask = case.status in OPEN_STATUSES and can_request_records(user, case)
        return {"requests": list(visible), "can_request": may_ask}


class RecordEmailQuerySet(models.QuerySet):
    def pending(self) -> RecordEmailQuerySet:
        return self.filter(sent_at__isnull=True, failed_at__isnull=True, cancelled_at__isnull=True)

    def claimable(self, now: datetime.datetime, timeout: datetime.timedelta) -> Any:
        """Not claimed, or claimed by a worker that has not finished in ``timeout``."""
        return self.pending().filter(Q(claimed_at__isnull=True) | Q(claimed_at__lt=now - timeout))

    def stuck(
        self, now: datetime.datetime, *, grace: datetime.timedelta, timeout: datetime.timedelta
    ) -> RecordEmailQuerySet:
        """Owed but apparently lost: queued ``grace`` ago and never claimed (a crash between
        commit and enqueue, a broker that lost its queue), or claimed by a worker that
        died mid-send (``leder.lib.outbox.outbox_stuck``, queued by ``enqueued_at``)."""
        from leder.lib.outbox import outbox_stuck

        queued_long_ago = Q(enqueued_at__lt=now - grace) | Q(
            enqueued_at__isnull=True, created_at__lt=now - grace
        )
        stuck = outbox_stuck(self.pending(), now, timeout=timeout, queued_before=queued_long_ago)
        return cast("RecordEmailQuerySet", stuck)
