"""The review in a real browser: an allocated reviewer works through every section of an
initial review's task list (in their own order, saving as they go), adds a key episode,
meets an error and fixes it, checks their answers and submits the review for quality
assurance; then reads the frozen version. axe must find no WCAG 2.2 AA violations on any
page of the task list.
"""

from __future__ import annotations

from typing import Any

import pytest
from playwright.sync_api import expect

from leder.roles import Role
from reviews.models import CaseStatus, LearningTheme, ReviewVersion
from reviews.services import case_accept, case_allocate
from reviews.tests.factories import CaseFactory, ReviewerProfileFactory
from tests.browser.steps import click, date, heading, radio

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def complete_and_save(page: Any) -> None:
    radio(page, "Have you completed this section?", "Yes, I've completed this section")
    click(page, "button", "Save and continue")


def open_section(page: Any, title: str, axe_check: Any) -> None:
    click(page, "link", title)
    assert heading(page) == title
    axe_check(page)


@pytest.fixture
def allocated(icb: Any, signed_in_page: Any) -> tuple[Any, Any]:
    page = signed_in_page(Role.REVIEWER, full_name="Grace Okafor")
    ReviewerProfileFactory(icb=icb, user=page.user)
    senior = ReviewerProfileFactory(icb=icb, senior=True, user__full_name="Daniel Evans").user
    lac = ReviewerProfileFactory(icb=icb).user  # any signed-off allocator works for set-up
    from leder.services.roles import user_set_roles

    user_set_roles(user=lac, roles={Role.LAC})
    case = CaseFactory(
        icb_org=icb,
        notification__given_name="Ada",
        notification__family_name="Testperson",
        notification__cause_of_death="Aspiration pneumonia",
    )
    case_allocate(
        case=case,
        reviewer=page.user,
        senior_reviewer=senior,
        review_type="initial",
        review_type_reason="No focused review criteria met",
        by=lac,
    )
    case_accept(case=case, by=page.user)
    for name in ("Reasonable adjustments", "Dysphagia and aspiration pneumonia"):
        LearningTheme.objects.get_or_create(name=name)
    return page, case


