"""GP records in a real browser: a reviewer asks the practice for records; the practice
opens the link from the email (the outbox), uploads two files and finishes; the reviewer
downloads one. axe must find no WCAG 2.2 AA violations on any page.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from django.conf import settings
from django.core import mail
from django.test import Client
from playwright.sync_api import expect

from leder.models import AccessLog
from leder.testing import sign_in_with_mfa
from leder.tests.factories import GPPracticeFactory
from notifications.tests.factories import NotificationFactory
from reviews.records.models import RecordRequest, RecordRequestStatus
from reviews.records.tests import factories as files
from reviews.records.tests.factories import TOKEN_RE, deliver_owed
from reviews.services import case_allocate
from reviews.tests.factories import CaseFactory, ReviewerProfileFactory
from tests.browser.steps import click, heading

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def sign_in_as(page: Any, live_server: Any, user: Any) -> None:
    client = sign_in_with_mfa(Client(), user)
    cookie = client.cookies[settings.SESSION_COOKIE_NAME]
    page.context.add_cookies([{"name": cookie.key, "value": cookie.value, "url": live_server.url}])


@pytest.fixture
def case(icb: Any, make_user: Any, media_root: Path) -> Any:
    from leder.roles import Role

    practice = GPPracticeFactory(
        parent_icb=icb, name="Kirkgate Surgery", secure_email="kirkgate.surgery@nhs.net"
    )
    notification = NotificationFactory(
        icb=icb, gp_practice=practice, given_name="Ada", family_name="Testperson", eligible=True
    )
    case = CaseFactory(notification=notification, icb_org=icb)
    reviewer = ReviewerProfileFactory(icb=icb, user__full_name="Grace Okafor").user
    lac = make_user(Role.LAC, full_name="Priya Shah")
    case_allocate(
        case=case, reviewer=reviewer, review_type="initial", review_type_reason="x", by=lac
    )
    case.reviewer = reviewer
    return case


@pytest.fixture
def media_root(settings: Any, tmp_path: Path) -> Path:
    settings.MEDIA_ROOT = tmp_path / "media"
    return settings.MEDIA_ROOT


def test_a_reviewer_asks_the_practice_uploads_and_the_reviewer_downloads(
    page, live_server, case, axe_check, shot, tmp_path
):
    reviewer = case.reviewer
    sign_in_as(page, live_server, reviewer)

    # The reviewer asks the registered practice for records (the defaults: 3 years).
    page.goto(f"{live_server.url}/records/cases/{case.reference}/")
    assert heading(page) == f"Records for case {case.reference}"
    expect(page.locator("main")).to_contain_text("No records have been asked for yet")
    axe_check(page)
    shot(page, "records-01-case")
    click(page, "button", "Ask for records")
    assert heading(page) == "Ask for records"
    expect(page.get_by_label("Kirkgate Surgery", exact=False)).to_be_checked()
    axe_check(page)
    page.get_by_label("A different email address").check()  # reveals the warning
    expect(page.get_by_text("Check the address")).to_be_visible()
    axe_check(page)
    page.get_by_label("The organisation's secure email address").check()
    shot(page, "records-02-ask")
    click(page, "button", "Send the request")
    expect(page.locator("main")).to_contain_text("Records requested from Kirkgate Surgery")
    expect(page.locator("main")).to_contain_text("Link being sent")
    axe_check(page)

    # The worker sends the link; the practice opens it from the email.
    mail.outbox.clear()
    deliver_owed()
    [email] = mail.outbox
    assert email.to == ["kirkgate.surgery@nhs.net"] and "Ada" not in email.body
    [token] = TOKEN_RE.findall(email.body)
    link = next(line for line in email.body.splitlines() if token in line).strip()
    assert link.startswith(settings.SITE_URL)
    page.context.clear_cookies()
    page.goto(link.replace(settings.SITE_URL, live_server.url))
    assert heading(page) == "Send records for a LeDeR review"
    main = page.locator("main")
    for text in ("Ada Testperson", "17 May 1970", case.reference, "Kirkgate Surgery"):
        expect(main).to_contain_text(text)
    axe_check(page)
    shot(page, "records-03-landing")

    # An empty upload is refused clearly ...
    click(page, "button", "Upload files")
    expect(page.locator(".nhsuk-error-summary")).to_contain_text("Select the files to upload")
    axe_check(page)
    # ... then two files.
    letter, scan = tmp_path / "GP letter.pdf", tmp_path / "scan.png"
    letter.write_bytes(files.PDF)
    scan.write_bytes(files.PNG)
    page.locator("input[type=file]").set_input_files([str(letter), str(scan)])
    click(page, "button", "Upload files")
    expect(page.locator("main")).to_contain_text("2 files uploaded")
    expect(page.get_by_role("table")).to_contain_text("GP letter.pdf")
    axe_check(page)
    shot(page, "records-04-uploaded")

    # Finish: the practice confirms that is everything and gets a receipt.
    page.get_by_label("I have uploaded all the records asked for").check()
    click(page, "button", "Finish and send")
    assert heading(page) == "Records sent"
    expect(page.locator("main")).to_contain_text("scan.png")
    axe_check(page)
    shot(page, "records-05-receipt")
    request = RecordRequest.objects.get()
    assert request.status == RecordRequestStatus.COMPLETED

    # The reviewer sees the history and downloads one file.
    sign_in_as(page, live_server, reviewer)
    page.goto(f"{live_server.url}/records/cases/{case.reference}/")
    expect(page.locator("main")).to_contain_text("Records received")
    axe_check(page)
    click(page, "link", "Kirkgate Surgery")
    for text in ("Link emailed", "Organisation started using the link", "Files received"):
        expect(page.locator("main")).to_contain_text(text)
    axe_check(page)
    shot(page, "records-06-request")
    with page.expect_download() as info:
        page.get_by_role("link", name="GP letter.pdf").click()
    download = info.value
    assert download.suggested_filename == "GP letter.pdf"
    assert Path(download.path()).read_bytes() == files.PDF
    assert AccessLog.objects.filter(user=reviewer, action="download").count() == 1
