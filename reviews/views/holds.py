"""Putting a review on hold and resuming it (the allocated reviewer or the LAC)."""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import render

from leder.forms.fields import NHSDateField
from leder.lib.workflow import TransitionNotAllowed
from leder.services.access_log import access_record
from reviews.access import ReviewAccess
from reviews.models import HoldReason
from reviews.services import case_hold, case_resume
from reviews.views.review import review_url, review_view


class HoldForm(forms.Form):
    reason = forms.ChoiceField(
        label="Why is the review on hold?",
        choices=HoldReason.choices,
        widget=forms.RadioSelect,
        error_messages={"required": "Select why the review is on hold"},
    )
    expected_review_on = NHSDateField(
        label="When should the hold be looked at again?",
        help_text="For example, the date of the inquest: 15 3 2027",
        required=False,
    )

    def clean_expected_review_on(self) -> Any:
        value = self.cleaned_data.get("expected_review_on")
        if value is None:
            raise forms.ValidationError("Enter the date to review the hold", code="required")
        return value


def _case_url(access: ReviewAccess) -> str:
    from django.urls import reverse

    return reverse("reviews:case", kwargs={"reference": access.case.reference})


@review_view(["GET", "POST"])
def hold_page(request: HttpRequest, access: ReviewAccess) -> HttpResponse:
    user: Any = request.user
    if not (access.is_reviewer or access.is_lac):
        raise PermissionDenied
    if not access.can_hold:
        messages.error(request, "Only a review in progress can be put on hold")
        return HttpResponseRedirect(_case_url(access))
    form = HoldForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        try:
            case_hold(
                case=access.case,
                reason=form.cleaned_data["reason"],
                expected_review_on=form.cleaned_data["expected_review_on"],
                by=user,  # type: ignore[arg-type]
            )
        except ValidationError as exc:
            form.add_error(None, exc)
        except TransitionNotAllowed:
            messages.error(request, "This review changed while you were putting it on hold")
            return HttpResponseRedirect(_case_url(access))
        else:
            messages.success(
                request, "The review is on hold. The 6-month clock stops until it is resumed"
            )
            return HttpResponseRedirect(_case_url(access))
    if request.method == "GET":
        access_record(user=user, obj=access.case, detail="Put on hold page")
    return render(
        request,
        "reviews/review/hold.jinja",
        {
            "title": "Put the review on hold",
            "case": access.case,
            "form": form,
            "back_url": _case_url(access),
        },
        status=400 if form.is_bound and form.errors else 200,
    )


@review_view(["POST"])
def resume(request: HttpRequest, access: ReviewAccess) -> HttpResponse:
    user: Any = request.user
    if not (access.is_reviewer or access.is_lac):
        raise PermissionDenied
    try:
        hold = case_resume(case=access.case, by=user)  # type: ignore[arg-type]
    except (ValidationError, TransitionNotAllowed):
        messages.error(request, "This review is not on hold")
        return HttpResponseRedirect(_case_url(access))
    days = (hold.ended_on - hold.started_on).days if hold.ended_on else 0
    messages.success(
        request,
        f"The review has resumed. {days} {'day' if days == 1 else 'days'} on hold "
        "added to the 6-month target",
    )
    return HttpResponseRedirect(review_url(access.case))
