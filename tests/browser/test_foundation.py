"""The foundation in a real browser: sign-in with MFA, each role's home page, axe clean."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from leder.roles import Role

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_it_signs_in_with_password_and_authenticator_code(
    page, live_server, make_user, sign_in, axe_check, shot
):
    user = make_user(Role.LAC, full_name="Priya Shah")
    page.goto(f"{live_server.url}/")
    # Not signed in: sent to the sign-in page.
    assert "/account/login/" in page.url
    axe_check(page)
    shot(page, "foundation-01-sign-in")

    sign_in(page, user)

    # The LAC's home is the case dashboard.
    expect(page.get_by_role("heading", level=1)).to_have_text("Cases")
    expect(page).to_have_url(f"{live_server.url}/reviews/")
    expect(page.locator(".nhsuk-header")).to_contain_text("Priya Shah")
    axe_check(page)
    shot(page, "foundation-02-home-lac")


def test_it_shows_the_error_summary_for_a_wrong_password(page, live_server, make_user, axe_check):
    user = make_user(Role.REVIEWER)
    page.goto(f"{live_server.url}/account/login/")
    page.get_by_label("Email address").fill(user.email)
    page.get_by_label("Password", exact=True).fill("not the password")
    page.get_by_role("button", name="Sign in").click()

    summary = page.locator(".nhsuk-error-summary")
    expect(summary).to_be_visible()
    expect(summary).to_contain_text("Enter a correct email address and password")
    expect(page).to_have_title(re.compile(r"^Error: "))
    axe_check(page)


def test_it_asks_for_the_security_code_and_rejects_a_wrong_one(
    page, live_server, make_user, axe_check
):
    user = make_user(Role.REVIEWER)
    page.goto(f"{live_server.url}/account/login/")
    page.get_by_label("Email address").fill(user.email)
    page.get_by_label("Password", exact=True).fill("correct horse battery staple")
    page.get_by_role("button", name="Sign in").click()
    expect(page.get_by_label("Security code")).to_be_visible()
    axe_check(page)
    page.get_by_label("Security code").fill("000000")
    page.get_by_role("button", name="Continue").click()

    expect(page.locator(".nhsuk-error-summary")).to_contain_text("Enter a correct security code")
    axe_check(page)
    page.goto(f"{live_server.url}/")
    expect(page).to_have_url(re.compile(r"/account/login/"))


@pytest.mark.parametrize("role", list(Role), ids=[r.value for r in Role])
def test_it_shows_each_role_an_accessible_home_page(
    role, signed_in_page, live_server, axe_check, external_requests
):
    page = signed_in_page(role)
    page.goto(f"{live_server.url}/")

    assert page.get_by_role("heading", level=1).is_visible()
    # The LAC and administrators start on the case dashboard, reviewers on "My reviews".
    work = {Role.LAC: "Cases", Role.ADMINISTRATOR: "Cases", Role.REVIEWER: "My reviews"}
    work[Role.SENIOR_REVIEWER] = "My reviews"
    if role in work:
        assert page.get_by_role("heading", level=1).inner_text() == work[role]
    else:
        assert role.label in page.locator("main").inner_text()
    assert page.locator(".nhsuk-header__account").is_visible()
    axe_check(page)
    # No third-party requests, except the NHS font host.
    assert set(external_requests) <= {"assets.nhs.uk"}
