"""The public death notification form in a real browser, as a GP receptionist would use it:
once with the keyboard only, once with the mouse through errors, reveals and a change.
axe must find no WCAG 2.2 AA violations on any page.

The harness's ``axe_check`` accepts one design-system finding only (aria-expanded on a
radio that reveals a question): see tests/browser/conftest.py and docs/adr/0006.
"""

from __future__ import annotations

from typing import Any

import pytest
from playwright.sync_api import expect

from leder.tests.factories import GPPracticeFactory
from notifications.models import Notification, NotificationStatus
from notifications.tests.factories import synthetic_nhs_number
from tests.browser.steps import heading

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

FOCUSED_MATCHES = "sel => !!document.activeElement && document.activeElement.matches(sel)"


def tab_to(page: Any, selector: str, limit: int = 120) -> None:
    """Press Tab until the focused element matches ``selector``."""
    for _ in range(limit):
        page.keyboard.press("Tab")
        if page.evaluate(FOCUSED_MATCHES, selector):
            return
    raise AssertionError(f"Could not reach {selector} with the Tab key")


def type_into(page: Any, selector: str, text: str) -> None:
    tab_to(page, selector)
    page.keyboard.type(text)


def choose(page: Any, name: str, value: str) -> None:
    """Select a radio with the keyboard: Tab into the group, then arrow keys."""
    tab_to(page, f'input[type=radio][name="{name}"]')
    page.keyboard.press("Space")
    for _ in range(30):
        if page.evaluate("() => document.activeElement.value") == value:
            assert page.evaluate("() => document.activeElement.checked")
            return
        page.keyboard.press("ArrowDown")
    raise AssertionError(f"No {value} option for {name}")


def continue_with_keyboard(page: Any) -> None:
    tab_to(page, "#main-content-form button")
    with page.expect_navigation():
        page.keyboard.press("Enter")
    errors = page.locator(".nhsuk-error-summary")
    assert not errors.count(), errors.inner_text()


def click_button(page: Any, name: str) -> None:
    with page.expect_navigation():
        page.get_by_role("button", name=name).click()


def test_it_walks_the_form_with_the_keyboard_only(page, live_server, icb, axe_check, shot):
    practice = GPPracticeFactory(parent_icb=icb, name="Kirkgate Surgery", postcode="LS1 4AP")
    GPPracticeFactory(parent_icb=icb, name="Kirkgate Health Centre", postcode="LS2 7UE")
    number = synthetic_nhs_number()

    page.goto(f"{live_server.url}/notify/")
    axe_check(page)
    shot(page, "notify-01-start")
    tab_to(page, "a.nhsuk-button")
    with page.expect_navigation():
        page.keyboard.press("Enter")

    assert heading(page).endswith("About the person who died")
    axe_check(page)
    type_into(page, "#id_given_name", "Ada")
    type_into(page, "#id_family_name", "Testperson")
    type_into(page, "#id_date_of_birth_day", "17")
    page.keyboard.press("Tab")
    page.keyboard.type("5")
    page.keyboard.press("Tab")
    page.keyboard.type("1970")
    type_into(page, "#id_nhs_number", f"{number[:3]} {number[3:6]} {number[6:]}")
    type_into(page, "#id_postcode", "ls1 4ap")
    continue_with_keyboard(page)

    assert heading(page).endswith("About their death")
    axe_check(page)
    type_into(page, "#id_date_of_death_day", "10")
    page.keyboard.press("Tab")
    page.keyboard.type("1")
    page.keyboard.press("Tab")
    page.keyboard.type("2026")
    choose(page, "place_of_death", "hospital")
    type_into(page, "#id_hospital_name", "Test General Hospital")  # revealed by the choice
    continue_with_keyboard(page)

    assert heading(page).endswith("Their GP practice")
    axe_check(page)
    type_into(page, "#q", "Kirkgate")
    with page.expect_navigation():
        page.keyboard.press("Enter")
    assert "2 practices found" in page.content()
    axe_check(page)
    shot(page, "notify-04-gp-search")
    choose(page, "gp_practice", practice.ods_code)
    continue_with_keyboard(page)

    assert heading(page).endswith("Learning disability and autism")
    choose(page, "learning_disability", "yes")
    choose(page, "learning_disability_level", "moderate")
    choose(page, "autism", "not_known")
    axe_check(page)
    continue_with_keyboard(page)

    assert heading(page).endswith("Sex and ethnicity")
    axe_check(page)
    choose(page, "sex", "male")
    choose(page, "ethnicity", "N")
    continue_with_keyboard(page)

    assert heading(page).endswith("What you know about their death")
    axe_check(page)
    type_into(page, "#id_cause_of_death", "Aspiration pneumonia")
    choose(page, "care_concerns", "no")
    choose(page, "detained_mha", "no")
    choose(page, "detained_cjs", "no")
    choose(page, "family_requested_review", "not_known")
    continue_with_keyboard(page)

    assert heading(page).endswith("A family member or friend")
    axe_check(page)
    choose(page, "has_contact", "yes")
    type_into(page, "#id_contact_name", "Bea Testperson")
    type_into(page, "#id_contact_relationship", "sister")
    type_into(page, "#id_contact_phone", "07700 900982")
    choose(page, "contact_knows", "yes")
    continue_with_keyboard(page)

    assert heading(page).endswith("About you")
    axe_check(page)
    type_into(page, "#id_notifier_name", "Cal Receptionist")
    type_into(page, "#id_notifier_role", "GP receptionist")
    type_into(page, "#id_notifier_organisation", "Kirkgate Surgery")
    type_into(page, "#id_notifier_email", "reception@example.nhs.uk")
    continue_with_keyboard(page)

    assert heading(page) == "Check your answers before sending"
    axe_check(page)
    shot(page, "notify-09-check-answers")
    text = page.content()
    assert "Ada Testperson" in text and "Kirkgate Surgery" in text and "Yes (moderate)" in text
    continue_with_keyboard(page)

    assert page.url == f"{live_server.url}/notify/confirmation/"
    axe_check(page)
    shot(page, "notify-10-confirmation")
    notification = Notification.objects.get()
    assert notification.reference in page.locator(".nhsuk-panel").inner_text()
    assert notification.icb == icb and notification.nhs_number == number
    assert notification.status == NotificationStatus.RECEIVED
    assert [c["code"] for c in notification.focused_criteria] == ["ethnicity"]


