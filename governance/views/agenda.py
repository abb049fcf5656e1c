"""The agenda and each item: adding, removing and reordering reviews (LAC, before the
meeting); conflicts (each member, for themselves); the review reports (redacted for
members, full for the chair and the LAC); decisions, signatures and amendment checks.
"""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import render
from django.urls import reverse
from django.views.decorators.http import require_GET, require_POST

from governance.access import (
    MEETING_ROLES,
    chairs_meeting,
    decision_for_item,
    get_item_for_user,
    get_meeting_for_user,
    manages_meeting,
    member_for,
    sees_full_reports,
)
from governance.forms.meetings import AmendmentCheckForm, ConflictForm, DecisionForm
from governance.models import AgendaItem, MeetingStatus, Outcome
from governance.services.agenda import (
    agenda_item_add,
    agenda_item_move,
    agenda_item_remove,
    panel_conflict_declare,
)
from governance.services.decisions import (
    allowed_outcomes,
    amendments_check,
    decision_record,
    decision_sign,
    decision_withdraw,
    is_meeting_lac,
    quorum_for,
)
from governance.views.common import back_to_meeting, flash_error, meeting_url, service_errors
from leder.auth.decorators import roles_required
from leder.models import AccessLog
from leder.services.access_log import access_record


def item_url(item: AgendaItem, anchor: str = "") -> str:
    url = reverse("governance:item", kwargs={"pk": item.meeting_id, "item_pk": item.pk})
    return f"{url}#{anchor}" if anchor else url


def _managed(request: HttpRequest, pk: int) -> Any:
    meeting = get_meeting_for_user(request.user, pk)
    if not manages_meeting(request.user, meeting):
        raise PermissionDenied
    return meeting


@roles_required(MEETING_ROLES)
@require_POST
def agenda_add(request: HttpRequest, pk: int) -> HttpResponse:
    meeting = _managed(request, pk)
    try:
        case_id = int(request.POST.get("case", ""))
    except ValueError:
        case_id = 0
    try:
        item = agenda_item_add(meeting=meeting, case_id=case_id, by=request.user)  # type: ignore[arg-type]
    except ValidationError as error:
        flash_error(request, error)
        return back_to_meeting(meeting, "add-reviews")
    messages.success(request, f"Review {item.case.reference} added to the agenda")
    return back_to_meeting(meeting, "agenda")


@roles_required(MEETING_ROLES)
@require_POST
def agenda_remove(request: HttpRequest, pk: int, item_pk: int) -> HttpResponse:
    meeting = _managed(request, pk)
    item = get_item_for_user(request.user, meeting, item_pk)
    try:
        agenda_item_remove(item=item, by=request.user)  # type: ignore[arg-type]
    except ValidationError as error:
        flash_error(request, error)
    else:
        messages.success(request, f"Review {item.case.reference} removed from the agenda")
    return back_to_meeting(meeting, "agenda")


@roles_required(MEETING_ROLES)
@require_POST
def agenda_move(request: HttpRequest, pk: int, item_pk: int, direction: str) -> HttpResponse:
    meeting = _managed(request, pk)
    item = get_item_for_user(request.user, meeting, item_pk)
    try:
        agenda_item_move(item=item, direction=direction, by=request.user)  # type: ignore[arg-type]
    except ValidationError as error:
        flash_error(request, error)
    else:
        messages.success(request, f"Review {item.case.reference} moved {direction}")
    return back_to_meeting(meeting, "agenda")


def _themes() -> list[tuple[int, str]]:
    from reviews.models import LearningTheme

    return list(LearningTheme.objects.filter(active=True).values_list("pk", "name"))


def _decision_form(item: AgendaItem, data: Any = None) -> DecisionForm:
    decision = decision_for_item(item).first()
    initial: dict[str, Any] = {}
    if decision is not None:
        initial = {
            "outcome": decision.outcome,
            "comments": decision.comments,
            "amendments": decision.amendments,
            "discussion_summary": decision.discussion_summary,
            "good_practice": decision.good_practice,
            "themes": [str(t) for t in decision.themes.values_list("pk", flat=True)],
        }
    return DecisionForm(
        data,
        outcomes=[(o.value, o.label) for o in allowed_outcomes(item)],
        themes=_themes(),
        initial=initial,
    )


