"""Demo data for the reviews app (``manage.py seed_demo``): a story, synthetic people only.

The demo ICB's deaths, one for every state a notification, a case and a record request
can be in (``DEMO_DEATHS``; ``EXPECTED`` says which is which), each told through the real
services in the order people would act: the public form, screening, allocation, the
practice answering its link, the review written section by section, holds, escalation,
submission. Each step runs at the moment it would have happened (``Clock``: time-machine
travel, so history, status changes, events and outbox rows carry those dates). The QA
panel's part (returned, completed) is told by ``governance.demo``.

Names, NHS numbers (the 999 synthetic range), practices and organisations are fictional.

Idempotent: a death whose notification exists (found by its fixed idempotency key) is
not told again.
"""

from __future__ import annotations

import contextlib
import datetime
import uuid
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from typing import Any

from django.core.files.uploadedfile import SimpleUploadedFile, UploadedFile
from django.test.utils import override_settings
from django.utils import timezone

from leder.models import Organisation, User
from leder.roles import Role

DEMO_NAMESPACE = uuid.UUID("6f1b2d0e-9a55-4c1e-9d57-1e0d3c0a4b21")
DEMO_EMAIL_DOMAIN = "leder.example"


# --- Time ---------------------------------------------------------------------------------


class Clock:
    """Travel to a moment in the past (``at``) so the services date what they write then.

    Uses time-machine (a development dependency, as is the demo): without it the story is
    not told (``seed_reviews`` says so), as its steps only make sense at their moments.
    """

    @staticmethod
    def available() -> bool:
        try:
            import time_machine  # noqa: F401
        except ImportError:  # pragma: no cover - time-machine is in the dev extra
            return False
        return True

    def __init__(self) -> None:
        self.now = timezone.localtime()
        self.today = self.now.date()

    def moment(self, days_ago: float, hour: int = 10, minute: int = 0) -> datetime.datetime:
        day = self.now - datetime.timedelta(days=days_ago)
        moment = day.replace(hour=hour, minute=minute, second=0, microsecond=0)
        return min(moment, self.now - datetime.timedelta(minutes=5))

    def day(self, days_ago: int) -> datetime.date:
        return self.today - datetime.timedelta(days=days_ago)

    def at(
        self, days_ago: float, hour: int = 10, minute: int = 0
    ) -> contextlib.AbstractContextManager[datetime.datetime]:
        return self.travel(self.moment(days_ago, hour, minute))

    @contextlib.contextmanager
    def travel(self, moment: datetime.datetime) -> Iterator[datetime.datetime]:
        import time_machine

        with time_machine.travel(moment, tick=True):
            yield moment


# --- The people who died (fictional) --------------------------------------------------------


def synthetic_nhs_number(seed: int) -> str:
    """A valid NHS number from the synthetic range (999 000 0000 to 999 999 9999), never
    issued to a real person."""
    import nhs_number

    n = seed * 100  # room to step past numbers whose check digit would be 10
    while True:
        digits = f"999{n:06d}"
        check = nhs_number.calculate_checksum(digits)
        if check is not None and check < 10:
            number = f"{digits}{check}"
            if nhs_number.is_valid(number):
                return number
        n += 1


@dataclass(frozen=True)
class DemoDeath:
    key: str
    state: str  # what the story leaves it as (see EXPECTED)
    given_name: str
    family_name: str
    born: datetime.date
    died_days_ago: int
    notified_days_ago: int
    practice: int | None  # index into the demo ICB's active practices; None: no GP known
    sex: str = "male"
    ethnicity: str = "A"
    learning_disability: str = "yes"
    ld_level: str = "moderate"
    autism: str = "no"
    place_of_death: str = "hospital"
    place_detail: str = ""
    cause: str = ""
    care_concerns: str = "no"
    concerns_detail: str = ""
    family_requested: str = "no"
    other_processes: tuple[str, ...] = ()
    contact: tuple[str, str, str] = ("", "", "")  # name, relationship, phone
    notifier: tuple[str, str, str] = ("Demo Notifier", "GP receptionist", "")  # +organisation
    nhs: int | None = None  # seed of the synthetic NHS number (the same seed: the same person)
    address: str = ""
    postcode: str = ""


