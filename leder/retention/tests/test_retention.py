"""Retention: the dry run, the purge, its stub and audit, files, idempotence, races."""

from __future__ import annotations

import datetime
import threading
from io import StringIO

import pytest
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.core.management import CommandError, call_command
from django.db import DatabaseError, connection, transaction
from django.test import Client, override_settings
from django.urls import reverse
from django.utils import timezone

from leder.models import AccessLog
from leder.retention.models import PurgeKind, PurgeRecord
from leder.retention.services import (
    PURGE_REASON,
    SERVICE_ACCOUNT_EMAIL,
    retention_plan,
    retention_purge,
    years_before,
)
from leder.retention.tasks import purge_expired
from leder.roles import Role
from leder.testing import sign_in_with_mfa
from notifications.models import Notification, NotificationStatus, NotificationStatusChange
from notifications.tests.factories import NotificationFactory
from reviews.models import CaseStatus, CaseStatusChange, ReviewSection, ReviewVersion

PERSON = {
    "given_name": "Hermione",
    "family_name": "Oddbody",
    "nhs_number": "9990002225",
    "postcode": "LS6 2QB",
    "address": "7 Larkspur Close, Leeds",
    "date_of_birth": datetime.date(1958, 3, 14),
    "date_of_death": datetime.date(2026, 1, 20),
}
SECRETS = ["Hermione", "Oddbody", "9990002225", "LS6 2QB", "Larkspur"]
LONG_AGO = timezone.now() - datetime.timedelta(days=366 * 25)


def backdate(model, subject, to_status, when=LONG_AGO):
    """Move the status change that closed ``subject`` back in time (test set-up only)."""
    model.objects.filter(subject=subject, to_status=to_status).update(at=when)


def ct():
    from django.contrib.contenttypes.models import ContentType

    return ContentType.objects.get_for_model(Notification)


def text_of(*querysets) -> str:
    return " ".join(str(list(qs.values())) for qs in querysets)


@pytest.fixture
def lac(make_user):
    return make_user(Role.LAC, full_name="Priya Shah")


@pytest.fixture
def completed(icb, lac, make_user):
    """A completed review of PERSON with an uploaded GP record, closed 25 years ago."""
    from governance.tests.factories import submitted_case
    from reviews.records.models import RecordFile
    from reviews.records.tests.factories import RecordRequestFactory
    from reviews.services import case_complete

    case = submitted_case(icb, lac, **PERSON)
    panel = make_user(Role.QA_PANEL_MEMBER)
    version = ReviewVersion.objects.get(case=case)
    case_complete(case=case, version=version, by=panel, reason="Agreed by the panel")
    backdate(CaseStatusChange, case, CaseStatus.COMPLETED)
    request = RecordRequestFactory(case=case)
    name = default_storage.save("records/retention-test", ContentFile(b"%PDF-1.4 GP record"))
    RecordFile.objects.create(
        request=request,
        storage_name=name,
        original_name="Hermione Oddbody GP record.pdf",
        size=18,
        sha256="0" * 64,
        file_type="pdf",
        scan="not_scanned",
    )
    case.refresh_from_db()
    return case


@pytest.fixture
def recent(icb, lac):
    """A review awaiting quality assurance: never due."""
    from governance.tests.factories import submitted_case

    return submitted_case(icb, lac, given_name="Recentia", family_name="Keepwell")


@pytest.fixture
def old_ineligible(icb):
    n = NotificationFactory(icb=icb, ineligible=True, given_name="Ignatius", family_name="Minorca")
    NotificationStatusChange.objects.create(
        subject=n, from_status="received", to_status="ineligible", reason="Under 18: CDOP"
    )
    backdate(NotificationStatusChange, n, NotificationStatus.INELIGIBLE)
    return n


@pytest.fixture
def new_ineligible(icb):
    n = NotificationFactory(icb=icb, ineligible=True, given_name="Newton", family_name="Stays")
    NotificationStatusChange.objects.create(
        subject=n, from_status="received", to_status="ineligible", reason="Under 18"
    )
    return n


@pytest.fixture
def old_access_rows(completed, lac):
    rows = [
        AccessLog.objects.create(
            user=lac, action="view", content_type=ct(), object_id="1", at=LONG_AGO
        )
        for _ in range(3)
    ]
    return rows


def snapshot() -> dict[str, object]:
    return {
        "notifications": list(Notification.objects.order_by("pk").values()),
        "history": Notification.history.count(),
        "sections": ReviewSection.objects.count(),
        "versions": list(ReviewVersion.objects.order_by("pk").values("content")),
        "access": AccessLog.objects.count(),
        "purges": PurgeRecord.objects.count(),
        "files": sorted(default_storage.listdir("records")[1]),
    }


pytestmark = pytest.mark.django_db


