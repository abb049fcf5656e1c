"""The security tests' world: in two ICBs, one of everything a role might reach.

``world`` is built once per test module (inside a transaction rolled back at the end of the
module) through the apps' factories and services, so grants, members and status rows are
as in real use. In each ICB (``world.sides["icb"]`` and ``world.sides["other"]``):

- people: a LAC, an administrator, a reviewer and a senior reviewer allocated to the
  case, a reviewer who is not, a QA panel member invited to the meeting and one who is
  not, a governance member;
- a notification awaiting screening, a case in progress (review sections saved, a key
  episode, a supervision comment, a GP record request whose link was used to upload a
  file), a second case of the same reviewer submitted for QA (version 1) and on the
  meeting's agenda;
- the reviewer's directory entry with an employment and a declared conflict;
- a scheduled QA panel chaired by the LAC with the panel member invited, an action with
  an evidence file, a panel pack and an ICB report (rendered, see ``fast_pdfs``).

Plus an unrouted notification (no ICB), a regional coordinator and a system administrator.
``world.clients[actor]`` are signed in (MFA passed) as the ``icb`` side's people.
"""

from __future__ import annotations

import contextlib
import datetime
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import transaction
from django.test import Client
from django.utils import timezone

from leder.models import Organisation, User
from leder.roles import Role
from leder.testing import sign_in_with_mfa
from leder.tests.factories import ICBFactory, UserFactory
from tests.security.matrix import Actor

# Names only the world uses, so a page that shows them can be caught showing them.
PEOPLE = {
    "icb": {"given_name": "Ysolde", "family_name": "Quennellwick"},
    "other": {"given_name": "Odalys", "family_name": "Farquharsonne"},
}


STUB_PDF = b"%PDF-1.4\n% laid out by tests/security/conftest.py fast_pdfs\n%%EOF\n"


class _StubDocument:
    """What ``HTML(...).render()`` gives, enough for ``governance.services.documents``."""

    pages = [None]

    def copy(self, pages: list[Any]) -> _StubDocument:
        return self

    def write_pdf(self, *args: Any, **kwargs: Any) -> bytes:
        return STUB_PDF


@contextlib.contextmanager
def fast_pdfs() -> Iterator[None]:
    """WeasyPrint's layout skipped: the HTML is still built from the data (templates,
    redaction), only the PDF bytes are a stub. These tests are about who gets a response;
    the reports' own tests check what is in them."""
    from unittest import mock

    from weasyprint import HTML

    with (
        mock.patch.object(HTML, "render", lambda self, *a, **k: _StubDocument()),
        mock.patch.object(HTML, "write_pdf", lambda self, *a, **k: STUB_PDF),
    ):
        yield


@dataclass
class Side:
    """One ICB's people and objects."""

    tag: str
    icb: Organisation
    people: dict[Actor, User]
    notification: Any
    case: Any
    case_qa: Any
    profile: Any
    employment: Any
    conflict: Any
    episode: Any
    comment: Any
    record_request: Any
    record_file: Any
    token: str
    meeting: Any
    member: Any
    item: Any
    action: Any
    evidence: Any
    pack: Any
    report: Any

    def markers(self) -> list[str]:
        """Text that identifies this side's patients: must not appear to the other side.
        NHS numbers as stored and as pages show them (3 3 4 digits)."""
        numbers = {
            self.notification.nhs_number,
            self.case.notification.nhs_number,
            self.case_qa.notification.nhs_number,
        }
        return [
            self.notification.reference,
            self.case.reference,
            self.case_qa.reference,
            PEOPLE[self.tag]["family_name"],
            *numbers,
            *(f"{n[:3]} {n[3:6]} {n[6:]}" for n in numbers),
        ]


@dataclass
class World:
    sides: dict[str, Side]
    unrouted: Any
    regional: User
    sysadmin: User
    clients: dict[Actor, Client] = field(default_factory=dict)

    @property
    def mine(self) -> Side:
        return self.sides["icb"]

    @property
    def theirs(self) -> Side:
        return self.sides["other"]


def _user(icb: Organisation | None, role: Role, name: str) -> User:
    return UserFactory(icb=icb, roles=[role], full_name=name)


