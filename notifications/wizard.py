"""The public form's progress, kept in the session (server-side, database sessions).

Session keys say nothing about the person: ``notify_form`` holds the idempotency key and
each completed step's cleaned answers as JSON-safe primitives; ``notify_done`` holds the
reference of the submission for the confirmation page.
"""

from __future__ import annotations

import uuid
from typing import Any

from notifications.forms.public import STEPS, StepForm, Stored, step_answers

FORM_KEY = "notify_form"
DONE_KEY = "notify_done"


def state(session: Any) -> dict[str, Any]:
    """The saved progress, or an empty dict (reading never writes the session)."""
    value = session.get(FORM_KEY)
    return value if isinstance(value, dict) else {}


def answers_by_step(session: Any) -> dict[str, Stored]:
    steps = state(session).get("steps")
    return steps if isinstance(steps, dict) else {}


def save_step(session: Any, slug: str, data: Stored) -> None:
    current = state(session)
    key = current.get("key") or str(uuid.uuid4())
    steps = dict(answers_by_step(session))
    steps[slug] = data
    session[FORM_KEY] = {"key": key, "steps": steps}


def idempotency_key(session: Any) -> str:
    return str(state(session).get("key", ""))


def first_incomplete(session: Any) -> type[StepForm] | None:
    done = answers_by_step(session)
    return next((step for step in STEPS if step.slug not in done), None)


def next_step(slug: str) -> type[StepForm] | None:
    slugs = [step.slug for step in STEPS]
    index = slugs.index(slug)
    return STEPS[index + 1] if index + 1 < len(STEPS) else None


def previous_step(slug: str) -> type[StepForm] | None:
    slugs = [step.slug for step in STEPS]
    index = slugs.index(slug)
    return STEPS[index - 1] if index > 0 else None


def submission_answers(session: Any) -> dict[str, Any]:
    """All steps' answers as model field values, for ``notification_submit``."""
    done = answers_by_step(session)
    answers: dict[str, Any] = {}
    for step in STEPS:
        answers.update(step_answers(step, done.get(step.slug, {})))
    return answers


def finish(session: Any, *, reference: str, key: str, child_death: bool) -> None:
    session.pop(FORM_KEY, None)
    session[DONE_KEY] = {"reference": reference, "key": key, "child_death": child_death}


def done(session: Any) -> dict[str, Any]:
    value = session.get(DONE_KEY)
    return value if isinstance(value, dict) else {}
