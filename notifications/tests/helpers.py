"""Walking the public form in tests."""

from __future__ import annotations

from typing import Any

from django.test import Client
from django.urls import reverse

from notifications.tests.factories import synthetic_nhs_number


def step_data(practice_code: str = "unknown") -> dict[str, dict[str, Any]]:
    return {
        "person": {
            "given_name": "Ada",
            "family_name": "Testperson",
            "other_names": "",
            "date_of_birth_day": "17",
            "date_of_birth_month": "5",
            "date_of_birth_year": "1970",
            "nhs_number": synthetic_nhs_number(),
            "address": "1 Test Street",
            "postcode": "ls14ap",
        },
        "death": {
            "date_of_death_day": "10",
            "date_of_death_month": "1",
            "date_of_death_year": "2026",
            "place_of_death": "hospital",
            "hospital_name": "Test General Hospital",
        },
        "gp-practice": {"gp_practice": practice_code},
        "learning-disability-autism": {
            "learning_disability": "yes",
            "learning_disability_level": "mild",
            "autism": "no",
        },
        "ethnicity-sex": {"sex": "female", "ethnicity": "A"},
        "what-is-known": {
            "cause_of_death": "Pneumonia",
            "care_concerns": "no",
            "detained_mha": "no",
            "detained_cjs": "no",
            "family_requested_review": "no",
        },
        "family-contact": {"has_contact": "no"},
        "about-you": {
            "notifier_name": "Cal Receptionist",
            "notifier_role": "GP receptionist",
            "notifier_email": "notifier@example.com",
        },
    }


def step_url(slug: str) -> str:
    return reverse("notify:step", kwargs={"slug": slug})


def fill_steps(client: Client, practice_code: str = "unknown", **changes: dict[str, Any]) -> None:
    """Answer every page; ``changes`` replaces or adds fields per step slug."""
    for slug, data in step_data(practice_code).items():
        data = {**data, **changes.get(slug.replace("-", "_"), {})}
        response = client.post(step_url(slug), data)
        assert response.status_code == 302, (slug, response.content.decode()[:3000])


def submit(client: Client) -> Any:
    return client.post(reverse("notify:check_answers"), {"idempotency_key": session_key(client)})


def session_key(client: Client) -> str:
    return client.session["notify_form"]["key"]
