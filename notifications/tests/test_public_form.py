"""The public form end to end through the test client: steps, session, check answers,
confirmation, and the abuse protections (rate limit, honeypot, oversize, double submit)."""

from __future__ import annotations

import uuid

import pytest
from django.test import Client
from django.urls import reverse

from leder.tests.factories import GPPracticeFactory
from notifications import wizard
from notifications.forms.public import STEPS
from notifications.models import Notification, NotificationStatus
from notifications.tests.helpers import fill_steps, session_key, step_data, step_url, submit

pytestmark = pytest.mark.django_db

CHECK = reverse("notify:check_answers")
CONFIRMATION = reverse("notify:confirmation")


@pytest.fixture
def public() -> Client:
    return Client(enforce_csrf_checks=False)


def test_it_shows_every_page_to_anyone(public):
    assert public.get(reverse("notify:start")).status_code == 200
    for step in STEPS:
        response = public.get(step_url(step.slug))
        assert response.status_code == 200, step.slug
        assert "nhsuk-header" in response.content.decode()


def test_it_changes_nothing_on_get(public):
    for step in STEPS:
        public.get(step_url(step.slug) + "?q=Leeds&change=1")
    public.get(CHECK)
    public.get(CONFIRMATION)
    assert wizard.FORM_KEY not in public.session
    assert Notification.objects.count() == 0


def test_it_404s_an_unknown_step(public):
    assert public.get(step_url("nope")).status_code == 404


def test_it_refuses_other_methods(public):
    assert public.put(step_url("person")).status_code == 405
    assert public.delete(CHECK).status_code == 405
    assert public.post(CONFIRMATION).status_code == 405
    assert public.post(reverse("notify:start")).status_code == 405


def test_it_walks_from_start_to_confirmation(public, icb):
    practice = GPPracticeFactory(parent_icb=icb, name="Kirkgate Surgery")
    fill_steps(public, practice_code=practice.ods_code)
    page = public.get(CHECK).content.decode()
    assert "Kirkgate Surgery" in page and "Ada Testperson" in page and "17 May 1970" in page
    response = submit(public)
    assert response.status_code == 302 and response["Location"] == CONFIRMATION
    notification = Notification.objects.get()
    assert notification.icb == icb and notification.gp_practice == practice
    assert notification.postcode == "LS1 4AP"
    assert notification.place_of_death_detail == "Test General Hospital"
    page = public.get(CONFIRMATION).content.decode()
    assert notification.reference in page and "nhsuk-panel" in page
    assert f"<strong>{notification.reference}</strong>" in page  # markup, not escaped text
    assert "child death review" not in page
    assert wizard.FORM_KEY not in public.session  # answers gone from the session


def test_it_tells_the_notifier_about_child_death_review(public):
    fill_steps(public, person={"date_of_birth_year": "2012"})
    submit(public)
    notification = Notification.objects.get()
    assert notification.status == NotificationStatus.INELIGIBLE
    assert "child death review" in public.get(CONFIRMATION).content.decode()


def test_it_moves_to_the_next_step_and_back_keeps_answers(public):
    data = step_data()["person"]
    response = public.post(step_url("person"), data)
    assert response["Location"] == step_url("death")
    page = public.get(step_url("person")).content.decode()
    assert 'value="Ada"' in page and 'value="1970"' in page
    assert f'href="{step_url("person")}"' in public.get(step_url("death")).content.decode()


def test_it_keeps_everything_typed_on_a_validation_error(public):
    data = {**step_data()["person"], "nhs_number": "123", "other_names": "Addie"}
    response = public.post(step_url("person"), data)
    page = response.content.decode()
    assert response.status_code == 200
    assert "There is a problem" in page and "NHS number must be 10 numbers" in page
    assert page.count('href="#id_nhs_number"') == 1  # the error summary links to the field
    for value in ("Ada", "Testperson", "Addie", "123", "1970", "1 Test Street"):
        assert value in page
    assert "<title>Error:" in page


def test_it_returns_to_check_answers_after_a_change(public):
    fill_steps(public)
    page = public.get(CHECK).content.decode()
    assert f'href="{step_url("death")}?change=1"' in page
    response = public.post(
        step_url("death") + "?change=1", {**step_data()["death"], "date_of_death_day": "11"}
    )
    assert response["Location"] == CHECK
    assert "11 January 2026" in public.get(CHECK).content.decode()


def test_it_sends_an_incomplete_form_back_to_the_missing_step(public):
    public.post(step_url("person"), step_data()["person"])
    assert public.get(CHECK)["Location"] == step_url("death")
    assert public.post(CHECK, {"idempotency_key": session_key(public)})["Location"] == (
        step_url("death")
    )
    assert Notification.objects.count() == 0


