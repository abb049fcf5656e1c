"""The logs carry no personal data, and say who signed in, who failed and who was refused.

``test_the_main_journeys_log_no_personal_data`` runs the service's main journeys through
the Django test client with every logger captured at DEBUG (the root logger, so Django's
request log and ours): a death notification sent through the public form, signing in
(and failing to), screening and allocation, the reviewer saving a section and submitting,
the GP practice opening the emailed link and uploading, and a QA panel decision. Then
every captured record (message, arguments, exception text) is scanned for the journeys'
NHS number, names, postcode, date of birth, contact details, staff emails, passwords,
TOTP secrets and codes, session keys and raw link tokens: zero matches.

The other tests check the ``leder.security`` lines (leder/auth/security_log.py): sign-in,
failed sign-in (password and code) and refused access each say who (user id), when (the
record's time) and where (path without query string, client address).
"""

from __future__ import annotations

import datetime
import logging
import re
import time
from collections.abc import Callable, Iterable
from typing import Any

import pytest
from django.conf import settings
from django.test import Client
from django.urls import reverse

from leder.auth.totp import totp_secret
from leder.models import Organisation, User
from leder.roles import Role
from leder.testing import TEST_PASSWORD, sign_in_through_pages, sign_in_with_mfa
from leder.tests.factories import GPPracticeFactory, UserFactory, totp_code

pytestmark = pytest.mark.django_db

SECURITY = "leder.security"

PERSON = {
    "given_name": "Wilhelmina",
    "family_name": "Quattlebaum",
    "other_names": "Mina Q",
    "date_of_birth_day": "17",
    "date_of_birth_month": "5",
    "date_of_birth_year": "1970",
    "address": "7 Larkspur Mews, Leeds",
    "postcode": "ls14ap",
}
CONTACT = {
    "has_contact": "yes",
    "contact_name": "Barnaby Quattlebaum",
    "contact_relationship": "brother",
    "contact_phone": "07700 900461",
    "contact_email": "barnaby.q@example.com",
    "contact_knows": "yes",
}
NOTIFIER = {
    "notifier_name": "Cressida Fairweather",
    "notifier_role": "GP receptionist",
    "notifier_email": "cressida.f@example.com",
}


@pytest.fixture
def logs(caplog: pytest.LogCaptureFixture) -> pytest.LogCaptureFixture:
    caplog.set_level(logging.DEBUG)
    for name in ("django", "django.request", "django.security", "leder", "allauth", SECURITY):
        caplog.set_level(logging.DEBUG, logger=name)
    return caplog


@pytest.fixture(autouse=True)
def _media(settings: Any, tmp_path: Any) -> None:
    settings.MEDIA_ROOT = tmp_path / "media"


def record_text(record: logging.LogRecord) -> str:
    """Everything a handler could write for ``record``."""
    formatter = logging.Formatter(settings.LOGGING["formatters"]["plain"]["format"])
    parts = [formatter.format(record), repr(record.args), record.getMessage()]
    if record.exc_info:
        parts.append(formatter.formatException(record.exc_info))
    parts += [record.exc_text or "", record.stack_info or ""]
    return "\n".join(parts)


# The test tools' own debug logs (factory_boy prints the arguments it builds with).
TEST_TOOLS = ("factory", "faker")


def scanned(records: Iterable[logging.LogRecord]) -> list[logging.LogRecord]:
    return [r for r in records if not r.name.startswith(TEST_TOOLS)]


def matches(records: Iterable[logging.LogRecord], secrets: Iterable[str]) -> list[str]:
    found = []
    patterns = [
        re.compile(rf"(?<![\w]){re.escape(s)}(?![\w])", re.IGNORECASE) for s in set(secrets) if s
    ]
    for record in records:
        text = record_text(record)
        for pattern in patterns:
            if pattern.search(text):
                found.append(f"{pattern.pattern!r} in {record.name}: {text[:300]!r}")
    return found


def security_lines(logs: pytest.LogCaptureFixture, start: str) -> list[logging.LogRecord]:
    return [r for r in logs.records if r.name == SECURITY and r.getMessage().startswith(start)]


def staff_secrets(*users: User) -> list[str]:
    out = [TEST_PASSWORD]
    for user in users:
        out += [user.email, user.full_name, totp_secret(user)]
    return out


# --- the journeys ------------------------------------------------------------------------


