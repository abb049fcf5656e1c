"""A death notification: what the notifier told us, and what screening made of it.

Writes go through ``notifications.services``; reads through ``NotificationQuerySet`` and the
one accessor ``notifications.access.get_notification_for_user``.
"""

from __future__ import annotations

import re
import unicodedata
from typing import Any

from django.contrib.postgres.indexes import GinIndex, OpClass
from django.db import models
from django.db.models.functions import Upper
from django.utils import timezone
from simple_history.models import HistoricalRecords

from leder.lib.workflow import StatusChangeBase
from leder.models import Organisation, User
from leder.roles import Role
from notifications.choices import (
    ContactKnows,
    Ethnicity,
    LDLevel,
    OtherProcess,
    PlaceOfDeath,
    Sex,
    YesNoNotKnown,
)

REFERENCE_RE = re.compile(r"^LDR-\d{4}-\d{6}$")


class NotificationStatus(models.TextChoices):
    RECEIVED = "received", "Awaiting screening"
    NEEDS_CONFIRMATION = "needs_confirmation", "Eligibility to confirm"
    ELIGIBLE = "eligible", "Eligible"
    INELIGIBLE = "ineligible", "Not eligible"
    DUPLICATE = "duplicate", "Duplicate"
    OPTED_OUT = "opted_out", "Opted out"


def normalise_name(*parts: str) -> str:
    """Names compared for duplicates: letters only, so accents, case, hyphens, apostrophes
    and spacing are ignored ("Mary-Ann O'Néil" and "mary ann oneil" match)."""
    decomposed = unicodedata.normalize("NFKD", "".join(p or "" for p in parts))
    return re.sub(r"[^a-z]", "", decomposed.encode("ascii", "ignore").decode().lower())


def search_condition(text: str, prefix: str = "") -> models.Q | None:
    """The search of notifications by reference, NHS number (spaces and dashes ignored) or
    name, as a condition on the fields under ``prefix`` ("notification__" from a case), so
    a search of an ICB's cases reads only that ICB's notifications. None: no search."""
    text = (text or "").strip()
    if not text:
        return None

    def q(**lookup: Any) -> models.Q:
        return models.Q(**{prefix + name: value for name, value in lookup.items()})

    digits = re.sub(r"[\s-]", "", text)
    if digits.isdigit():
        return q(nhs_number=digits) | q(reference__icontains=digits)
    condition = q(reference__iexact=text) | q(reference__icontains=text)
    for word in text.split():
        condition |= (
            q(given_name__icontains=word)
            | q(family_name__icontains=word)
            | q(other_names__icontains=word)
        )
    key = normalise_name(text)
    if key:
        condition |= q(name_key__contains=key)
    return condition