# The order matters: an original before its duplicate; the record request that is left
# unanswered (and so escalated by the real sweep) before any other request exists.
DEMO_DEATHS: tuple[DemoDeath, ...] = (
    DemoDeath(
        "demo-12",
        "escalated_to_focused",
        "Marcus",
        "Webb",
        datetime.date(1979, 6, 2),
        158,
        155,
        3,
        ethnicity="M",
        ld_level="mild",
        place_of_death="hospital",
        place_detail="Eastmere General Hospital",
        cause="Bowel obstruction",
        care_concerns="yes",
        concerns_detail="Constipation was reported for weeks before he was admitted.",
        contact=("Denise Webb", "Mother", "01632 960411"),
        notifier=("Dr Amir Patel", "GP", ""),
        nhs=12,
    ),
    DemoDeath(
        "demo-4",
        "in_progress",
        "Kit",
        "Fictional",
        datetime.date(1968, 3, 14),
        172,
        170,
        0,
        sex="female",
        place_of_death="hospital",
        place_detail="Eastmere General Hospital",
        cause="Aspiration pneumonia",
        contact=("Lesley Fictional", "Sister", "01632 960402"),
        notifier=("Demo Notifier", "GP receptionist", ""),
        nhs=4,
    ),
    DemoDeath(
        "demo-7",
        "duplicate",
        "Kit",
        "Fictional",
        datetime.date(1968, 3, 14),
        172,
        168,
        0,
        sex="female",
        place_of_death="hospital",
        place_detail="Eastmere General Hospital, Ward 7",
        cause="Aspiration pneumonia",
        notifier=("Joanne Fry", "Learning disability liaison nurse", "Eastmere General Hospital"),
        nhs=4,
    ),
    DemoDeath(
        "demo-1",
        "received",
        "Alex",
        "Demoperson",
        datetime.date(1985, 9, 21),
        4,
        2,
        0,
        ethnicity="M",
        ld_level="severe",
        autism="yes",
        place_of_death="care_home",
        place_detail="Willow Court",
        cause="Not known yet",
        care_concerns="yes",
        concerns_detail="Staff were not sure his epilepsy rescue medication was given in time.",
        contact=("Marlene Demoperson", "Mother", "01632 960401"),
        notifier=("Demo Notifier", "GP receptionist", ""),
        nhs=1,
    ),
    DemoDeath(
        "demo-5",
        "needs_confirmation",
        "Morgan",
        "Ashdown",
        datetime.date(1958, 1, 30),
        6,
        5,
        4,
        sex="female",
        learning_disability="not_known",
        ld_level="",
        autism="not_known",
        place_of_death="care_home",
        place_detail="Beechwood Nursing Home",
        cause="Heart failure",
        notifier=("Paula Greene", "Care home manager", "Beechwood Nursing Home"),
        nhs=5,
    ),
    DemoDeath(
        "demo-6",
        "ineligible",
        "Riley",
        "Thornton",
        datetime.date(2010, 6, 1),
        10,
        9,
        5,
        ld_level="severe",
        place_of_death="hospital",
        place_detail="Eastmere Children's Hospital",
        cause="Pneumonia",
        other_processes=("child_death",),
        notifier=("Sana Malik", "Ward sister", "Eastmere Children's Hospital"),
        nhs=6,
    ),
    DemoDeath(
        "demo-8",
        "unrouted",
        "Jordan",
        "Pike",
        datetime.date(1990, 4, 17),
        5,
        3,
        None,
        ld_level="mild",
        place_of_death="other",
        place_detail="Temporary accommodation",
        cause="Not known",
        care_concerns="not_known",
        other_processes=("coroner",),
        notifier=("Liam Carter", "Outreach worker", "Eastmere Street Outreach"),
    ),
    DemoDeath(
        "demo-9",
        "opted_out",
        "Casey",
        "Lund",
        datetime.date(1972, 8, 8),
        62,
        60,
        6,
        sex="female",
        notifier=("Demo Notifier", "GP receptionist", ""),
        nhs=9,
    ),
    DemoDeath(
        "demo-2",
        "awaiting_allocation",
        "Sam",
        "Exampleton",
        datetime.date(1981, 12, 5),
        14,
        12,
        1,
        place_of_death="home",
        cause="Sudden unexpected death in epilepsy",
        contact=("Ruth Exampleton", "Mother", "01632 960403"),
        notifier=("Demo Notifier", "GP receptionist", ""),
        nhs=2,
    ),
    DemoDeath(
        "demo-10",
        "conflict_declared",
        "Chris",
        "Hallam",
        datetime.date(1975, 5, 19),
        16,
        14,
        7,
        ld_level="profound",
        place_of_death="hospice",
        place_detail="St Aidan's Hospice",
        cause="Metastatic bowel cancer",
        contact=("Peter Hallam", "Brother", "01632 960410"),
        notifier=("Demo Notifier", "GP practice manager", ""),
        nhs=10,
    ),
    DemoDeath(
        "demo-3",
        "allocated",
        "Jo",
        "Samplewell",
        datetime.date(1964, 7, 27),
        11,
        9,
        0,
        sex="female",
        place_of_death="home",
        cause="Sepsis",
        contact=("Alan Samplewell", "Husband", "01632 960404"),
        notifier=("Demo Notifier", "GP receptionist", ""),
        nhs=3,
    ),
    DemoDeath(
        "demo-11",
        "on_hold",
        "Bernadette",
        "O'Neill",
        datetime.date(1970, 2, 11),
        124,
        120,
        8,
        sex="female",
        ethnicity="B",
        place_of_death="home",
        cause="Not known: referred to the coroner",
        other_processes=("coroner",),
        contact=("Siobhan O'Neill", "Daughter", "01632 960411"),
        notifier=("Demo Notifier", "GP receptionist", ""),
        nhs=11,
    ),
    DemoDeath(
        "demo-17",
        "focused_in_progress",
        "Nadia",
        "Rahman",
        datetime.date(1993, 10, 1),
        66,
        63,
        9,
        sex="female",
        ethnicity="K",
        autism="yes",
        learning_disability="no",
        ld_level="",
        place_of_death="hospital",
        place_detail="Eastmere General Hospital",
        cause="Pulmonary embolism",
        family_requested="yes",
        contact=("Farida Rahman", "Mother", "01632 960417"),
        notifier=("Demo Notifier", "GP receptionist", ""),
        nhs=17,
    ),
    DemoDeath(
        "demo-13",
        "awaiting_qa",
        "Aaron",
        "Blake",
        datetime.date(1988, 3, 3),
        145,
        140,
        10,
        ld_level="severe",
        autism="yes",
        place_of_death="hospital",
        place_detail="Eastmere General Hospital",
        cause="Aspiration pneumonia",
        contact=("Karen Blake", "Mother", "01632 960413"),
        notifier=("Demo Notifier", "GP receptionist", ""),
        nhs=13,
    ),
    DemoDeath(
        "demo-14",
        "returned",
        "Margaret",
        "Dunn",
        datetime.date(1945, 6, 24),
        160,
        155,
        11,
        sex="female",
        ld_level="mild",
        place_of_death="care_home",
        place_detail="Hollybank Residential Home",
        cause="Heart failure",
        contact=("Graham Dunn", "Nephew", "01632 960414"),
        notifier=("Demo Notifier", "GP receptionist", ""),
        nhs=14,
    ),
    DemoDeath(
        "demo-15",
        "completed",
        "Ian",
        "Trevelyan",
        datetime.date(1966, 12, 12),
        190,
        186,
        12,
        ld_level="moderate",
        place_of_death="hospital",
        place_detail="Eastmere General Hospital",
        cause="Sepsis",
        contact=("Julie Trevelyan", "Sister", "01632 960415"),
        notifier=("Demo Notifier", "GP receptionist", ""),
        nhs=15,
    ),
    DemoDeath(
        "demo-16",
        "completed_with_amendments",
        "Owen",
        "Price",
        datetime.date(1983, 1, 9),
        175,
        171,
        13,
        ld_level="severe",
        place_of_death="home",
        cause="Epilepsy",
        contact=("Sian Price", "Mother", "01632 960416"),
        notifier=("Demo Notifier", "GP receptionist", ""),
        nhs=16,
    ),
)
DEATHS_BY_KEY = {d.key: d for d in DEMO_DEATHS}

