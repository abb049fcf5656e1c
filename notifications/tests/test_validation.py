"""Every validation rule of the public form, with its message."""

from __future__ import annotations

import nhs_number
import pytest

from leder.tests.factories import GPPracticeFactory
from notifications.forms.public import (
    ConditionsForm,
    ContactForm,
    DeathForm,
    GPPracticeForm,
    KnownForm,
    NotifierForm,
    PersonForm,
)
from notifications.tests.helpers import step_data
from notifications.validators import clean_nhs_number


def errors(form_cls, data, **kwargs):
    form = form_cls(data, **kwargs)
    form.is_valid()
    return {name: [str(e) for e in errs] for name, errs in form.errors.items()}


def person(**changes):
    return {**step_data()["person"], **changes}


def death(**changes):
    return {**step_data()["death"], **changes}


VALID = nhs_number.generate(for_region=nhs_number.REGION_SYNTHETIC)[0]


class TestNHSNumber:
    @pytest.mark.parametrize(
        "typed",
        [VALID, f"{VALID[:3]} {VALID[3:6]} {VALID[6:]}", f"{VALID[:3]}-{VALID[3:6]}-{VALID[6:]}"],
    )
    def test_it_accepts_spaces_and_dashes(self, typed):
        assert clean_nhs_number(f"  {typed} ") == VALID

    def test_it_is_optional(self):
        assert clean_nhs_number("") == ""
        assert "nhs_number" not in errors(PersonForm, person(nhs_number=""))

    def test_it_refuses_a_failed_modulus_11_check(self):
        wrong = VALID[:9] + str((int(VALID[9]) + 1) % 10)
        assert errors(PersonForm, person(nhs_number=wrong))["nhs_number"] == [
            "Enter a real NHS number. Check you have typed it correctly"
        ]

    @pytest.mark.parametrize("typed", ["QQ 12 34 56 C", "AB123456D", "ab 123456"])
    def test_it_detects_a_national_insurance_number(self, typed):
        message = errors(PersonForm, person(nhs_number=typed))["nhs_number"][0]
        assert message.startswith("This looks like a National Insurance number")

    def test_it_refuses_the_wrong_length(self):
        assert errors(PersonForm, person(nhs_number="123 456 789"))["nhs_number"] == [
            "NHS number must be 10 numbers"
        ]

    def test_it_refuses_letters(self):
        assert errors(PersonForm, person(nhs_number="12345abcde"))["nhs_number"] == [
            "NHS number must only include numbers, spaces or dashes"
        ]


class TestPerson:
    def test_it_accepts_complete_answers(self):
        form = PersonForm(person())
        assert form.is_valid(), form.errors
        assert form.cleaned_data["postcode"] == "LS1 4AP"

    def test_it_requires_the_names_and_date_of_birth(self):
        found = errors(
            PersonForm,
            person(
                given_name="",
                family_name="",
                date_of_birth_day="",
                date_of_birth_month="",
                date_of_birth_year="",
            ),
        )
        assert found["given_name"] == ["Enter their first name"]
        assert found["family_name"] == ["Enter their last name"]
        assert found["date_of_birth"] == ["Enter date of birth"]

    def test_it_names_the_missing_part_of_a_date(self):
        found = errors(PersonForm, person(date_of_birth_month=""))
        assert found["date_of_birth"] == ["Date of birth must include a month"]

    def test_it_refuses_a_date_that_does_not_exist(self):
        found = errors(PersonForm, person(date_of_birth_day="31", date_of_birth_month="2"))
        assert found["date_of_birth"] == ["Date of birth must be a real date"]

    def test_it_refuses_a_birth_in_the_future(self):
        found = errors(PersonForm, person(date_of_birth_year="2027"))
        assert found["date_of_birth"] == ["Date of birth must be today or in the past"]

    def test_it_refuses_a_birth_after_the_death_already_given(self):
        answers = {"death": {"date_of_death": "1960-01-01"}}
        found = errors(PersonForm, person(), answers=answers)
        assert found["date_of_birth"] == [
            "Date of birth must be the same as or before the date of death"
        ]

    @pytest.mark.parametrize("typed", ["LS1", "12345", "LS1 4AP 9", "QQ1 1QQ"])
    def test_it_refuses_a_postcode_in_the_wrong_format(self, typed):
        assert errors(PersonForm, person(postcode=typed))["postcode"] == [
            "Enter a real postcode, like LS1 4AP"
        ]

    def test_it_limits_the_length_of_names(self):
        assert errors(PersonForm, person(given_name="x" * 101))["given_name"] == [
            "First name must be 100 characters or fewer"
        ]

    def test_it_refuses_null_characters(self):
        assert "given_name" in errors(PersonForm, person(given_name="Ada\x00"))


class TestDeath:
    def test_it_refuses_a_death_in_the_future(self):
        found = errors(DeathForm, death(date_of_death_month="4"))
        assert found["date_of_death"] == ["Date of death must be today or in the past"]

    def test_it_refuses_a_death_before_birth(self):
        answers = {"person": {"date_of_birth": "2026-01-20"}}
        found = errors(DeathForm, death(), answers=answers)
        assert found["date_of_death"] == [
            "Date of death must be the same as or after the date of birth"
        ]

    def test_it_accepts_a_death_on_the_day_of_birth(self):
        answers = {"person": {"date_of_birth": "2026-01-10"}}
        assert errors(DeathForm, death(), answers=answers) == {}

    def test_it_requires_the_place(self):
        assert errors(DeathForm, death(place_of_death=""))["place_of_death"] == [
            "Select where the person died"
        ]

    def test_it_refuses_a_place_not_in_the_list(self):
        assert errors(DeathForm, death(place_of_death="moon"))["place_of_death"] == [
            "Select where the person died"
        ]

    def test_it_requires_a_description_of_somewhere_else(self):
        assert errors(DeathForm, death(place_of_death="other"))["other_place"] == [
            "Enter where the person died"
        ]

    def test_it_keeps_only_the_detail_for_the_chosen_place(self):
        form = DeathForm(death(place_of_death="home", hospice_name="Ignored hospice"))
        assert form.is_valid()
        assert DeathForm.answers(form.to_session())["place_of_death_detail"] == ""
        form = DeathForm(death())
        assert form.is_valid()
        assert DeathForm.answers(form.to_session())["place_of_death_detail"] == (
            "Test General Hospital"
        )


