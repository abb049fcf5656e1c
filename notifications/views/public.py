"""The public notification form: no account, one short page per topic, "check your
answers", then a confirmation with the reference.

GET pages change nothing. Every POST is size-checked, rate-limited per client and checked
for the honeypot before its form is read.
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import render
from django.urls import reverse
from django.views.decorators.http import require_GET, require_http_methods

from leder.lib.http import declared_length
from notifications import wizard
from notifications.forms.public import (
    STEPS,
    STEPS_BY_SLUG,
    GPPracticeForm,
    StepForm,
    active_practices,
)
from notifications.ratelimit import allow
from notifications.services import notification_submit

HONEYPOT = "website"
MAX_RESULTS = 20


def _problem(request: HttpRequest, status: int, title: str, body: str) -> HttpResponse:
    return render(
        request,
        "notifications/public/problem.jinja",
        {"title": title, "body": body},
        status=status,
    )


def _post_guard(request: HttpRequest, scope: str) -> HttpResponse | None:
    """Refuse oversize, too frequent or robot-filled posts, with a clear page."""
    length = declared_length(request)
    if length > settings.NOTIFY_MAX_POST_BYTES:
        return _problem(
            request,
            413,
            "Your answers are too long to send",
            "Go back and shorten your answers, then try again.",
        )
    if not allow(request, scope):
        return _problem(
            request,
            429,
            "You have sent too many forms",
            "To protect this service, we limit how often a form can be sent. "
            "Wait an hour, then try again. Your answers have been kept.",
        )
    if request.POST.get(HONEYPOT):
        return _problem(
            request,
            400,
            "Sorry, there is a problem with the service",
            "We could not accept this form. Go back and try again.",
        )
    return None


def _step_url(step: type[StepForm], *, change: bool = False) -> str:
    url = reverse("notify:step", kwargs={"slug": step.slug})
    return f"{url}?change=1" if change else url


@require_GET
def start(request: HttpRequest) -> HttpResponse:
    request.no_store = True  # type: ignore[attr-defined]
    return render(
        request,
        "notifications/public/start.jinja",
        {
            "title": "Tell us about the death of a person with a learning disability or autism",
            "first_step_url": _step_url(STEPS[0]),
        },
    )


def _practices_for(request: HttpRequest, stored: dict[str, Any]) -> tuple[str, list[Any]]:
    # Printable text only: a NUL would reach the database, which refuses it with an error.
    query = "".join(ch for ch in request.GET.get("q", "") if ch.isprintable()).strip()[:100]
    practices: list[Any] = []
    if query:
        practices = list(active_practices().search(query).order_by("name")[:MAX_RESULTS])
    chosen = GPPracticeForm.practice(stored)
    if chosen is not None and chosen not in practices:
        practices.insert(0, chosen)
    return query, practices


@require_http_methods(["GET", "POST"])
def step(request: HttpRequest, slug: str) -> HttpResponse:
    request.no_store = True  # type: ignore[attr-defined]
    step_cls = STEPS_BY_SLUG.get(slug)
    if step_cls is None:
        raise Http404
    answers = wizard.answers_by_step(request.session)
    stored = answers.get(slug, {})
    changing = request.GET.get("change") == "1"
    kwargs: dict[str, Any] = {"answers": answers}
    query = ""
    if step_cls is GPPracticeForm:
        query, kwargs["practices"] = _practices_for(request, stored)

    if request.method == "POST":
        refused = _post_guard(request, "step")
        if refused is not None:
            return refused
        form = step_cls(request.POST, **kwargs)
        if form.is_valid():
            wizard.save_step(request.session, slug, form.to_session())
            following = wizard.next_step(slug)
            if changing or following is None or wizard.first_incomplete(request.session) is None:
                return HttpResponseRedirect(reverse("notify:check_answers"))
            return HttpResponseRedirect(_step_url(following))
    else:
        form = step_cls(initial=step_cls.initial_from(stored), **kwargs)

    previous = wizard.previous_step(slug)
    if changing:
        back_url = reverse("notify:check_answers")
    elif previous is not None:
        back_url = _step_url(previous)
    else:
        back_url = reverse("notify:start")
    return render(
        request,
        f"notifications/public/steps/{slug}.jinja",
        {
            "title": step_cls.title,
            "form": form,
            "back_url": back_url,
            "action": request.get_full_path(),
            "changing": changing,
            "query": query,
            "step_number": [s.slug for s in STEPS].index(slug) + 1,
            "step_count": len(STEPS),
        },
    )


def _summary_sections(session: Any) -> list[dict[str, Any]]:
    answers = wizard.answers_by_step(session)
    sections = []
    for step_cls in STEPS:
        rows = [
            {
                "key": {"text": key},
                "value": {"text": value},
                "actions": {
                    "items": [
                        {
                            "href": _step_url(step_cls, change=True),
                            "text": "Change",
                            "visuallyHiddenText": key.lower(),
                        }
                    ]
                },
            }
            for key, value in step_cls.summary(answers.get(step_cls.slug, {}))
        ]
        sections.append({"title": step_cls.title, "rows": rows})
    return sections


@require_http_methods(["GET", "POST"])
def check_answers(request: HttpRequest) -> HttpResponse:
    request.no_store = True  # type: ignore[attr-defined]
    error = ""
    if request.method == "POST":
        refused = _post_guard(request, "submit")
        if refused is not None:
            return refused
        key = wizard.idempotency_key(request.session)
        if not key:
            # Already sent (a double-click or the back button): show the same confirmation.
            done = wizard.done(request.session)
            if done and done.get("key") == request.POST.get("idempotency_key"):
                return HttpResponseRedirect(reverse("notify:confirmation"))
            return HttpResponseRedirect(reverse("notify:start"))
        incomplete = wizard.first_incomplete(request.session)
        if incomplete is not None:
            return HttpResponseRedirect(_step_url(incomplete))
        try:
            notification, _created = notification_submit(
                answers=wizard.submission_answers(request.session), idempotency_key=key
            )
        except ValidationError as exc:
            error = " ".join(exc.messages)
        else:
            wizard.finish(
                request.session,
                reference=notification.reference,
                key=key,
                child_death=notification.is_child_death,
            )
            return HttpResponseRedirect(reverse("notify:confirmation"))
    else:
        incomplete = wizard.first_incomplete(request.session)
        if incomplete is not None:
            return HttpResponseRedirect(_step_url(incomplete))
    return render(
        request,
        "notifications/public/check_answers.jinja",
        {
            "title": "Check your answers before sending",
            "sections": _summary_sections(request.session),
            "idempotency_key": wizard.idempotency_key(request.session),
            "back_url": _step_url(STEPS[-1]),
            "error_items": [{"text": error, "href": "#main-content"}] if error else [],
        },
        status=400 if error else 200,
    )


@require_GET
def confirmation(request: HttpRequest) -> HttpResponse:
    request.no_store = True  # type: ignore[attr-defined]
    done = wizard.done(request.session)
    if not done:
        return HttpResponseRedirect(reverse("notify:start"))
    return render(
        request,
        "notifications/public/confirmation.jinja",
        {
            "title": "Notification sent",
            "reference": done["reference"],
            "child_death": done.get("child_death", False),
        },
    )