def _people(icb: Organisation, tag: str) -> dict[Actor, User]:
    from reviews.tests.factories import ReviewerProfileFactory

    return {
        Actor.LAC: _user(icb, Role.LAC, f"Lac {tag}"),
        Actor.ADMINISTRATOR: _user(icb, Role.ADMINISTRATOR, f"Admin {tag}"),
        Actor.REVIEWER: ReviewerProfileFactory(icb=icb, user__full_name=f"Reviewer {tag}").user,
        Actor.SENIOR: ReviewerProfileFactory(
            icb=icb, senior=True, user__full_name=f"Senior {tag}"
        ).user,
        Actor.REVIEWER_IDLE: ReviewerProfileFactory(
            icb=icb, user__full_name=f"Idle reviewer {tag}"
        ).user,
        Actor.QA_MEMBER: _user(icb, Role.QA_PANEL_MEMBER, f"Panel member {tag}"),
        Actor.QA_IDLE: _user(icb, Role.QA_PANEL_MEMBER, f"Idle panel member {tag}"),
        Actor.GOVERNANCE: _user(icb, Role.GOVERNANCE_MEMBER, f"Governance {tag}"),
    }


def _allocated_case(icb: Organisation, people: dict[Actor, User], tag: str, n: int) -> Any:
    from reviews.services import case_accept, case_allocate
    from reviews.tests.factories import CaseFactory

    case = CaseFactory(
        icb_org=icb,
        notification__given_name=PEOPLE[tag]["given_name"],
        notification__family_name=PEOPLE[tag]["family_name"],
        notification__gp_practice__name=f"Practice {tag} {n}",
        notification__gp_practice__secure_email=f"practice.{tag}.{n}@nhs.net",
    )
    case_allocate(
        case=case,
        reviewer=people[Actor.REVIEWER],
        senior_reviewer=people[Actor.SENIOR],
        review_type="initial",
        review_type_reason="No focused review criteria met",
        by=people[Actor.LAC],
    )
    case_accept(case=case, by=people[Actor.REVIEWER])
    case.refresh_from_db()
    return case


def _record_request_with_file(case: Any, by: User) -> tuple[Any, Any, str]:
    from reviews.records.models import RecordFile
    from reviews.records.services import record_request_create
    from reviews.records.tests.factories import PDF, deliver_owed
    from reviews.records.tests.helpers import post_files

    practice = case.notification.gp_practice
    request = record_request_create(
        case=case,
        organisation=practice,
        recipient_email=practice.secure_email,
        period_from=datetime.date(2023, 1, 10),
        period_to=datetime.date(2026, 1, 10),
        by=by,
    )
    token = deliver_owed()[-1]
    response = post_files(Client(), token, [("discharge-letter.pdf", PDF)])
    assert response.status_code in (200, 302, 303), response.status_code
    request.refresh_from_db()
    return request, RecordFile.objects.get(request=request), token


