"""Meeting pages: who may see and do what (anonymous, outsiders, members, the LAC, the
chair), the agenda buttons, conflicts, decisions and sign-off through the pages, redaction."""

from __future__ import annotations

import datetime
import html

import pytest
from django.urls import reverse
from django.utils import timezone

from governance.models import AgendaItem, Decision, Meeting, MeetingStatus, PanelConflict
from governance.tests.factories import make_meeting, panel_member, submitted_case
from governance.tests.helpers import members, on_agenda, start
from leder.models import AccessLog
from leder.roles import Role
from leder.testing import assert_queries_flat

pytestmark = pytest.mark.django_db

# A person whose identifiers must never reach a panel member.
PERSON = {
    "given_name": "Zebedee",
    "family_name": "Quartermaine",
    "nhs_number": "9990001113",
    "postcode": "LS9 7TF",
    "address": "14 Wisteria Lane, Leeds",
    "date_of_birth": datetime.date(1961, 8, 23),
    "date_of_death": datetime.date(2026, 1, 9),
}
IDENTIFIERS = [
    "Zebedee",
    "Quartermaine",
    "9990001113",
    "999 000 1113",
    "LS9 7TF",
    "Wisteria",
    "23 August 1961",
    "9 January 2026",
    "1961-08-23",
    "2026-01-09",
]


def url(name, **kwargs):
    return reverse(f"governance:{name}", kwargs=kwargs)


@pytest.fixture
def case(icb, lac):
    return submitted_case(icb, lac, **PERSON)


@pytest.fixture
def item(meeting, case, lac):
    return on_agenda(meeting, case, lac)


@pytest.fixture
def member_client(meeting, signed_in):
    return signed_in(members(meeting)[0])


@pytest.fixture
def lac_of(signed_in, lac):
    return signed_in(lac)


class TestAccess:
    def test_anonymous_people_are_sent_to_sign_in(self, client, meeting, item):
        for target in (
            url("meetings"),
            url("meeting", pk=meeting.pk),
            url("item", pk=meeting.pk, item_pk=item.pk),
            url("minutes", pk=meeting.pk),
        ):
            response = client.get(target)
            assert response.status_code == 302 and "/account/login/" in response["Location"]

    def test_outsiders_get_404(self, meeting, item, outsider_client, client_for, icb):
        not_invited = client_for(Role.QA_PANEL_MEMBER)
        for c in (outsider_client, not_invited):
            assert c.get(url("meeting", pk=meeting.pk)).status_code == 404
            assert c.get(url("item", pk=meeting.pk, item_pk=item.pk)).status_code == 404
            assert (
                c.get(
                    url("item_report", pk=meeting.pk, item_pk=item.pk, variant="redacted")
                ).status_code
                == 404
            )
            assert c.get(url("minutes", pk=meeting.pk)).status_code == 404
        assert (
            outsider_client.post(url("agenda_remove", pk=meeting.pk, item_pk=item.pk)).status_code
            == 404
        )

    def test_a_member_of_another_meeting_gets_404(self, meeting, item, icb, lac, signed_in):
        other = make_meeting(icb=icb, chair=lac)
        c = signed_in(members(other)[0])
        assert c.get(url("meeting", pk=other.pk)).status_code == 200
        assert c.get(url("meeting", pk=meeting.pk)).status_code == 404

    def test_removing_a_member_of_another_meeting_is_404_and_removes_nobody(
        self, meeting, icb, lac, lac_of
    ):
        other = make_meeting(icb=icb, chair=lac)
        theirs = other.members.exclude(user=lac).first()
        before = {m.pk for m in other.members.all()} | {m.pk for m in meeting.members.all()}
        response = lac_of.post(url("member_remove", pk=meeting.pk, member_pk=theirs.pk))
        assert response.status_code == 404
        after = {m.pk for m in other.members.all()} | {m.pk for m in meeting.members.all()}
        assert after == before
        # Through its own meeting the same member is removed.
        response = lac_of.post(url("member_remove", pk=other.pk, member_pk=theirs.pk))
        assert response.status_code == 302
        assert not other.members.filter(pk=theirs.pk).exists()

    def test_wrong_roles_get_403(self, meeting, reviewer_client, administrator_client):
        for c in (reviewer_client, administrator_client):
            assert c.get(url("meetings")).status_code == 403
            assert c.get(url("meeting", pk=meeting.pk)).status_code == 403
            assert c.get(url("meeting_new")).status_code == 403

    def test_members_cannot_manage_the_meeting(self, meeting, item, case, member_client):
        assert member_client.get(url("meeting_new")).status_code == 403
        assert member_client.get(url("member_invite", pk=meeting.pk)).status_code == 403
        assert (
            member_client.post(url("agenda_add", pk=meeting.pk), {"case": case.pk}).status_code
            == 403
        )
        assert (
            member_client.post(url("agenda_remove", pk=meeting.pk, item_pk=item.pk)).status_code
            == 403
        )
        assert (
            member_client.post(url("meeting_move", pk=meeting.pk, move="start")).status_code == 403
        )
        assert member_client.post(url("pack_request", pk=meeting.pk)).status_code == 403

    def test_wrong_methods(self, meeting, item, lac_of):
        assert lac_of.post(url("meetings")).status_code == 405
        assert lac_of.post(url("meeting", pk=meeting.pk)).status_code == 405
        assert lac_of.get(url("agenda_add", pk=meeting.pk)).status_code == 405
        assert lac_of.get(url("decision_sign", pk=meeting.pk, item_pk=item.pk)).status_code == 405
        assert lac_of.get(url("meeting_move", pk=meeting.pk, move="close")).status_code == 405


