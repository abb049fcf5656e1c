"""Scale steps of the review feature (``manage.py seed_scale``, docs/performance.md):

- ``allocations``: a reviewer profile (training, caseload limit) and employment history
  for every reviewer, an ``Allocation`` per "allocated" move of every case (declined ones
  ended with the conflict declared, stopped cases' ended by the opt-out), and the
  ``review_case`` / ``supervise_case`` grants of the active allocations;
- ``holds``: a ``CaseHold`` per time on hold (``CaseFact.holds()``);
- ``reviews``: the review itself for every case accepted by its reviewer: the task list's
  sections with full answers (shaped exactly as the section forms save them), key
  episodes, multi-agency meetings for focused reviews, some supervision comments; a frozen
  ``ReviewVersion`` per submission for QA, a ``QAReturn`` per return and a
  ``ReviewSignOff`` per completion. Versions and sign-offs are append-only (triggers refuse
  UPDATE and DELETE): they are written once, by COPY, in their final form.

Every row gets its simple-history rows, dated as the service would have written them.
"""

from __future__ import annotations

import datetime
import functools
import uuid
from collections.abc import Callable
from typing import Any

from django.contrib.auth.models import Permission
from django.contrib.contenttypes.models import ContentType

from leder.roles import Role
from leder.scale import ScaleContext, scale_step
from leder.scale.bulk import allocate_ids, copy_rows, history_row
from leder.scale.timelines import CaseFact
from reviews.models import (
    Allocation,
    Case,
    CaseHold,
    CaseStatus,
    CaseUserObjectPermission,
    Employment,
    EpisodeSetting,
    HoldReason,
    KeyEpisode,
    MultiAgencyMeeting,
    QAReturn,
    ReviewerProfile,
    ReviewSection,
    ReviewSignOff,
    ReviewVersion,
    SupervisionComment,
)

S = CaseStatus
DAY = datetime.timedelta(days=1)
DECLINED = "Reviewer declared a conflict of interest"
STOPPED = "Case stopped: National Data Opt-Out"
DECLINE_REASONS = (
    "I worked at the person's GP practice until last year.",
    "The person lived in the supported living service my sister manages.",
    "I was the person's community nurse in 2019.",
)
# Cases whose reviewer accepted: the review has begun.
REVIEWED = frozenset({S.IN_PROGRESS, S.ON_HOLD, S.AWAITING_QA, S.RETURNED, S.COMPLETED})


def _at(day: datetime.date, hour: int = 12) -> datetime.datetime:
    return datetime.datetime.combine(day, datetime.time(hour), tzinfo=datetime.UTC)


class Rows:
    """Rows of several models gathered for one batch, written in dependency order."""

    def __init__(self, batch_size: int, *models: type[Any]) -> None:
        self.batch_size = batch_size
        self.order = list(models)
        self.rows: dict[type[Any], list[Any]] = {m: [] for m in models}
        self.written: dict[type[Any], int] = dict.fromkeys(models, 0)

    def add(self, model: type[Any], row: Any) -> None:
        self.rows[model].append(row)

    def flush(self) -> None:
        for model in self.order:
            rows = self.rows[model]
            self.written[model] += copy_rows(model, rows, batch_size=self.batch_size)
            rows.clear()

    def pending(self) -> int:
        return sum(len(r) for r in self.rows.values())


@functools.cache
def _history(model: type[Any]) -> type[Any]:
    """The historical model (getting the manager is costly: once per model)."""
    return model.history.model  # type: ignore[no-any-return]


def _case_grants() -> dict[str, int]:
    case_type = ContentType.objects.get_for_model(Case)
    return dict(Permission.objects.filter(content_type=case_type).values_list("codename", "pk"))


