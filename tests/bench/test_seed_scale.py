"""seed_scale, small: the shape of the national data set, its markers and its options."""

from __future__ import annotations

import io
import re
from collections import Counter

import nhs_number
import pytest
from django.core.management import CommandError, call_command
from django.db import connection
from django.urls import reverse

from leder.models import Organisation, User
from leder.roles import Role
from leder.scale.context import SCALE_EMAIL_DOMAIN, SCALE_ICB_CODE_RE
from notifications.models import (
    REFERENCE_RE,
    Notification,
    NotificationStatus,
    NotificationStatusChange,
)
from reviews.models import Case, CaseStatusChange

pytestmark = pytest.mark.django_db

SMALL = {"notifications": 200, "practices": 420, "reviewers": 84, "years": 1, "seed": 7}


def seed(*flags: str, **options: object) -> str:
    out = io.StringIO()
    call_command("seed_scale", *flags, **{**SMALL, **options}, stdout=out)
    return out.getvalue()


def people() -> list[tuple[str, str, str, str]]:
    return list(
        Notification.objects.order_by("received_at").values_list(
            "given_name", "family_name", "status", "nhs_number"
        )
    )


def test_it_loads_every_icb_with_practices_and_staff():
    output = seed()
    icbs = Organisation.objects.icbs().filter(ods_code__regex=SCALE_ICB_CODE_RE)
    assert icbs.count() == 42
    assert len(set(icbs.values_list("name", flat=True))) == 42
    practices = Organisation.objects.gp_practices().filter(parent_icb__in=icbs)
    assert practices.count() == 420
    assert all(re.match(r"^Z\d{5}$", code) for code in practices.values_list("ods_code", flat=True))
    staff = User.objects.filter(email__endswith=f"@{SCALE_EMAIL_DOMAIN}")
    reviewers = staff.filter(groups__name__in=[Role.REVIEWER.label, Role.SENIOR_REVIEWER.label])
    assert reviewers.count() == 84
    for role in (Role.LAC, Role.ADMINISTRATOR, Role.QA_PANEL_MEMBER, Role.GOVERNANCE_MEMBER):
        per_icb = Counter(staff.filter(groups__name=role.label).values_list("icb", flat=True))
        assert set(per_icb) == set(icbs.values_list("pk", flat=True)), role
    assert staff.filter(groups__name=Role.REGIONAL_COORDINATOR.label, icb=None).exists()
    assert not staff.filter(password__regex=r"^[^!]").exists()  # nobody signs in by password
    assert Organisation.history.filter(id__in=practices.values("pk")).count() == 420
    assert "notifications_and_cases" in output and "Scale data loaded in" in output


def test_it_loads_notifications_with_a_plausible_mix_and_their_rows():
    seed()
    notifications = Notification.objects.all()
    assert notifications.count() == 200
    statuses = Counter(notifications.values_list("status", flat=True))
    assert statuses[NotificationStatus.ELIGIBLE] > 150
    assert statuses[NotificationStatus.INELIGIBLE] > 0
    assert statuses[NotificationStatus.DUPLICATE] > 0
    references = list(notifications.values_list("reference", flat=True))
    assert len(set(references)) == 200
    assert all(REFERENCE_RE.match(r) for r in references)
    # The reference sequence carries on after the scale data.
    with connection.cursor() as cursor:
        cursor.execute("SELECT last_value FROM notifications_reference_seq")
        assert cursor.fetchone()[0] >= max(int(r[-6:]) for r in references)
    numbers = [n for n in notifications.values_list("nhs_number", flat=True) if n]
    assert numbers and all(nhs_number.is_valid(n) for n in numbers)
    assert all(n.startswith("9") for n in numbers)  # the synthetic range: never issued
    for duplicate in notifications.filter(status=NotificationStatus.DUPLICATE):
        original = duplicate.duplicate_of
        assert original.received_at < duplicate.received_at
        assert (original.family_name, original.date_of_death) == (
            duplicate.family_name,
            duplicate.date_of_death,
        )
    # Every notification: a "+" history row and a first status change, in order.
    assert Notification.history.filter(history_type="+").count() == 200
    assert (
        NotificationStatusChange.objects.filter(from_status="", to_status="received").count() == 200
    )
    for notification in notifications.filter(status=NotificationStatus.ELIGIBLE)[:20]:
        changes = list(notification.status_changes.values_list("to_status", flat=True))
        assert changes[0] == "received" and changes[-1] == "eligible"
        history = list(
            notification.history.order_by("history_date").values_list("status", flat=True)
        )
        assert history[0] == "received" and history[-1] == "eligible"
    # Cases: one per eligible notification, same reference, history and status changes.
    eligible = notifications.filter(status=NotificationStatus.ELIGIBLE)
    assert Case.objects.filter(notification__in=eligible).count() == eligible.count()
    assert not Case.objects.exclude(reference=models_reference()).exists()
    cases = Case.objects.all()
    assert Case.history.filter(history_type="+").count() == cases.count()
    first = CaseStatusChange.objects.filter(from_status="", to_status="awaiting_allocation")
    assert first.count() == cases.count()
    for case in cases[:20]:
        assert case.status_changes.order_by("at", "pk").last().to_status == case.status


