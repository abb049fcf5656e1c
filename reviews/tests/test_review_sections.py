"""Every section's validation: formats always, completeness when "completed" is yes, the
follow-up questions, and the statuses of the task list."""

from __future__ import annotations

import pytest

from reviews.models import ReviewSection
from reviews.review.sections import SECTIONS, SectionStatus, get_section, task_items
from reviews.tests.review_data import post_data

pytestmark = pytest.mark.django_db

CONTEXT = {
    "review_type": "focused",
    "age_at_death": 55,
    "episode_count": 1,
    "meeting_count": 1,
    "themes": [(1, "Reasonable adjustments"), (2, "Sepsis")],
}


def errors(key, data, **context):
    section = get_section(key)
    form = section.form_class(data, context={**CONTEXT, **context})
    form.is_valid()
    return {name: [str(e) for e in errs] for name, errs in form.errors.items()}


def valid(key):
    data = post_data(key)
    if key == "findings":
        data["themes"] = ["1"]
    return data


@pytest.mark.parametrize("section", SECTIONS, ids=lambda s: s.key)
def test_complete_answers_are_valid(section):
    assert errors(section.key, valid(section.key)) == {}


@pytest.mark.parametrize("section", SECTIONS, ids=lambda s: s.key)
def test_a_section_saved_for_later_needs_nothing(section):
    assert errors(section.key, {"completed": "no"}, episode_count=0, meeting_count=0) == {}


@pytest.mark.parametrize("section", SECTIONS, ids=lambda s: s.key)
def test_it_says_whether_the_section_is_complete(section):
    assert errors(section.key, {})["completed"] == [
        "Select whether you have completed this section"
    ]


EXPECTED_MISSING = {
    "about-the-person": {
        "pen_portrait": "Enter a pen portrait of the person",
        "ld_level": "Select the person's level of learning disability",
        "autism": "Select whether the person had a diagnosis of autism",
        "accommodation": "Select the type of accommodation",
        "lives_alone": "Select whether the person lived alone",
        "out_of_area": "Select whether the person was placed out of area",
        "communication_needs": "Enter the person's communication needs, or 'None'",
    },
    "family-and-carers": {
        "family_contacted": "Select whether you spoke to the family or someone close to the person",
        "condolence_letter": "Select whether a condolence letter has been sent",
        "pen_portrait_shared": "Select whether the draft pen portrait was shared with the family",
    },
    "evidence": {
        "gp_records": "Select whether you have reviewed the GP records",
        "gp_conversation": "Select whether you spoke to the person's GP",
        "professionals": "Enter at least one other professional you spoke to",
    },
    "key-episodes": {
        "completed": "Add at least one key episode of care before you complete this section"
    },
    "cause-of-death": {
        "cause_1a": "Enter part Ia of the cause of death",
        "place_of_death": "Select the place of death",
        "coroner": "Select whether the death was referred to the coroner",
        "avoidable": "Select the avoidable death assessment",
    },
    "multi-agency-meetings": {
        "completed": "Add at least one multi-agency meeting before you complete this section"
    },
    "further-agencies": {
        "agencies_information": "Enter the information from further agencies",
        "safeguarding_referral": "Select whether a safeguarding referral was made",
        "patient_safety_referral": "Select whether a patient safety incident was reported",
    },
    "analysis": {
        "analysis": "Enter your analysis",
        "recommendations": "Enter your recommendations for improvement",
    },
    "findings": {
        "good_practice": "Enter the good practice you found",
        "learning": "Enter the learning from this review",
        "concerns": "Enter your concerns about the care, or 'None'",
        "grade": "Select a grading of the overall care",
        "themes": "Select at least one learning theme",
    },
}


@pytest.mark.parametrize("key", sorted(EXPECTED_MISSING))
def test_completing_an_empty_section_names_every_missing_answer(key):
    found = errors(key, {"completed": "yes"}, episode_count=0, meeting_count=0)
    assert found == {name: [message] for name, message in EXPECTED_MISSING[key].items()}


def test_care_questions_want_every_answer():
    found = errors("care-questions", {"completed": "yes"})
    assert len(found) == 9
    assert found["dols"] == [
        "Select whether the person was under a Deprivation of Liberty Safeguards authorisation"
    ]