@scale_step("allocations", after=("notifications_and_cases",))
def generate_allocations(ctx: ScaleContext) -> dict[str, int]:
    """Reviewer profiles and employments, allocations of every case, reviewers' grants."""
    rng, size = ctx.rng, ctx.options.batch_size
    people = [
        (icb_id, user_id)
        for icb_id, roles in ctx.staff.items()
        if icb_id is not None
        for role in (Role.REVIEWER, Role.SENIOR_REVIEWER)
        for user_id in roles.get(role.value, [])
    ]
    profiles: list[ReviewerProfile] = []
    employments: list[Employment] = []
    for (icb_id, user_id), pk in zip(
        people, allocate_ids(ReviewerProfile, len(people)), strict=True
    ):
        started = ctx.today - DAY * rng.randint(200, 365 * ctx.options.years)
        # 4% let their training lapse (more than a year ago): they cannot be allocated.
        trained = ctx.today - DAY * (
            rng.randint(370, 600) if rng.random() < 0.04 else rng.randint(3, 350)
        )
        profiles.append(
            ReviewerProfile(
                id=pk,
                user_id=user_id,
                key=uuid.UUID(int=rng.getrandbits(128), version=4),
                max_caseload=rng.choice((3, 4, 4, 4, 5, 6, 8)),
                training_completed_on=trained,
                created_at=_at(started),
            )
        )
        employments.append(
            Employment(
                profile_id=pk,
                organisation_id=icb_id,
                job_title=rng.choice(("Nurse reviewer", "LeDeR reviewer", "Quality lead")),
                started_on=started,
                ended_on=None,
            )
        )
        practices = ctx.practices_by_icb.get(icb_id) or []
        if practices and rng.random() < 0.4:
            before = started - DAY * rng.randint(30, 900)
            employments.append(
                Employment(
                    profile_id=pk,
                    organisation_id=rng.choice(practices),
                    job_title="Practice nurse",
                    started_on=before - DAY * rng.randint(300, 3000),
                    ended_on=before,
                )
            )
    for employment, pk in zip(employments, allocate_ids(Employment, len(employments)), strict=True):
        employment.id = pk
    copy_rows(ReviewerProfile, profiles, batch_size=size)
    copy_rows(
        _history(ReviewerProfile),
        [
            history_row(p, at=p.created_at, reason="Added to the reviewer directory")
            for p in profiles
        ],
        batch_size=size,
    )
    copy_rows(Employment, employments, batch_size=size)
    copy_rows(
        _history(Employment),
        [history_row(e, at=_at(e.started_on), reason="Employment recorded") for e in employments],
        batch_size=size,
    )

    perms = _case_grants()
    rows = Rows(size, Allocation, _history(Allocation), CaseUserObjectPermission)
    grants = 0
    for start in range(0, len(ctx.cases), size):
        chunk = ctx.cases[start : start + size]
        made = [a for case in chunk for a in _allocations(ctx, case)]
        for allocation, pk in zip(made, allocate_ids(Allocation, len(made)), strict=True):
            allocation.id = pk
            rows.add(Allocation, allocation)
            for row in _allocation_history(allocation):
                rows.add(_history(Allocation), row)
            if allocation.ended_at is None:
                holders: tuple[tuple[int | None, str], ...] = (
                    (allocation.reviewer_id, "review_case"),
                    (allocation.senior_reviewer_id, "supervise_case"),
                )
                for holder, codename in holders:
                    if holder is not None:
                        rows.add(
                            CaseUserObjectPermission,
                            {
                                "content_object_id": allocation.case_id,
                                "user_id": holder,
                                "permission_id": perms[codename],
                            },
                        )
                        grants += 1
        rows.flush()
    return {
        "reviewer profiles": len(profiles),
        "employments": len(employments),
        "allocations": rows.written[Allocation],
        "allocation history rows": rows.written[_history(Allocation)],
        "case grants": grants,
    }


def _allocations(ctx: ScaleContext, case: CaseFact) -> list[Allocation]:
    """An allocation per "allocated" move: declined (conflict), stopped (opt-out) or active."""
    made = []
    events = case.events
    stop = next((e for e in events if e.to == S.OPTED_OUT), None)
    for index, event in enumerate(events):
        if event.to != S.ALLOCATED:
            continue
        after = events[index + 1] if index + 1 < len(events) else None
        declined = after is not None and after.to == S.AWAITING_ALLOCATION
        reviewer = after.by if declined and after is not None else case.reviewer_id
        if reviewer is None:
            continue
        allocation = Allocation(
            case_id=case.id,
            reviewer_id=reviewer,
            senior_reviewer_id=None if declined else case.senior_reviewer_id,
            allocated_by_id=event.by,
            allocated_at=event.at,
            conflicts=[],
            override_justification="",
            accepted_at=None,
            declined_reason="",
            ended_at=None,
            ended_by_id=None,
            end_reason="",
        )
        if declined and after is not None:
            allocation.ended_at = after.at
            allocation.ended_by_id = reviewer
            allocation.end_reason = DECLINED
            allocation.declined_reason = ctx.rng.choice(DECLINE_REASONS)
        else:
            if after is not None and after.to == S.IN_PROGRESS:
                allocation.accepted_at = after.at
            if stop is not None:
                allocation.ended_at = stop.at
                allocation.ended_by_id = stop.by
                allocation.end_reason = STOPPED
        made.append(allocation)
    return made


def _allocation_history(a: Allocation) -> list[dict[str, Any]]:
    reason = "Allocated"
    rows = [
        history_row(
            a,
            at=a.allocated_at,
            user_id=a.allocated_by_id,
            reason=reason,
            accepted_at=None,
            declined_reason="",
            ended_at=None,
            ended_by_id=None,
            end_reason="",
        )
    ]
    if a.accepted_at is not None:
        rows.append(
            history_row(
                a,
                at=a.accepted_at,
                kind="~",
                user_id=a.reviewer_id,
                reason="Reviewer accepted, confirming no conflict of interest",
                ended_at=None,
                ended_by_id=None,
                end_reason="",
            )
        )
    if a.ended_at is not None:
        rows.append(
            history_row(a, at=a.ended_at, kind="~", user_id=a.ended_by_id, reason=a.end_reason)
        )
    return rows