# What each story leaves: (notification status, case status, GP record request status).
# The QA panel's part of demo-14/15/16 is told by governance.demo (they are awaiting QA
# until then). A queued request lasts only until the worker sends it, so no story ends there.
EXPECTED: dict[str, tuple[str, str | None, str | None]] = {
    "demo-1": ("received", None, None),
    "demo-5": ("needs_confirmation", None, None),
    "demo-6": ("ineligible", None, None),
    "demo-7": ("duplicate", None, None),
    "demo-8": ("received", None, None),  # no ICB: the regional coordinator routes it
    "demo-9": ("opted_out", "opted_out", "cancelled"),
    "demo-2": ("eligible", "awaiting_allocation", "sent"),
    "demo-10": ("eligible", "awaiting_allocation", "opened"),
    "demo-3": ("eligible", "allocated", "sent"),
    "demo-4": ("eligible", "in_progress", "phone_offered"),
    "demo-11": ("eligible", "on_hold", "completed"),
    "demo-12": ("eligible", "in_progress", "escalated"),
    "demo-17": ("eligible", "in_progress", "completed"),
    "demo-13": ("eligible", "awaiting_qa", "completed"),
    "demo-14": ("eligible", "returned", "completed"),
    "demo-15": ("eligible", "completed", "completed"),
    "demo-16": ("eligible", "completed", "completed"),
}


def demo_key(key: str) -> uuid.UUID:
    return uuid.uuid5(DEMO_NAMESPACE, key)


def demo_case(key: str) -> Any:
    """The case of demo death ``key`` (None if it has none)."""
    from reviews.models import Case

    return Case.objects.filter(notification__idempotency_key=demo_key(key)).first()


def _answers(death: DemoDeath, practice: Organisation | None, clock: Clock) -> dict[str, Any]:
    name, role, organisation = (*death.notifier, "")[:3]
    contact_name, relationship, phone = death.contact
    return {
        "given_name": death.given_name,
        "family_name": death.family_name,
        "other_names": "",
        "date_of_birth": death.born,
        "nhs_number": synthetic_nhs_number(death.nhs) if death.nhs is not None else "",
        "address": death.address or (f"{death.nhs or 1} Demo Street, Eastmere"),
        "postcode": death.postcode or "DM1 9ZZ",
        "sex": death.sex,
        "ethnicity": death.ethnicity,
        "learning_disability": death.learning_disability,
        "learning_disability_level": death.ld_level,
        "autism": death.autism,
        "date_of_death": clock.day(death.died_days_ago),
        "place_of_death": death.place_of_death,
        "place_of_death_detail": death.place_detail,
        "gp_practice": practice,
        "cause_of_death": death.cause,
        "care_concerns": death.care_concerns,
        "care_concerns_detail": death.concerns_detail,
        "detained_mha": "no",
        "detained_cjs": "no",
        "family_requested_review": death.family_requested,
        "other_processes": list(death.other_processes),
        "contact_name": contact_name,
        "contact_relationship": relationship,
        "contact_phone": phone,
        "contact_email": "",
        "contact_knows": "yes" if contact_name else "",
        "notifier_name": name,
        "notifier_role": role,
        "notifier_organisation": organisation or (practice.name if practice else ""),
        "notifier_email": f"notifier.{death.key}@{DEMO_EMAIL_DOMAIN}",
        "notifier_phone": "01632 960000",
    }


# --- The story's cast and helpers -----------------------------------------------------------


