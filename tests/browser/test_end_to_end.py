"""One death through the whole service, as the people who do the work would see it.

Each person has their own browser (context) and signs in with their password and
authenticator code through the real pages: a GP receptionist notifies the death on the
public form; the LAC screens it, sees the focused-review criteria and allocates it after the
first choice of reviewer turns out to have a conflict of interest; the reviewer accepts and
asks the GP practice for records; the practice opens the emailed link and uploads them; the
reviewer puts the review on hold and resumes it, works through the focused review's sections
while the senior reviewer comments (peer support), and submits it; a QA panel returns it;
the reviewer amends and resubmits; the next QA panel approves it and the Governance Group
signs it off; an action agreed from it is completed with evidence; the KPI dashboard and
the annual report (PDF, read with pypdf) count the case.

axe runs on every page visited (0 WCAG 2.2 AA violations) and each step's screenshot is
saved, numbered in order (``make screenshots`` writes them to docs/guide/images/ for the
guides: see tests/browser/steps.py).
"""

from __future__ import annotations

import datetime
import re
import time
from pathlib import Path
from typing import Any

import pytest
from django.conf import settings
from django.core import mail
from django.utils import timezone
from playwright.sync_api import expect

from governance.models import Action, ActionStatus, GeneratedDocument
from governance.services.documents import document_render
from governance.tests.factories import panel_member, provider
from governance.tests.pdf import pdf_text
from leder.roles import Role
from leder.tests.factories import GPPracticeFactory
from notifications.models import Notification
from reviews.models import Case, CaseStatus, LearningTheme, ReviewVersion
from reviews.records.tests import factories as files
from reviews.records.tests.factories import TOKEN_RE, deliver_owed
from reviews.tests.factories import EmploymentFactory, ReviewerProfileFactory
from tests.browser.steps import Journey, date, heading, radio

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def media_root(settings: Any, tmp_path: Path) -> Path:
    settings.MEDIA_ROOT = tmp_path / "media"
    return settings.MEDIA_ROOT


@pytest.fixture
def journey(browser, live_server, axe_check, sign_in) -> Any:
    trip = Journey(browser=browser, base=live_server.url, axe_check=axe_check, sign_in=sign_in)
    yield trip
    trip.close()


@pytest.fixture
def people(icb: Any, make_user: Any) -> dict[str, Any]:
    from django.db import connection

    with connection.cursor() as cursor:  # the notification's reference: LDR-YYYY-000001
        cursor.execute("ALTER SEQUENCE notifications_reference_seq RESTART WITH 1")
    practice = GPPracticeFactory(
        parent_icb=icb,
        name="Kirkgate Surgery",
        postcode="LS1 4AP",
        secure_email="kirkgate.surgery@nhs.net",
    )
    grace = ReviewerProfileFactory(icb=icb, user__full_name="Grace Okafor")
    EmploymentFactory(profile=grace, organisation=practice, started_on=datetime.date(2018, 1, 8))
    for name in ("Reasonable adjustments", "Dysphagia and aspiration pneumonia"):
        LearningTheme.objects.get_or_create(name=name)
    return {
        "practice": practice,
        "trust": provider(icb, "Leeds Community Healthcare"),
        "lac": make_user(Role.LAC, full_name="Priya Shah"),
        "grace": grace.user,
        "ola": ReviewerProfileFactory(icb=icb, user__full_name="Ola Free").user,
        "senior": ReviewerProfileFactory(icb=icb, senior=True, user__full_name="Daniel Evans").user,
        "helen": panel_member(icb, "Helen Price"),
        "kim": panel_member(icb, "Kim Osei"),
        "gwen": panel_member(icb, "Gwen Hughes", role=Role.GOVERNANCE_MEMBER),
        "omar": panel_member(icb, "Omar Malik", role=Role.GOVERNANCE_MEMBER),
    }


def main(page: Any) -> Any:
    return page.locator("main")


def banner(page: Any) -> Any:
    return page.locator(".nhsuk-notification-banner")