@scale_step("holds", after=("notifications_and_cases",))
def generate_holds(ctx: ScaleContext) -> dict[str, int]:
    """A hold row for each time a case was on hold (the coroner), ended when it resumed."""
    rng, size = ctx.rng, ctx.options.batch_size
    wanted = [(case, period) for case in ctx.cases for period in case.holds()]
    holds: list[CaseHold] = []
    history: list[dict[str, Any]] = []
    for (case, (started, ended)), pk in zip(
        wanted, allocate_ids(CaseHold, len(wanted)), strict=True
    ):
        hold = CaseHold(
            id=pk,
            case_id=case.id,
            reason=HoldReason.CORONER,  # the status moves say "waiting for the coroner"
            started_on=started,
            expected_review_on=started + DAY * rng.randint(28, 90),
            ended_on=ended,
        )
        holds.append(hold)
        history.append(
            history_row(
                hold,
                at=_at(started),
                user_id=case.reviewer_id,
                reason="Review put on hold",
                ended_on=None,
            )
        )
        if ended is not None:
            history.append(
                history_row(
                    hold,
                    at=_at(ended),
                    kind="~",
                    user_id=case.reviewer_id,
                    reason="Review resumed",
                )
            )
    copy_rows(CaseHold, holds, batch_size=size)
    copy_rows(_history(CaseHold), history, batch_size=size)
    return {
        "holds": len(holds),
        "open holds": sum(1 for h in holds if h.ended_on is None),
        "hold history rows": len(history),
    }


# --- The review --------------------------------------------------------------------------

PORTRAITS = (
    "{name} loved music, especially brass bands, and went to a drama group every week. "
    "They liked a routine, their own mug and a walk to the shop after lunch.",
    "{name} was funny and sociable and knew everyone at the day centre. They enjoyed "
    "gardening, football on the television and visits from their nephew.",
    "{name} enjoyed swimming, bus rides and looking at photographs of their family. They "
    "communicated with a few words, Makaton signs and a lot of expression.",
)
TEXTS = {
    "communication": (
        "Used Makaton and short sentences; needed time to answer and pictures for new things.",
        "Spoke in short phrases; staff who knew them well understood their gestures.",
        "None",
    ),
    "views": (
        "The family felt the hospital did not listen when they said the person was in pain.",
        "The family praised the care home staff, who treated the person like family.",
    ),
    "tried": ("Two letters and three phone calls to the named next of kin, with no answer.",),
    "gp": (
        "The GP said the person had an annual health check every year and a health action "
        "plan, but the last review of their epilepsy medication was overdue.",
        "The GP described frequent chest infections and a referral to speech and language "
        "therapy for swallowing that was not followed up.",
    ),
    "evidence": (
        "Hospital discharge summaries, the care home's daily notes and the care plan.",
        "Ambulance service records and the community learning disability team's notes.",
    ),
    "overview": (
        "The timeline shows repeated admissions for chest infections over the last year.",
        "",
    ),
    "delays": ("The referral for a swallowing assessment took eleven weeks.",),
    "package": ("The care package did not include support at night after the fall.",),
    "guidelines": ("The NEWS2 escalation was not followed on the ward on the last night.",),
    "agencies": (
        "Adult social care shared the safeguarding enquiry and the housing provider its "
        "incident log.",
    ),
    "safeguarding": ("A section 42 enquiry was opened by the local authority.",),
    "patient_safety": ("Reported on the Learn from Patient Safety Events service.",),
    "analysis": (
        "Across the meetings the agencies agreed that the person's deterioration was "
        "recognised late because their usual behaviour was not recorded anywhere the ward "
        "could see it. Reasonable adjustments were made in outpatients but not on admission.",
    ),
    "factors": ("No hospital passport on admission; staff shortages at night.", ""),
    "recommendations": (
        "Share hospital passports with the ward on admission; train ward staff in "
        "recognising pain in people who do not use words.",
    ),
    "good_practice": (
        "The GP practice made reasonable adjustments for appointments and health checks.",
        "The care home staff advocated for the person in hospital and stayed with them.",
    ),
    "learning": (
        "Annual health checks should review swallowing and posture for people with "
        "recurrent chest infections.",
        "Ward staff need to know how the person shows pain, from the people who know them.",
    ),
    "concerns": ("None", "The delay in the swallowing assessment; no DNACPR discussion."),
    "pen_comments": ("The family asked us to add that the person loved their dog.",),
}
CAUSES = (
    ("Aspiration pneumonia", "J69.0"),
    ("Bronchopneumonia", "J18.0"),
    ("Sepsis", "A41.9"),
    ("Epilepsy", "G40.9"),
    ("Myocardial infarction", "I21.9"),
    ("Cancer of the bowel", "C18.9"),
)
RELATIONSHIPS = ("sister", "mother", "brother", "key worker", "father", "cousin")
PROFESSIONALS = (
    ("Community nurse", "the community learning disability team"),
    ("Care home manager", "the care home"),
    ("Speech and language therapist", "the community health trust"),
    ("Social worker", "adult social care"),
)
ORGANISATIONS = {
    EpisodeSetting.GP: "the GP practice",
    EpisodeSetting.HOSPITAL_INPATIENT: "the acute hospital trust",
    EpisodeSetting.HOSPITAL_OUTPATIENT: "the acute hospital trust",
    EpisodeSetting.COMMUNITY_HEALTH: "the community health trust",
    EpisodeSetting.SOCIAL_CARE: "the care home",
    EpisodeSetting.AMBULANCE: "the ambulance service",
    EpisodeSetting.MENTAL_HEALTH: "the mental health trust",
    EpisodeSetting.OTHER: "the day centre",
}
HAPPENED = (
    "Seen for a chest infection; antibiotics prescribed and a follow-up booked.",
    "Admitted with breathing difficulties; treated for aspiration pneumonia.",
    "Annual health check: weight loss noted and a referral for a swallowing assessment.",
    "Fell at home at night; ambulance called, no injury found, not conveyed.",
    "Discharged back to the care home with a new eating and drinking plan.",
)


