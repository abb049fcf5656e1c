"""Actions: the list (overdue ones stand out), agreeing and changing an action, its status,
progress notes and evidence of completion."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.db.models import Count, Q
from django.http import FileResponse, Http404, HttpRequest, HttpResponse, HttpResponseRedirect
from django.http.response import HttpResponseBase
from django.middleware.csrf import CsrfViewMiddleware
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from governance.access import (
    ACTION_ROLES,
    actions_for_user,
    decision_for_item,
    get_action_for_user,
    get_evidence_for_action,
    get_item_for_user,
    get_meeting_for_user,
    owns_actions,
)
from governance.forms.actions import (
    ActionFilterForm,
    ActionForm,
    ActionStatusForm,
    EvidenceForm,
    ProgressForm,
)
from governance.models import (
    OPEN_ACTION_STATUSES,
    Action,
    ActionStatus,
    Decision,
)
from governance.services.actions import (
    action_create,
    action_progress_add,
    action_transition,
    action_update,
    can_manage_actions,
    can_update_action,
)
from governance.views.common import organisations_of, service_errors
from governance.workflow import ACTION_TRANSITIONS
from leder.lib.http import declared_length
from leder.lib.workflow import TransitionNotAllowed
from leder.models import AccessLog, Organisation, User
from leder.services.access_log import access_record

PAGE_SIZE = 25


def action_url(action: Action) -> str:
    return reverse("governance:action", kwargs={"pk": action.pk})


@login_required
@require_GET
def action_list(request: HttpRequest) -> HttpResponse:
    user: Any = request.user
    if not (user.has_role(*ACTION_ROLES) or owns_actions(user)):
        raise PermissionDenied
    filters = ActionFilterForm(request.GET or None)
    status = filters.value()
    actions = actions_for_user(user).for_list()
    if status != "all":
        actions = actions.with_status(status)
    page = Paginator(actions.order_by("due_on", "pk"), PAGE_SIZE).get_page(request.GET.get("page"))
    today = timezone.localdate()
    still_open = Q(status__in=OPEN_ACTION_STATUSES)
    counts = actions_for_user(user).aggregate(
        still_open=Count("pk", filter=still_open),
        overdue=Count("pk", filter=still_open & Q(due_on__lt=today)),
    )
    return render(
        request,
        "governance/actions/list.jinja",
        {
            "title": "Actions",
            "filters": filters,
            "status": status,
            "page": page,
            "counts": counts,
            "can_create": can_manage_actions(user, user.icb_id),
            "query": f"status={status}",
        },
    )


def _choices(icb_id: int | None, action: Action | None = None) -> dict[str, Any]:
    from reviews.models import LearningTheme

    people = list(
        User.objects.filter(icb_id=icb_id, is_active=True)
        .order_by("full_name")
        .values_list("pk", "full_name")
    )
    cases: list[tuple[int, str]] = []
    if action is not None:
        cases = [(c.pk, c.reference) for c in action.cases.all()]
    return {
        "organisations": organisations_of(icb_id),
        "people": people,
        "themes": list(LearningTheme.objects.filter(active=True).values_list("pk", "name")),
        "cases": cases,
    }


def _fields(form: ActionForm) -> dict[str, Any]:
    from reviews.models import LearningTheme

    data = form.cleaned_data
    return {
        "title": data["title"],
        "description": data["description"],
        "success_measure": data["success_measure"],
        "owner_organisation": Organisation.objects.filter(pk=data["owner_organisation"]).first(),
        "owner_user": User.objects.filter(pk=data["owner_user"]).first()
        if data["owner_user"]
        else None,
        "owner_name": data["owner_name"],
        "owner_email": data["owner_email"],
        "due_on": data["due_on"],
        "themes": list(LearningTheme.objects.filter(pk__in=data.get("themes") or [])),
    }


@login_required
@require_http_methods(["GET", "POST"])
def action_new(request: HttpRequest) -> HttpResponse:
    """Agree an action; from a decision (``?meeting=&item=``) it is linked to the decision,
    the meeting and the review."""
    user: Any = request.user
    if not user.is_authenticated or not can_manage_actions(user, user.icb_id):
        raise PermissionDenied
    decision: Decision | None = None
    source = request.POST if request.method == "POST" else request.GET
    if source.get("meeting") and source.get("item"):
        try:
            meeting = get_meeting_for_user(user, int(source["meeting"]))
            item = get_item_for_user(user, meeting, int(source["item"]))
        except ValueError:
            raise Http404 from None
        decision = decision_for_item(item).select_related("item__meeting", "item__case").first()
        if decision is None:
            raise Http404
    form = ActionForm(request.POST if request.method == "POST" else None, **_choices(user.icb_id))
    if request.method == "POST" and form.is_valid():
        try:
            action = action_create(icb=user.icb, decision=decision, by=user, **_fields(form))
        except ValidationError as error:
            service_errors(form, error)
        else:
            messages.success(request, f"Action {action.reference} agreed")
            if decision is not None:
                return HttpResponseRedirect(
                    reverse(
                        "governance:item",
                        kwargs={"pk": decision.item.meeting_id, "item_pk": decision.item_id},
                    )
                    + "#actions"
                )
            return HttpResponseRedirect(action_url(action))
    back = reverse("governance:actions")
    if decision is not None:
        back = reverse(
            "governance:item", kwargs={"pk": decision.item.meeting_id, "item_pk": decision.item_id}
        )
    return render(
        request,
        "governance/actions/form.jinja",
        {
            "title": "Agree an action",
            "form": form,
            "decision": decision,
            "back_url": back,
            "post_url": reverse("governance:action_new"),
        },
        status=400 if form.is_bound and form.errors else 200,
    )


@login_required
@require_http_methods(["GET", "POST"])
def action_edit(request: HttpRequest, pk: int) -> HttpResponse:
    user: Any = request.user
    action = get_action_for_user(user, pk)
    if not can_manage_actions(user, action.icb_id):
        raise PermissionDenied
    choices = _choices(action.icb_id, action)
    initial = {
        "title": action.title,
        "description": action.description,
        "success_measure": action.success_measure,
        "owner_organisation": str(action.owner_organisation_id),
        "owner_user": str(action.owner_user_id or ""),
        "owner_name": action.owner_name,
        "owner_email": action.owner_email,
        "due_on": action.due_on,
        "themes": [str(t) for t in action.themes.values_list("pk", flat=True)],
        "cases": [str(c) for c, _ in choices["cases"]],
    }
    form = ActionForm(
        request.POST if request.method == "POST" else None, initial=initial, **choices
    )
    if request.method == "POST" and form.is_valid():
        kept = [
            c for c in action.cases.all() if str(c.pk) in (form.cleaned_data.get("cases") or [])
        ]
        try:
            action_update(action=action, cases=kept, by=user, **_fields(form))
        except ValidationError as error:
            service_errors(form, error)
        else:
            messages.success(request, "Action saved")
            return HttpResponseRedirect(action_url(action))
    return render(
        request,
        "governance/actions/form.jinja",
        {
            "title": f"Change action {action.reference}",
            "form": form,
            "action": action,
            "back_url": action_url(action),
            "post_url": reverse("governance:action_edit", kwargs={"pk": action.pk}),
        },
        status=400 if form.is_bound and form.errors else 200,
    )


def _render_detail(
    request: HttpRequest,
    action: Action,
    *,
    status_form: ActionStatusForm | None = None,
    progress_form: ProgressForm | None = None,
    evidence_form: EvidenceForm | None = None,
    status: int = 200,
) -> HttpResponse:
    user: Any = request.user
    targets = sorted(ACTION_TRANSITIONS.targets(action.status))
    return render(
        request,
        "governance/actions/detail.jinja",
        {
            "title": f"Action {action.reference}",
            "action": action,
            "can_manage": can_manage_actions(user, action.icb_id),
            "can_update": can_update_action(user, action) and bool(targets),
            "status_form": status_form or ActionStatusForm(targets=targets),
            "progress_form": progress_form or ProgressForm(),
            "evidence_form": evidence_form or EvidenceForm(),
            "notes": list(action.progress_notes.select_related("by")),
            "evidence": list(action.evidence.select_related("uploaded_by")),
            "changes": list(action.status_changes.select_related("by").order_by("at", "pk")),
            "cases": list(action.cases.order_by("reference")),
            "themes": list(action.themes.all()),
            "back_url": reverse("governance:actions"),
        },
        status=status,
    )


@login_required
@require_GET
def action_detail(request: HttpRequest, pk: int) -> HttpResponse:
    return _render_detail(request, get_action_for_user(request.user, pk))


@login_required
@require_POST
def action_status(request: HttpRequest, pk: int) -> HttpResponse:
    user: Any = request.user
    action = get_action_for_user(user, pk)
    if not can_update_action(user, action):
        raise PermissionDenied
    form = ActionStatusForm(request.POST, targets=sorted(ACTION_TRANSITIONS.targets(action.status)))
    if form.is_valid():
        try:
            moved = action_transition(
                action=action,
                to=form.cleaned_data["status"],
                by=user,
                reason=form.cleaned_data["reason"],
                evidence_summary=form.cleaned_data["evidence_summary"],
            )
        except ValidationError as error:
            service_errors(form, error)
        except TransitionNotAllowed:
            messages.error(request, "This action has changed: check its status")
            return HttpResponseRedirect(action_url(action))
        else:
            messages.success(
                request,
                f"Action {moved.reference} is now {ActionStatus(moved.status).label.lower()}",
            )
            return HttpResponseRedirect(action_url(action))
    return _render_detail(request, action, status_form=form, status=400)


@login_required
@require_POST
def action_progress(request: HttpRequest, pk: int) -> HttpResponse:
    user: Any = request.user
    action = get_action_for_user(user, pk)
    if not can_update_action(user, action):
        raise PermissionDenied
    form = ProgressForm(request.POST)
    if form.is_valid():
        try:
            action_progress_add(action=action, note=form.cleaned_data["note"], by=user)
        except ValidationError as error:
            service_errors(form, error)
        else:
            messages.success(request, "Progress recorded")
            return HttpResponseRedirect(action_url(action) + "#progress")
    return _render_detail(request, action, progress_form=form, status=400)


def _csrf_checked(request: HttpRequest) -> HttpResponse:  # pragma: no cover - never called
    raise AssertionError


@csrf_exempt  # checked in the view, once the body has been read by the records parser
@login_required
@require_POST
def evidence_upload(request: HttpRequest, pk: int) -> HttpResponse:
    from governance.services.evidence import action_evidence_add

    user: Any = request.user
    action = get_action_for_user(user, pk)
    if not can_update_action(user, action):
        raise PermissionDenied
    from reviews.records.uploads import parse_upload

    too_large = _evidence_too_large(request, action)
    if too_large is not None:
        return too_large
    # Django keeps only the last part of a name with a folder path: the records parser
    # notes such names so they are refused instead.
    path_names = parse_upload(request)
    csrf_refused = CsrfViewMiddleware(lambda r: HttpResponse()).process_view(
        request, _csrf_checked, (), {}
    )
    if csrf_refused is not None:
        return csrf_refused
    form = EvidenceForm(request.POST, request.FILES)
    if path_names:
        form.add_error(
            "file", f"{path_names[0]} has a folder path in its name: rename the file and try again"
        )
    if form.is_valid():
        try:
            evidence = action_evidence_add(action=action, upload=form.cleaned_data["file"], by=user)
        except ValidationError as error:
            service_errors(form, error, {"upload": "file"})
        else:
            messages.success(request, f"{evidence.name} uploaded")
            return HttpResponseRedirect(action_url(action) + "#evidence")
    return _render_detail(request, action, evidence_form=form, status=400)


def _evidence_too_large(request: HttpRequest, action: Action) -> HttpResponse | None:
    """A post bigger than one evidence file can be is refused from its Content-Length,
    before its body is read (and spooled to disk), as the GP practices' link does."""
    from django.conf import settings

    limit_mb = settings.LEDER_RECORDS_MAX_FILE_MB
    length = declared_length(request)
    if length <= limit_mb * 2**20 + 64 * 1024:  # the file, and the form's other fields
        return None
    form = EvidenceForm(data={})
    form.full_clean()
    form.errors.clear()
    form.add_error("file", f"The file must be smaller than {limit_mb} MB")
    return _render_detail(request, action, evidence_form=form, status=413)


@login_required
@require_GET
def evidence_download(request: HttpRequest, pk: int, evidence_pk: int) -> HttpResponseBase:
    user: Any = request.user
    action = get_action_for_user(user, pk)
    evidence = get_evidence_for_action(action, evidence_pk)
    access_record(
        user=user,
        obj=evidence,
        action=AccessLog.Action.DOWNLOAD,
        detail=f"Action {action.reference} evidence",
    )
    response: HttpResponseBase = FileResponse(
        evidence.file.open("rb"),
        as_attachment=True,
        filename=evidence.name,
        content_type=evidence.content_type,
    )
    response["X-Content-Type-Options"] = "nosniff"
    return response