def _side(icb: Organisation, tag: str) -> Side:
    from governance.models import DocumentKind, GeneratedDocument, MeetingMember
    from governance.services.agenda import agenda_item_add
    from governance.services.documents import document_render, document_request
    from governance.services.evidence import action_evidence_add
    from governance.services.meetings import meeting_member_invite
    from governance.tests.factories import make_action, make_meeting, provider
    from notifications.tests.factories import NotificationFactory
    from reviews.records.tests.factories import PDF
    from reviews.services import case_submit_for_qa, supervision_comment_add
    from reviews.tests.factories import DeclaredConflictFactory, EmploymentFactory
    from reviews.tests.review_data import add_episode, complete_review, save_section

    people = _people(icb, tag)
    lac, reviewer = people[Actor.LAC], people[Actor.REVIEWER]
    notification = NotificationFactory(
        icb=icb,
        given_name=PEOPLE[tag]["given_name"],
        family_name=PEOPLE[tag]["family_name"],
    )

    case = _allocated_case(icb, people, tag, 1)
    save_section(case, "about-the-person", reviewer)
    episode = add_episode(case, reviewer)
    comment = supervision_comment_add(
        case=case,
        section_key="about-the-person",
        text="Add the family's view",
        by=people[Actor.SENIOR],
    )
    record_request, record_file, token = _record_request_with_file(case, reviewer)

    case_qa = _allocated_case(icb, people, tag, 2)
    complete_review(case_qa, reviewer)
    case_submit_for_qa(case=case_qa, by=reviewer)
    case_qa.refresh_from_db()

    profile = reviewer.reviewer_profile
    employment = EmploymentFactory(profile=profile, organisation=provider(icb, f"Trust {tag}"))
    conflict = DeclaredConflictFactory(profile=profile)

    trust = provider(icb, f"Panel trust {tag}")
    meeting = make_meeting(icb=icb, chair=lac, organisation=trust, members=0)
    member = meeting_member_invite(
        meeting=meeting, user=people[Actor.QA_MEMBER], organisation=trust, role="Member", by=lac
    )
    item = agenda_item_add(meeting=meeting, case_id=case_qa.pk, by=lac)

    action = make_action(icb=icb, by=lac)
    evidence = action_evidence_add(
        action=action,
        upload=SimpleUploadedFile("evidence.pdf", PDF, content_type="application/pdf"),
        by=lac,
    )
    today = timezone.localdate()
    pack = document_request(kind=DocumentKind.PANEL_PACK, meeting=meeting, by=lac)
    report = document_request(
        kind=DocumentKind.ACTIVITY,
        icb=icb,
        period_start=today - datetime.timedelta(days=90),
        period_end=today,
        by=lac,
    )
    for document in (pack, report):
        document_render(document_id=document.pk)
    pack = GeneratedDocument.objects.get(pk=pack.pk)
    report = GeneratedDocument.objects.get(pk=report.pk)
    assert isinstance(member, MeetingMember)
    return Side(
        tag=tag,
        icb=icb,
        people=people,
        notification=notification,
        case=case,
        case_qa=case_qa,
        profile=profile,
        employment=employment,
        conflict=conflict,
        episode=episode,
        comment=comment,
        record_request=record_request,
        record_file=record_file,
        token=token,
        meeting=meeting,
        member=member,
        item=item,
        action=action,
        evidence=evidence,
        pack=pack,
        report=report,
    )


def build_world() -> World:
    from notifications.tests.factories import NotificationFactory
    from reviews.models import LearningTheme

    for name in ("Dysphagia and aspiration", "Epilepsy"):
        LearningTheme.objects.get_or_create(name=name)
    icb = ICBFactory(ods_code="QWO", name="NHS West Yorkshire Integrated Care Board")
    other = ICBFactory(ods_code="QOQ", name="NHS Humber and North Yorkshire Integrated Care Board")
    world = World(
        sides={"icb": _side(icb, "icb"), "other": _side(other, "other")},
        unrouted=NotificationFactory(unrouted=True, family_name="Unroutedperson"),
        regional=_user(None, Role.REGIONAL_COORDINATOR, "Regional coordinator"),
        sysadmin=_user(None, Role.SYSTEM_ADMINISTRATOR, "System administrator"),
    )
    people: dict[Actor, User] = {
        **world.mine.people,
        Actor.REGIONAL: world.regional,
        Actor.SYSADMIN: world.sysadmin,
    }
    for actor, user in people.items():
        client = sign_in_with_mfa(Client(raise_request_exception=False), user)
        # The first request stores the session's start and last-seen times
        # (SessionTimeoutMiddleware): done here, not again in every rolled-back probe.
        client.get("/healthz")
        client.get("/")
        world.clients[actor] = client
    world.clients[Actor.ANONYMOUS] = Client(raise_request_exception=False)
    return world


@pytest.fixture(scope="module")
def world(django_db_setup: None, django_db_blocker: Any) -> Iterator[World]:
    """The world, built once per module and rolled back after it."""
    with django_db_blocker.unblock():
        atomic = transaction.atomic()
        atomic.__enter__()
        try:
            with fast_pdfs():
                built = build_world()
            yield built
        finally:
            transaction.set_rollback(True)
            atomic.__exit__(None, None, None)