def complete_and_save(journey: Journey, page: Any) -> None:
    radio(page, "Have you completed this section?", "Yes, I've completed this section")
    journey.click(page, "button", "Save and continue")
    errors = page.locator(".nhsuk-error-summary")
    assert not errors.count(), errors.inner_text()


def open_section(journey: Journey, page: Any, title: str) -> None:
    journey.click(page, "link", title)
    assert heading(page) == title


def fill_date(page: Any, when: datetime.date) -> None:
    page.get_by_label("Day").fill(str(when.day))
    page.get_by_label("Month").fill(str(when.month))
    page.get_by_label("Year").fill(str(when.year))


def test_one_death_through_the_whole_service(journey, people, media_root, tmp_path):
    started = time.perf_counter()
    j = journey

    # --- 1. A GP receptionist notifies the death (no account needed) ----------------------
    notifier = j.person()
    j.goto(notifier, "/notify/")
    assert heading(notifier).startswith("Tell us about the death of a person")
    j.shot(notifier, "notifier-start")
    j.click(notifier, "button", "Start now")
    assert heading(notifier).endswith("About the person who died")
    notifier.get_by_label("First name").fill("Ada")
    notifier.get_by_label("Last name").fill("Testperson")
    fill_date(notifier, datetime.date(1970, 5, 17))
    notifier.get_by_label("Postcode (if you know it)").fill("LS1 4AP")
    j.click(notifier, "button", "Continue")
    assert heading(notifier).endswith("About their death")
    fill_date(notifier, timezone.localdate() - datetime.timedelta(days=12))
    notifier.get_by_label("In hospital", exact=True).check()
    notifier.get_by_label("Name of the hospital (if you know it)").fill("Leeds General Infirmary")
    j.click(notifier, "button", "Continue")
    assert heading(notifier).endswith("Their GP practice")
    notifier.get_by_label("Search by practice name, postcode or code").fill("Kirkgate")
    j.click(notifier, "button", "Search")
    notifier.get_by_label("Kirkgate Surgery", exact=False).check()
    j.click(notifier, "button", "Continue")
    assert heading(notifier).endswith("Learning disability and autism")
    notifier.locator("#id_learning_disability").check()  # "Yes"
    notifier.get_by_label("Moderate", exact=True).check()
    notifier.locator("input[name=autism][value=not_known]").check()
    j.click(notifier, "button", "Continue")
    assert heading(notifier).endswith("Sex and ethnicity")
    notifier.get_by_label("Female", exact=True).check()
    notifier.get_by_label("Black or Black British: African", exact=True).check()
    j.click(notifier, "button", "Continue")
    assert heading(notifier).endswith("What you know about their death")
    notifier.get_by_label("Cause of death (if you know it)").fill("Aspiration pneumonia")
    for name in ("care_concerns", "detained_mha", "detained_cjs", "family_requested_review"):
        notifier.locator(f"input[name={name}][value=no]").check()
    j.click(notifier, "button", "Continue")
    assert heading(notifier).endswith("A family member or friend")
    notifier.get_by_role("radio", name="No", exact=True).check()
    j.click(notifier, "button", "Continue")
    assert heading(notifier).endswith("About you")
    notifier.get_by_label("Your full name").fill("Cal Receptionist")
    notifier.get_by_label("Your role or relationship to the person who died").fill(
        "GP receptionist"
    )
    notifier.get_by_label("Your phone number").fill("0113 496 0000")
    j.click(notifier, "button", "Continue")
    assert heading(notifier) == "Check your answers before sending"
    expect(main(notifier)).to_contain_text("Kirkgate Surgery")
    j.shot(notifier, "notifier-check-answers")
    j.click(notifier, "button", "Send notification")
    notification = Notification.objects.get()
    expect(notifier.locator(".nhsuk-panel")).to_contain_text(notification.reference)
    j.shot(notifier, "notifier-confirmation")
    reference = notification.reference
    assert [c["code"] for c in notification.focused_criteria] == ["ethnicity"]

    # --- 2. The LAC screens it and sees the focused-review criteria -----------------------
    lac = j.person(people["lac"], show_sign_in=True)
    j.goto(lac, "/")
    assert heading(lac) == "Cases"
    expect(main(lac)).to_contain_text("1 notification")
    j.shot(lac, "lac-dashboard")
    j.click(lac, "link", "New notifications to screen")
    j.click(lac, "link", reference)
    expect(main(lac)).to_contain_text("Ethnicity recorded as Black or Black British: African.")
    j.shot(lac, "lac-screening")
    lac.get_by_label("Eligible: open a case, awaiting allocation").check()
    j.click(lac, "button", "Record decision")
    expect(banner(lac)).to_contain_text("Screening decision recorded")
    j.click(lac, "link", f"Case {reference}")
    expect(main(lac)).to_contain_text("Not allocated")

    # ... allocates: the first choice works at the GP practice, so another is chosen.
    j.click(lac, "button", "Allocate")
    assert heading(lac) == f"Allocate case {reference}"
    expect(main(lac)).to_contain_text("Ethnicity recorded as Black or Black British: African.")
    expect(main(lac)).to_contain_text("Kirkgate Surgery is the GP practice: the reviewer works")
    lac.get_by_label("Focused review").check()
    lac.get_by_label("Why did you choose this type of review?").fill(
        "Ethnicity other than White British: a focused review criterion"
    )
    lac.get_by_label("Grace Okafor").check()
    j.click(lac, "button", "Allocate")
    expect(lac.locator(".nhsuk-error-summary")).to_contain_text(
        "Grace Okafor has a conflict of interest with this case"
    )
    expect(lac).to_have_title(re.compile(r"^Error: "))
    j.shot(lac, "lac-allocate-conflict")
    lac.get_by_label("Ola Free").check()
    lac.get_by_label("Senior reviewer for peer support (optional)").select_option(
        label="Daniel Evans"
    )
    j.click(lac, "button", "Allocate")
    expect(banner(lac)).to_contain_text(f"Case {reference} allocated to Ola Free")
    j.shot(lac, "lac-allocated")

    # --- 3. The reviewer accepts and sees the records asked for ---------------------
    reviewer = j.person(people["ola"])
    assert heading(reviewer) == "My reviews"
    expect(main(reviewer)).to_contain_text(reference)
    expect(main(reviewer)).to_contain_text("Focused review")
    j.shot(reviewer, "reviewer-my-reviews")
    j.click(reviewer, "link", reference)
    expect(main(reviewer)).to_contain_text("This review has been allocated to you")
    reviewer.get_by_label("I confirm I have no conflict of interest with this case").check()
    j.click(reviewer, "button", "Accept review")
    expect(banner(reviewer)).to_contain_text("Review accepted")
    assert Case.objects.get().status == CaseStatus.IN_PROGRESS
    j.shot(reviewer, "reviewer-accepted")
    j.goto(reviewer, f"/records/cases/{reference}/")
    assert heading(reviewer) == f"Records for case {reference}"
    # Allocation asked the registered GP practice for records automatically.
    expect(main(reviewer)).to_contain_text("Kirkgate Surgery")
    j.shot(reviewer, "reviewer-records")

    # --- 4. The GP practice opens the emailed link and uploads the records ----------------
    mail.outbox.clear()
    deliver_owed()  # the worker sends the email
    [email] = [m for m in mail.outbox if m.to == ["kirkgate.surgery@nhs.net"]]
    assert "Ada" not in email.body and "Testperson" not in email.body
    [token] = TOKEN_RE.findall(email.body)
    link = next(line for line in email.body.splitlines() if token in line).strip()
    practice = j.person()
    j.goto(practice, link.replace(settings.SITE_URL, j.base))
    assert heading(practice) == "Send records for a LeDeR review"
    expect(main(practice)).to_contain_text("Ada Testperson")
    j.shot(practice, "gp-practice-link")
    letter, scan = tmp_path / "GP summary.pdf", tmp_path / "consultation.png"
    letter.write_bytes(files.PDF)
    scan.write_bytes(files.PNG)
    practice.locator("input[type=file]").set_input_files([str(letter), str(scan)])
    j.click(practice, "button", "Upload files")
    expect(main(practice)).to_contain_text("2 files uploaded")
    j.shot(practice, "gp-practice-uploaded")
    practice.get_by_label("I have uploaded all the records asked for").check()
    j.click(practice, "button", "Finish and send")
    assert heading(practice) == "Records sent"
    j.shot(practice, "gp-practice-receipt")

    # --- 5. The reviewer puts the review on hold, then resumes it -------------------------
    j.goto(reviewer, f"/reviews/cases/{reference}/")
    expect(main(reviewer)).to_contain_text("Records received")
    j.click(reviewer, "link", "Put the review on hold")
    reviewer.get_by_label("Coroner's inquest").check()
    fill_date(reviewer, timezone.localdate() + datetime.timedelta(days=60))
    j.shot(reviewer, "reviewer-hold")
    j.click(reviewer, "button", "Put on hold")
    expect(banner(reviewer)).to_contain_text("The review is on hold")
    expect(main(reviewer)).to_contain_text("The 6-month clock is paused")
    expect(reviewer.locator(".nhsuk-tag", has_text="On hold")).to_be_visible()
    j.shot(reviewer, "reviewer-on-hold")
    j.click(reviewer, "button", "Resume the review")
    expect(banner(reviewer)).to_contain_text("The review has resumed")

    # --- 6. The focused review, section by section ----------------------------------------
    assert heading(reviewer) == "Focused review"
    expect(main(reviewer)).to_contain_text("You have completed 0 of 10 sections")
    j.shot(reviewer, "reviewer-task-list")

    open_section(j, reviewer, "About the person")
    reviewer.get_by_label("Pen portrait").fill("Ada loved gardening and music.")
    radio(reviewer, "Did the person have a diagnosis of autism?", "No")
    radio(reviewer, "Type of accommodation", "Supported living")
    radio(reviewer, "Did the person live alone?", "No")
    radio(reviewer, "Was the person placed out of area?", "No")
    reviewer.get_by_label("Communication needs").fill("Used Makaton")
    j.shot(reviewer, "reviewer-section")
    complete_and_save(j, reviewer)

    open_section(j, reviewer, "Family and carers")
    radio(reviewer, "Did you speak to the family or someone close to the person?", "Yes")
    date(reviewer, "Date you spoke to them", *_dmy(timezone.localdate()))
    reviewer.get_by_label("Their relationship to the person").fill("Sister")
    reviewer.get_by_label("Their views of the person's care").fill("They felt listened to.")
    radio(reviewer, "Has a condolence letter been sent?", "No")
    radio(reviewer, "Was the draft pen portrait shared with the family for comment?", "No")
    complete_and_save(j, reviewer)

    open_section(j, reviewer, "Evidence gathered")
    radio(reviewer, "Have you reviewed the GP records?", "Yes, I have reviewed the GP records")
    radio(reviewer, "Did you speak to the person's GP?", "No")
    reviewer.get_by_label("Other professionals you spoke to").fill(
        "Community nurse, Leeds Community Healthcare"
    )
    complete_and_save(j, reviewer)

    open_section(j, reviewer, "Key episodes of care")
    j.click(reviewer, "button", "Add a key episode")
    date(reviewer, "Date of the episode", *_dmy(timezone.localdate() - datetime.timedelta(40)))
    reviewer.get_by_label("Hospital (inpatient)").check()
    reviewer.get_by_label("Organisation").fill("Leeds Teaching Hospitals")
    reviewer.get_by_label("What happened").fill("Admitted with a chest infection.")
    j.click(reviewer, "button", "Save episode")
    expect(main(reviewer)).to_contain_text("Leeds Teaching Hospitals")
    complete_and_save(j, reviewer)

    open_section(j, reviewer, "Cause and circumstances of death")
    reviewer.get_by_label("ICD-10 code of the underlying cause (optional)").fill("J69.0")
    radio(reviewer, "Was the death referred to the coroner?", "No")
    radio(reviewer, "Avoidable death assessment", "Treatable")
    complete_and_save(j, reviewer)

    open_section(j, reviewer, "Care questions")
    radio(reviewer, "Was a DNACPR decision in place?", "Yes")
    radio(reviewer, "Was the DNACPR decision made and followed correctly?", "Yes")
    radio(
        reviewer,
        "Was the Mental Capacity Act relevant to decisions about the person's care?",
        "No",
    )
    radio(
        reviewer,
        "Was the person under a Deprivation of Liberty Safeguards authorisation?",
        "No",
    )
    radio(reviewer, "Were reasonable adjustments made?", "Partly")
    radio(
        reviewer,
        "Did the person have an annual health check in the 12 months before they died?",
        "Yes",
    )
    radio(reviewer, "Did the person have a health action plan?", "Yes")
    radio(reviewer, "Were there delays in the person's care?", "No")
    radio(reviewer, "Did the person's care package meet their needs?", "Yes")
    radio(reviewer, "Were any guidelines, policies or pathways not followed?", "No")
    complete_and_save(j, reviewer)

    open_section(j, reviewer, "Multi-agency meetings")
    j.click(reviewer, "button", "Add a meeting")
    date(reviewer, "Date of the meeting", *_dmy(timezone.localdate() - datetime.timedelta(3)))
    reviewer.get_by_label("Who attended").fill(
        "Safeguarding lead, Leeds City Council\nWard manager, Leeds Teaching Hospitals"
    )
    reviewer.get_by_label("Summary of the minutes").fill("The discharge plan was not shared.")
    j.click(reviewer, "button", "Save meeting")
    expect(main(reviewer)).to_contain_text("Ward manager (Leeds Teaching Hospitals)")
    complete_and_save(j, reviewer)

    open_section(j, reviewer, "Further agencies and referrals")
    reviewer.get_by_label("Information from further agencies").fill(
        "Social care shared the care plan."
    )
    radio(reviewer, "Was a safeguarding referral made?", "No")
    radio(reviewer, "Was a patient safety incident reported?", "No")
    complete_and_save(j, reviewer)

    open_section(j, reviewer, "Analysis")
    reviewer.get_by_label("Analysis", exact=True).fill(
        "The swallowing plan did not travel with Ada between settings."
    )
    reviewer.get_by_label("Recommendations for improvement").fill(
        "Share swallowing plans at every transfer of care."
    )
    complete_and_save(j, reviewer)

    # --- 7. The senior reviewer comments (peer support); the reviewer answers -------------
    senior = j.person(people["senior"])
    j.goto(senior, f"/reviews/cases/{reference}/review/")
    assert heading(senior) == "Focused review"
    open_section(j, senior, "Analysis")
    senior.get_by_label("Add a comment on analysis").fill("Which settings were involved?")
    j.click(senior, "button", "Add comment")
    expect(main(senior)).to_contain_text("Which settings were involved?")
    j.shot(senior, "senior-reviewer-comment")

    j.goto(reviewer, f"/reviews/cases/{reference}/review/")
    expect(main(reviewer)).to_contain_text("1 peer support comment, 1 not answered")
    open_section(j, reviewer, "Analysis")
    reviewer.get_by_label("Your answer").fill("The hospital and the supported living home.")
    j.click(reviewer, "button", "Add your answer")
    expect(main(reviewer)).to_contain_text("The hospital and the supported living home.")
    j.goto(reviewer, f"/reviews/cases/{reference}/review/")

    open_section(j, reviewer, "Findings")
    reviewer.get_by_label("Good practice", exact=True).fill("Hospital passport used.")
    reviewer.get_by_label("Learning", exact=True).fill("Swallowing plans must travel.")
    reviewer.get_by_label("Concerns about the care the person received").fill("None")
    reviewer.get_by_label("3: Satisfactory care").check()
    reviewer.get_by_label("Dysphagia and aspiration pneumonia").check()
    complete_and_save(j, reviewer)
    expect(main(reviewer)).to_contain_text("You have completed 10 of 10 sections")
    j.shot(reviewer, "reviewer-all-complete")

    # --- 8. The reviewer submits for quality assurance ------------------------------------
    submit_review(j, reviewer, version=1)
    j.shot(reviewer, "reviewer-submitted")

    # --- 9. The QA panel meets and returns it ---------------------------------------------
    first = schedule_meeting(j, lac, people, "Schedule a QA panel meeting", days=7)
    j.shot(lac, "lac-meeting-scheduled")
    invite(j, lac, [(people["helen"], "Safeguarding lead"), (people["kim"], "GP lead")], people)
    j.click(lac, "button", f"Add to agenda review {reference}")
    expect(main(lac)).to_contain_text("Reviews on the agenda")
    j.shot(lac, "lac-agenda")
    helen = j.person(people["helen"])
    kim = j.person(people["kim"])
    j.goto(helen, f"/governance/meetings/{first}/")
    j.shot(helen, "panel-member-meeting")
    start_meeting(j, lac, [people["lac"], people["helen"], people["kim"]])
    j.click(lac, "link", f"Review {reference}")
    lac.get_by_label("Returned to the reviewer").check()
    lac.get_by_label("Summary of the discussion").fill("The GP's account is missing.")
    lac.get_by_label("Comments for the reviewer").fill("Add the GP's account of the last visit.")
    j.shot(lac, "lac-decision", at=lac.get_by_role("heading", name="Record the decision"))
    j.click(lac, "button", "Record the decision")
    expect(banner(lac)).to_contain_text("Decision recorded")
    j.click(lac, "button", "Sign off this decision")
    for member in (helen, kim):
        sign_decision(j, member, first, reference)
    j.shot(kim, "panel-member-signed", at=kim.get_by_role("heading", name="Decision", exact=True))
    assert Case.objects.get().status == CaseStatus.RETURNED
    close_meeting(j, lac, first)
    j.shot(lac, "lac-minutes")

    # --- 10. The reviewer amends and resubmits --------------------------------------------
    j.goto(reviewer, f"/reviews/cases/{reference}/review/")
    expect(main(reviewer)).to_contain_text("Returned by the panel")
    expect(main(reviewer)).to_contain_text("Add the GP's account of the last visit.")
    j.shot(reviewer, "reviewer-returned")
    open_section(j, reviewer, "Evidence gathered")
    radio(reviewer, "Did you speak to the person's GP?", "Yes")
    date(reviewer, "Date you spoke to the GP", *_dmy(timezone.localdate()))
    reviewer.get_by_label("What the GP told you").fill(
        "The GP saw Ada a week before she died; the swallowing plan was not on her record."
    )
    complete_and_save(j, reviewer)
    submit_review(j, reviewer, version=2)
    assert ReviewVersion.objects.filter(case__reference=reference).count() == 2

    # --- 11. The next QA panel approves it; the Governance Group signs it off -------------
    second = schedule_meeting(j, lac, people, "Schedule a QA panel meeting", days=14)
    invite(j, lac, [(people["helen"], "Safeguarding lead"), (people["kim"], "GP lead")], people)
    j.click(lac, "button", f"Add to agenda review {reference}")
    start_meeting(j, lac, [people["lac"], people["helen"], people["kim"]])
    j.click(lac, "link", f"Review {reference}")
    lac.get_by_label("Approved", exact=True).check()
    lac.get_by_label("Summary of the discussion").fill("The GP's account is now included.")
    j.click(lac, "button", "Record the decision")
    j.click(lac, "button", "Sign off this decision")
    for member in (helen, kim):
        sign_decision(j, member, second, reference)
    close_meeting(j, lac, second)
    assert Case.objects.get().status == CaseStatus.AWAITING_QA  # waits for the Group

    group = schedule_meeting(
        j, lac, people, "Schedule a Governance Group meeting", days=21, chair=people["gwen"]
    )
    invite(j, lac, [(people["omar"], "Public health lead"), (people["lac"], "LAC")], people)
    j.click(lac, "button", f"Add to agenda review {reference}")
    gwen = j.person(people["gwen"])
    omar = j.person(people["omar"])
    j.goto(gwen, f"/governance/meetings/{group}/")
    expect(main(gwen)).to_contain_text(reference)
    j.shot(gwen, "governance-meeting")
    start_meeting(j, gwen, [people["gwen"], people["omar"], people["lac"]])
    j.click(gwen, "link", f"Review {reference}")
    gwen.get_by_label("Approved", exact=True).check()
    gwen.get_by_label("Summary of the discussion").fill("Signed off; the learning is shared.")
    j.click(gwen, "button", "Record the decision")
    j.click(gwen, "button", "Sign off this decision")
    for member in (omar, lac):
        sign_decision(j, member, group, reference)
    assert Case.objects.get().status == CaseStatus.COMPLETED
    j.goto(gwen, f"/governance/meetings/{group}/")
    j.click(gwen, "link", f"Review {reference}")
    expect(main(gwen)).to_contain_text("Approved")
    conflicts = gwen.locator(".nhsuk-summary-list__row", has_text="Conflicts declared")
    expect(conflicts.locator(".nhsuk-summary-list__value")).to_have_text("0")
    j.shot(
        gwen, "governance-signed-off", at=gwen.get_by_role("heading", name="Decision", exact=True)
    )

    # --- 12. An action is agreed from the decision, and its owner completes it ------------
    j.goto(lac, f"/governance/meetings/{group}/")
    j.click(lac, "link", f"Review {reference}")
    j.click(lac, "link", "Agree an action from this review")
    lac.get_by_label("What will be done?").fill("Swallowing plans travel with the person")
    lac.get_by_label("How will we know it is done?").fill(
        "Every discharge letter audited in March includes the swallowing plan"
    )
    lac.get_by_label("Organisation that owns the action").select_option(
        label="Leeds Community Healthcare"
    )
    lac.get_by_label("Person who owns it (if they use this service)").select_option(
        label="Omar Malik"
    )
    fill_date(lac, timezone.localdate() + datetime.timedelta(days=90))
    j.shot(lac, "lac-action-new")
    j.click(lac, "button", "Save action")
    action = Action.objects.get()
    expect(banner(lac)).to_contain_text(f"Action {action.reference} agreed")
    assert list(action.cases.values_list("reference", flat=True)) == [reference]
    close_meeting(j, gwen, group)

    j.goto(omar, "/governance/actions/")
    j.click(omar, "link", action.reference, exact=False)
    evidence = tmp_path / "discharge audit.pdf"
    evidence.write_bytes(files.PDF)
    omar.locator("input[type=file]").set_input_files(str(evidence))
    j.click(omar, "button", "Upload file")
    expect(banner(omar)).to_contain_text("discharge audit.pdf uploaded")
    omar.get_by_label("Completed", exact=True).check()
    omar.get_by_role("textbox", name="Evidence of completion").fill(
        "The March audit: 20 of 20 letters."
    )
    j.click(omar, "button", "Save status")
    expect(main(omar)).to_contain_text("Completed")
    j.shot(omar, "governance-action-completed")
    action.refresh_from_db()
    assert action.status == ActionStatus.COMPLETED

    # --- 13. The KPI dashboard and the annual report count the case -----------------------
    j.goto(gwen, "/governance/kpis/")
    assert heading(gwen) == "Reports and key performance indicators"
    expect(main(gwen)).to_contain_text("1 notification received in the period")
    expect(main(gwen)).to_contain_text("100.0% of 1 review completed")
    j.shot(gwen, "governance-kpis")
    j.goto(gwen, "/governance/reports/")
    gwen.get_by_label("Annual report").check()
    j.click(gwen, "button", "Prepare the PDF")
    document = GeneratedDocument.objects.get()
    expect(main(gwen)).to_contain_text("The document is being prepared")
    document_render(document_id=document.pk)  # the worker renders it
    # The page asks for the progress and reloads itself when the PDF is ready.
    download = gwen.get_by_role("link", name=re.compile(r"^Download the PDF"))
    expect(download).to_be_visible(timeout=20_000)
    j.seen(gwen)
    expect(main(gwen)).to_contain_text(
        re.compile(r"seconds on \d+ \w+ \d{4} at \d{1,2}:\d\d[ap]m\.(?!\.)")
    )
    j.shot(gwen, "governance-annual-report")
    with gwen.expect_download() as info:
        download.click()
    text = " ".join(pdf_text(Path(info.value.path()).read_bytes()).split())
    assert "Deaths notified 1" in text, text
    assert "Reviews completed 1" in text, text
    assert "Actions completed 1" in text, text

    # Every page was checked by axe; nothing tried to leave the machine.
    assert set(j.external) <= {"assets.nhs.uk"}
    print(
        f"\nEnd-to-end journey: {len(j.pages)} pages checked by axe, {len(j.shots)} "
        f"screenshots ({sum(p.stat().st_size for p in j.shots) // 1024} KB) in "
        f"{j.directory}, {time.perf_counter() - started:.0f} s (axe {j.axe_seconds:.0f} s)"
    )