class TestScheduling:
    def test_the_lac_schedules_a_meeting_and_invites_a_member(self, lac_of, lac, icb, trust):
        helen = panel_member(icb, "Helen Price")
        page = lac_of.get(url("meeting_new"))
        assert page.status_code == 200
        response = lac_of.post(
            url("meeting_new"),
            {
                "kind": "qa_panel",
                "date_day": "12",
                "date_month": "3",
                "date_year": str(timezone.localdate().year + 1),
                "time": "14:00",
                "location": "Room 4",
                "online_link": "",
                "chair": str(lac.pk),
                "chair_organisation": str(trust.pk),
                "chair_role": "Chair and LAC",
            },
        )
        assert response.status_code == 302
        meeting = Meeting.objects.get()
        assert timezone.localtime(meeting.scheduled_for).strftime("%d %H:%M") == "12 14:00"
        response = lac_of.post(
            url("member_invite", pk=meeting.pk),
            {"user": str(helen.pk), "organisation": str(trust.pk), "role": "Safeguarding lead"},
        )
        assert response.status_code == 302
        assert meeting.members.filter(user=helen, role="Safeguarding lead").exists()

    def test_bad_input_is_shown_with_the_answers_kept(self, lac_of, lac, trust):
        response = lac_of.post(
            url("meeting_new"),
            {
                "kind": "qa_panel",
                "date_day": "31",
                "date_month": "2",
                "date_year": "2027",
                "time": "25:00",
                "location": "",
                "online_link": "not a link",
                "chair": str(lac.pk),
                "chair_organisation": str(trust.pk),
                "chair_role": "Chair",
            },
        )
        assert response.status_code == 400
        page = response.content.decode()
        assert "There is a problem" in page
        assert "must be a real date" in page
        assert "Enter the start time like 14:00" in page
        assert "right format" in page
        assert not Meeting.objects.exists()


