"""Peer support: the senior reviewer comments on a section; the reviewer answers."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect

from reviews.access import ReviewAccess
from reviews.forms.sections import CommentForm, ReplyForm
from reviews.review.state import ReviewState
from reviews.services import supervision_comment_add, supervision_comment_reply
from reviews.views.review import (
    _section_or_404,
    refused,
    render_section,
    review_url,
    review_view,
)


@review_view(["POST"])
def comment_add(request: HttpRequest, access: ReviewAccess, key: str) -> HttpResponse:
    user: Any = request.user
    section = _section_or_404(access, key)
    if not access.can_comment:
        raise PermissionDenied
    form = CommentForm(request.POST)
    if form.is_valid():
        try:
            supervision_comment_add(
                case=access.case,
                section_key=section.key,
                text=form.cleaned_data["text"],
                by=user,  # type: ignore[arg-type]
            )
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            messages.success(request, "Comment added. The reviewer can see it on this section")
            return HttpResponseRedirect(review_url(access.case, "review_section", key=key))
    state = ReviewState.load(access.case)
    return render_section(request, access, section, state=state, comment_form=form, status=400)


@review_view(["POST"])
def comment_reply(request: HttpRequest, access: ReviewAccess, key: str, pk: int) -> HttpResponse:
    user: Any = request.user
    section = _section_or_404(access, key)
    if not access.can_reply:
        raise PermissionDenied
    comment = access.case.supervision_comments.filter(pk=pk, section_key=section.key).first()
    if comment is None:
        raise Http404
    form = ReplyForm(request.POST, prefix=f"c{comment.pk}")
    if form.is_valid():
        try:
            supervision_comment_reply(
                comment=comment,
                reply=form.cleaned_data["reply"],
                by=user,  # type: ignore[arg-type]
            )
        except ValidationError as exc:
            if getattr(exc, "code", None) == "not_yours":
                return refused(request, access, exc)
            messages.error(request, " ".join(exc.messages))
        else:
            messages.success(request, "Your answer has been added")
        return HttpResponseRedirect(review_url(access.case, "review_section", key=key))
    state = ReviewState.load(access.case)
    return render_section(
        request,
        access,
        section,
        state=state,
        status=400,
        extra={"reply_form": form},
    )