def test_it_searches_gp_practices_without_javascript(public, icb):
    GPPracticeFactory(parent_icb=icb, name="Kirkgate Surgery", postcode="BD18 3AA")
    GPPracticeFactory(parent_icb=icb, name="Closed Surgery", is_active=False)
    page = public.get(step_url("gp-practice") + "?q=surgery").content.decode()
    assert "Kirkgate Surgery" in page and "Closed Surgery" not in page
    assert "1 practice found" in page
    page = public.get(step_url("gp-practice") + "?q=BD18").content.decode()
    assert "Kirkgate Surgery" in page


def test_it_keeps_the_session_keys_impersonal(public):
    fill_steps(public)
    keys = set(public.session.keys())
    assert wizard.FORM_KEY in keys
    assert all("Ada" not in k and "nhs" not in k.lower() for k in keys)


class TestDoubleSubmit:
    def test_it_stores_once_when_the_button_is_pressed_twice(self, public):
        fill_steps(public)
        key = session_key(public)
        first = public.post(CHECK, {"idempotency_key": key})
        second = public.post(CHECK, {"idempotency_key": key})
        assert first["Location"] == second["Location"] == CONFIRMATION
        assert Notification.objects.count() == 1

    def test_it_stores_once_when_two_requests_race_with_the_same_session(self, public):
        fill_steps(public)
        key = session_key(public)
        saved = public.session[wizard.FORM_KEY]
        public.post(CHECK, {"idempotency_key": key})
        # The second request was read before the first one finished: it still has answers.
        session = public.session
        session[wizard.FORM_KEY] = saved
        session.save()
        assert public.post(CHECK, {"idempotency_key": key})["Location"] == CONFIRMATION
        assert Notification.objects.count() == 1

    def test_it_starts_again_for_an_unknown_key_without_answers(self, public):
        response = public.post(CHECK, {"idempotency_key": str(uuid.uuid4())})
        assert response["Location"] == reverse("notify:start")


class TestAbuse:
    def test_it_refuses_a_filled_honeypot(self, public):
        fill_steps(public)
        response = public.post(
            CHECK, {"idempotency_key": session_key(public), "website": "http://spam"}
        )
        assert response.status_code == 400
        assert "could not accept" in response.content.decode()
        assert Notification.objects.count() == 0
        response = public.post(step_url("person"), {**step_data()["person"], "website": "x"})
        assert response.status_code == 400

    def test_it_rate_limits_submissions_per_client(self, settings):
        settings.NOTIFY_RATE_LIMITS = {**settings.NOTIFY_RATE_LIMITS, "submit": (2, 3600)}
        for _ in range(2):
            client = Client(REMOTE_ADDR="192.0.2.1")
            fill_steps(client)
            assert submit(client).status_code == 302
        client = Client(REMOTE_ADDR="192.0.2.1")
        fill_steps(client)
        response = submit(client)
        assert response.status_code == 429
        assert "too many" in response.content.decode()
        assert Notification.objects.count() == 2
        # Another client is not affected, and X-Forwarded-For does not change the client.
        spoofed = Client(REMOTE_ADDR="192.0.2.1", HTTP_X_FORWARDED_FOR="198.51.100.7")
        fill_steps(spoofed)
        assert submit(spoofed).status_code == 429
        other = Client(REMOTE_ADDR="192.0.2.2")
        fill_steps(other)
        assert submit(other).status_code == 302

    def test_it_rate_limits_answer_pages(self, settings, public):
        settings.NOTIFY_RATE_LIMITS = {**settings.NOTIFY_RATE_LIMITS, "step": (3, 3600)}
        data = step_data()["person"]
        for _ in range(3):
            assert public.post(step_url("person"), data).status_code == 302
        assert public.post(step_url("person"), data).status_code == 429

    def test_it_refuses_an_oversize_post_clearly(self, public, settings):
        response = public.post(
            step_url("person"),
            {**step_data()["person"], "address": "x" * (settings.NOTIFY_MAX_POST_BYTES + 1)},
        )
        assert response.status_code == 413
        assert "too long" in response.content.decode()
        assert wizard.FORM_KEY not in public.session

    def test_it_survives_malformed_posts(self, public):
        for data in (
            {"date_of_birth_day": "x" * 50, "date_of_birth_month": "-1", "given_name": ["a", "b"]},
            {"nhs_number": "\x00", "postcode": "🙂"},
        ):
            assert public.post(step_url("person"), data).status_code == 200
        assert (
            public.post(step_url("what-is-known"), {"other_processes": "bogus"}).status_code == 200
        )
        assert public.post(step_url("gp-practice"), {"gp_practice": "x" * 500}).status_code == 200
        response = public.post(
            step_url("person"), b"\xff\xfe", content_type="application/octet-stream"
        )
        assert response.status_code == 200

    def test_it_needs_the_csrf_token(self):
        client = Client(enforce_csrf_checks=True)
        assert client.post(step_url("person"), step_data()["person"]).status_code == 403