def notify(icb: Organisation) -> tuple[str, list[str]]:
    """The public form, answered page by page and sent: (reference, what was typed)."""
    from notifications.models import Notification
    from notifications.tests.helpers import fill_steps, submit

    practice = GPPracticeFactory(parent_icb=icb, name="Larkspur Surgery")
    public = Client()
    public.get(reverse("notify:start"))
    fill_steps(
        public,
        practice_code=practice.ods_code,
        person=PERSON,
        family_contact=CONTACT,
        about_you=NOTIFIER,
    )
    assert submit(public).status_code == 302
    notification = Notification.objects.get()
    nhs = notification.nhs_number
    typed = [
        *(v for k, v in PERSON.items() if not k.startswith("date_of_birth")),
        *(v for k, v in CONTACT.items() if k.startswith("contact_") and len(v) > 3),
        NOTIFIER["notifier_name"],
        NOTIFIER["notifier_email"],
        f"{PERSON['given_name']} {PERSON['family_name']}",
        nhs,
        f"{nhs[:3]} {nhs[3:6]} {nhs[6:]}",
        notification.postcode,  # "LS1 4AP"
        "1970-05-17",
        "17/05/1970",
        "17 May 1970",
        "Quattlebaum",
    ]
    return notification.reference, typed


def sign_in(user: User, codes: list[str]) -> Client:
    """Through the real pages (password, then a code): logs a sign-in."""
    client = Client()
    code = totp_code(user)
    codes.append(code)
    response = sign_in_through_pages(client, user, code=code)
    assert response.status_code == 302, response.status_code
    return client


def screen_and_allocate(lac_c: Client, reference: str, reviewer: User) -> None:
    response = lac_c.post(
        reverse("notifications:decision", args=[reference]), {"decision": "eligible"}
    )
    assert response.status_code == 302, response.status_code
    response = lac_c.post(
        reverse("reviews:allocate", args=[reference]),
        {
            "review_type": "initial",
            "review_type_reason": "No focused review criteria met",
            "reviewer": str(reviewer.pk),
            "senior_reviewer": "",
            "override_justification": "",
            "current_allocation": "",
        },
    )
    assert response.status_code == 302, response.content.decode()[:2000]


def review_and_submit(reviewer_c: Client, reference: str, reviewer: User) -> None:
    from reviews.models import Case, CaseStatus
    from reviews.tests.review_data import complete_review, post_data

    assert (
        reviewer_c.post(reverse("reviews:accept", args=[reference]), {"confirm": "on"}).status_code
        == 302
    )
    section = reverse("reviews:review_section", args=[reference, "about-the-person"])
    response = reviewer_c.post(section, {**post_data("about-the-person"), "revision": "0"})
    assert response.status_code == 302, response.status_code
    episode = {
        "occurred_on_day": "2",
        "occurred_on_month": "12",
        "occurred_on_year": "2025",
        "setting": "hospital_inpatient",
        "organisation": "Leeds Teaching Hospitals",
        "what_happened": "Admitted with a chest infection.",
        "good_practice": "Hospital passport used.",
        "concerns": "",
    }
    add = reverse("reviews:review_row_add", args=[reference, "episodes"])
    assert reviewer_c.post(add, episode).status_code == 302
    case = Case.objects.get(reference=reference)
    complete_review(case, reviewer)  # the other sections, through the forms and services
    response = reviewer_c.post(
        reverse("reviews:review_submit", args=[reference]), {"confirm": "on"}
    )
    assert response.status_code == 302
    case.refresh_from_db()
    assert case.status == CaseStatus.AWAITING_QA


def practice_uploads(reference: str, bad_token: str) -> str:
    """The practice opens the emailed link, uploads a file and finishes; someone tries a
    link that does not exist. Returns the real token."""
    from reviews.records.models import RecordFile
    from reviews.records.tests.factories import PDF, deliver_owed
    from reviews.records.tests.helpers import post_files, upload_url

    [token] = deliver_owed()
    practice = Client()
    assert practice.get(upload_url(token)).status_code == 200
    response = post_files(practice, token, [("Quattlebaum discharge letter.pdf", PDF)])
    assert response.status_code == 303
    assert RecordFile.objects.filter(request__case__reference=reference).count() == 1
    finish = practice.post(upload_url(token, "finish"), {"confirm": "on"})
    assert finish.status_code in (200, 302, 303)
    assert Client().get(upload_url(bad_token)).status_code == 404
    return token