def _dmy(day: datetime.date) -> tuple[str, str, str]:
    return str(day.day), str(day.month), str(day.year)


def submit_review(j: Journey, page: Any, version: int) -> None:
    j.click(page, "button", "Check your answers and submit")
    assert heading(page) == "Check your answers before submitting the review"
    page.get_by_label("I confirm the review is complete and ready for quality assurance").check()
    j.click(page, "button", "Submit for quality assurance")
    expect(main(page)).to_contain_text(f"submitted for quality assurance as version {version}")


def schedule_meeting(
    j: Journey, lac: Any, people: dict[str, Any], button: str, days: int, chair: Any = None
) -> int:
    from governance.models import Meeting

    j.goto(lac, "/governance/meetings/")
    assert heading(lac) == "Panel meetings"
    j.click(lac, "button", button)
    fill_date(lac, timezone.localdate() + datetime.timedelta(days=days))
    lac.get_by_label("Start time").fill("14:00")
    lac.get_by_label("Where is the meeting? (optional if it is online)").fill("Board room")
    if chair is not None:
        lac.get_by_label("Who chairs the meeting?").select_option(label=chair.full_name)
    lac.get_by_label("Organisation the chair represents").select_option(label=people["trust"].name)
    j.click(lac, "button", "Schedule meeting")
    expect(banner(lac)).to_contain_text("scheduled")
    return Meeting.objects.latest("pk").pk