def models_reference():  # the case's reference is its notification's
    from django.db.models import F

    return F("notification__reference")


def test_it_is_deterministic_reuses_and_resets():
    seed()
    first = people()
    with pytest.raises(CommandError, match="already there"):
        seed()
    assert "Reused the scale data" in seed("--reuse")
    assert "Not reusing" in seed("--reuse", notifications=150)
    assert Notification.objects.count() == 150
    seed("--reset")
    assert people() == first
    assert Notification.objects.count() == 200
    seed("--delete")
    assert not Notification.objects.exists()
    assert not Organisation.objects.filter(ods_code__regex=SCALE_ICB_CODE_RE).exists()
    assert not User.objects.filter(email__endswith=f"@{SCALE_EMAIL_DOMAIN}").exists()
    assert not Notification.history.exists() and not Case.history.exists()


def test_reset_also_removes_rows_added_to_the_scale_data():
    """A bench run's public submissions go to scale ICBs and its staff read notifications
    (append-only access log rows): --reuse and --delete take them away."""
    from leder.models import AccessLog
    from leder.services.access_log import access_record
    from notifications.tests.factories import NotificationFactory

    seed()
    practice = Organisation.objects.gp_practices().filter(ods_code__startswith="Z").first()
    NotificationFactory(icb=practice.parent_icb, gp_practice=practice)
    assert Notification.objects.count() == 201
    assert "Reused" in seed("--reuse")
    assert Notification.objects.count() == 200
    lac = User.objects.filter(groups__name=Role.LAC.label, icb=practice.parent_icb).first()
    access_record(user=lac, obj=Notification.objects.filter(icb=lac.icb).first())
    seed("--delete")
    assert not AccessLog.objects.filter(user=lac).exists()


# --- The review steps: allocations, holds, reviews, record requests ----------------------


def _scale_cases():
    return Case.objects.filter(icb__ods_code__regex=SCALE_ICB_CODE_RE)


def test_allocations_and_grants_follow_the_case_statuses():
    from reviews.models import Allocation, ReviewerProfile

    output = seed()
    assert "allocations" in output and "reviews" in output and "record_requests" in output
    reviewers = User.objects.filter(
        groups__name__in=[Role.REVIEWER.label, Role.SENIOR_REVIEWER.label]
    )
    assert ReviewerProfile.objects.filter(user__in=reviewers).count() == reviewers.count() == 84
    assert not ReviewerProfile.objects.filter(employments__isnull=True).exists()
    allocated_statuses = ["allocated", "in_progress", "on_hold", "awaiting_qa", "returned"]
    for case in _scale_cases().filter(status__in=[*allocated_statuses, "completed"]):
        active = case.allocations.get(ended_at__isnull=True)
        assert active.reviewer.icb_id == case.icb_id
        assert active.reviewer.has_perm("reviews.review_case", case)
        if active.senior_reviewer_id:
            assert active.senior_reviewer.has_perm("reviews.supervise_case", case)
        assert (active.accepted_at is None) == (case.status == "allocated")
    for case in _scale_cases().filter(status="awaiting_allocation"):
        assert not case.allocations.filter(ended_at__isnull=True).exists()
    declined = Allocation.objects.exclude(declined_reason="")
    assert all(a.ended_at and a.end_reason for a in declined)
    assert not any(a.reviewer.has_perm("reviews.review_case", a.case) for a in declined)
    assert Allocation.history.filter(history_type="+").count() == Allocation.objects.count()


def test_holds_match_the_status_moves():
    from reviews.models import CaseHold

    seed()
    holds_moves = CaseStatusChange.objects.filter(to_status="on_hold").count()
    assert CaseHold.objects.count() == holds_moves > 0
    for case in _scale_cases().filter(status="on_hold"):
        assert case.holds.filter(ended_on__isnull=True).count() == 1
    assert not CaseHold.objects.filter(ended_on__isnull=True).exclude(case__status="on_hold")


def test_reviews_have_sections_and_versions_as_the_real_snapshot_makes_them():
    """Completed reviews: every section complete, a version per submission and a sign-off;
    a version's sections, episodes, meetings and holds are what the service's own snapshot
    of the same rows would be."""
    from reviews.models import ReviewSection, ReviewVersion
    from reviews.review.sections import sections_for
    from reviews.review.snapshot import build_snapshot

    seed()
    completed = _scale_cases().filter(status="completed")
    assert completed.exists()
    for case in completed[:15]:
        keys = {s.key for s in sections_for(case.review_type)}
        rows = ReviewSection.objects.filter(case=case)
        assert {r.key for r in rows} == keys and all(r.completed for r in rows)
        versions = list(ReviewVersion.objects.filter(case=case).order_by("number"))
        submissions = case.status_changes.filter(to_status="awaiting_qa").count()
        assert [v.number for v in versions] == list(range(1, submissions + 1))
        assert versions[-1].signed_off
        made = build_snapshot(case)
        for key in ("sections", "episodes", "meetings", "holds", "person", "reviewer", "icb"):
            assert versions[-1].content[key] == made[key], (case.reference, key)
    for case in _scale_cases().filter(status="in_progress"):
        assert ReviewSection.objects.filter(case=case).exists()
        assert not ReviewVersion.objects.filter(case=case).exists()
    returned = CaseStatusChange.objects.filter(to_status="returned").count()
    from reviews.models import QAReturn

    assert QAReturn.objects.count() == returned