def panel_decides(lac: User, lac_c: Client, reference: str) -> list[User]:
    from governance.tests.factories import make_meeting
    from reviews.models import Case, CaseStatus

    meeting = make_meeting(icb=lac.icb, chair=lac, members=2)
    members = [m.user for m in meeting.members.exclude(user=lac).order_by("pk")]
    case = Case.objects.get(reference=reference)

    def url(name: str, **kw: Any) -> str:
        return reverse(f"governance:{name}", kwargs={"pk": meeting.pk, **kw})

    assert lac_c.post(url("agenda_add"), {"case": case.pk}).status_code == 302
    item = meeting.items.get()
    assert lac_c.post(url("meeting_move", move="start")).status_code == 302
    lac_c.post(url("attendance"), {"present": [lac.pk, *(m.pk for m in members)]})
    response = lac_c.post(
        url("decision_record", item_pk=item.pk),
        {
            "outcome": "approved",
            "discussion_summary": "A careful, well-evidenced review",
            "good_practice": "Hospital passport used throughout",
        },
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    for member in members:
        member_c = sign_in_with_mfa(Client(), member)
        assert member_c.post(url("decision_sign", item_pk=item.pk)).status_code == 302
    assert lac_c.post(url("decision_sign", item_pk=item.pk)).status_code == 302
    case.refresh_from_db()
    assert case.status == CaseStatus.COMPLETED
    return members


def test_the_main_journeys_log_no_personal_data(
    logs: pytest.LogCaptureFixture,
    icb: Organisation,
    other_icb: Organisation,
    make_user: Callable[..., User],
    capsys: pytest.CaptureFixture[str],
) -> None:
    from reviews.tests.factories import ReviewerProfileFactory

    lac = make_user(Role.LAC, full_name="Philippa Lacombe-Harrow", email="p.lacombe@nhs.test")
    reviewer = ReviewerProfileFactory(
        icb=icb, user__full_name="Grainne Okonkwo-Baptiste", user__email="g.okonkwo@nhs.test"
    ).user
    outsider = UserFactory(
        icb=other_icb, roles=[Role.LAC], full_name="Tobias Outerbridge", email="t.outer@nhs.test"
    )
    codes: list[str] = []
    bad_token = "Zq" * 21 + "x"

    reference, typed = notify(icb)

    # Signing in, and failing to: a wrong password, an unknown address, a wrong code.
    Client().post(reverse("account_login"), {"login": lac.email, "password": "Wrong-Pa55word!"})
    Client().post(
        reverse("account_login"), {"login": "nobody.here@nhs.test", "password": TEST_PASSWORD}
    )
    code_failer = Client()
    code_failer.post(reverse("account_login"), {"login": outsider.email, "password": TEST_PASSWORD})
    code_failer.post(reverse("mfa_authenticate"), {"code": "000000"})
    lac_c = sign_in(lac, codes)
    reviewer_c = sign_in(reviewer, codes)
    outsider_c = sign_in_with_mfa(Client(), outsider)

    screen_and_allocate(lac_c, reference, reviewer)
    # Refused: another ICB's LAC, with a query string that must not reach the log.
    case_url = reverse("reviews:case", args=[reference])
    assert outsider_c.get(f"{case_url}?q=Quattlebaum").status_code == 404
    review_and_submit(reviewer_c, reference, reviewer)
    token = practice_uploads(reference, bad_token)
    members = panel_decides(lac, lac_c, reference)

    secrets = [
        *typed,
        *staff_secrets(lac, reviewer, outsider, *members),
        "Wrong-Pa55word!",
        "nobody.here@nhs.test",
        *codes,
        token,
        bad_token,
        "Quattlebaum discharge letter",
        *(c.session.session_key or "" for c in (lac_c, reviewer_c, outsider_c)),
    ]
    records = scanned(logs.records)
    found = matches(records, secrets)
    with capsys.disabled():
        print(
            f"\nlog scan: {len(records)} records, {len(set(secrets))} values, {len(found)} matches"
        )
    assert not found, "\n".join(found)
    # The journeys did log: sign-ins, failures and the refusal are there.
    assert security_lines(logs, "login succeeded")
    assert security_lines(logs, "login failed step=password")
    assert security_lines(logs, "login failed step=code")
    assert security_lines(logs, "access denied")


# --- the security log's lines --------------------------------------------------------------


def fields(record: logging.LogRecord) -> dict[str, str]:
    match = re.match(
        r"^(?P<what>[a-z ]+?)(?: step=(?P<step>\S+))?(?: status=(?P<status>\d+))? "
        r"user=(?P<user>\S+)(?: method=(?P<method>\S+))? path=(?P<path>\S+) ip=(?P<ip>\S+)$",
        record.getMessage(),
    )
    assert match, record.getMessage()
    return {k: v for k, v in match.groupdict().items() if v is not None}


def assert_when(record: logging.LogRecord, started: float) -> None:
    assert started <= record.created <= time.time()
    formatted = logging.Formatter(settings.LOGGING["formatters"]["plain"]["format"]).format(record)
    stamp = formatted.split(",")[0]
    datetime.datetime.strptime(stamp, "%Y-%m-%d %H:%M:%S")  # the line starts with the time


def test_a_sign_in_is_logged_with_who_when_and_where(
    logs: pytest.LogCaptureFixture, make_user: Callable[..., User]
) -> None:
    user = make_user(Role.LAC)
    started = time.time()
    sign_in_through_pages(Client(REMOTE_ADDR="198.51.100.7"), user)
    [record] = security_lines(logs, "login succeeded")
    assert record.levelno == logging.INFO
    assert fields(record) == {
        "what": "login succeeded",
        "user": str(user.pk),
        "path": reverse("mfa_authenticate"),
        "ip": "198.51.100.7",
    }
    assert_when(record, started)
    assert user.email not in record.getMessage()


def test_failed_sign_ins_are_logged_by_account_id_never_the_address(
    logs: pytest.LogCaptureFixture, make_user: Callable[..., User]
) -> None:
    user = make_user(Role.REVIEWER)
    started = time.time()
    client = Client(REMOTE_ADDR="203.0.113.9")
    client.post(
        f"{reverse('account_login')}?next=/reviews/", {"login": user.email, "password": "x"}
    )
    client.post(reverse("account_login"), {"login": "unknown@nhs.test", "password": "x"})
    first, second = security_lines(logs, "login failed step=password")
    assert fields(first) == {
        "what": "login failed",
        "step": "password",
        "user": str(user.pk),
        "path": reverse("account_login"),  # no query string
        "ip": "203.0.113.9",
    }
    assert fields(second)["user"] == "-"
    for record in (first, second):
        assert record.levelno == logging.WARNING
        assert_when(record, started)
        assert "@" not in record.getMessage()

    code_client = Client()
    code_client.post(reverse("account_login"), {"login": user.email, "password": TEST_PASSWORD})
    code_client.post(reverse("mfa_authenticate"), {"code": "000000"})
    [record] = security_lines(logs, "login failed step=code")
    assert fields(record)["user"] == str(user.pk)
    assert fields(record)["path"] == reverse("mfa_authenticate")


def test_a_spoofed_forwarded_for_is_not_the_address_logged(
    logs: pytest.LogCaptureFixture, make_user: Callable[..., User]
) -> None:
    user = make_user(Role.LAC)
    client = Client(REMOTE_ADDR="192.0.2.1", HTTP_X_FORWARDED_FOR="10.9.9.9")
    client.post(reverse("account_login"), {"login": user.email, "password": "x"})
    [record] = security_lines(logs, "login failed")
    assert fields(record)["ip"] == "192.0.2.1"


def test_refused_access_is_logged_with_who_when_and_where(
    logs: pytest.LogCaptureFixture,
    make_user: Callable[..., User],
    client_for: Callable[..., Client],
    other_icb: Organisation,
) -> None:
    from reviews.tests.factories import CaseFactory

    case = CaseFactory(icb_org=other_icb)
    started = time.time()
    lac_c = client_for(Role.LAC)
    reviewer_c = client_for(Role.REVIEWER)
    assert (
        lac_c.get(reverse("reviews:case", args=[case.reference]) + "?q=secret").status_code == 404
    )
    assert reviewer_c.get(reverse("reviews:dashboard")).status_code == 403
    not_found, forbidden = security_lines(logs, "access denied")
    assert fields(not_found) == {
        "what": "access denied",
        "status": "404",
        "user": str(lac_c.user.pk),  # type: ignore[attr-defined]
        "method": "GET",
        "path": reverse("reviews:case", args=[case.reference]),
        "ip": "127.0.0.1",
    }
    assert fields(forbidden)["status"] == "403"
    assert fields(forbidden)["user"] == str(reviewer_c.user.pk)  # type: ignore[attr-defined]
    for record in (not_found, forbidden):
        assert record.levelno == logging.WARNING
        assert_when(record, started)


def test_anonymous_refusals_and_public_pages_are_not_security_lines(
    logs: pytest.LogCaptureFixture,
) -> None:
    Client().get(reverse("notify:step", args=["no-such-step"]))
    Client().get(reverse("records:upload", args=["Zq" * 21 + "x"]))
    assert not security_lines(logs, "access denied")


def test_the_scan_finds_what_it_looks_for() -> None:
    def record(msg: str, *args: Any, exc: BaseException | None = None) -> logging.LogRecord:
        info = (type(exc), exc, None) if exc else None
        return logging.LogRecord("leder", logging.DEBUG, __file__, 1, msg, args, info)

    secrets = ["Quattlebaum", "943 476 5919", "s3cret-token"]
    assert matches([record("sent to %s", "Ada Quattlebaum")], secrets)
    assert matches([record("nhs=943 476 5919")], secrets)
    assert matches([record("failed", exc=ValueError("bad s3cret-token"))], secrets)
    assert not matches([record("case LDR-2026-000001 opened by user=12")], secrets)