class Answers:
    """The review's answers, shaped as the section forms save them (``to_data``), and the
    labels a version keeps (one form instance per section and review type, reused)."""

    def __init__(self, ctx: ScaleContext) -> None:
        from reviews.models import LearningTheme
        from reviews.review.grading import care_grades
        from reviews.review.icd10 import lookup
        from reviews.review.sections import SECTIONS, sections_for

        self.ctx = ctx
        self.rng = ctx.rng
        self.themes = list(LearningTheme.objects.filter(active=True).values_list("pk", "name"))
        self.grades = care_grades()
        self.causes = [(text, code, lookup(code) or "") for text, code in CAUSES]
        self._sections = {t: sections_for(t) for t in ("initial", "focused")}
        self._titles = {s.key: s.title for s in SECTIONS}
        self._forms: dict[tuple[str, str], Any] = {}
        for review_type, sections in self._sections.items():
            context = {"review_type": review_type, "themes": self.themes}
            for s in sections:
                self._forms[review_type, s.key] = s.form_class(context=context)
        self.icb_names: dict[int, str] = {}
        self.user_names: dict[int, str] = {}

    def sections(self, review_type: str) -> list[Any]:
        return self._sections[review_type or "initial"]

    def title(self, key: str) -> str:
        return self._titles[key]

    def display_rows(self, review_type: str, key: str, data: dict[str, Any]) -> Any:
        return self._forms[review_type or "initial", key].display_rows(data)

    def load(self, cases: list[CaseFact]) -> dict[int, dict[str, Any]]:
        """What the answers and the versions need of each case's notification."""
        from leder.models import Organisation, User
        from notifications.models import Notification

        if not self.icb_names:
            self.icb_names = dict(
                Organisation.objects.filter(pk__in=self.ctx.icb_ids).values_list("pk", "name")
            )
            staff = [u for roles in self.ctx.staff.values() for ids in roles.values() for u in ids]
            self.user_names = dict(User.objects.filter(pk__in=staff).values_list("pk", "full_name"))
        fields = (
            "id",
            "given_name",
            "family_name",
            "other_names",
            "nhs_number",
            "date_of_birth",
            "date_of_death",
            "address",
            "postcode",
            "age_at_death",
            "sex",
            "contact_name",
            "received_at",
            "learning_disability_level",
            "autism",
            "cause_of_death",
            "place_of_death",
            "place_of_death_detail",
            "gp_practice__name",
        )
        by_notification = {
            row["id"]: row
            for row in Notification.objects.filter(
                pk__in=[c.notification_id for c in cases]
            ).values(*fields)
        }
        return {c.id: by_notification[c.notification_id] for c in cases}

    def _pick(self, kind: str) -> str:
        return self.rng.choice(TEXTS[kind])

    def _date(self, after: datetime.date | None, before: datetime.date) -> str:
        start = after or before - 30 * DAY
        span = max(0, (before - start).days)
        return (start + DAY * self.rng.randint(0, span)).isoformat()

    def section_data(
        self, key: str, case: CaseFact, person: dict[str, Any], until: datetime.datetime
    ) -> dict[str, Any]:
        rng, pick = self.rng, self._pick
        death = person["date_of_death"]
        by = until.date()
        yes_no = ("yes", "yes", "no")
        if key == "about-the-person":
            level = person["learning_disability_level"]
            autism = person["autism"] if person["autism"] in ("yes", "no") else "not_known"
            return {
                "pen_portrait": rng.choice(PORTRAITS).format(name=person["given_name"]),
                "ld_level": level
                if level in ("mild", "moderate", "severe", "profound_multiple")
                else "not_known",
                "autism": autism,
                "accommodation": rng.choice(
                    ("family_home", "supported_living", "residential_care", "nursing_home")
                ),
                "lives_alone": rng.choice(("no", "no", "yes")),
                "out_of_area": rng.choice(("no", "no", "no", "yes")),
                "communication_needs": pick("communication"),
            }
        if key == "family-and-carers":
            contacted = rng.choice(("yes", "yes", "yes", "declined", "unreachable"))
            talked = contacted == "yes"
            letter = rng.choice(yes_no)
            shared = rng.choice(("yes", "no")) if talked else "not_applicable"
            return {
                "family_contacted": contacted,
                "contact_on": self._date(death, by) if talked else "",
                "contact_relationship": rng.choice(RELATIONSHIPS) if talked else "",
                "family_views": pick("views") if talked else "",
                "no_contact_detail": "" if talked else pick("tried"),
                "condolence_letter": letter,
                "condolence_letter_on": self._date(death, by) if letter == "yes" else "",
                "pen_portrait_shared": shared,
                "pen_portrait_comments": pick("pen_comments") if shared == "yes" else "",
            }
        if key == "evidence":
            records = "reviewed" if rng.random() < 0.93 else "not_available"
            spoke = rng.choice(yes_no)
            return {
                "gp_records": records,
                "gp_records_detail": "The practice closed and the records were not transferred."
                if records == "not_available"
                else "",
                "gp_conversation": spoke,
                "gp_conversation_on": self._date(death, by) if spoke == "yes" else "",
                "gp_conversation_summary": pick("gp") if spoke == "yes" else "",
                "professionals": [
                    {"role": role, "organisation": org}
                    for role, org in rng.sample(PROFESSIONALS, k=rng.randint(1, 3))
                ],
                "other_evidence": pick("evidence"),
            }
        if key in ("key-episodes", "multi-agency-meetings"):
            return {"overview": pick("overview")}
        if key == "cause-of-death":
            text, code, description = rng.choice(self.causes)
            age = person["age_at_death"]
            avoidable = (
                "not_applicable"
                if age is not None and age >= 75
                else rng.choice(("preventable", "treatable", "both", "neither", "neither"))
            )
            place = person["place_of_death"]
            return {
                "cause_1a": (person["cause_of_death"] or text)[:300],
                "cause_1b": rng.choice(("", "", "Dysphagia")),
                "cause_1c": "",
                "cause_2": rng.choice(("", "Epilepsy", "Down syndrome")),
                "icd10_code": code,
                "place_of_death": place if place and place != "not_known" else "hospital",
                "place_of_death_detail": person["place_of_death_detail"] or "",
                "coroner": rng.choice(("no", "no", "yes")),
                "avoidable": avoidable,
                "icd10_description": description,
            }
        if key == "care-questions":
            dnacpr = rng.choice(("yes", "no", "not_known"))
            mca = rng.choice(("yes", "yes", "no"))
            delays = rng.choice(("no", "yes"))
            package = rng.choice(("yes", "yes", "no", "not_applicable"))
            guidelines = rng.choice(("no", "no", "yes"))
            return {
                "dnacpr_in_place": dnacpr,
                "dnacpr_followed": rng.choice(("yes", "yes", "no")) if dnacpr == "yes" else "",
                "mca_relevant": mca,
                "mca_followed": rng.choice(("yes", "no")) if mca == "yes" else "",
                "dols": rng.choice(("yes", "no", "not_applicable")),
                "reasonable_adjustments": rng.choice(("yes", "partly", "no")),
                "annual_health_check": rng.choice(("yes", "yes", "no", "not_known")),
                "health_action_plan": rng.choice(("yes", "no", "not_known")),
                "delays": delays,
                "delays_detail": pick("delays") if delays == "yes" else "",
                "care_package": package,
                "care_package_detail": pick("package") if package == "no" else "",
                "guidelines": guidelines,
                "guidelines_detail": pick("guidelines") if guidelines == "yes" else "",
            }
        if key == "further-agencies":
            safeguarding = rng.choice(("yes", "no"))
            safety = rng.choice(("yes", "no", "no"))
            return {
                "agencies_information": pick("agencies"),
                "safeguarding_referral": safeguarding,
                "safeguarding_detail": pick("safeguarding") if safeguarding == "yes" else "",
                "patient_safety_referral": safety,
                "patient_safety_detail": pick("patient_safety") if safety == "yes" else "",
            }
        if key == "analysis":
            return {
                "analysis": pick("analysis"),
                "contributory_factors": pick("factors"),
                "recommendations": pick("recommendations"),
            }
        if key == "findings":
            grade = rng.choices(self.grades, weights=(1, 4, 3, 2, 1, 1)[: len(self.grades)])[0]
            themes = rng.sample(self.themes, k=min(len(self.themes), rng.randint(1, 3)))
            data: dict[str, Any] = {
                "good_practice": pick("good_practice"),
                "learning": pick("learning"),
                "concerns": pick("concerns"),
                "grade": grade.value,
                "themes": [str(pk) for pk, _ in themes],
            }
            if case.review_type != "focused":
                data |= {"focused_needed": "no", "focused_reason": ""}
            return data | {
                "theme_names": [name for _, name in themes],
                "grade_label": grade.label,
                "grade_definition": grade.definition,
            }
        raise ValueError(f"no scale answers for the section {key!r}")


