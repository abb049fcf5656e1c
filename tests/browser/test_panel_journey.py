"""A QA panel meeting in a real browser, from agenda to signed-off minutes: the LAC
schedules a meeting, invites members and builds the agenda with buttons; a member declares
a conflict; at the meeting the panel returns one review and signs another off; the chair
closes the meeting; the minutes and the KPI dashboard show it. axe on every page.
"""

from __future__ import annotations

import datetime
from typing import Any

import pytest
from django.conf import settings
from django.test import Client
from django.utils import timezone
from playwright.sync_api import expect

from governance.models import Decision, Meeting, MeetingStatus
from governance.services.decisions import decision_sign
from governance.tests.factories import panel_member, provider, submitted_case
from leder.roles import Role
from leder.testing import sign_in_with_mfa
from reviews.models import CaseStatus
from tests.browser.steps import click, heading

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def become(page: Any, live_server: Any, user: Any) -> None:
    """Switch the browser's session to ``user`` (signed in with MFA)."""
    client = sign_in_with_mfa(Client(), user)
    cookie = client.cookies[settings.SESSION_COOKIE_NAME]
    page.context.clear_cookies()
    page.context.add_cookies([{"name": cookie.key, "value": cookie.value, "url": live_server.url}])


def test_a_panel_meeting_from_agenda_to_signed_off_minutes(
    signed_in_page, live_server, icb, make_user, axe_check, shot
):
    page = signed_in_page(Role.LAC, full_name="Priya Shah")
    lac = page.user
    base = live_server.url
    trust = provider(icb, "Leeds Community Healthcare")
    helen = panel_member(icb, "Helen Price")
    sam = panel_member(icb, "Sam Patel")
    kim = panel_member(icb, "Kim Osei")
    first = submitted_case(icb, lac)
    second = submitted_case(icb, lac)

    # Schedule the meeting.
    page.goto(f"{base}/governance/meetings/")
    assert heading(page) == "Panel meetings"
    axe_check(page)
    click(page, "button", "Schedule a QA panel meeting")
    axe_check(page)
    when = timezone.localdate() + datetime.timedelta(days=14)
    page.get_by_label("Day").fill(str(when.day))
    page.get_by_label("Month").fill(str(when.month))
    page.get_by_label("Year").fill(str(when.year))
    page.get_by_label("Start time").fill("14:00")
    page.get_by_label("Organisation the chair represents").select_option(label=trust.name)
    click(page, "button", "Schedule meeting")
    expect(page.locator(".nhsuk-error-summary")).to_contain_text(
        "Enter where the meeting is, or an online link"
    )
    axe_check(page)
    page.get_by_label("Where is the meeting?").fill("Board room")
    click(page, "button", "Schedule meeting")
    expect(page.locator(".nhsuk-notification-banner")).to_contain_text("scheduled")
    meeting = Meeting.objects.get()
    axe_check(page)
    shot(page, "panel-01-meeting")

    # Invite three members.
    for person, role in ((helen, "Safeguarding lead"), (sam, "Provider lead"), (kim, "GP lead")):
        click(page, "button", "Invite a member")
        page.get_by_label("Person").select_option(label=person.full_name)
        page.get_by_label("Organisation they represent").select_option(label=trust.name)
        page.get_by_label("Role on the panel").fill(role)
        click(page, "button", "Invite member")
    axe_check(page)

    # Build the agenda with buttons: add both, then put the second first.
    click(page, "button", f"Add to agenda review {first.reference}")
    click(page, "button", f"Add to agenda review {second.reference}")
    click(page, "button", f"Move up review {second.reference}")
    agenda = page.locator("#agenda + table, #agenda ~ table").first
    expect(agenda).to_contain_text(second.reference)
    assert list(meeting.items.order_by("position").values_list("case", flat=True)) == [
        second.pk,
        first.pk,
    ]
    axe_check(page)
    shot(page, "panel-02-agenda")

    # Sam declares a conflict on the review that will be returned.
    become(page, live_server, sam)
    page.goto(f"{base}/governance/meetings/{meeting.pk}/")
    axe_check(page)
    click(page, "link", f"Review {first.reference}")
    page.get_by_label("Describe your conflict of interest").fill("I manage the care home")
    click(page, "button", "Declare a conflict")
    expect(page.locator("main")).to_contain_text("You declared a conflict of interest")
    axe_check(page)
    shot(page, "panel-03-conflict")

    # The meeting: start, attendance.
    become(page, live_server, lac)
    page.goto(f"{base}/governance/meetings/{meeting.pk}/")
    click(page, "button", "Start the meeting")
    assert heading(page) == "Who is at the meeting?"
    axe_check(page)
    for person in (lac, helen, sam, kim):
        page.get_by_label(person.full_name, exact=False).check()
    click(page, "button", "Record attendance")
    axe_check(page)

    # Item 1 (the second review): approved and signed off.
    click(page, "link", f"Review {second.reference}")
    page.get_by_label("Approved", exact=True).check()
    page.get_by_label("Summary of the discussion").fill(
        "A careful review; the family's views are clear."
    )
    page.get_by_label("Good practice to share (optional)").fill("Hospital passport used")
    click(page, "button", "Record the decision")
    expect(page.locator(".nhsuk-notification-banner")).to_contain_text("Decision recorded")
    axe_check(page)
    click(page, "button", "Sign off this decision")
    decision = Decision.objects.get(item__case=second)
    decision_sign(decision=decision, by=helen)
    decision_sign(decision=decision, by=kim)
    page.reload()
    expect(page.locator("main")).to_contain_text("Kim Osei")
    axe_check(page)
    shot(page, "panel-04-signed-off")
    second.refresh_from_db()
    assert second.status == CaseStatus.COMPLETED

    # Item 2 (the first review): Sam is conflicted, so Helen, Kim and the chair decide.
    page.goto(f"{base}/governance/meetings/{meeting.pk}/")
    click(page, "link", f"Review {first.reference}")
    page.get_by_label("Returned to the reviewer").check()
    page.get_by_label("Summary of the discussion").fill("The GP's account is missing.")
    click(page, "button", "Record the decision")
    expect(page.locator(".nhsuk-error-summary")).to_contain_text(
        "Enter the comments for the reviewer"
    )
    axe_check(page)
    page.get_by_label("Comments for the reviewer").fill("Add the GP's account of the last visit.")
    click(page, "button", "Record the decision")
    click(page, "button", "Sign off this decision")
    # Helen signs from her own session.
    become(page, live_server, helen)
    page.goto(f"{base}/governance/meetings/{meeting.pk}/")
    click(page, "link", f"Review {first.reference}")
    click(page, "button", "Sign off this decision")
    expect(page.locator(".nhsuk-notification-banner")).to_contain_text("You have signed")
    axe_check(page)
    decision_sign(decision=Decision.objects.get(item__case=first), by=kim)
    first.refresh_from_db()
    assert first.status == CaseStatus.RETURNED

    # The chair closes the meeting: the minutes are locked.
    become(page, live_server, lac)
    page.goto(f"{base}/governance/meetings/{meeting.pk}/")
    click(page, "button", "Close the meeting and lock the minutes")
    meeting.refresh_from_db()
    assert meeting.status == MeetingStatus.CLOSED
    click(page, "link", "Read the minutes")
    main = page.locator("main")
    expect(main).to_contain_text("These minutes are locked")
    expect(main).to_contain_text("Sam Patel (I manage the care home)")
    expect(main).to_contain_text("Returned to the reviewer")
    expect(main).to_contain_text("Helen Price, Safeguarding lead, Leeds Community Healthcare")
    axe_check(page)
    page.get_by_label("Correction").fill("Item 1: the good practice was seen in outpatients.")
    click(page, "button", "Add the addendum")
    expect(main).to_contain_text("the good practice was seen in outpatients")
    axe_check(page)
    shot(page, "panel-05-minutes")

    # The KPI dashboard shows the completed review, charts and tables accessible.
    page.goto(f"{base}/governance/kpis/")
    assert heading(page) == "Reports and key performance indicators"
    expect(page.locator("main")).to_contain_text("of 1 review completed")
    expect(page.locator("svg.leder-chart").first).to_be_visible()
    axe_check(page)
    shot(page, "panel-06-kpis")
    page.goto(f"{base}/governance/reports/")
    axe_check(page)
    page.get_by_label("Annual report").check()
    click(page, "button", "Read on screen")
    expect(page.locator("main")).to_contain_text("Deaths notified")
    axe_check(page)
    page.goto(f"{base}/governance/actions/")
    axe_check(page)