@dataclass
class Story:
    icb: Organisation
    practices: list[Organisation]
    lac: User
    reviewer: User
    senior: User
    clock: Clock = field(default_factory=Clock)

    # Screening and allocation ------------------------------------------------------------

    def eligible(self, notification: Any, days_ago: float) -> Any:
        """The LAC screens it eligible: the case opens, and the worker sends the GP
        practice its records link a few minutes later."""
        from notifications.services import notification_decide
        from reviews.models import Case

        with self.clock.at(days_ago, 9, 30):
            notification_decide(notification=notification, to="eligible", by=self.lac)
        case = Case.objects.select_related("notification__gp_practice").get(
            notification=notification
        )
        with self.clock.at(days_ago, 9, 35):
            self.deliver(self.gp_request(case))
        return case

    def allocate(
        self,
        case: Any,
        days_ago: float,
        *,
        reviewer: User | None = None,
        senior: User | bool | None = True,
        focused: bool = False,
        reason: str = "No focused review criteria met",
        override: str = "",
    ) -> None:
        from reviews.services import case_allocate

        with self.clock.at(days_ago, 11):
            case_allocate(
                case=case,
                reviewer=reviewer or self.reviewer,
                senior_reviewer=self.senior if senior is True else (senior or None),
                review_type="focused" if focused else "initial",
                review_type_reason=reason,
                override_justification=override,
                by=self.lac,
            )

    def accept(self, case: Any, days_ago: float) -> None:
        from reviews.services import case_accept

        with self.clock.at(days_ago, 15):
            case_accept(case=case, by=self.reviewer)

    # Records from the GP practice --------------------------------------------------------

    def gp_request(self, case: Any) -> Any:
        """The request to the registered GP practice: made automatically when the case
        opened (LEDER_RECORDS_AUTO_REQUEST_ON), or by the LAC now if that is switched off."""
        from reviews.records.models import RecordRequest
        from reviews.records.services import default_period, record_request_create

        practice = case.notification.gp_practice
        request = RecordRequest.objects.filter(case=case, organisation=practice).first()
        if request is None:
            start, end = default_period(case)
            request = record_request_create(
                case=case,
                organisation=practice,
                recipient_email=practice.secure_email or _practice_email(practice),
                period_from=start,
                period_to=end,
                by=self.lac,
            )
        return request

    def deliver(self, request: Any) -> None:
        """Send the emails the request owes now, as the worker would (to a local outbox:
        nothing leaves the machine)."""
        from reviews.records.models import RecordEmail
        from reviews.records.services import record_email_deliver

        owed = RecordEmail.objects.filter(
            request=request, sent_at__isnull=True, cancelled_at__isnull=True, failed_at=None
        ).order_by("pk")
        with override_settings(EMAIL_BACKEND="django.core.mail.backends.locmem.EmailBackend"):
            for pk in owed.values_list("pk", flat=True):
                record_email_deliver(pk)

    def link(self, request: Any) -> Any:
        from reviews.records.models import UploadLink

        return (
            UploadLink.objects.filter(request=request, revoked_at__isnull=True)
            .select_related("request__case", "request__organisation")
            .order_by("-created_at")
            .first()
        )

    def records_uploaded(self, case: Any, days_ago: float, names: tuple[str, ...]) -> Any:
        from reviews.records.services import record_files_add
        from reviews.records.uploads import check_files

        request = self.gp_request(case)
        with self.clock.at(days_ago, 13):
            uploads: list[UploadedFile] = [
                SimpleUploadedFile(name, _demo_pdf(case.reference, name), "application/pdf")
                for name in names
            ]
            checked, errors = check_files(request, uploads, [])
            if errors:  # pragma: no cover - the demo files are valid
                raise ValueError("; ".join(errors))
            record_files_add(link=self.link(request), files=checked)
        return request

    def records_completed(self, case: Any, days_ago: float) -> None:
        from reviews.records.services import record_request_complete

        request = self.records_uploaded(
            case, days_ago, ("GP summary and problem list.pdf", "Consultations 3 years.pdf")
        )
        with self.clock.at(days_ago, 13, 20):
            record_request_complete(link=self.link(request))

    def records_phone(self, case: Any, days_ago: float) -> None:
        from reviews.records.services import record_request_offer_phone

        with self.clock.at(days_ago, 12):
            record_request_offer_phone(
                link=self.link(self.gp_request(case)),
                contact_name="Dr Helen Moss",
                job_title="GP partner",
                phone="01632 960100",
                times="Tuesdays and Thursdays after 2pm",
            )

    def records_unanswered(self, case: Any) -> None:
        """Nobody opens the link: the real sweep re-issues it each time it expires, then
        escalates to the LACs after the last one."""
        from reviews.records.models import RecordRequestStatus
        from reviews.records.services import records_sweep

        request = self.gp_request(case)
        for _ in range(10):
            request.refresh_from_db()
            if request.status == RecordRequestStatus.ESCALATED or request.expires_at is None:
                break
            moment = request.expires_at + datetime.timedelta(hours=1)
            if moment >= self.clock.now:  # pragma: no cover - the story starts long ago
                break
            with self.clock.travel(moment):
                records_sweep()
                self.deliver(request)

    # The review ------------------------------------------------------------------------

    def section(self, case: Any, key: str, answers: dict[str, Any], *, done: bool = True) -> None:
        from reviews.models import ReviewSection
        from reviews.review.sections import get_section
        from reviews.review.state import form_context
        from reviews.services import review_section_save

        section = get_section(key)
        assert section is not None
        data = {**_form_data(answers), "completed": "yes" if done else "no"}
        form = section.form_class(data, context=form_context(case))
        if not form.is_valid():  # pragma: no cover - the demo answers are valid
            raise ValueError(f"Demo answers for {case.reference} {key}: {form.errors.as_text()}")
        row = ReviewSection.objects.filter(case=case, key=key).first()
        review_section_save(
            case=case,
            key=key,
            answers=form.to_data(),
            completed=done,
            revision=row.revision if row else 0,
            by=self.reviewer,
        )

    def episodes(self, case: Any, episodes: list[tuple[int, str, str, str, str, str]]) -> None:
        """(days before death, setting, organisation, what happened, good practice, concerns)"""
        from reviews.services import key_episode_add

        died = case.notification.date_of_death
        for before, setting, organisation, what, good, concerns in episodes:
            key_episode_add(
                case=case,
                occurred_on=died - datetime.timedelta(days=before),
                setting=setting,
                organisation=organisation,
                what_happened=what,
                good_practice=good,
                concerns=concerns,
                by=self.reviewer,
            )

    def review(self, case: Any, content: dict[str, Any], start_ago: float, end_ago: float) -> None:
        """Write the review's sections (in task-list order) over the days given."""
        keys = [k for k in content if k not in {"episodes", "episodes_open"}]
        steps = len(keys) + 1
        for n, key in enumerate(["episodes", *keys]):
            ago = start_ago - (start_ago - end_ago) * n / max(steps - 1, 1)
            with self.clock.at(ago, 14):
                if key == "episodes":
                    self.episodes(case, content.get("episodes", []))
                    overview = {"overview": "The episodes are in date order, from the records."}
                    self.section(
                        case, "key-episodes", overview, done=not content.get("episodes_open")
                    )
                else:
                    answers, done = content[key]
                    self.section(case, key, answers, done=done)

    def comment(self, case: Any, key: str, text: str, reply: str, days_ago: float) -> None:
        from reviews.services import supervision_comment_add, supervision_comment_reply

        with self.clock.at(days_ago, 16):
            comment = supervision_comment_add(case=case, section_key=key, text=text, by=self.senior)
        if reply:
            with self.clock.at(days_ago - 1, 9):
                supervision_comment_reply(comment=comment, reply=reply, by=self.reviewer)

    def submit(self, case: Any, days_ago: float) -> None:
        from reviews.services import case_submit_for_qa

        with self.clock.at(days_ago, 16, 30):
            case_submit_for_qa(case=case, by=self.reviewer)


def _practice_email(practice: Organisation) -> str:
    return f"records.{(practice.ods_code or str(practice.pk)).lower()}@{DEMO_EMAIL_DOMAIN}"


def _demo_pdf(reference: str, name: str) -> bytes:
    """A small, valid PDF saying it is synthetic demo data."""
    text = f"Synthetic demo record for {reference}: {name}. Not a real person."
    stream = f"BT /F1 12 Tf 72 720 Td ({text}) Tj ET".encode()
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Contents 4 0 R "
        b"/Resources << /Font << /F1 5 0 R >> >> >>",
        b"<< /Length %d >>\nstream\n" % len(stream) + stream + b"\nendstream",
        b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>",
    ]
    out = bytearray(b"%PDF-1.4\n")
    offsets = []
    for number, body in enumerate(objects, start=1):
        offsets.append(len(out))
        out += b"%d 0 obj\n" % number + body + b"\nendobj\n"
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
    out += b"".join(b"%010d 00000 n \n" % o for o in offsets)
    out += b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (
        len(objects) + 1,
        xref,
    )
    return bytes(out)