class TestAgendaPages:
    def test_the_lac_adds_moves_and_removes_with_buttons(self, meeting, lac_of, icb, lac):
        cases = [submitted_case(icb, lac) for _ in range(2)]
        page = lac_of.get(url("meeting", pk=meeting.pk)).content.decode()
        assert "Reviews waiting for this meeting" in page and cases[0].reference in page
        for c in cases:
            assert lac_of.post(url("agenda_add", pk=meeting.pk), {"case": c.pk}).status_code == 302
        second = AgendaItem.objects.get(case=cases[1])
        lac_of.post(url("agenda_move", pk=meeting.pk, item_pk=second.pk, direction="up"))
        assert list(meeting.items.order_by("position").values_list("case", flat=True)) == [
            cases[1].pk,
            cases[0].pk,
        ]
        lac_of.post(url("agenda_remove", pk=meeting.pk, item_pk=second.pk))
        assert list(meeting.items.values_list("case", flat=True)) == [cases[0].pk]
        response = lac_of.post(url("agenda_add", pk=meeting.pk), {"case": "nonsense"}, follow=True)
        assert "Select a review that is waiting" in response.content.decode()


class TestRedaction:
    def test_no_identifier_reaches_a_members_pages(self, meeting, item, member_client, lac):
        start(meeting, lac)
        pages = [
            member_client.get(url("meetings")),
            member_client.get(url("meeting", pk=meeting.pk)),
            member_client.get(url("item", pk=meeting.pk, item_pk=item.pk)),
            member_client.get(url("minutes", pk=meeting.pk)),
        ]
        for response in pages:
            assert response.status_code == 200
            text = response.content.decode()
            found = [i for i in IDENTIFIERS if i in text]
            assert not found, (response.request["PATH_INFO"], found)
            assert item.case.reference in text or response.request["PATH_INFO"] == url("meetings")

    def test_a_member_gets_the_redacted_report_only(self, meeting, item, member_client, lac_of):
        from governance.tests.pdf import pdf_text

        full = url("item_report", pk=meeting.pk, item_pk=item.pk, variant="full")
        assert member_client.get(full).status_code == 403
        response = member_client.get(
            url("item_report", pk=meeting.pk, item_pk=item.pk, variant="redacted")
        )
        assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
        assert "attachment" in response["Content-Disposition"]
        text = pdf_text(response.content)
        assert item.case.reference in text
        assert not [i for i in IDENTIFIERS if i in text]
        assert AccessLog.objects.filter(action="download").exists()
        assert lac_of.get(full).status_code == 200
        assert "Quartermaine" in pdf_text(lac_of.get(full).content)

    def test_the_chair_sees_the_full_report(self, icb, lac, case, signed_in):
        chair = panel_member(icb, "Dr Chair")
        meeting = make_meeting(icb=icb, chair=chair, by=lac)
        item = on_agenda(meeting, case, lac)
        c = signed_in(chair)
        assert (
            c.get(url("item_report", pk=meeting.pk, item_pk=item.pk, variant="full")).status_code
            == 200
        )


