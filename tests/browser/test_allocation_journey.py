"""Allocation in a real browser: a LAC screens a notification, sees that the first reviewer
has a conflict of interest, allocates a different reviewer, and that reviewer finds the
case in "My reviews" and accepts it. axe must find no WCAG 2.2 AA violations on any page.
"""

from __future__ import annotations

import datetime
import re
from typing import Any

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from leder.models import OrganisationType
from leder.roles import Role
from leder.tests.factories import GPPracticeFactory, OrganisationFactory
from notifications.tests.factories import NotificationFactory
from reviews.models import Allocation, Case, CaseStatus
from reviews.tests.factories import EmploymentFactory, ReviewerProfileFactory
from tests.browser.steps import click, heading

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def people(icb: Any) -> dict[str, Any]:
    practice = GPPracticeFactory(parent_icb=icb, name="Kirkgate Surgery")
    notification = NotificationFactory(
        icb=icb,
        gp_practice=practice,
        given_name="Ada",
        family_name="Testperson",
        contact_name="Bea Testperson",
        focused_criteria=[
            {"code": "family_request", "reason": "The family asked for a detailed review."}
        ],
    )
    grace = ReviewerProfileFactory(icb=icb, user__full_name="Grace Okafor")
    EmploymentFactory(profile=grace, organisation=practice, started_on=datetime.date(2018, 1, 8))
    ola = ReviewerProfileFactory(icb=icb, user__full_name="Ola Free")
    senior = ReviewerProfileFactory(icb=icb, senior=True, user__full_name="Daniel Evans")
    return {
        "notification": notification,
        "grace": grace.user,
        "ola": ola.user,
        "senior": senior.user,
        "practice": practice,
    }


def test_a_lac_screens_sees_a_conflict_and_allocates_another_reviewer(
    signed_in_page, live_server, people, sign_in, axe_check, shot
):
    notification = people["notification"]
    page = signed_in_page(Role.LAC, full_name="Priya Shah")

    # The LAC's home is the dashboard.
    page.goto(f"{live_server.url}/")
    assert heading(page) == "Cases"
    expect(page.get_by_role("link", name="New notifications to screen")).to_be_visible()
    expect(page.locator("main")).to_contain_text("1 notification")
    axe_check(page)
    shot(page, "allocation-01-dashboard")

    # Screen the notification.
    click(page, "link", "New notifications to screen")
    axe_check(page)
    click(page, "link", notification.reference)
    axe_check(page)
    page.get_by_label("Eligible: open a case, awaiting allocation").check()
    click(page, "button", "Record decision")
    expect(page.locator(".nhsuk-notification-banner")).to_contain_text(
        "Screening decision recorded"
    )
    axe_check(page)

    # The case page, then allocation.
    click(page, "link", f"Case {notification.reference}")
    assert heading(page) == f"Case {notification.reference}"
    expect(page.locator("main")).to_contain_text("Not allocated")
    axe_check(page)
    click(page, "button", "Allocate")
    assert heading(page) == f"Allocate case {notification.reference}"
    main = page.locator("main")
    expect(main).to_contain_text("The family asked for a detailed review.")
    # Grace worked for the GP practice: the conflict is shown with its reason, last.
    expect(main).to_contain_text("Kirkgate Surgery is the GP practice: the reviewer works there")
    labels = page.locator("input[name=reviewer] + label").all_inner_texts()
    assert [text.strip() for text in labels] == ["Daniel Evans", "Ola Free", "Grace Okafor"]
    axe_check(page)
    shot(page, "allocation-02-allocate")

    page.get_by_label("Focused review").check()
    page.get_by_label("Why did you choose this type of review?").fill(
        "The family asked for a detailed review"
    )
    page.get_by_label("Grace Okafor").check()
    click(page, "button", "Allocate")
    summary = page.locator(".nhsuk-error-summary")
    expect(summary).to_contain_text("Grace Okafor has a conflict of interest with this case")
    expect(page).to_have_title(re.compile(r"^Error: "))
    # Nothing typed is lost.
    expect(page.get_by_label("Why did you choose this type of review?")).to_have_value(
        "The family asked for a detailed review"
    )
    axe_check(page)
    shot(page, "allocation-03-conflict")
    assert not Allocation.objects.exists()

    page.get_by_label("Ola Free").check()
    page.get_by_label("Senior reviewer for peer support (optional)").select_option(
        label="Daniel Evans"
    )
    click(page, "button", "Allocate")
    expect(page.locator(".nhsuk-notification-banner")).to_contain_text(
        f"Case {notification.reference} allocated to Ola Free"
    )
    axe_check(page)
    shot(page, "allocation-04-allocated")
    allocation = Allocation.objects.get()
    assert (allocation.reviewer, allocation.senior_reviewer) == (people["ola"], people["senior"])
    assert allocation.conflicts == []

    page.goto(f"{live_server.url}/reviews/")
    expect(page.locator("main")).to_contain_text("Ola Free")
    axe_check(page)

    # The reviewer signs in and finds it in "My reviews".
    page.context.clear_cookies()
    sign_in(page, people["ola"])
    expect(page).to_have_url(f"{live_server.url}/reviews/mine/")
    assert heading(page) == "My reviews"
    expect(page.locator("main")).to_contain_text(notification.reference)
    expect(page.locator("main")).to_contain_text("Focused review")
    expect(page.locator("main")).to_contain_text("days left")
    axe_check(page)
    shot(page, "allocation-05-my-reviews")

    click(page, "link", notification.reference)
    expect(page.locator("main")).to_contain_text("This review has been allocated to you")
    axe_check(page)
    click(page, "button", "Accept review")
    expect(page.locator(".nhsuk-error-summary")).to_contain_text(
        "Confirm you have no conflict of interest"
    )
    axe_check(page)
    page.get_by_label("I confirm I have no conflict of interest with this case").check()
    click(page, "button", "Accept review")
    expect(page.locator(".nhsuk-notification-banner")).to_contain_text("Review accepted")
    axe_check(page)
    shot(page, "allocation-06-accepted")
    assert Case.objects.get().status == CaseStatus.IN_PROGRESS