def episode_rows(
    rng: Any, case: CaseFact, person: dict[str, Any], accepted: datetime.datetime, until: Any
) -> list[KeyEpisode]:
    death = person["date_of_death"] or accepted.date()
    settings = list(ORGANISATIONS)
    rows = []
    for _ in range(rng.randint(3, 6)):
        setting = rng.choice(settings)
        rows.append(
            KeyEpisode(
                case_id=case.id,
                occurred_on=death - DAY * rng.randint(0, 365),
                setting=setting,
                organisation=ORGANISATIONS[setting],
                what_happened=rng.choice(HAPPENED),
                good_practice=rng.choice(("", "Staff used the person's communication passport.")),
                concerns=rng.choice(("", "", "No record of a pain assessment.")),
                revision=0,
                created_at=accepted + (until - accepted) * rng.uniform(0.1, 0.6),
            )
        )
    rows.sort(key=lambda e: e.occurred_on)
    return rows


def meeting_rows(
    rng: Any, case: CaseFact, person: dict[str, Any], accepted: datetime.datetime, until: Any
) -> list[MultiAgencyMeeting]:
    rows = []
    for _ in range(rng.randint(1, 2)):
        held = accepted + (until - accepted) * rng.uniform(0.3, 0.8)
        rows.append(
            MultiAgencyMeeting(
                case_id=case.id,
                held_on=held.date(),
                attendees=[
                    {"role": role, "organisation": org}
                    for role, org in rng.sample(PROFESSIONALS, k=rng.randint(2, 4))
                ],
                minutes_summary="The agencies agreed the timeline and the learning: the "
                "swallowing referral was delayed and the ward did not have the hospital "
                "passport.",
                revision=0,
                created_at=held + DAY,
            )
        )
    rows.sort(key=lambda m: m.held_on)
    return rows