class TestGPPractice:
    def test_it_accepts_any_active_practice_and_unknown(self, db):
        practice = GPPracticeFactory()
        assert errors(GPPracticeForm, {"gp_practice": practice.ods_code}) == {}
        assert errors(GPPracticeForm, {"gp_practice": "unknown"}) == {}

    def test_it_refuses_an_inactive_or_made_up_practice(self, db):
        closed = GPPracticeFactory(is_active=False)
        message = ["Select their GP practice, or select that you do not know it"]
        assert errors(GPPracticeForm, {"gp_practice": closed.ods_code})["gp_practice"] == message
        assert errors(GPPracticeForm, {"gp_practice": "NOPE1"})["gp_practice"] == message
        assert errors(GPPracticeForm, {})["gp_practice"] == message


class TestConditions:
    def test_it_requires_both_answers(self):
        found = errors(ConditionsForm, {})
        assert found == {
            "learning_disability": ["Select if they had a learning disability"],
            "autism": ["Select if they had a diagnosis of autism"],
        }

    def test_it_requires_the_level_when_there_is_a_learning_disability(self):
        found = errors(ConditionsForm, {"learning_disability": "yes", "autism": "no"})
        assert found == {
            "learning_disability_level": ["Select how severe their learning disability was"]
        }

    def test_it_drops_the_level_without_a_learning_disability(self):
        form = ConditionsForm(
            {"learning_disability": "no", "learning_disability_level": "mild", "autism": "yes"}
        )
        assert form.is_valid()
        assert form.cleaned_data["learning_disability_level"] == ""


class TestKnown:
    base = {
        "care_concerns": "no",
        "detained_mha": "no",
        "detained_cjs": "not_known",
        "family_requested_review": "no",
    }

    def test_it_requires_each_question(self):
        assert set(errors(KnownForm, {})) == {
            "care_concerns",
            "detained_mha",
            "detained_cjs",
            "family_requested_review",
        }

    def test_it_requires_details_of_concerns(self):
        found = errors(KnownForm, {**self.base, "care_concerns": "yes"})
        assert found == {"care_concerns_detail": ["Tell us about your concerns"]}

    def test_it_refuses_an_unknown_process(self):
        found = errors(KnownForm, {**self.base, "other_processes": ["coroner", "bogus"]})
        assert found == {"other_processes": ["Select from the list"]}

    def test_it_limits_free_text(self):
        found = errors(KnownForm, {**self.base, "cause_of_death": "x" * 2001})
        assert found == {
            "cause_of_death": ["Cause of death (if you know it) must be 2000 characters or fewer"]
        }


class TestContact:
    def test_it_needs_an_answer(self):
        assert errors(ContactForm, {}) == {
            "has_contact": ["Select if you know a family member or friend we could contact"]
        }

    def test_it_needs_the_details_when_there_is_a_contact(self):
        assert errors(ContactForm, {"has_contact": "yes"}) == {
            "contact_name": ["Enter their full name"],
            "contact_relationship": ["Enter their relationship to the person"],
            "contact_phone": ["Enter their phone number or email address"],
            "contact_knows": ["Select if they know you are telling us about this death"],
        }

    def test_it_checks_phone_and_email_formats(self):
        found = errors(
            ContactForm,
            {
                "has_contact": "yes",
                "contact_name": "Bea",
                "contact_relationship": "sister",
                "contact_phone": "call me",
                "contact_email": "not-an-email",
                "contact_knows": "yes",
            },
        )
        assert found == {
            "contact_phone": ["Enter a phone number, like 01632 960 001 or 07700 900 982"],
            "contact_email": [
                "Enter their email address in the correct format, like name@example.com"
            ],
        }

    def test_it_drops_contact_details_when_there_is_no_contact(self):
        form = ContactForm({"has_contact": "no", "contact_name": "Someone"})
        assert form.is_valid()
        assert ContactForm.answers(form.to_session())["contact_name"] == ""


class TestNotifier:
    def test_it_needs_name_role_and_a_way_to_contact(self):
        assert errors(NotifierForm, {}) == {
            "notifier_name": ["Enter your full name"],
            "notifier_role": ["Enter your role or relationship to the person who died"],
            "notifier_email": ["Enter your email address or phone number so we can contact you"],
        }

    def test_it_accepts_a_phone_number_alone(self):
        data = {
            "notifier_name": "Cal",
            "notifier_role": "sister",
            "notifier_phone": "0113 496 0000",
        }
        assert errors(NotifierForm, data) == {}

    def test_it_checks_the_email_format(self):
        data = {"notifier_name": "Cal", "notifier_role": "sister", "notifier_email": "cal@"}
        assert errors(NotifierForm, data) == {
            "notifier_email": [
                "Enter your email address in the correct format, like name@example.com"
            ]
        }