def invite(j: Journey, lac: Any, members: list[tuple[Any, str]], people: dict[str, Any]) -> None:
    for person, role in members:
        j.click(lac, "button", "Invite a member")
        lac.get_by_label("Person").select_option(label=person.full_name)
        lac.get_by_label("Organisation they represent").select_option(label=people["trust"].name)
        lac.get_by_label("Role on the panel").fill(role)
        j.click(lac, "button", "Invite member")


def start_meeting(j: Journey, chair: Any, present: list[Any]) -> None:
    j.click(chair, "button", "Start the meeting")
    assert heading(chair) == "Who is at the meeting?"
    for person in present:
        chair.get_by_label(person.full_name, exact=False).check()
    j.click(chair, "button", "Record attendance")


def sign_decision(j: Journey, member: Any, meeting: int, reference: str) -> None:
    j.goto(member, f"/governance/meetings/{meeting}/")
    j.click(member, "link", f"Review {reference}")
    j.click(member, "button", "Sign off this decision")
    expect(banner(member)).to_contain_text(re.compile(r"You have signed|Decision signed off"))


def close_meeting(j: Journey, chair: Any, meeting: int) -> None:
    j.goto(chair, f"/governance/meetings/{meeting}/")
    j.click(chair, "button", "Close the meeting and lock the minutes")
    j.click(chair, "link", "Read the minutes")
    expect(main(chair)).to_contain_text("These minutes are locked")
