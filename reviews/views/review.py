"""The review as a task list: the list, each section's page, check your answers and
submit, and escalation to a focused review.

Every page reads the case through ``get_review_for_user`` (404 to outsiders; a clear page
to a reviewer whose allocation ended) and is access-logged. The allocated reviewer edits;
the senior reviewer and the ICB's LAC and administrator read.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import Any

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import render
from django.template.defaultfilters import linebreaksbr
from django.urls import reverse
from django.views.decorators.http import require_http_methods

from leder.lib.workflow import TransitionNotAllowed
from leder.services.access_log import access_record
from reviews.access import NoLongerAllocated, ReviewAccess, get_review_for_user
from reviews.forms.sections import CommentForm, ReplyForm, SectionForm
from reviews.models import CaseStatus
from reviews.review.sections import Section, SectionStatus, get_section
from reviews.review.state import REVIEW_STATUSES, ReviewState
from reviews.services import (
    case_escalate_to_focused,
    case_submit_for_qa,
    review_section_save,
)
from reviews.services.review import STALE_SECTION

ReviewView = Callable[..., HttpResponse]


def review_url(case: Any, name: str = "review", **kwargs: Any) -> str:
    return reverse(f"reviews:{name}", kwargs={"reference": case.reference, **kwargs})


def not_allocated(request: HttpRequest) -> HttpResponse:
    return render(
        request,
        "reviews/review/not_allocated.jinja",
        {"title": "This review is no longer allocated to you"},
        status=403,
    )


def review_view(methods: list[str]) -> Callable[[ReviewView], ReviewView]:
    """Signed in; the review through its accessor (``access`` is passed to the view)."""

    def decorator(view: ReviewView) -> ReviewView:
        @wraps(view)
        def wrapped(request: HttpRequest, reference: str, *args: Any, **kw: Any) -> HttpResponse:
            try:
                access = get_review_for_user(request.user, reference)
            except NoLongerAllocated:
                return not_allocated(request)
            return view(request, access, *args, **kw)

        return login_required(require_http_methods(methods)(wrapped))

    return decorator


def refused(request: HttpRequest, access: ReviewAccess, exc: ValidationError) -> HttpResponse:
    """A save refused for the allocation or the status: say why, keep nothing."""
    if getattr(exc, "code", None) == "not_yours":
        return not_allocated(request)
    messages.error(request, " ".join(exc.messages))
    return HttpResponseRedirect(review_url(access.case))


def answer_rows(form: SectionForm, data: dict[str, Any]) -> list[dict[str, Any]]:
    return [
        {**row, "html": linebreaksbr(row["value"], autoescape=True)}
        for row in form.display_rows(data)
    ]


def _started(request: HttpRequest, access: ReviewAccess) -> HttpResponse | None:
    """The task list exists once the reviewer has accepted the review."""
    if access.case.status not in REVIEW_STATUSES:
        messages.error(request, "The review starts when the reviewer accepts it")
        return HttpResponseRedirect(
            reverse("reviews:case", kwargs={"reference": access.case.reference})
        )
    return None


@review_view(["GET"])
def task_list(request: HttpRequest, access: ReviewAccess) -> HttpResponse:
    user: Any = request.user
    if (early := _started(request, access)) is not None:
        return early
    case = access.case
    access_record(user=user, obj=case, detail="Review task list")
    state = ReviewState.load(case, with_comments=True)
    returned = (
        case.qa_returns.select_related("by", "version").first()
        if case.status == CaseStatus.RETURNED
        else None
    )
    hold = case.holds.filter(ended_on__isnull=True).first() if case.status == "on_hold" else None
    items = state.items()
    findings = state.rows.get("findings")
    suggest_escalation = (
        access.can_escalate
        and findings is not None
        and findings.data.get("focused_needed") == "yes"
    )
    return render(
        request,
        "reviews/review/task_list.jinja",
        {
            "title": case.get_review_type_display() or "Review",
            "case": case,
            "access": access,
            "items": items,
            "completed": sum(1 for i in items if i.status == SectionStatus.COMPLETED),
            "missing": state.missing(),
            "returned": returned,
            "hold": hold,
            "versions": case.versions.count(),
            "suggest_escalation": suggest_escalation,
            "back_url": reverse("reviews:case", kwargs={"reference": case.reference}),
        },
    )


def _section_or_404(access: ReviewAccess, key: str) -> Section:
    section = get_section(key)
    if section is None or not section.applies_to(access.case.review_type):
        raise Http404
    return section


def _comments(access: ReviewAccess, key: str) -> list[Any]:
    return list(
        access.case.supervision_comments.filter(section_key=key).select_related(
            "author", "replied_by"
        )
    )


def render_section(
    request: HttpRequest,
    access: ReviewAccess,
    section: Section,
    *,
    state: ReviewState,
    form: SectionForm | None = None,
    comment_form: CommentForm | None = None,
    status: int = 200,
    extra: dict[str, Any] | None = None,
) -> HttpResponse:
    case = access.case
    row = state.rows.get(section.key)
    context = state.form_context()
    if form is None and access.can_edit:
        if row is not None:
            initial = section.form_class.initial_from(row.data)
            initial["completed"] = "yes" if row.completed else ""
        else:
            initial = section.prefill(case) if section.prefill else {}
        initial["revision"] = row.revision if row else 0
        form = section.form_class(initial=initial, context=context)
    reader = section.form_class(context=context)
    template = "reviews/review/section.jinja"
    if section.kind in {"episodes", "meetings"}:
        template = "reviews/review/timeline.jinja"
    comments = _comments(access, section.key)
    replying = (extra or {}).get("reply_form")
    reply_forms = {}
    if access.can_reply:
        for c in comments:
            if not c.reply:
                reply_forms[c.pk] = (
                    replying
                    if replying is not None and replying.prefix == f"c{c.pk}"
                    else ReplyForm(prefix=f"c{c.pk}")
                )
    comment_form = comment_form or CommentForm()
    data: dict[str, Any] = {
        "title": section.title,
        "case": case,
        "access": access,
        "section": section,
        "status": state.status_of(section),
        "row": row,
        "form": form,
        "nested": form.nested_fields() if form is not None else set(),
        "answers": answer_rows(reader, row.data if row else {}),
        "comments": comments,
        "comment_form": comment_form,
        "reply_forms": reply_forms,
        "error_forms": [form, comment_form, *reply_forms.values()],
        "back_url": review_url(case),
    }
    if section.kind == "episodes":
        data["episodes"] = list(case.episodes.all())
    elif section.kind == "meetings":
        data["meetings"] = list(case.meetings.all())
    return render(request, template, data, status=status)


@review_view(["GET", "POST"])
def section_page(request: HttpRequest, access: ReviewAccess, key: str) -> HttpResponse:
    user: Any = request.user
    if (early := _started(request, access)) is not None:
        return early
    section = _section_or_404(access, key)
    case = access.case
    state = ReviewState.load(case)
    if request.method == "GET":
        access_record(user=user, obj=case, detail=f"Review section {section.key}")
        if state.status_of(section) == SectionStatus.CANNOT_START and access.can_edit:
            messages.info(
                request,
                f"You cannot start {section.title.lower()} yet: start the other sections first",
            )
        return render_section(request, access, section, state=state)

    if not access.can_edit:
        if access.is_reviewer:
            return refused(
                request,
                access,
                ValidationError(
                    f"This review cannot be changed now: it is "
                    f"{case.get_status_display().lower()}. Nothing was saved.",
                    code="read_only",
                ),
            )
        raise PermissionDenied
    context = state.form_context()
    form = section.form_class(request.POST, context=context)
    if not form.is_valid():
        return render_section(request, access, section, state=state, form=form, status=400)
    try:
        review_section_save(
            case=case,
            key=section.key,
            answers=form.to_data(),
            completed=form.cleaned_data["completed"] == "yes",
            revision=form.cleaned_data.get("revision"),
            by=user,  # type: ignore[arg-type]
        )
    except ValidationError as exc:
        if getattr(exc, "code", None) == "stale":
            fresh = ReviewState.load(case)
            row = fresh.rows.get(section.key)
            data = request.POST.copy()
            data["revision"] = str(row.revision if row else 0)
            form = section.form_class(data, context=context)
            form.is_valid()
            form.add_error(None, STALE_SECTION)
            return render_section(request, access, section, state=fresh, form=form, status=409)
        return refused(request, access, exc)
    done = form.cleaned_data["completed"] == "yes"
    messages.success(request, f"{section.title} {'completed' if done else 'saved'}")
    return HttpResponseRedirect(review_url(case))


class ConfirmSubmitForm(forms.Form):
    confirm = forms.BooleanField(
        label="I confirm the review is complete and ready for quality assurance",
        error_messages={"required": "Confirm the review is ready for quality assurance"},
    )


@review_view(["GET", "POST"])
def submit_page(request: HttpRequest, access: ReviewAccess) -> HttpResponse:
    """Check your answers, then submit for quality assurance (the reviewer only)."""
    user: Any = request.user
    if (early := _started(request, access)) is not None:
        return early
    case = access.case
    if not access.is_reviewer:
        raise PermissionDenied
    state = ReviewState.load(case)
    form = ConfirmSubmitForm(request.POST if request.method == "POST" else None)
    errors: list[str] = []
    if request.method == "POST" and form.is_valid():
        try:
            version = case_submit_for_qa(case=case, by=user)  # type: ignore[arg-type]
        except ValidationError as exc:
            if getattr(exc, "code", None) in {"not_yours", "read_only"}:
                return refused(request, access, exc)
            errors = exc.messages
        except TransitionNotAllowed:
            messages.error(request, "This review changed while you were submitting it: check it")
            return HttpResponseRedirect(review_url(case))
        else:
            messages.success(
                request,
                f"Review submitted for quality assurance as version {version.number}. "
                "It cannot be changed unless the panel returns it",
            )
            return HttpResponseRedirect(review_url(case))
    if request.method == "GET":
        access_record(user=user, obj=case, detail="Review check answers")
    context = state.form_context()
    sections = []
    for section in state.sections():
        row = state.rows.get(section.key)
        reader = section.form_class(context=context)
        sections.append(
            {
                "section": section,
                "status": state.status_of(section),
                "answers": answer_rows(reader, row.data if row else {}),
            }
        )
    missing = state.missing()
    error_items = [
        {
            "text": f"{s.title} is not complete",
            "href": review_url(case, "review_section", key=s.key),
        }
        for s in missing
    ]
    if request.method == "POST" and not missing and errors:
        error_items += [{"text": e} for e in errors]
    return render(
        request,
        "reviews/review/submit.jinja",
        {
            "title": "Check your answers before submitting the review",
            "case": case,
            "access": access,
            "sections": sections,
            "missing": missing,
            "form": form,
            "missing_items": error_items,
            "episodes": list(case.episodes.all()),
            "meetings": list(case.meetings.all()),
            "back_url": review_url(case),
        },
        status=400 if request.method == "POST" else 200,
    )


class EscalateForm(forms.Form):
    reason = forms.CharField(
        label="Why is a focused review needed?",
        help_text="Describe the lapses in care or other concerns you found.",
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 5}),
        error_messages={
            "required": "Enter why a focused review is needed",
            "max_length": "Why a focused review is needed must be 2,000 characters or fewer",
        },
    )


@review_view(["GET", "POST"])
def escalate_page(request: HttpRequest, access: ReviewAccess) -> HttpResponse:
    user: Any = request.user
    case = access.case
    if not access.can_escalate:
        if access.is_reviewer or access.manages:
            messages.error(request, "This review cannot be escalated now")
            return HttpResponseRedirect(review_url(case))
        raise PermissionDenied
    form = EscalateForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        try:
            case_escalate_to_focused(
                case=case,
                by=user,  # type: ignore[arg-type]
                reason=form.cleaned_data["reason"],
            )
        except ValidationError as exc:
            form.add_error(None, exc)
        except TransitionNotAllowed:
            messages.error(request, "This review changed while you were escalating it: check it")
            return HttpResponseRedirect(review_url(case))
        else:
            messages.success(
                request,
                "This is now a focused review. All the work done so far has been kept, and "
                "the Local Area Contact has been told",
            )
            return HttpResponseRedirect(review_url(case))
    if request.method == "GET":
        access_record(user=user, obj=case, detail="Escalate review page")
    return render(
        request,
        "reviews/review/escalate.jinja",
        {
            "title": "Escalate to a focused review",
            "case": case,
            "form": form,
            "back_url": review_url(case),
        },
        status=400 if form.is_bound and form.errors else 200,
    )