class TestDryRun:
    def test_it_reports_per_kind_and_changes_nothing(
        self, completed, recent, old_ineligible, new_ineligible, old_access_rows
    ):
        before = snapshot()
        out = StringIO()
        call_command("purge_retention", "--dry-run", "--references", stdout=out)
        report = out.getvalue()
        assert snapshot() == before
        lines = report.splitlines()
        review = next(line for line in lines if line.startswith("Completed review"))
        assert "20 years" in review and review.endswith(": 1, 1 stored files")
        assert completed.reference in report and recent.reference not in report
        assert old_ineligible.reference in report and new_ineligible.reference not in report
        assert any(line.startswith("Access log rows") and line.endswith(": 3") for line in lines)
        assert "Total to purge: 2 records" in report
        assert not any(secret in report for secret in [*SECRETS, "Ignatius", "Minorca"])

    def test_the_plan_follows_the_configured_periods(self, completed, old_ineligible):
        with override_settings(
            LEDER_RETENTION_YEARS={
                "review": 30,
                "ineligible": 30,
                "duplicate": 2,
                "access_log": 8,
            }
        ):
            plans = {p.kind: p for p in retention_plan()}
        assert plans[PurgeKind.REVIEW].count == 0 and plans[PurgeKind.INELIGIBLE].count == 0
        plans = {p.kind: p for p in retention_plan()}
        assert plans[PurgeKind.REVIEW].references == [completed.reference]
        assert plans[PurgeKind.INELIGIBLE].references == [old_ineligible.reference]

    def test_the_command_needs_dry_run_or_confirm(self, completed):
        for args in ([], ["--dry-run", "--confirm"]):
            with pytest.raises(CommandError, match="--dry-run first"):
                call_command("purge_retention", *args)
        assert not PurgeRecord.objects.exists()
        with pytest.raises(CommandError, match="no active user"):
            call_command("purge_retention", "--confirm", "--by", "nobody@example.org")
        assert not PurgeRecord.objects.exists()


class TestPurge:
    def test_it_destroys_exactly_the_expired_records_and_keeps_stubs(
        self,
        completed,
        recent,
        old_ineligible,
        new_ineligible,
        lac,
        django_capture_on_commit_callbacks,
    ):
        keep = {
            n.pk: n
            for n in Notification.objects.filter(pk__in=[recent.notification_id, new_ineligible.pk])
        }
        keep_sections = ReviewSection.objects.filter(case=recent).count()
        assert keep_sections > 0
        with django_capture_on_commit_callbacks(execute=True):
            out = StringIO()
            call_command("purge_retention", "--confirm", stdout=out)
        assert "Completed review (notification, case, review, GP records): 1 purged" in (
            out.getvalue()
        )

        stub = Notification.objects.get(pk=completed.notification_id)
        assert stub.reference == completed.reference and stub.icb_id == completed.icb_id
        assert stub.status == NotificationStatus.ELIGIBLE
        assert stub.date_of_death == PERSON["date_of_death"]
        assert stub.given_name == stub.family_name == stub.nhs_number == stub.address == ""
        assert stub.date_of_birth is None and stub.notifier_email == ""
        completed.refresh_from_db()
        assert completed.status == CaseStatus.COMPLETED  # the outcome stays
        assert not ReviewSection.objects.filter(case=completed).exists()
        assert not ReviewSection.history.filter(case_id=completed.pk).exists()
        version = ReviewVersion.objects.get(case=completed)
        assert version.content == {"erased": "Removed at the end of the retention period"}
        assert version.sign_off.by_id is not None  # who signed off, and when, stay

        everything = text_of(
            Notification.history.filter(id=completed.notification_id),
            NotificationStatusChange.objects.filter(subject_id=completed.notification_id),
            ReviewVersion.objects.filter(case=completed),
        )
        assert not any(secret in everything for secret in SECRETS)
        old = Notification.objects.get(pk=old_ineligible.pk)
        assert old.given_name == "" and old.status == NotificationStatus.INELIGIBLE
        assert "Under 18" not in text_of(
            NotificationStatusChange.objects.filter(subject=old_ineligible)
        )

        # Not expired: untouched.
        for pk, before in keep.items():
            after = Notification.objects.get(pk=pk)
            assert (after.given_name, after.nhs_number) == (before.given_name, before.nhs_number)
        assert ReviewSection.objects.filter(case=recent).count() == keep_sections
        assert not PurgeRecord.objects.filter(
            notification_id__in=[recent.notification_id, new_ineligible.pk]
        ).exists()

    def test_it_audits_who_when_and_why(self, completed, old_ineligible):
        result = retention_purge()
        assert result.purged == {
            "review": [completed.reference],
            "ineligible": [old_ineligible.reference],
            "duplicate": [],
        }
        record = PurgeRecord.objects.get(notification_id=completed.notification_id)
        assert record.kind == PurgeKind.REVIEW and record.reference == completed.reference
        assert record.purged_by.email == SERVICE_ACCOUNT_EMAIL
        assert not record.purged_by.is_active and not record.purged_by.has_usable_password()
        assert record.outcome == "Initial review completed" and record.retention_years == 20
        assert record.closed_on == timezone.localdate(LONG_AGO)
        assert record.date_of_death == PERSON["date_of_death"] and record.rows == 1
        assert record.run == result.run and record.trigger == "command"
        latest = Notification.history.filter(id=completed.notification_id).latest("history_date")
        assert latest.history_change_reason == PURGE_REASON
        assert latest.history_user == record.purged_by
        assert completed.history.latest("history_date").history_change_reason == PURGE_REASON
        assert AccessLog.objects.filter(
            object_id=str(completed.notification_id), detail=PURGE_REASON
        ).exists()
        # The purge log is append-only.
        with pytest.raises(DatabaseError, match="append-only"), transaction.atomic():
            PurgeRecord.objects.filter(pk=record.pk).update(outcome="changed")
        with pytest.raises(DatabaseError, match="append-only"), transaction.atomic():
            PurgeRecord.objects.filter(pk=record.pk).delete()

    def test_it_deletes_the_stored_files(self, completed, django_capture_on_commit_callbacks):
        from reviews.records.models import RecordFile

        row = RecordFile.objects.get(request__case=completed)
        assert default_storage.exists(row.storage_name)
        with django_capture_on_commit_callbacks(execute=True):
            result = retention_purge()
        assert result.files == 1
        assert not default_storage.exists(row.storage_name)
        row.refresh_from_db()
        assert row.removed_at is not None and "Hermione" not in row.original_name
        assert not RecordFile.history.filter(original_name__contains="Hermione").exists()

    def test_running_it_again_changes_nothing(self, completed, old_ineligible, old_access_rows):
        first = retention_purge()
        assert first.total == 2 and first.access_log_rows == 3
        before = snapshot()
        second = retention_purge()
        assert second.total == 0 and second.access_log_rows == 0 and second.skipped == 0
        assert snapshot() == before

    def test_access_log_rows_past_their_period_go_the_rest_stay(self, old_access_rows, lac):
        recent_row = AccessLog.objects.create(
            user=lac, action="view", content_type=ct(), object_id="1"
        )
        borderline = AccessLog.objects.create(
            user=lac,
            action="view",
            content_type=ct(),
            object_id="1",
            at=years_before(timezone.now(), 8) + datetime.timedelta(days=1),
        )
        result = retention_purge()
        assert result.access_log_rows == 3
        assert not AccessLog.objects.filter(pk__in=[r.pk for r in old_access_rows]).exists()
        assert AccessLog.objects.filter(pk__in=[recent_row.pk, borderline.pk]).count() == 2
        record = PurgeRecord.objects.get(kind=PurgeKind.ACCESS_LOG)
        assert record.rows == 3 and record.retention_years == 8
        # Outside the purge the access log still refuses deletes.
        with pytest.raises(DatabaseError, match="append-only"), transaction.atomic():
            AccessLog.objects.filter(pk=recent_row.pk).delete()

    def test_the_scheduled_job_runs_only_when_enabled(self, completed):
        assert purge_expired() == {}
        assert not PurgeRecord.objects.exists()
        with override_settings(LEDER_RETENTION_PURGE_ENABLED=True):
            counts = purge_expired()
        assert counts["review"] == 1
        assert PurgeRecord.objects.get().trigger == "scheduled"

    def test_the_beat_schedule_has_the_daily_purge(self, settings):
        entry = settings.CELERY_BEAT_SCHEDULE["retention-purge"]
        assert entry["task"] == "leder.retention.tasks.purge_expired"
        assert purge_expired.name == entry["task"]