def test_the_directory_and_the_other_allocation_pages_are_accessible(
    signed_in_page, live_server, people, make_user, sign_in, axe_check, shot, icb
):
    from reviews.services import case_allocate, case_open

    sunrise = OrganisationFactory(
        parent_icb=icb, name="Sunrise Care", org_type=OrganisationType.CARE_PROVIDER
    )
    ReviewerProfileFactory(
        icb=icb,
        user__full_name="Tim Expired",
        training_completed_on=timezone.localdate() - datetime.timedelta(days=400),
    )
    lac = make_user(Role.LAC)
    case = case_open(notification=people["notification"], by=lac)
    case_allocate(
        case=case,
        reviewer=people["grace"],
        review_type="initial",
        review_type_reason="No focused review criteria",
        override_justification="Left the practice's reception in 2019",
        by=lac,
    )
    make_user(Role.REVIEWER, full_name="Nia Newcomer")
    page = signed_in_page(Role.LAC)
    base = live_server.url

    page.goto(f"{base}/reviews/reviewers/")
    expect(page.locator("main")).to_contain_text("Tim Expired")
    expect(page.locator("main")).to_contain_text("Expired")
    axe_check(page)
    shot(page, "allocation-07-directory")
    click(page, "link", "Tim Expired")
    expect(page.locator(".nhsuk-card--warning")).to_contain_text("Training not in date")
    axe_check(page)
    click(page, "link", "Change training date and caseload")
    page.get_by_label("Day").fill("31")
    page.get_by_label("Month").fill("2")
    page.get_by_label("Year").fill("2026")
    click(page, "button", "Save")
    expect(page.locator(".nhsuk-error-summary")).to_contain_text("must be a real date")
    axe_check(page)
    page.goto(f"{base}/reviews/reviewers/")
    click(page, "link", "Grace Okafor")
    click(page, "link", "Add an employer")
    axe_check(page)
    page.goto(f"{base}/reviews/reviewers/")
    click(page, "link", "Grace Okafor")
    click(page, "link", "Record a declared conflict")
    click(page, "button", "Save conflict")
    expect(page.locator(".nhsuk-error-summary")).to_contain_text("Describe the connection")
    axe_check(page)

    # Adding a reviewer who has the role but is not in the directory yet.
    page.goto(f"{base}/reviews/reviewers/")
    page.get_by_label("Nia Newcomer").check()
    click(page, "button", "Add to directory")
    assert heading(page) == "Training and caseload"
    axe_check(page)

    # A provider linked later makes a conflict for nobody here; the override is reported.
    page.goto(f"{base}/reviews/cases/{case.reference}/organisations/add/")
    axe_check(page)
    page.get_by_label("Organisation", exact=True).select_option(label=str(sunrise))
    page.get_by_label("Care provider").check()
    click(page, "button", "Link organisation")
    expect(page.locator("main")).to_contain_text("Sunrise Care (care provider)")
    axe_check(page)
    page.goto(f"{base}/reviews/overrides/")
    expect(page.locator("main")).to_contain_text("Left the practice's reception in 2019")
    axe_check(page)
    shot(page, "allocation-08-overrides")

    # The reviewer's "declare a conflict" page.
    page.context.clear_cookies()
    sign_in(page, people["grace"])
    page.goto(f"{base}/reviews/cases/{case.reference}/conflict/")
    axe_check(page)
    click(page, "button", "Send to the LAC")
    expect(page.locator(".nhsuk-error-summary")).to_contain_text(
        "Describe your conflict of interest"
    )
    axe_check(page)