class NotificationQuerySet(models.QuerySet["Notification"]):
    def visible_to(self, user: Any) -> NotificationQuerySet:
        """LAC and administrators: their ICB's notifications. Regional coordinators: the
        queue of notifications no ICB could be found for. Everyone else: nothing."""
        if not getattr(user, "is_authenticated", False):
            return self.none()
        return self.in_scope(*self.scope_of(user))

    @staticmethod
    def scope_of(user: Any) -> tuple[int | None, bool]:
        """What ``visible_to(user)`` shows, as plain values (for prepared statements):
        the ICB whose notifications (or None), and whether the unrouted queue."""
        icb_id = None
        if user.has_role(Role.LAC, Role.ADMINISTRATOR) and user.icb_id is not None:
            icb_id = int(user.icb_id)
        return icb_id, user.has_role(Role.REGIONAL_COORDINATOR)

    def in_scope(self, icb_id: int | None, unrouted: bool) -> NotificationQuerySet:
        """The notifications of ``scope_of``'s scope."""
        condition = models.Q(pk__in=[])
        if icb_id is not None:
            condition |= models.Q(icb_id=icb_id)
        if unrouted:
            condition |= models.Q(icb__isnull=True)
        return self.filter(condition)

    def unrouted(self) -> NotificationQuerySet:
        return self.filter(icb__isnull=True)

    def to_screen(self) -> NotificationQuerySet:
        """Waiting for the LAC's screening decision."""
        return self.filter(
            status__in=[NotificationStatus.RECEIVED, NotificationStatus.NEEDS_CONFIRMATION]
        )

    def with_status(self, status: str) -> NotificationQuerySet:
        return self.filter(status=status) if status else self

    def search(self, text: str) -> NotificationQuerySet:
        """By reference, NHS number (spaces and dashes ignored) or name."""
        condition = search_condition(text)
        return self if condition is None else self.filter(condition)

    def duplicate_candidates(self, notification: Notification) -> NotificationQuerySet:
        """Other notifications that may be the same death, for the LAC to choose from."""
        condition = models.Q(
            date_of_death=notification.date_of_death, date_of_birth=notification.date_of_birth
        )
        if notification.nhs_number:
            condition |= models.Q(nhs_number=notification.nhs_number)
        if notification.family_name:
            condition |= models.Q(
                date_of_death=notification.date_of_death,
                family_name__iexact=notification.family_name,
            )
        return (
            self.filter(condition)
            .exclude(pk=notification.pk)
            .exclude(status=NotificationStatus.OPTED_OUT)
            .order_by("received_at", "pk")
        )

    def for_list(self) -> NotificationQuerySet:
        return self.select_related("icb", "gp_practice", "duplicate_of").order_by(
            "-received_at", "-pk"
        )

    def matching_person(
        self, *, nhs_number: str, name_key: str, date_of_birth: Any, date_of_death: Any
    ) -> NotificationQuerySet:
        """Other notifications of the same death: same NHS number, or same normalised name,
        date of birth and date of death."""
        condition = models.Q(pk__in=[])
        if nhs_number:
            condition |= models.Q(nhs_number=nhs_number)
        if name_key and date_of_birth and date_of_death:
            condition |= models.Q(
                name_key=name_key, date_of_birth=date_of_birth, date_of_death=date_of_death
            )
        return self.filter(condition)