def _iso(value: Any) -> str:
    return value.isoformat() if value else ""


def _nhs_date(value: datetime.date | None) -> str:
    return f"{value.day} {value:%B %Y}" if value else ""


def snapshot(
    answers: Answers,
    case: CaseFact,
    person: dict[str, Any],
    data_by_key: dict[str, dict[str, Any]],
    *,
    episodes: list[KeyEpisode],
    meetings: list[MultiAgencyMeeting],
    comments: list[SupervisionComment],
    holds: list[tuple[datetime.date, datetime.date | None]],
) -> dict[str, Any]:
    """A version's content, in the schema of ``reviews.review.snapshot.build_snapshot``."""
    from reviews.models import ReviewType

    review_type = case.review_type or "initial"
    names = answers.user_names
    settings = dict(EpisodeSetting.choices)
    name = f"{person['given_name']} {person['family_name']}".strip()
    return {
        "schema": 1,
        "reference": case.reference,
        "review_type": review_type,
        "review_type_label": str(ReviewType(review_type).label),
        "person": {
            "name": name,
            "other_names": person["other_names"],
            "nhs_number": person["nhs_number"],
            "date_of_birth": _iso(person["date_of_birth"]),
            "date_of_death": _iso(person["date_of_death"]),
            "address": person["address"],
            "postcode": person["postcode"],
            "age_at_death": person["age_at_death"],
            "sex": str(person["sex"] or "").capitalize(),
            "gp_practice": person["gp_practice__name"] or "",
        },
        "family_names": [n for n in [person["contact_name"]] if n],
        "icb": answers.icb_names.get(case.icb_id, ""),
        "reviewer": names.get(case.reviewer_id or 0, ""),
        "senior_reviewer": names.get(case.senior_reviewer_id or 0, ""),
        "received_on": _iso(person["received_at"].date()),
        "sections": [
            {
                "key": s.key,
                "title": s.title,
                "completed": True,
                "rows": answers.display_rows(review_type, s.key, data_by_key.get(s.key, {})),
            }
            for s in answers.sections(review_type)
        ],
        "episodes": [
            {
                "id": e.id,
                "date": _iso(e.occurred_on),
                "date_display": _nhs_date(e.occurred_on),
                "setting": str(settings[e.setting]),
                "organisation": e.organisation,
                "what_happened": e.what_happened,
                "good_practice": e.good_practice,
                "concerns": e.concerns,
            }
            for e in episodes
        ],
        "meetings": [
            {
                "id": m.id,
                "date": _iso(m.held_on),
                "date_display": _nhs_date(m.held_on),
                "attendees": m.attendees,
                "minutes_summary": m.minutes_summary,
            }
            for m in meetings
        ],
        "comments": [
            {
                "section": c.section_key,
                "section_title": answers.title(c.section_key),
                "author": names.get(c.author_id, "Senior reviewer"),
                "at": f"{_nhs_date(c.created_at.date())} at {c.created_at:%H:%M}",
                "text": c.text,
                "reply": c.reply,
                "replied_by": names.get(c.replied_by_id or 0, ""),
                "replied_at": f"{_nhs_date(c.replied_at.date())} at {c.replied_at:%H:%M}"
                if c.replied_at
                else "",
            }
            for c in comments
        ],
        "holds": [
            {
                "reason": str(HoldReason.CORONER.label),
                "started_on": _nhs_date(started),
                "ended_on": _nhs_date(ended),
            }
            for started, ended in holds
        ],
    }