class Before(int):
    """A date in the answers: this many days before the reviewer saves the section."""


def _form_data(answers: dict[str, Any]) -> dict[str, Any]:
    """Answers as the section form posts them (dates as day, month and year)."""
    data: dict[str, Any] = {}
    for name, value in answers.items():
        if isinstance(value, Before):
            value = timezone.localdate() - datetime.timedelta(days=int(value))
        if isinstance(value, datetime.date):
            data[f"{name}_day"] = str(value.day)
            data[f"{name}_month"] = str(value.month)
            data[f"{name}_year"] = str(value.year)
        else:
            data[name] = value
    return data


def theme_ids(*names: str) -> list[str]:
    from reviews.models import LearningTheme

    found = dict(LearningTheme.objects.filter(name__in=names).values_list("name", "pk"))
    return [str(found[n]) for n in names if n in found]


def _profile(user: User, lac: User, employer: Organisation, clock: Clock) -> None:
    from reviews.models import ReviewerProfile
    from reviews.services import employment_add, reviewer_profile_create, reviewer_profile_update

    profile = ReviewerProfile.objects.filter(user=user).first()
    if profile is None:
        profile = reviewer_profile_create(user=user, by=lac)
    trained = clock.day(200)
    if not profile.training_in_date() or (
        profile.training_completed_on and profile.training_completed_on > trained
    ):
        reviewer_profile_update(
            profile=profile,
            max_caseload=profile.max_caseload,
            training_completed_on=trained,
            by=lac,
        )
    if not profile.employments.exists():
        employment_add(
            profile=profile,
            organisation=employer,
            started_on=datetime.date(2019, 4, 1),
            by=lac,
        )


def seed_reviews(*, icb: Organisation, users: dict[Role, User], say: Callable[[str], None]) -> None:
    from notifications.models import Notification
    from notifications.services import notification_submit

    lac, reviewer, senior = users[Role.LAC], users[Role.REVIEWER], users[Role.SENIOR_REVIEWER]
    practices = list(
        Organisation.objects.gp_practices().filter(parent_icb=icb).active().order_by("ods_code")
    )
    if len(practices) < 14:
        say("Reviews: skipped (not enough demo GP practices)")
        return
    story = Story(icb=icb, practices=practices, lac=lac, reviewer=reviewer, senior=senior)
    _profile(reviewer, lac, practices[1], story.clock)
    _profile(senior, lac, practices[2], story.clock)
    if not Clock.available():  # pragma: no cover - time-machine is in the dev extra
        say("Reviews: reviewer profiles ready; the story needs time-machine (the dev extra)")
        return

    made = 0
    for death in DEMO_DEATHS:
        key = demo_key(death.key)
        if Notification.objects.filter(idempotency_key=key).exists():
            continue
        practice = practices[death.practice] if death.practice is not None else None
        with story.clock.at(death.notified_days_ago, 8, 40):
            notification, _ = notification_submit(
                answers=_answers(death, practice, story.clock), idempotency_key=key
            )
        STORIES.get(death.key, _nothing_more)(story, notification)
        made += 1
    say(
        f"Reviews: reviewer profiles ready; {made} demo notifications created "
        f"({len(DEMO_DEATHS)} in the story)."
    )


# --- The stories, one per death --------------------------------------------------------------


def _nothing_more(story: Story, notification: Any) -> None:
    """Screening on submission did all there is (awaiting screening, eligibility to confirm,
    under 18, duplicate, or waiting for the regional coordinator to route it)."""


def _opted_out(story: Story, notification: Any) -> None:
    from notifications.services import notification_opt_out

    story.eligible(notification, 58)
    with story.clock.at(52, 11):
        notification_opt_out(notification=notification, by=story.lac)


def _awaiting_allocation(story: Story, notification: Any) -> None:
    story.eligible(notification, 10)


def _conflict_declared(story: Story, notification: Any) -> None:
    from reviews.services import case_decline_conflict

    case = story.eligible(notification, 13)
    story.allocate(case, 12, reviewer=story.senior, senior=False)
    with story.clock.at(11, 10):
        case_decline_conflict(
            case=case,
            by=story.senior,
            reason="I chaired the best-interests meeting about Chris's move to the hospice "
            "last year, so I know the family and the care team.",
        )
    story.records_uploaded(case, 6, ("GP summary.pdf", "Hospital letters 2024.pdf"))


def _allocated(story: Story, notification: Any) -> None:
    case = story.eligible(notification, 8)
    story.allocate(case, 2)


def _in_progress(story: Story, notification: Any) -> None:
    case = story.eligible(notification, 165)
    story.allocate(case, 160)
    story.accept(case, 158)
    story.records_phone(case, 155)
    story.review(case, REVIEWS["demo-4"], 150, 40)
    story.comment(
        case,
        "about-the-person",
        "A lovely pen portrait. Could you say how Kit let staff know she was in pain? "
        "It matters for the key episodes.",
        "Added: Kit rubbed her ear and stopped eating; her sister says staff knew this.",
        38,
    )


def _on_hold(story: Story, notification: Any) -> None:
    from reviews.services import case_hold

    case = story.eligible(notification, 116)
    story.allocate(case, 110)
    story.accept(case, 109)
    story.records_completed(case, 104)
    story.review(case, REVIEWS["demo-11"], 98, 50)
    with story.clock.at(45, 10):
        case_hold(
            case=case,
            reason="coroner",
            expected_review_on=story.clock.day(-30),
            by=story.reviewer,
        )