class TestFollowUps:
    def test_family_contact_needs_date_relationship_and_views(self):
        data = {**valid("family-and-carers")}
        for name in ("contact_on_day", "contact_on_month", "contact_on_year"):
            data.pop(name)
        data.update(contact_relationship="", family_views="")
        assert errors("family-and-carers", data) == {
            "contact_on": ["Enter the date you spoke to them"],
            "contact_relationship": ["Enter their relationship to the person"],
            "family_views": ["Enter their views of the person's care"],
        }

    def test_follow_ups_of_other_answers_are_dropped(self):
        section = get_section("family-and-carers")
        data = {**valid("family-and-carers"), "family_contacted": "declined"}
        data["no_contact_detail"] = "Two letters, no reply"
        form = section.form_class(data, context=CONTEXT)
        assert form.is_valid(), form.errors
        saved = form.to_data()
        assert saved["family_views"] == "" and saved["contact_on"] == ""
        assert saved["no_contact_detail"] == "Two letters, no reply"

    def test_no_pen_portrait_to_share_only_without_contact(self):
        data = {**valid("family-and-carers"), "pen_portrait_shared": "not_applicable"}
        assert errors("family-and-carers", data) == {
            "pen_portrait_shared": [
                "You spoke to the family: select whether the draft pen portrait was shared "
                "with them"
            ]
        }

    def test_dates_must_be_real_and_past(self):
        data = {**valid("family-and-carers"), "contact_on_month": "13"}
        assert errors("family-and-carers", data)["contact_on"] == [
            "Date you spoke to them must be a real date"
        ]
        data = {**valid("family-and-carers"), "contact_on_year": "2999"}
        assert errors("family-and-carers", data)["contact_on"] == [
            "Date you spoke to them must be today or in the past"
        ]

    def test_gp_records_requested_is_not_complete(self):
        data = {**valid("evidence"), "gp_records": "requested"}
        assert "You cannot complete this section" in errors("evidence", data)["gp_records"][0]
        data = {**valid("evidence"), "gp_records": "not_available"}
        assert errors("evidence", data) == {
            "gp_records_detail": ["Enter why the GP records are not available"]
        }

    def test_professionals_need_a_role_and_an_organisation(self):
        data = {**valid("evidence"), "professionals": "Community nurse, Leeds\nDr Smith"}
        assert errors("evidence", data)["professionals"] == [
            "Line 2 must give a role and an organisation separated by a comma, for example "
            "'Community nurse, Leeds Community Healthcare'"
        ]
        section = get_section("evidence")
        form = section.form_class(valid("evidence"), context=CONTEXT)
        assert form.is_valid()
        assert form.to_data()["professionals"][1] == {
            "role": "Social worker",
            "organisation": "Leeds City Council",
        }

    def test_no_learning_disability_is_for_autistic_adults(self):
        data = {**valid("about-the-person"), "ld_level": "none", "autism": "no"}
        assert "only for autistic adults" in errors("about-the-person", data)["ld_level"][0]

    def test_text_has_a_limit(self):
        data = {**valid("about-the-person"), "pen_portrait": "x" * 5001}
        assert errors("about-the-person", data)["pen_portrait"] == [
            "Pen portrait must be 5,000 characters or fewer"
        ]


class TestCauseOfDeath:
    def test_icd10_codes_are_looked_up_offline(self):
        section = get_section("cause-of-death")
        form = section.form_class(
            {**valid("cause-of-death"), "icd10_code": " j69.0 "}, context=CONTEXT
        )
        assert form.is_valid()
        data = form.to_data()
        assert (data["icd10_code"], data["icd10_description"]) == (
            "J69.0",
            "Pneumonitis due to food and vomit",
        )
        rows = {r["name"]: r["value"] for r in form.display_rows(data)}
        assert rows["icd10_code"] == "J69.0: Pneumonitis due to food and vomit"

    @pytest.mark.parametrize("code", ["J69.9X", "Z9", "I00-I02", "hello", "XX1"])
    def test_unknown_codes_are_refused(self, code):
        assert errors("cause-of-death", {**valid("cause-of-death"), "icd10_code": code}) == {
            "icd10_code": ["Enter a real ICD-10 code, like J69.0, or leave it blank"]
        }

    def test_the_avoidable_death_assessment_follows_the_age(self):
        data = {**valid("cause-of-death"), "avoidable": "not_applicable"}
        assert "died aged 55" in errors("cause-of-death", data)["avoidable"][0]
        data = {**valid("cause-of-death"), "avoidable": "treatable"}
        assert (
            "select 'Not applicable'"
            in errors("cause-of-death", data, age_at_death=80)["avoidable"][0]
        )
        data["avoidable"] = "not_applicable"
        assert errors("cause-of-death", data, age_at_death=80) == {}


class TestFindings:
    def test_the_grades_show_their_definitions(self):
        form = get_section("findings").form_class(context=CONTEXT)
        grade = form["grade"]
        assert len(grade.field.choices) == 6
        assert grade.field.item_hints["6"] == "This contributed to the cause of death."

    def test_the_scale_is_configurable(self, settings):
        settings.LEDER_CARE_GRADES = [("A", "Good", "Fine"), ("B", "Poor", "Not fine")]
        form = get_section("findings").form_class(
            {**valid("findings"), "grade": "B"}, context=CONTEXT
        )
        assert form.is_valid()
        assert form.to_data()["grade_label"] == "Poor"
        assert errors("findings", {**valid("findings"), "grade": "3"})["grade"]

    def test_a_focused_review_does_not_ask_whether_one_is_needed(self):
        form = get_section("findings").form_class(context={**CONTEXT, "review_type": "focused"})
        assert "focused_needed" not in form.fields
        form = get_section("findings").form_class(context={**CONTEXT, "review_type": "initial"})
        assert "focused_needed" in form.fields
        data = {**valid("findings"), "focused_needed": "yes"}
        assert errors("findings", data, review_type="initial") == {
            "focused_reason": ["Enter why a focused review is needed"]
        }


class TestStatuses:
    def test_statuses_follow_the_rows(self):
        rows = {
            "about-the-person": ReviewSection(key="about-the-person", completed=True),
            "evidence": ReviewSection(key="evidence", completed=False),
        }
        items = {i.section.key: i.status for i in task_items("initial", rows, counts={})}
        assert items["about-the-person"] == SectionStatus.COMPLETED
        assert items["evidence"] == SectionStatus.IN_PROGRESS
        assert items["family-and-carers"] == SectionStatus.NOT_STARTED
        assert items["findings"] == SectionStatus.CANNOT_START
        assert "analysis" not in items
        items = {
            i.section.key: i.status for i in task_items("initial", rows, counts={"episodes": 1})
        }
        assert items["key-episodes"] == SectionStatus.IN_PROGRESS
        rows["cause-of-death"] = ReviewSection(key="cause-of-death")
        items = {
            i.section.key: i.status for i in task_items("initial", rows, counts={"episodes": 1})
        }
        assert items["findings"] == SectionStatus.NOT_STARTED
        focused = [i.section.key for i in task_items("focused", rows, counts={})]
        assert focused[-1] == "findings" and "multi-agency-meetings" in focused