class ReviewChunk:
    """One batch of cases' review rows: built first, then ids taken in bulk (one query per
    table, not per case), then written."""

    def __init__(self) -> None:
        self.sections: list[tuple[ReviewSection, datetime.datetime, str]] = []
        self.episodes: list[KeyEpisode] = []
        self.meetings: list[MultiAgencyMeeting] = []
        self.comments: list[SupervisionComment] = []
        # (the case, its versions, what happened to them: (event, version index))
        self.versions: list[tuple[CaseFact, list[ReviewVersion], list[tuple[Any, int]]]] = []
        self.content: list[tuple[ReviewVersion, Callable[[], dict[str, Any]]]] = []


@scale_step("reviews", after=("allocations", "holds"))
def generate_reviews(ctx: ScaleContext) -> dict[str, int]:
    """Sections with full answers, episodes, meetings, comments, versions and sign-offs.

    Versions, QA returns and sign-offs as the case's status moves imply."""
    size = ctx.options.batch_size
    answers = Answers(ctx)
    rows = Rows(
        size,
        ReviewSection,
        _history(ReviewSection),
        KeyEpisode,
        _history(KeyEpisode),
        MultiAgencyMeeting,
        _history(MultiAgencyMeeting),
        SupervisionComment,
        _history(SupervisionComment),
        ReviewVersion,
        ReviewSignOff,
        QAReturn,
        _history(QAReturn),
    )
    reviewed = [
        c
        for c in ctx.cases
        if c.status in REVIEWED
        and c.reviewer_id is not None
        and any(e.to == S.IN_PROGRESS for e in c.events)
    ]
    chunk_size = max(1, size // 5)  # about 5 sections and 4 episodes a case
    for start in range(0, len(reviewed), chunk_size):
        cases = reviewed[start : start + chunk_size]
        people = answers.load(cases)
        chunk = ReviewChunk()
        for case in cases:
            _review(ctx, answers, chunk, case, people[case.id])
        _write_chunk(chunk, rows)
        rows.flush()
    return {
        "reviews": len(reviewed),
        "sections": rows.written[ReviewSection],
        "section history rows": rows.written[_history(ReviewSection)],
        "key episodes": rows.written[KeyEpisode],
        "multi-agency meetings": rows.written[MultiAgencyMeeting],
        "supervision comments": rows.written[SupervisionComment],
        "versions": rows.written[ReviewVersion],
        "sign-offs": rows.written[ReviewSignOff],
        "QA returns": rows.written[QAReturn],
    }


def _with_ids(model: type[Any], items: list[Any]) -> None:
    for item, pk in zip(items, allocate_ids(model, len(items)), strict=True):
        item.id = pk


def _review(
    ctx: ScaleContext, answers: Answers, chunk: ReviewChunk, case: CaseFact, person: dict[str, Any]
) -> None:
    """Build one case's review rows into ``chunk``."""
    rng = ctx.rng
    reviewer = case.reviewer_id
    assert reviewer is not None  # only reviewed cases come here
    accepted = next(e.at for e in case.events if e.to == S.IN_PROGRESS)
    submissions = [e for e in case.events if e.to == S.AWAITING_QA]
    stopped = next((e.at for e in case.events if e.to == S.OPTED_OUT), None)
    until = submissions[0].at if submissions else (stopped or ctx.now)
    sections = answers.sections(case.review_type)
    if submissions:
        started = completed = len(sections)
    else:  # still being written: the first sections, the last of them unfinished
        progress = min(1.0, (until - accepted) / (85 * DAY) + rng.random() * 0.3)
        started = max(1, round(progress * len(sections)))
        completed = started - 1 if rng.random() < 0.8 else started
    data_by_key: dict[str, dict[str, Any]] = {}
    span = max((until - accepted).total_seconds(), 3600.0)
    for number, section in enumerate(sections[:started]):
        data = answers.section_data(section.key, case, person, until)
        data_by_key[section.key] = data
        saved = accepted + datetime.timedelta(seconds=span * (number + 1) / (started + 1))
        row = ReviewSection(
            case_id=case.id,
            key=section.key,
            data=data,
            completed=number < completed,
            # Most sections are written in one sitting; some are saved again later.
            revision=1 if rng.random() < 0.6 else rng.randint(2, 4),
            updated_at=saved,
            updated_by_id=reviewer,
        )
        chunk.sections.append((row, accepted + (saved - accepted) / 2, section.title))
    episodes: list[KeyEpisode] = []
    if "key-episodes" in data_by_key:
        episodes = episode_rows(rng, case, person, accepted, until)
        chunk.episodes += episodes
    meetings: list[MultiAgencyMeeting] = []
    if "multi-agency-meetings" in data_by_key:
        meetings = meeting_rows(rng, case, person, accepted, until)
        chunk.meetings += meetings
    comments: list[SupervisionComment] = []
    if case.senior_reviewer_id is not None and data_by_key and rng.random() < 0.6:
        key = rng.choice(list(data_by_key))
        said = accepted + (until - accepted) * rng.uniform(0.2, 0.7)
        answered = said + (until - said) * rng.uniform(0.2, 0.9)
        replied = bool(submissions) or rng.random() < 0.6
        comments.append(
            SupervisionComment(
                case_id=case.id,
                section_key=key,
                author_id=case.senior_reviewer_id,
                text="Could you say more about how the person's needs were shared with the ward?",
                created_at=said,
                reply="Added: the hospital passport was shared on admission." if replied else "",
                replied_by_id=reviewer if replied else None,
                replied_at=answered if replied else None,
            )
        )
        chunk.comments += comments
    if not submissions:
        return
    review_type = case.review_type or "initial"
    versions = [
        ReviewVersion(
            case_id=case.id,
            number=number,
            review_type=review_type,
            content=None,
            submitted_by_id=reviewer,
            submitted_at=event.at,
        )
        for number, event in enumerate(submissions, start=1)
    ]
    outcomes = []
    for event in case.events:
        if event.to in (S.RETURNED, S.COMPLETED):
            index = max(i for i, v in enumerate(versions) if v.submitted_at <= event.at)
            outcomes.append((event, index))
    chunk.versions.append((case, versions, outcomes))
    holds = case.holds()

    def content() -> dict[str, Any]:  # after the ids are known
        return snapshot(
            answers,
            case,
            person,
            data_by_key,
            episodes=episodes,
            meetings=meetings,
            comments=comments,
            holds=holds,
        )

    chunk.content.append((versions[0], content))


def _write_chunk(chunk: ReviewChunk, rows: Rows) -> None:
    sections = [row for row, _, _ in chunk.sections]
    _with_ids(ReviewSection, sections)
    _with_ids(KeyEpisode, chunk.episodes)
    _with_ids(MultiAgencyMeeting, chunk.meetings)
    _with_ids(SupervisionComment, chunk.comments)
    versions = [v for _, vs, _ in chunk.versions for v in vs]
    _with_ids(ReviewVersion, versions)
    for row, first, title in chunk.sections:
        rows.add(ReviewSection, row)
        who = row.updated_by_id
        if row.revision == 1:  # one save: its row is the section as it is
            state = "completed" if row.completed else "saved"
            rows.add(
                _history(ReviewSection),
                history_row(row, at=row.updated_at, user_id=who, reason=f"{title} {state}"),
            )
            continue
        rows.add(
            _history(ReviewSection),
            history_row(
                row, at=first, user_id=who, reason=f"{title} saved", completed=False, revision=1
            ),
        )
        if row.revision > 1:
            state = "completed" if row.completed else "saved"
            rows.add(
                _history(ReviewSection),
                history_row(
                    row, at=row.updated_at, kind="~", user_id=who, reason=f"{title} {state}"
                ),
            )
    for episode in chunk.episodes:
        rows.add(KeyEpisode, episode)
        rows.add(
            _history(KeyEpisode),
            history_row(episode, at=episode.created_at, reason="Key episode added"),
        )
    for meeting in chunk.meetings:
        rows.add(MultiAgencyMeeting, meeting)
        rows.add(
            _history(MultiAgencyMeeting),
            history_row(meeting, at=meeting.created_at, reason="Multi-agency meeting added"),
        )
    for comment in chunk.comments:
        rows.add(SupervisionComment, comment)
        rows.add(
            _history(SupervisionComment),
            history_row(
                comment,
                at=comment.created_at,
                user_id=comment.author_id,
                reason="Comment added",
                reply="",
                replied_by_id=None,
                replied_at=None,
            ),
        )
        if comment.replied_at is not None:
            rows.add(
                _history(SupervisionComment),
                history_row(
                    comment,
                    at=comment.replied_at,
                    kind="~",
                    user_id=comment.replied_by_id,
                    reason="Comment answered",
                ),
            )
    contents = {id(version): make for version, make in chunk.content}
    returns: list[QAReturn] = []
    for _case, versions_of_case, outcomes in chunk.versions:
        made = contents[id(versions_of_case[0])]()
        for version in versions_of_case:
            version.content = made  # every submission froze the same answers here
            rows.add(ReviewVersion, version)
        for event, index in outcomes:
            version = versions_of_case[index]
            if event.to == S.COMPLETED:
                rows.add(
                    ReviewSignOff,
                    {"version_id": version.id, "by_id": event.by, "at": event.at, "reason": ""},
                )
            else:
                returns.append(
                    QAReturn(
                        case_id=version.case_id,
                        version_id=version.id,
                        comments="Please add the GP's account of the last admission, and "
                        "grade the care against the evidence in the episodes.",
                        by_id=event.by,
                        at=event.at,
                    )
                )
    _with_ids(QAReturn, returns)
    for qa_return in returns:
        rows.add(QAReturn, qa_return)
        rows.add(
            _history(QAReturn),
            history_row(qa_return, at=qa_return.at, user_id=qa_return.by_id, reason="Returned"),
        )