def _escalated(story: Story, notification: Any) -> None:
    from reviews.services import case_escalate_to_focused, multi_agency_meeting_add

    case = story.eligible(notification, 150)
    story.records_unanswered(case)
    story.allocate(case, 146, reason="No focused review criteria met at notification")
    story.accept(case, 145)
    story.review(case, REVIEWS["demo-12"], 140, 95)
    with story.clock.at(90, 11):
        case_escalate_to_focused(
            case=case,
            by=story.reviewer,
            reason="Constipation was reported to three services over six weeks and not "
            "treated: possible lapses in care that need a multi-agency look.",
        )
    with story.clock.at(55, 15):
        multi_agency_meeting_add(
            case=case,
            held_on=story.clock.day(56),
            attendees=[
                {"role": "Reviewer", "organisation": "NHS Demo ICB"},
                {"role": "Community learning disability nurse", "organisation": "Eastmere CLDT"},
                {"role": "Ward manager", "organisation": "Eastmere General Hospital"},
                {"role": "Registered manager", "organisation": "Brookside Supported Living"},
                {"role": "Safeguarding lead", "organisation": "Eastmere City Council"},
            ],
            minutes_summary="The timeline was agreed. Bowel charts were kept but nobody was "
            "responsible for acting on them; the GP was not told of the last two weeks "
            "without a bowel movement. The hospital will share its patient safety review.",
            by=story.reviewer,
        )
    with story.clock.at(20, 14):
        story.section(case, "further-agencies", FOCUSED_AGENCIES, done=False)


def _focused_in_progress(story: Story, notification: Any) -> None:
    case = story.eligible(notification, 60)
    story.allocate(
        case,
        58,
        focused=True,
        reason="Autistic adult without a learning disability, and the family asked for a "
        "detailed review",
    )
    story.accept(case, 57)
    story.records_completed(case, 50)
    story.review(case, REVIEWS["demo-17"], 45, 12)


def _submitted(days: tuple[float, float, float, float, float]) -> Callable[[Story, Any], None]:
    """eligible, allocated (and accepted next day), records received, review written
    from .. to, submitted: days ago."""

    def tell(story: Story, notification: Any) -> None:
        eligible, allocated, records, written, submitted = days
        case = story.eligible(notification, eligible)
        story.allocate(case, allocated)
        story.accept(case, allocated - 1)
        story.records_completed(case, records)
        story.review(case, REVIEWS[notification_key(notification)], written, submitted + 1)
        story.comment(
            case,
            "findings",
            "Please link the learning to the themes the panel reports on.",
            "Done: themes added.",
            submitted + 3,
        )
        story.submit(case, submitted)

    return tell


def notification_key(notification: Any) -> str:
    return next(d.key for d in DEMO_DEATHS if demo_key(d.key) == notification.idempotency_key)


STORIES: dict[str, Callable[[Story, Any], None]] = {
    "demo-9": _opted_out,
    "demo-2": _awaiting_allocation,
    "demo-10": _conflict_declared,
    "demo-3": _allocated,
    "demo-4": _in_progress,
    "demo-11": _on_hold,
    "demo-12": _escalated,
    "demo-17": _focused_in_progress,
    "demo-13": _submitted((136, 132, 126, 115, 6)),
    "demo-14": _submitted((150, 146, 140, 130, 45)),
    "demo-15": _submitted((182, 178, 172, 160, 42)),
    "demo-16": _submitted((167, 163, 157, 145, 40)),
}


# --- What the reviewers wrote (synthetic) -----------------------------------------------------

Y, N = "yes", "no"


def _family(relationship: str, views: str) -> dict[str, Any]:
    return {
        "family_contacted": Y,
        "contact_on": Before(3),
        "contact_relationship": relationship,
        "family_views": views,
        "condolence_letter": Y,
        "condolence_letter_on": Before(12),
        "pen_portrait_shared": Y,
        "pen_portrait_comments": "They were pleased with it and asked to add a favourite song.",
    }


def _evidence(gp_said: str, professionals: str) -> dict[str, Any]:
    return {
        "gp_records": "reviewed",
        "gp_conversation": Y,
        "gp_conversation_on": Before(2),
        "gp_conversation_summary": gp_said,
        "professionals": professionals,
        "other_evidence": "Care plan, hospital passport and the discharge summary.",
    }


def _care(**changes: str) -> dict[str, Any]:
    answers = {
        "dnacpr_in_place": N,
        "mca_relevant": Y,
        "mca_followed": Y,
        "dols": "not_applicable",
        "reasonable_adjustments": "yes",
        "annual_health_check": Y,
        "health_action_plan": Y,
        "delays": N,
        "care_package": "yes",
        "guidelines": N,
    }
    answers.update(changes)
    return answers