def _render_item(
    request: HttpRequest,
    item: AgendaItem,
    *,
    decision_form: DecisionForm | None = None,
    conflict_form: ConflictForm | None = None,
    check_form: AmendmentCheckForm | None = None,
    status: int = 200,
) -> HttpResponse:
    user: Any = request.user
    meeting = item.meeting
    me = member_for(user, meeting)
    decision = (
        decision_for_item(item)
        .select_related("recorded_by", "amendment_check__checked_by")
        .prefetch_related("themes", "signatures")
        .first()
    )
    quorum = quorum_for(item, meeting)
    conflicts = list(item.conflicts.select_related("member__user", "member__organisation"))
    my_conflict = next((c for c in conflicts if me and c.member_id == me.pk), None)
    records = meeting.status == MeetingStatus.IN_PROGRESS and (
        user.pk == meeting.chair_id or is_meeting_lac(user, meeting)
    )
    can_sign = bool(
        decision
        and not decision.is_signed_off
        and meeting.status == MeetingStatus.IN_PROGRESS
        and quorum.eligible_member(user) is not None
        and not any(s.user_id == user.pk for s in decision.signatures.all())
    )
    signed = decision is not None and decision.signatures.exists()
    context = {
        "title": f"Agenda item {item.position}: review {item.case.reference}",
        "meeting": meeting,
        "item": item,
        "me": me,
        "manages": manages_meeting(user, meeting),
        "chairs": chairs_meeting(user, meeting),
        "full_reports": sees_full_reports(user, meeting),
        "decision": decision,
        "quorum": quorum,
        "conflicts": conflicts
        if sees_full_reports(user, meeting)
        else [c for c in conflicts if c is my_conflict],
        "conflict_count": len(conflicts),
        "my_conflict": my_conflict,
        "can_declare": me is not None and not meeting.is_locked and decision is None,
        "conflict_form": conflict_form
        or ConflictForm(initial={"reason": my_conflict.reason if my_conflict else ""}),
        "can_record": records
        and quorum.met
        and user.pk not in quorum.conflicted_user_ids
        and quorum.eligible_member(user) is not None
        and not signed,
        "records": records,
        "decision_form": decision_form or _decision_form(item),
        "can_sign": can_sign,
        "can_withdraw": bool(decision and not decision.is_signed_off and records),
        "can_check": bool(
            decision
            and decision.outcome == Outcome.APPROVED_WITH_AMENDMENTS
            and decision.is_signed_off
            and not hasattr(decision, "amendment_check")
            and is_meeting_lac(user, meeting)
        ),
        "check_form": check_form or AmendmentCheckForm(),
        "actions": list(decision.actions.select_related("owner_organisation", "owner_user"))
        if decision
        else [],
        "back_url": meeting_url(meeting, "agenda"),
    }
    return render(request, "governance/meetings/item.jinja", context, status=status)


@roles_required(MEETING_ROLES)
@require_GET
def item_detail(request: HttpRequest, pk: int, item_pk: int) -> HttpResponse:
    meeting = get_meeting_for_user(request.user, pk)
    item = get_item_for_user(request.user, meeting, item_pk)
    access_record(user=request.user, obj=item.case, detail="Panel agenda item")  # type: ignore[arg-type]
    return _render_item(request, item)