def test_a_reviewer_saves_a_scale_review_as_the_bench_does(client):
    """The bench's reviewer journey works on this data: the task list, the section, and a
    save of the revision the page showed (302); the page's revision moves on."""
    from leder.testing import sign_in_with_mfa
    from reviews.models import Allocation, ReviewSection
    from tests.bench.journeys.reviews import ABOUT_THE_PERSON, revision_of

    seed()
    allocation = (
        Allocation.objects.filter(ended_at__isnull=True, case__status="in_progress")
        .select_related("case", "reviewer")
        .first()
    )
    sign_in_with_mfa(client, allocation.reviewer)
    reference = allocation.case.reference
    assert client.get(reverse("reviews:review", args=[reference])).status_code == 200
    url = reverse("reviews:review_section", args=[reference, "about-the-person"])
    page = client.get(url)
    assert page.status_code == 200
    revision = revision_of(page.content.decode())
    before = ReviewSection.objects.get(case=allocation.case, key="about-the-person").revision
    assert revision == str(before)
    response = client.post(url, {**ABOUT_THE_PERSON, "revision": revision})
    assert response.status_code == 302
    row = ReviewSection.objects.get(case=allocation.case, key="about-the-person")
    assert row.revision == before + 1 and row.completed


def test_record_requests_links_and_files_are_consistent():
    from reviews.records.models import (
        RecordFile,
        RecordRequest,
        RecordRequestStatusChange,
        UploadLink,
    )

    seed()
    requests = RecordRequest.objects.all()
    assert requests.count() > 100
    with_practice = _scale_cases().filter(notification__gp_practice__isnull=False)
    assert requests.count() == with_practice.count()
    statuses = Counter(requests.values_list("status", flat=True))
    assert statuses["completed"] > statuses["escalated"] > 0
    for request in requests.order_by("?")[:40]:
        last = RecordRequestStatusChange.objects.filter(subject=request).order_by("at", "pk")
        assert last.last().to_status == request.status
        live = [link for link in request.links.all() if link.revoked_at is None]
        if request.status in ("sent", "opened"):
            assert len(live) == 1 and request.expires_at == live[0].expires_at
        else:
            assert not live and request.closed_at
    hashes = list(UploadLink.objects.values_list("token_hash", flat=True))
    assert len(set(hashes)) == len(hashes) and all(len(h) == 64 for h in hashes)
    assert RecordFile.objects.filter(request__status="completed").exists()
    assert not RecordFile.objects.exclude(request__status__in=["completed", "cancelled"]).exists()


def test_the_bench_mints_upload_links_a_practice_can_use(client, settings, tmp_path):
    """The GP practice journey: fresh links with known tokens, the landing page, an upload."""
    from tests.bench.journeys.records import pdf, upload_links

    settings.MEDIA_ROOT = tmp_path
    settings.LEDER_RECORDS_MAX_FILE_MB = 2
    seed()
    tokens = upload_links(None)
    assert tokens
    url = reverse("records:upload", args=[tokens[0]])
    assert client.get(url).status_code == 200
    upload = io.BytesIO(pdf(50_000))
    upload.name = "gp-record.pdf"
    response = client.post(url, {"documents": upload})
    assert response.status_code == 303, response.content[:500]


def test_delete_removes_every_review_and_records_row():
    from governance.models import Decision
    from reviews.models import (
        Allocation,
        CaseHold,
        CaseUserObjectPermission,
        Employment,
        KeyEpisode,
        ReviewerProfile,
        ReviewSection,
        ReviewSignOff,
        ReviewVersion,
    )
    from reviews.records.models import RecordFile, RecordRequest, RecordRequestEvent, UploadLink

    seed()
    models = (
        Allocation,
        CaseHold,
        CaseUserObjectPermission,
        Employment,
        KeyEpisode,
        ReviewerProfile,
        ReviewSection,
        ReviewSignOff,
        ReviewVersion,
        RecordFile,
        RecordRequest,
        RecordRequestEvent,
        UploadLink,
        Decision,
    )
    assert all(m.objects.exists() for m in models)
    seed("--reset")
    assert all(m.objects.exists() for m in models)
    seed("--delete")
    for model in models:
        assert not model.objects.exists(), model
        history = getattr(model, "history", None)
        assert history is None or not history.exists(), model