_PARTIAL: dict[str, dict[str, Any]] = {
    "demo-4": {
        "episodes_open": True,
        "episodes": [
            (
                20,
                "hospital_inpatient",
                "Eastmere General Hospital",
                "Admitted with a chest infection; discharged after five days.",
                "Hospital passport used; family kept informed.",
                "No swallowing assessment before discharge.",
            ),
            (
                6,
                "gp",
                "Riverside Medical Practice",
                "Home visit for coughing at meals; antibiotics prescribed.",
                "The GP visited the same day.",
                "",
            ),
        ],
        "about-the-person": (
            {
                "pen_portrait": "Kit loved trains, music from the 1980s and Sunday visits to "
                "the seaside. Kit liked a calm routine and knew everyone at the day centre by "
                "name. When she was in pain she rubbed her ear and stopped eating.",
                "ld_level": "moderate",
                "autism": "no",
                "accommodation": "supported_living",
                "lives_alone": "no",
                "out_of_area": "no",
                "communication_needs": "Used Makaton and a picture book; needed extra time.",
            },
            True,
        ),
        "family-and-carers": (
            {
                "family_contacted": "unreachable",
                "no_contact_detail": "Two letters and three calls to her sister so far.",
            },
            False,
        ),
        "evidence": (
            _evidence(
                "Kit was well known to the practice; coughing at meals had been noted twice.",
                "Speech and language therapist, Eastmere Community Health\n"
                "Support worker, Brookside Supported Living",
            ),
            True,
        ),
    },
    "demo-11": {
        "episodes": [
            (
                90,
                "gp",
                "Millbrook Health Centre",
                "Annual health check; weight loss noted and blood tests arranged.",
                "Easy-read invitation and a longer appointment.",
                "",
            ),
            (
                3,
                "ambulance",
                "Demo Ambulance Service",
                "999 call for breathing difficulty; conveyed to hospital.",
                "",
                "",
            ),
        ],
        "about-the-person": (
            {
                "pen_portrait": "Bernadette was a proud grandmother who sang in her church "
                "choir every Sunday and made the best soda bread on the street.",
                "ld_level": "moderate",
                "autism": "no",
                "accommodation": "family_home",
                "lives_alone": "no",
                "out_of_area": "no",
                "communication_needs": "None",
            },
            True,
        ),
        "family-and-carers": (
            _family(
                "Daughter",
                "The family feel her breathlessness was not taken seriously.",
            ),
            True,
        ),
        "evidence": (
            _evidence(
                "The GP had arranged tests; the results were pending when she died.",
                "Practice nurse, Millbrook Health Centre",
            ),
            True,
        ),
        "cause-of-death": (
            {
                "cause_1a": "Awaiting the coroner's findings",
                "place_of_death": "home",
                "coroner": Y,
                "avoidable": "neither",
            },
            False,
        ),
    },
    "demo-12": {
        "episodes": [
            (
                45,
                "social_care",
                "Brookside Supported Living",
                "Bowel chart shows no movement for nine days; not escalated.",
                "Charts were kept daily.",
                "Nobody was responsible for acting on the chart.",
            ),
            (
                30,
                "gp",
                "The Old Forge Surgery",
                "Telephone consultation for tummy ache; laxatives advised.",
                "",
                "Not seen face to face despite a history of constipation.",
            ),
            (
                2,
                "hospital_inpatient",
                "Eastmere General Hospital",
                "Admitted with a distended abdomen and vomiting; surgery for bowel obstruction.",
                "Learning disability liaison nurse involved within hours.",
                "",
            ),
        ],
        "about-the-person": (
            {
                "pen_portrait": "Marcus was a keen Eastmere Rovers fan, loved dominoes with his "
                "mum and worked two mornings a week at the community garden.",
                "ld_level": "mild",
                "autism": "no",
                "accommodation": "supported_living",
                "lives_alone": "no",
                "out_of_area": "no",
                "communication_needs": "Spoke well but played down pain.",
            },
            True,
        ),
        "family-and-carers": (
            _family("Mother", "She had raised his constipation with staff twice."),
            True,
        ),
        "evidence": (
            {
                "gp_records": "not_available",
                "gp_records_detail": "The practice did not answer four links; the LAC is "
                "following it up.",
                "gp_conversation": N,
                "professionals": "Registered manager, Brookside Supported Living",
            },
            True,
        ),
    },
    "demo-17": {
        "episodes": [
            (
                30,
                "mental_health",
                "Eastmere Mental Health Trust",
                "Outpatient review; medication changed for anxiety.",
                "Reasonable adjustments: quiet room and a first appointment of the day.",
                "",
            ),
            (
                4,
                "hospital_outpatient",
                "Eastmere General Hospital",
                "Attended the emergency department with chest pain; discharged.",
                "",
                "Sensory overload in the department; she left before tests were finished.",
            ),
        ],
        "about-the-person": (
            {
                "pen_portrait": "Nadia was a talented illustrator who sold her comics online, "
                "loved cats and spoke three languages at home.",
                "ld_level": "none",
                "autism": "yes",
                "accommodation": "family_home",
                "lives_alone": "no",
                "out_of_area": "no",
                "communication_needs": "Preferred written questions and a quiet space.",
            },
            True,
        ),
        "family-and-carers": (
            _family("Mother", "The family asked why the chest pain was not investigated."),
            True,
        ),
    },
}