def test_it_shows_errors_reveals_and_changes_with_the_mouse(page, live_server, axe_check, shot):
    base = live_server.url
    page.goto(f"{base}/notify/person/")
    click_button(page, "Continue")
    summary = page.locator(".nhsuk-error-summary")
    assert "Enter their first name" in summary.inner_text()
    assert page.title().startswith("Error:")
    axe_check(page)
    shot(page, "notify-02-person-errors")

    page.get_by_label("First name").fill("Ada")
    page.get_by_label("Last name").fill("Testperson")
    page.get_by_label("Day").fill("1")
    page.get_by_label("Month").fill("2")
    page.get_by_label("Year").fill("2012")
    page.get_by_label("NHS number (if you know it)").fill("AB 12 34 56 C")
    click_button(page, "Continue")
    assert "National Insurance number" in summary.inner_text()
    assert page.get_by_label("First name").input_value() == "Ada"  # nothing typed is lost
    axe_check(page)
    page.get_by_label("NHS number (if you know it)").fill("")
    click_button(page, "Continue")

    page.get_by_label("Day").fill("10")
    page.get_by_label("Month").fill("1")
    page.get_by_label("Year").fill("2026")
    other_place = page.get_by_label("Describe where they died")
    assert not other_place.is_visible()
    page.get_by_label("Somewhere else").check()
    assert other_place.is_visible()  # conditional reveal
    click_button(page, "Continue")
    assert "Enter where the person died" in summary.inner_text()
    axe_check(page)
    page.get_by_label("Describe where they died").fill("At a day centre")
    click_button(page, "Continue")
    assert heading(page).endswith("Their GP practice"), summary.all_inner_texts()

    page.get_by_label("I do not know their GP practice, or it is not listed").check()
    click_button(page, "Continue")

    page.locator("#id_learning_disability").check()  # "Yes"
    click_button(page, "Continue")
    assert "Select how severe" in summary.inner_text()
    axe_check(page)
    page.get_by_label("Mild", exact=True).check()
    page.locator("#id_autism").check()
    click_button(page, "Continue")

    page.get_by_label("Female", exact=True).check()
    page.get_by_label("White: British", exact=True).check()
    click_button(page, "Continue")

    for name in ("care_concerns", "detained_mha", "detained_cjs", "family_requested_review"):
        page.locator(f"input[name={name}][value=not_known]").check()
    page.get_by_label("Coroner's investigation or inquest").check()
    click_button(page, "Continue")

    page.get_by_role("radio", name="No", exact=True).check()
    click_button(page, "Continue")

    page.get_by_label("Your full name").fill("Dee Nurse")
    page.get_by_label("Your role or relationship to the person who died").fill("School nurse")
    page.get_by_label("Your phone number").fill("0113 496 0000")
    click_button(page, "Continue")

    assert page.get_by_role("heading", level=1).inner_text() == "Check your answers before sending"
    with page.expect_navigation():
        page.get_by_role("link", name="Change date of birth").click()
    assert page.get_by_label("Year").input_value() == "2012"  # back without losing answers
    page.get_by_label("Year").fill("2011")
    click_button(page, "Save and continue")
    assert "1 February 2011" in page.content()
    click_button(page, "Send notification")

    panel = page.locator(".nhsuk-panel")
    expect(panel).to_be_visible()
    assert "child death review" in page.content()
    axe_check(page)
    shot(page, "notify-11-confirmation-child")
    notification = Notification.objects.get()
    assert notification.status == NotificationStatus.INELIGIBLE
    assert notification.icb is None and notification.reference in panel.inner_text()