class Notification(models.Model):
    """One notification of a death, as submitted through the public form."""

    reference = models.CharField(max_length=20, unique=True, editable=False)
    idempotency_key = models.UUIDField(unique=True, editable=False)
    status = models.CharField(
        max_length=20, choices=NotificationStatus.choices, default=NotificationStatus.RECEIVED
    )
    received_at = models.DateTimeField(default=timezone.now, db_index=True)

    # Routing: the ICB of the registered GP practice; none → the regional coordinator.
    icb = models.ForeignKey(
        Organisation,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="notifications",
        verbose_name="ICB",
    )
    gp_practice = models.ForeignKey(
        Organisation,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="notified_deaths",
        verbose_name="registered GP practice",
    )
    duplicate_of = models.ForeignKey(
        "self", on_delete=models.PROTECT, null=True, blank=True, related_name="duplicates"
    )

    # The person
    given_name = models.CharField(max_length=100, blank=True)
    family_name = models.CharField(max_length=100, blank=True)
    other_names = models.CharField(max_length=200, blank=True)
    name_key = models.CharField(max_length=300, blank=True, editable=False)
    date_of_birth = models.DateField(null=True, blank=True)
    nhs_number = models.CharField("NHS number", max_length=10, blank=True)
    address = models.TextField(blank=True)
    postcode = models.CharField(max_length=10, blank=True)
    sex = models.CharField(max_length=20, choices=Sex.choices, blank=True)
    ethnicity = models.CharField(max_length=2, choices=Ethnicity.choices, blank=True)
    learning_disability = models.CharField(max_length=10, choices=YesNoNotKnown.choices)
    learning_disability_level = models.CharField(max_length=20, choices=LDLevel.choices, blank=True)
    autism = models.CharField("autism diagnosis", max_length=10, choices=YesNoNotKnown.choices)

    # The death
    date_of_death = models.DateField()
    place_of_death = models.CharField(max_length=20, choices=PlaceOfDeath.choices)
    place_of_death_detail = models.CharField(max_length=200, blank=True)

    # What is known
    cause_of_death = models.TextField(blank=True)
    care_concerns = models.CharField(max_length=10, choices=YesNoNotKnown.choices)
    care_concerns_detail = models.TextField(blank=True)
    detained_mha = models.CharField(
        "detained under the Mental Health Act in the last 5 years",
        max_length=10,
        choices=YesNoNotKnown.choices,
    )
    detained_cjs = models.CharField(
        "detained in the criminal justice system in the last 5 years",
        max_length=10,
        choices=YesNoNotKnown.choices,
    )
    family_requested_review = models.CharField(max_length=10, choices=YesNoNotKnown.choices)
    other_processes = models.JSONField(default=list, blank=True)

    # Closest family member or friend
    contact_name = models.CharField(max_length=150, blank=True)
    contact_relationship = models.CharField(max_length=100, blank=True)
    contact_phone = models.CharField(max_length=30, blank=True)
    contact_email = models.EmailField(blank=True)
    contact_knows = models.CharField(
        "contact knows of the notification", max_length=10, choices=ContactKnows.choices, blank=True
    )

    # The notifier
    notifier_name = models.CharField(max_length=150, blank=True)
    notifier_role = models.CharField("role or relationship", max_length=150, blank=True)
    notifier_organisation = models.CharField(max_length=200, blank=True)
    notifier_email = models.EmailField(blank=True)
    notifier_phone = models.CharField(max_length=30, blank=True)

    # Screening (computed on submission; the LAC decides)
    age_at_death = models.PositiveSmallIntegerField(null=True, blank=True)
    focused_criteria = models.JSONField(default=list, blank=True)
    screening_note = models.CharField(max_length=300, blank=True)

    # National Data Opt-Out
    opted_out_at = models.DateTimeField(null=True, blank=True)
    opted_out_by = models.ForeignKey(
        User, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )

    history = HistoricalRecords()
    objects = NotificationQuerySet.as_manager()

    class Meta:
        ordering = ["-received_at", "-pk"]
        indexes = [
            models.Index(fields=["icb", "status", "received_at"]),
            models.Index(fields=["nhs_number"]),
            models.Index(fields=["name_key", "date_of_birth", "date_of_death"]),
            # The staff search (``search_condition``): trigram indexes for its substring
            # matches (``UPPER(col) LIKE UPPER('%text%')``), so a search reads the rows that
            # match, not every notification of the ICB (docs/performance.md).
            *(
                GinIndex(OpClass(Upper(name), name="gin_trgm_ops"), name=f"notif_{name}_trgm")
                for name in ("reference", "given_name", "family_name", "other_names")
            ),
            GinIndex(OpClass("name_key", name="gin_trgm_ops"), name="notif_name_key_trgm"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(status__in=NotificationStatus.values),
                name="notification_status_valid",
            ),
            models.CheckConstraint(
                condition=~models.Q(duplicate_of=models.F("pk")),
                name="notification_not_duplicate_of_itself",
            ),
        ]

    def __str__(self) -> str:
        return self.reference

    @property
    def full_name(self) -> str:
        return " ".join(p for p in (self.given_name, self.family_name) if p)

    @property
    def is_child_death(self) -> bool:
        return self.age_at_death is not None and self.age_at_death < 18

    def get_other_processes_display(self) -> list[str]:
        labels = dict(OtherProcess.choices)
        return [str(labels.get(code, code)) for code in self.other_processes or []]


class NotificationStatusChange(StatusChangeBase):
    subject = models.ForeignKey(
        Notification, on_delete=models.CASCADE, related_name="status_changes"
    )


class NotificationEmail(models.Model):
    """An email the service owes about a notification (an outbox row).

    The service that creates it enqueues the send after commit; the task claims the row,
    sends, and records ``sent_at``, so a re-delivered task never sends twice. Recipients
    are resolved at send time: nothing personal is stored here.
    """

    class Kind(models.TextChoices):
        ACKNOWLEDGEMENT = "acknowledgement", "Acknowledgement to the notifier"
        NEW_NOTIFICATION = "new_notification", "New notification to the ICB's LAC"
        NEEDS_ROUTING = "needs_routing", "Notification to route, to regional coordinators"

    notification = models.ForeignKey(Notification, on_delete=models.CASCADE, related_name="emails")
    kind = models.CharField(max_length=20, choices=Kind.choices)
    icb = models.ForeignKey(
        Organisation, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)
    claimed_at = models.DateTimeField(null=True, blank=True)
    sent_at = models.DateTimeField(null=True, blank=True)
    recipients_count = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["created_at", "pk"]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} ({self.notification_id})"