FULL_INITIAL: dict[str, dict[str, Any]] = {
    "demo-13": {
        "episodes": [
            (
                60,
                "community_health",
                "Eastmere Community Health",
                "Speech and language therapy assessment; modified diet plan written.",
                "Plan shared with the day centre and family in easy read.",
                "",
            ),
            (
                8,
                "hospital_inpatient",
                "Eastmere General Hospital",
                "Admitted with aspiration pneumonia; the dysphagia plan was not on the ward.",
                "Family allowed to stay outside visiting hours.",
                "Given a normal diet on the first day.",
            ),
        ],
        "about-the-person": (
            {
                "pen_portrait": "Aaron loved swimming, Bollywood soundtracks and his iPad "
                "photo albums. He lived with his mum and went to the day centre four days a "
                "week, where he was the first to greet visitors.",
                "ld_level": "severe",
                "autism": "yes",
                "accommodation": "family_home",
                "lives_alone": "no",
                "out_of_area": "no",
                "communication_needs": "Used an iPad with symbols and a few signs.",
            },
            True,
        ),
        "family-and-carers": (
            _family("Mother", "Pleased with the community team; upset about the ward."),
            True,
        ),
        "evidence": (
            _evidence(
                "Aaron had his annual health check and flu vaccine on time.",
                "Speech and language therapist, Eastmere Community Health\n"
                "Learning disability liaison nurse, Eastmere General Hospital",
            ),
            True,
        ),
        "cause-of-death": (
            {
                "cause_1a": "Aspiration pneumonia",
                "cause_1b": "Oropharyngeal dysphagia",
                "cause_2": "Cerebral palsy",
                "icd10_code": "J69.0",
                "place_of_death": "hospital",
                "place_of_death_detail": "Eastmere General Hospital",
                "coroner": N,
                "avoidable": "treatable",
            },
            True,
        ),
        "care-questions": (
            _care(
                delays=Y,
                delays_detail="The ward did not have the dysphagia plan for 24 hours.",
                guidelines=Y,
                guidelines_detail="The hospital's dysphagia policy was not followed on admission.",
            ),
            True,
        ),
        "findings": (
            {
                "good_practice": "Excellent community dysphagia care and family involvement.",
                "learning": "Dysphagia plans must travel with the person into hospital.",
                "concerns": "A normal diet was given on the first day in hospital.",
                "grade": "4",
                "themes": "",  # FINDINGS_THEMES
                "focused_needed": N,
            },
            True,
        ),
    },
    "demo-14": {
        "episodes": [
            (
                40,
                "gp",
                "Hollybank Residential Home (GP visit)",
                "Ankle swelling reviewed; diuretic increased.",
                "",
                "",
            ),
            (
                2,
                "social_care",
                "Hollybank Residential Home",
                "Found breathless at night; end of life care plan followed.",
                "She died in her own room with her nephew present, as she wished.",
                "",
            ),
        ],
        "about-the-person": (
            {
                "pen_portrait": "Margaret worked in the hospital laundry for 30 years and "
                "never missed Coronation Street. She loved knitting for her great-nephews.",
                "ld_level": "mild",
                "autism": "no",
                "accommodation": "residential_care",
                "lives_alone": "no",
                "out_of_area": "no",
                "communication_needs": "None",
            },
            True,
        ),
        "family-and-carers": (
            _family("Nephew", "Very happy with the home's care at the end."),
            True,
        ),
        "evidence": (
            _evidence(
                "Heart failure was well managed with regular reviews.",
                "Registered manager, Hollybank Residential Home",
            ),
            True,
        ),
        "cause-of-death": (
            {
                "cause_1a": "Congestive heart failure",
                "cause_1b": "Ischaemic heart disease",
                "icd10_code": "I50.0",
                "place_of_death": "care_home",
                "place_of_death_detail": "Hollybank Residential Home",
                "coroner": N,
                "avoidable": "not_applicable",
            },
            True,
        ),
        "care-questions": (
            _care(dnacpr_in_place=Y, dnacpr_followed=Y),
            True,
        ),
        "findings": (
            {
                "good_practice": "An end of life plan made with Margaret and followed.",
                "learning": "Advance care planning worked well.",
                "concerns": "None",
                "grade": "2",
                "themes": "",
                "focused_needed": N,
            },
            True,
        ),
    },
    "demo-15": {
        "episodes": [
            (
                15,
                "gp",
                "Kingsford Abbey Surgery",
                "Urinary infection treated by telephone.",
                "",
                "Not examined; no urine test.",
            ),
            (
                3,
                "hospital_outpatient",
                "Eastmere General Hospital",
                "Emergency department: sepsis screen positive; antibiotics within the hour.",
                "Sepsis pathway followed promptly.",
                "",
            ),
        ],
        "about-the-person": (
            {
                "pen_portrait": "Ian was a gentle giant who loved Elvis, bus rides and his "
                "weekly pint of shandy at the Red Lion with his support worker.",
                "ld_level": "moderate",
                "autism": "no",
                "accommodation": "supported_living",
                "lives_alone": "no",
                "out_of_area": "no",
                "communication_needs": "Short sentences; liked things written down.",
            },
            True,
        ),
        "family-and-carers": (
            _family("Sister", "Felt the GP should have seen him in person."),
            True,
        ),
        "evidence": (
            _evidence(
                "The practice reflected that a face-to-face review would have been better.",
                "Support worker, Brookside Supported Living",
            ),
            True,
        ),
        "cause-of-death": (
            {
                "cause_1a": "Sepsis",
                "cause_1b": "Urinary tract infection",
                "icd10_code": "A41.9",
                "place_of_death": "hospital",
                "place_of_death_detail": "Eastmere General Hospital",
                "coroner": N,
                "avoidable": "treatable",
            },
            True,
        ),
        "care-questions": (
            _care(
                reasonable_adjustments="partly",
                delays=Y,
                delays_detail="Three days between the first call and a face-to-face review.",
            ),
            True,
        ),
        "findings": (
            {
                "good_practice": "Prompt sepsis treatment in the emergency department.",
                "learning": "People who cannot describe symptoms should be seen in person.",
                "concerns": "Telephone-only treatment of an infection.",
                "grade": "4",
                "themes": "",
                "focused_needed": N,
            },
            True,
        ),
    },
    "demo-16": {
        "episodes": [
            (
                120,
                "hospital_outpatient",
                "Eastmere Neurology Clinic",
                "Epilepsy review; rescue medication plan updated.",
                "Plan written with Owen and his mum in easy read.",
                "",
            ),
            (
                0,
                "ambulance",
                "Demo Ambulance Service",
                "Prolonged seizure at home; crew arrived in 12 minutes.",
                "Family gave rescue medication as the plan said.",
                "",
            ),
        ],
        "about-the-person": (
            {
                "pen_portrait": "Owen loved tractors, Lego and long walks with his dog Bramble. "
                "He had a cheeky laugh that filled the room.",
                "ld_level": "severe",
                "autism": "no",
                "accommodation": "family_home",
                "lives_alone": "no",
                "out_of_area": "no",
                "communication_needs": "Used objects of reference and Makaton.",
            },
            True,
        ),
        "family-and-carers": (
            _family("Mother", "The family praised the epilepsy nurse."),
            True,
        ),
        "evidence": (
            _evidence(
                "Epilepsy well controlled until the last year.",
                "Epilepsy nurse specialist, Eastmere Neurology Clinic",
            ),
            True,
        ),
        "cause-of-death": (
            {
                "cause_1a": "Status epilepticus",
                "cause_2": "Cerebral palsy",
                "icd10_code": "G41.9",
                "place_of_death": "home",
                "coroner": Y,
                "avoidable": "neither",
            },
            True,
        ),
        "care-questions": (_care(), True),
        "findings": (
            {
                "good_practice": "A clear rescue medication plan that the family could use.",
                "learning": "Share epilepsy plans with respite services too.",
                "concerns": "None",
                "grade": "2",
                "themes": "",
                "focused_needed": N,
            },
            True,
        ),
    },
}

FINDINGS_THEMES = {
    "demo-13": ("Dysphagia and aspiration pneumonia", "Communication between services"),
    "demo-14": ("End of life care",),
    "demo-15": ("Sepsis", "Reasonable adjustments", "Recognising and responding to deterioration"),
    "demo-16": ("Epilepsy", "Family and carer involvement"),
}

FOCUSED_AGENCIES = {
    "agencies_information": "Adult social care shared the provider's bowel-care training "
    "records; the police were not involved.",
    "safeguarding_referral": Y,
    "safeguarding_detail": "Referral made to Eastmere City Council about bowel care at the "
    "provider; an enquiry is open.",
}


class _Reviews(dict[str, dict[str, Any]]):
    """The review contents, with the findings' themes resolved to their ids when read
    (the themes are rows in the database)."""

    def __getitem__(self, key: str) -> dict[str, Any]:
        content = dict(super().__getitem__(key))
        if "findings" in content and key in FINDINGS_THEMES:
            answers, done = content["findings"]
            content["findings"] = ({**answers, "themes": theme_ids(*FINDINGS_THEMES[key])}, done)
        return content


REVIEWS = _Reviews({**_PARTIAL, **FULL_INITIAL})