def test_a_reviewer_completes_an_initial_review_and_submits_it(
    allocated, live_server, axe_check, shot
):
    page, case = allocated
    page.goto(f"{live_server.url}/reviews/cases/{case.reference}/")
    axe_check(page)
    click(page, "link", "Go to the review")
    assert heading(page) == "Initial review"
    expect(page.locator("main")).to_contain_text("You have completed 0 of 7 sections")
    expect(page.locator("#review-sections-7-status")).to_contain_text("Cannot start yet")
    axe_check(page)
    shot(page, "review-01-task-list")

    # Cause of death first (any order): an unknown ICD-10 code is refused, then fixed.
    open_section(page, "Cause and circumstances of death", axe_check)
    expect(
        page.get_by_label("Part Ia: the disease or condition that led directly to death")
    ).to_have_value("Aspiration pneumonia")
    page.get_by_label("ICD-10 code of the underlying cause (optional)").fill("J99.99")
    radio(page, "Was the death referred to the coroner?", "No")
    radio(page, "Avoidable death assessment", "Treatable")
    complete_and_save(page)
    expect(page.locator(".nhsuk-error-summary")).to_contain_text(
        "Enter a real ICD-10 code, like J69.0, or leave it blank"
    )
    axe_check(page)
    shot(page, "review-02-error")
    page.get_by_label("ICD-10 code of the underlying cause (optional)").fill("J69.0")
    complete_and_save(page)
    expect(page.locator("main")).to_contain_text("Cause and circumstances of death completed")
    expect(page.locator("#review-sections-5-status")).to_contain_text("Completed")

    # About the person: saved for later first, then completed.
    open_section(page, "About the person", axe_check)
    page.get_by_label("Pen portrait").fill("Ada loved gardening and music.")
    radio(page, "Have you completed this section?", "No, I'll come back to it later")
    click(page, "button", "Save and continue")
    expect(page.locator("#review-sections-1-status")).to_contain_text("In progress")
    open_section(page, "About the person", axe_check)
    expect(page.get_by_label("Pen portrait")).to_have_value("Ada loved gardening and music.")
    radio(page, "Did the person have a diagnosis of autism?", "No")
    radio(page, "Type of accommodation", "Supported living")
    radio(page, "Did the person live alone?", "No")
    radio(page, "Was the person placed out of area?", "No")
    page.get_by_label("Communication needs").fill("Used Makaton")
    complete_and_save(page)

    open_section(page, "Family and carers", axe_check)
    radio(
        page,
        "Did you speak to the family or someone close to the person?",
        "Yes",
    )
    date(page, "Date you spoke to them", "3", "2", "2026")
    page.get_by_label("Their relationship to the person").fill("Sister")
    page.get_by_label("Their views of the person's care").fill("They felt listened to.")
    radio(page, "Has a condolence letter been sent?", "No")
    radio(page, "Was the draft pen portrait shared with the family for comment?", "No")
    axe_check(page)
    complete_and_save(page)

    open_section(page, "Evidence gathered", axe_check)
    radio(page, "Have you reviewed the GP records?", "Yes, I have reviewed the GP records")
    radio(page, "Did you speak to the person's GP?", "No")
    page.get_by_label("Other professionals you spoke to").fill(
        "Community nurse, Leeds Community Healthcare"
    )
    complete_and_save(page)

    open_section(page, "Key episodes of care", axe_check)
    click(page, "button", "Add a key episode")
    axe_check(page)
    date(page, "Date of the episode", "4", "12", "2025")
    page.get_by_label("Hospital (inpatient)").check()
    page.get_by_label("Organisation").fill("Leeds Teaching Hospitals")
    page.get_by_label("What happened").fill("Admitted with a chest infection.")
    click(page, "button", "Save episode")
    expect(page.locator("main")).to_contain_text("Leeds Teaching Hospitals")
    axe_check(page)
    complete_and_save(page)

    open_section(page, "Care questions", axe_check)
    radio(page, "Was a DNACPR decision in place?", "Yes")
    radio(page, "Was the DNACPR decision made and followed correctly?", "Yes")
    radio(page, "Was the Mental Capacity Act relevant to decisions about the person's care?", "No")
    radio(page, "Was the person under a Deprivation of Liberty Safeguards authorisation?", "No")
    radio(page, "Were reasonable adjustments made?", "Partly")
    radio(
        page,
        "Did the person have an annual health check in the 12 months before they died?",
        "Yes",
    )
    radio(page, "Did the person have a health action plan?", "Yes")
    radio(page, "Were there delays in the person's care?", "No")
    radio(page, "Did the person's care package meet their needs?", "Yes")
    radio(page, "Were any guidelines, policies or pathways not followed?", "No")
    axe_check(page)
    complete_and_save(page)

    open_section(page, "Findings", axe_check)
    page.get_by_label("Good practice", exact=True).fill("Hospital passport used.")
    page.get_by_label("Learning", exact=True).fill("Swallowing plans must travel with the person.")
    page.get_by_label("Concerns about the care the person received").fill("None")
    page.get_by_label("3: Satisfactory care").check()
    page.get_by_label("Reasonable adjustments").check()
    radio(page, "Is a focused review needed?", "No")
    complete_and_save(page)
    expect(page.locator("main")).to_contain_text("You have completed 7 of 7 sections")
    axe_check(page)
    shot(page, "review-03-all-complete")

    click(page, "button", "Check your answers and submit")
    assert heading(page) == "Check your answers before submitting the review"
    expect(page.locator("main")).to_contain_text("Ada loved gardening and music.")
    axe_check(page)
    page.get_by_label("I confirm the review is complete and ready for quality assurance").check()
    click(page, "button", "Submit for quality assurance")
    expect(page.locator("main")).to_contain_text("submitted for quality assurance as version 1")
    expect(page.locator("main")).to_contain_text("It cannot be changed unless the panel returns it")
    axe_check(page)
    shot(page, "review-04-submitted")

    case.refresh_from_db()
    assert case.status == CaseStatus.AWAITING_QA
    version = ReviewVersion.objects.get(case=case)
    assert version.submitted_by == page.user

    click(page, "link", "Submitted versions (1)")
    axe_check(page)
    click(page, "link", "View version 1")
    assert heading(page) == "Version 1"
    expect(page.locator("main")).to_contain_text("Ada loved gardening and music.")
    axe_check(page)