class TestMeetingPages:
    def test_a_panel_from_conflict_to_signed_off_minutes(self, icb, lac, case, signed_in):
        from reviews.models import CaseStatus

        meeting = make_meeting(icb=icb, chair=lac, members=3)
        item = on_agenda(meeting, case, lac)
        helen, sam, kim = members(meeting)
        chair, helen_c, sam_c, kim_c = (signed_in(u) for u in (lac, helen, sam, kim))
        declare = url("conflict_declare", pk=meeting.pk, item_pk=item.pk)
        assert helen_c.post(declare, {"reason": ""}).status_code == 400
        assert sam_c.post(declare, {"reason": "I know the family"}).status_code == 302
        assert PanelConflict.objects.get().member.user == sam

        chair.post(url("meeting_move", pk=meeting.pk, move="start"))
        present = [lac.pk, helen.pk, sam.pk]
        chair.post(url("attendance", pk=meeting.pk), {"present": present})
        item_page = url("item", pk=meeting.pk, item_pk=item.pk)
        page = chair.get(item_page).content.decode()
        assert "A decision needs 3 members present without a conflict of interest" in page
        assert "Record the decision" not in page
        chair.post(url("attendance", pk=meeting.pk), {"present": [*present, kim.pk]})
        page = chair.get(item_page).content.decode()
        assert "Record the decision" in page

        record = url("decision_record", pk=meeting.pk, item_pk=item.pk)
        assert sam_c.post(record, {"outcome": "approved"}).status_code == 403
        response = chair.post(record, {"outcome": "returned", "discussion_summary": "Good"})
        assert response.status_code == 400
        assert "Enter the comments for the reviewer" in response.content.decode()
        response = chair.post(
            record,
            {
                "outcome": "approved",
                "discussion_summary": "A careful, well-evidenced review",
                "good_practice": "Hospital passport used throughout",
            },
        )
        assert response.status_code == 302
        sign = url("decision_sign", pk=meeting.pk, item_pk=item.pk)
        sam_c.post(sign)  # conflicted: refused with a message
        assert not Decision.objects.get().signatures.filter(user=sam).exists()
        for c in (helen_c, kim_c, chair):
            assert c.post(sign).status_code == 302
        decision = Decision.objects.get()
        assert decision.is_signed_off
        case.refresh_from_db()
        assert case.status == CaseStatus.COMPLETED

        assert helen_c.post(url("meeting_move", pk=meeting.pk, move="close")).status_code == 403
        chair.post(url("meeting_move", pk=meeting.pk, move="close"))
        meeting.refresh_from_db()
        assert meeting.status == MeetingStatus.CLOSED
        # read as the browser shows it: a name such as O'Brien is escaped in the markup
        minutes = html.unescape(helen_c.get(url("minutes", pk=meeting.pk)).content.decode())
        assert "These minutes are locked" in minutes
        assert "I know the family" in minutes and "did not take part" in minutes
        for name in (lac.full_name, helen.full_name, kim.full_name):
            assert name in minutes
        add = url("addendum_add", pk=meeting.pk)
        assert helen_c.post(add, {"text": "x"}).status_code == 403
        response = chair.post(add, {"item": str(item.pk), "text": "The summary should say 2025."})
        assert response.status_code == 302
        assert (
            "The summary should say 2025."
            in helen_c.get(url("minutes", pk=meeting.pk)).content.decode()
        )
        # Nothing is recorded on a closed meeting.
        chair.post(record, {"outcome": "returned", "discussion_summary": "x", "comments": "y"})
        assert Decision.objects.get().outcome == "approved"


class TestQueryCounts:
    def test_the_meeting_list_and_page_keep_a_flat_query_count(self, icb, lac, lac_of, capsys):
        from governance.models import MeetingMember

        target = make_meeting(icb=icb, chair=lac)
        trust = target.members.first().organisation

        def grow_meetings(n):
            for _ in range(n):
                make_meeting(icb=icb, chair=lac, members=1, organisation=trust)

        listed = assert_queries_flat(
            lambda: lac_of.get(url("meetings")), grow_meetings, small=1, large=8
        )

        def grow_agenda(n):
            for _ in range(n):
                case = submitted_case(icb, lac)
                on_agenda(target, case, lac)
                MeetingMember.objects.create(
                    meeting=target, user=panel_member(icb), organisation=trust, role="GP"
                )

        page = assert_queries_flat(
            lambda: lac_of.get(url("meeting", pk=target.pk)), grow_agenda, small=1, large=6
        )
        with capsys.disabled():
            print(f"\nmeeting list queries: {listed[0]}; meeting page queries: {page[0]}")


def test_the_navigation_leads_each_role_to_its_governance_pages(client_for):
    expected = {
        Role.LAC: {"Panel meetings", "Actions", "Reports"},
        Role.QA_PANEL_MEMBER: {"Panel meetings"},
        Role.GOVERNANCE_MEMBER: {"Panel meetings", "Actions", "Reports"},
        Role.REGIONAL_COORDINATOR: {"Reports"},
        Role.REVIEWER: set(),
    }
    for role, links in expected.items():
        page = client_for(role).get(reverse("home"), follow=True).content.decode()
        for text in ("Panel meetings", "Actions", "Reports"):
            assert (f">{text}<" in page) == (text in links), (role, text)