class TestStubPages:
    def test_a_purged_cases_pages_render_as_a_stub(self, completed, lac):
        retention_purge()
        client = sign_in_with_mfa(Client(), lac)
        ref = completed.reference
        pages = [
            reverse("notifications:detail", kwargs={"reference": ref}),
            reverse("reviews:case", kwargs={"reference": ref}),
            reverse("reviews:review_versions", kwargs={"reference": ref}),
            reverse("reviews:review_version", kwargs={"reference": ref, "number": 1}),
        ]
        for url in pages:
            response = client.get(url)
            assert response.status_code == 200, url
            body = response.content.decode()
            assert ref in body
            assert not any(secret in body for secret in SECRETS), url


@pytest.mark.django_db(transaction=True)
def test_a_notification_locked_by_another_transaction_is_passed_by(icb):
    """Two purges at once (or a purge and a screening decision): the row lock is skipped,
    not waited for, and the next run purges it."""
    n = NotificationFactory(icb=icb, ineligible=True, given_name="Lockwood")
    NotificationStatusChange.objects.create(
        subject=n, from_status="received", to_status="ineligible", reason="Not eligible"
    )
    backdate(NotificationStatusChange, n, NotificationStatus.INELIGIBLE)
    locked, release = threading.Event(), threading.Event()

    def hold() -> None:
        try:
            with transaction.atomic():
                Notification.objects.select_for_update().get(pk=n.pk)
                locked.set()
                release.wait(10)
        finally:
            connection.close()

    holder = threading.Thread(target=hold)
    holder.start()
    try:
        assert locked.wait(10)
        result = retention_purge()
        assert result.skipped == 1 and result.purged["ineligible"] == []
        assert Notification.objects.get(pk=n.pk).given_name == "Lockwood"
    finally:
        release.set()
        holder.join()
    result = retention_purge()
    assert result.purged["ineligible"] == [n.reference]
    assert Notification.objects.get(pk=n.pk).given_name == ""