def switch_user(page: Any, live_server: Any, user: Any) -> None:
    """Continue in the same browser as another (signed-in, MFA passed) user."""
    from django.conf import settings
    from django.test import Client

    from leder.testing import sign_in_with_mfa

    cookie = sign_in_with_mfa(Client(), user).cookies[settings.SESSION_COOKIE_NAME]
    page.context.clear_cookies()
    page.context.add_cookies([{"name": cookie.key, "value": cookie.value, "url": live_server.url}])


def test_escalation_focused_sections_holds_and_peer_support_pages(
    allocated, live_server, axe_check, shot
):
    page, case = allocated
    page.goto(f"{live_server.url}/reviews/cases/{case.reference}/review/")

    click(page, "link", "Put the review on hold")
    assert heading(page) == "Put the review on hold"
    click(page, "button", "Put on hold")
    expect(page.locator(".nhsuk-error-summary")).to_contain_text("Select why the review is on hold")
    axe_check(page)
    page.go_back()
    page.go_back()

    click(page, "link", "Escalate to a focused review")
    axe_check(page)
    page.get_by_label("Why is a focused review needed?").fill("Discharge without a swallowing plan")
    click(page, "button", "Escalate to a focused review")
    assert heading(page) == "Focused review"
    expect(page.locator("main")).to_contain_text("You have completed 0 of 10 sections")
    axe_check(page)

    open_section(page, "Multi-agency meetings", axe_check)
    click(page, "button", "Add a meeting")
    axe_check(page)
    date(page, "Date of the meeting", "10", "2", "2026")
    page.get_by_label("Who attended").fill("Safeguarding lead\nSocial worker, Leeds City Council")
    page.get_by_label("Summary of the minutes").fill("The discharge plan was not shared.")
    click(page, "button", "Save meeting")
    expect(page.locator(".nhsuk-error-summary")).to_contain_text(
        "Attendee 1 must give a role and an organisation"
    )
    axe_check(page)
    page.get_by_label("Who attended").fill(
        "Safeguarding lead, Leeds City Council\nWard manager, Leeds Teaching Hospitals"
    )
    click(page, "button", "Save meeting")
    expect(page.locator("main")).to_contain_text("Ward manager (Leeds Teaching Hospitals)")
    axe_check(page)
    complete_and_save(page)

    open_section(page, "Further agencies and referrals", axe_check)
    radio(page, "Was a safeguarding referral made?", "Yes")
    axe_check(page)
    page.goto(f"{live_server.url}/reviews/cases/{case.reference}/review/")
    open_section(page, "Analysis", axe_check)

    # The senior reviewer reads the section and comments; the reviewer answers.
    senior = case.allocations.get().senior_reviewer
    reviewer = page.user
    switch_user(page, live_server, senior)
    page.goto(f"{live_server.url}/reviews/cases/{case.reference}/review/")
    axe_check(page)
    open_section(page, "Multi-agency meetings", axe_check)
    page.get_by_label("Add a comment on multi-agency meetings").fill("Who chaired the meeting?")
    click(page, "button", "Add comment")
    expect(page.locator("main")).to_contain_text("Who chaired the meeting?")
    axe_check(page)

    switch_user(page, live_server, reviewer)
    page.goto(f"{live_server.url}/reviews/cases/{case.reference}/review/")
    expect(page.locator("main")).to_contain_text("1 peer support comment, 1 not answered")
    open_section(page, "Multi-agency meetings", axe_check)
    page.get_by_label("Your answer").fill("The safeguarding lead chaired it.")
    click(page, "button", "Add your answer")
    expect(page.locator("main")).to_contain_text("The safeguarding lead chaired it.")
    axe_check(page)
    shot(page, "review-05-peer-support")