@roles_required(MEETING_ROLES)
@require_GET
def item_report(request: HttpRequest, pk: int, item_pk: int, variant: str) -> HttpResponse:
    """The review report as PDF: redacted for everyone on the meeting; full only for the
    chair and the LAC (403 for other members)."""
    from reviews.services import review_report_pdf

    user: Any = request.user
    meeting = get_meeting_for_user(user, pk)
    item = get_item_for_user(user, meeting, item_pk)
    redacted = variant != "full"
    if not redacted and not sees_full_reports(user, meeting):
        raise PermissionDenied
    if item.version is None:
        raise PermissionDenied
    pdf = review_report_pdf(version=item.version, redacted=redacted)
    access_record(
        user=user,
        obj=item.case,
        action=AccessLog.Action.DOWNLOAD,
        detail=f"Review report v{item.version.number}, {'redacted' if redacted else 'full'}, panel",
    )
    name = (
        f"review-{item.case.reference}-v{item.version.number}{'-redacted' if redacted else ''}.pdf"
    )
    response = HttpResponse(pdf, content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    response["X-Content-Type-Options"] = "nosniff"
    return response


@roles_required(MEETING_ROLES)
@require_POST
def conflict_declare(request: HttpRequest, pk: int, item_pk: int) -> HttpResponse:
    user: Any = request.user
    meeting = get_meeting_for_user(user, pk)
    item = get_item_for_user(user, meeting, item_pk)
    me = member_for(user, meeting)
    if me is None:
        raise PermissionDenied
    form = ConflictForm(request.POST)
    if form.is_valid():
        try:
            panel_conflict_declare(
                item=item, member=me, reason=form.cleaned_data["reason"], by=user
            )
        except ValidationError as error:
            service_errors(form, error)
        else:
            messages.success(
                request,
                "Conflict of interest recorded. You will not record or sign the decision on "
                "this review",
            )
            return HttpResponseRedirect(item_url(item))
    return _render_item(request, item, conflict_form=form, status=400)


@roles_required(MEETING_ROLES)
@require_POST
def decision_record_view(request: HttpRequest, pk: int, item_pk: int) -> HttpResponse:
    from reviews.models import LearningTheme

    user: Any = request.user
    meeting = get_meeting_for_user(user, pk)
    item = get_item_for_user(user, meeting, item_pk)
    if user.pk != meeting.chair_id and not is_meeting_lac(user, meeting):
        raise PermissionDenied
    form = _decision_form(item, request.POST)
    if form.is_valid():
        data = form.cleaned_data
        try:
            decision_record(
                item=item,
                outcome=data["outcome"],
                discussion_summary=data["discussion_summary"],
                comments=data["comments"],
                amendments=data["amendments"],
                good_practice=data["good_practice"],
                themes=LearningTheme.objects.filter(pk__in=data["themes"]),
                by=user,
            )
        except ValidationError as error:
            service_errors(form, error)
        else:
            messages.success(request, "Decision recorded. Members present now sign it off")
            return HttpResponseRedirect(item_url(item, "decision"))
    return _render_item(request, item, decision_form=form, status=400)


@roles_required(MEETING_ROLES)
@require_POST
def decision_sign_view(request: HttpRequest, pk: int, item_pk: int) -> HttpResponse:
    user: Any = request.user
    meeting = get_meeting_for_user(user, pk)
    item = get_item_for_user(user, meeting, item_pk)
    decision = decision_for_item(item).first()
    if decision is None:
        messages.error(request, "There is no decision to sign yet")
        return HttpResponseRedirect(item_url(item))
    try:
        decision_sign(decision=decision, by=user)
    except ValidationError as error:
        flash_error(request, error)
    else:
        decision.refresh_from_db()
        messages.success(
            request,
            "Decision signed off" if decision.is_signed_off else "You have signed the decision",
        )
    return HttpResponseRedirect(item_url(item, "decision"))


@roles_required(MEETING_ROLES)
@require_POST
def decision_withdraw_view(request: HttpRequest, pk: int, item_pk: int) -> HttpResponse:
    user: Any = request.user
    meeting = get_meeting_for_user(user, pk)
    item = get_item_for_user(user, meeting, item_pk)
    decision = decision_for_item(item).first()
    if decision is None:
        return HttpResponseRedirect(item_url(item))
    try:
        decision_withdraw(decision=decision, by=user)
    except ValidationError as error:
        flash_error(request, error)
    else:
        messages.success(request, "Decision withdrawn. Record it again when the panel agrees")
    return HttpResponseRedirect(item_url(item))


@roles_required(MEETING_ROLES)
@require_POST
def amendments_check_view(request: HttpRequest, pk: int, item_pk: int) -> HttpResponse:
    user: Any = request.user
    meeting = get_meeting_for_user(user, pk)
    item = get_item_for_user(user, meeting, item_pk)
    if not is_meeting_lac(user, meeting):
        raise PermissionDenied
    decision = decision_for_item(item).first()
    form = AmendmentCheckForm(request.POST)
    if decision is not None and form.is_valid():
        try:
            amendments_check(decision=decision, note=form.cleaned_data["note"], by=user)
        except ValidationError as error:
            service_errors(form, error)
        else:
            messages.success(request, "Amendments checked. The review's sign-off is complete")
            return HttpResponseRedirect(item_url(item, "decision"))
    return _render_item(request, item, check_form=form, status=400)
