"""Submitted versions of a review: the list, one version, the differences between two, and
the report as a PDF (full, or redacted for panel packs); the condolence letter as a PDF.

Every download is access-logged, sent as an attachment, and never cached.
"""

from __future__ import annotations

from typing import Any

from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render

from leder.models import AccessLog
from leder.services.access_log import access_record
from reviews.access import ReviewAccess
from reviews.models import ReviewVersion
from reviews.models.versions import ReviewVersionQuerySet
from reviews.review.diff import content_diff
from reviews.review.letters import condolence_letter_pdf
from reviews.review.report import review_report_pdf
from reviews.views.review import review_url, review_view


def _versions(access: ReviewAccess) -> ReviewVersionQuerySet:
    return access.case.versions.for_list()  # type: ignore[attr-defined,no-any-return]


def _version(access: ReviewAccess, number: int) -> ReviewVersion:
    version = _versions(access).filter(number=number).first()
    if version is None:
        raise Http404
    return version


def pdf_response(content: bytes, filename: str) -> HttpResponse:
    response = HttpResponse(content, content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    response["Cache-Control"] = "no-store"
    response["X-Content-Type-Options"] = "nosniff"
    return response


@review_view(["GET"])
def version_list(request: HttpRequest, access: ReviewAccess) -> HttpResponse:
    user: Any = request.user
    access_record(user=user, obj=access.case, detail="Review versions")
    return render(
        request,
        "reviews/review/versions.jinja",
        {
            "title": "Submitted versions",
            "case": access.case,
            "versions": list(_versions(access)),
            "back_url": review_url(access.case),
        },
    )


@review_view(["GET"])
def version_detail(request: HttpRequest, access: ReviewAccess, number: int) -> HttpResponse:
    user: Any = request.user
    version = _version(access, number)
    access_record(user=user, obj=access.case, detail=f"Review version {number}")
    return render(
        request,
        "reviews/review/version.jinja",
        {
            "title": f"Version {version.number}",
            "case": access.case,
            "version": version,
            "c": version.content,
            "back_url": review_url(access.case, "review_versions"),
        },
    )


@review_view(["GET"])
def version_changes(request: HttpRequest, access: ReviewAccess, number: int) -> HttpResponse:
    """What changed in version ``number`` since version ``?from=`` (default the one before)."""
    user: Any = request.user
    new = _version(access, number)
    try:
        since = int(request.GET.get("from", number - 1))
    except ValueError:
        raise Http404 from None
    old = _version(access, since)
    access_record(user=user, obj=access.case, detail=f"Review changes {since}-{number}")
    return render(
        request,
        "reviews/review/changes.jinja",
        {
            "title": f"Changes from version {old.number} to version {new.number}",
            "case": access.case,
            "old": old,
            "new": new,
            "changes": content_diff(old.content, new.content),
            "back_url": review_url(access.case, "review_versions"),
        },
    )


@review_view(["GET"])
def version_pdf(request: HttpRequest, access: ReviewAccess, number: int) -> HttpResponse:
    user: Any = request.user
    version = _version(access, number)
    redacted = request.GET.get("redacted") == "1"
    content = review_report_pdf(version=version, redacted=redacted)
    access_record(
        user=user,
        obj=access.case,
        action=AccessLog.Action.DOWNLOAD,
        detail=f"Review report version {number}{' (redacted)' if redacted else ''}",
    )
    suffix = "-redacted" if redacted else ""
    return pdf_response(content, f"{access.case.reference}-v{number}{suffix}.pdf")


@review_view(["GET"])
def condolence_letter(request: HttpRequest, access: ReviewAccess) -> HttpResponse:
    user: Any = request.user
    if not (access.is_reviewer or access.is_lac):
        raise PermissionDenied
    content = condolence_letter_pdf(case=access.case, by=user)
    access_record(
        user=user,
        obj=access.case,
        action=AccessLog.Action.DOWNLOAD,
        detail="Condolence letter",
    )
    return pdf_response(content, f"{access.case.reference}-condolence-letter.pdf")
