"""The organisation's pages, reached only through the link in our email.

- GET shows the minimum needed to find the records (reference, the person's name, date
  of birth and NHS number, the period) and changes nothing: mail scanners open links.
- POSTs upload files, finish ("that is everything", with an on-screen receipt) or offer a
  telephone conversation instead.
- A link that is unknown, expired or revoked gets one plain page with one status (404),
  by the same steps, so neither the answer nor its timing says which it was. Addresses
  with too many such attempts get a 429 page (``reviews.records.ratelimit``).
- Responses are ``no-store``, ``noindex`` and ``Referrer-Policy: same-origin``: the URL
  (with its token) is never sent to another site. Not ``no-referrer``: with it, Chromium
  sends ``Origin: null`` on the page's own form posts, which the CSRF check must refuse.
- The token is replaced in the request's path before anything logs it (Django's request
  log and gunicorn's access log read the same WSGI environ).
"""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import Any

from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.middleware.csrf import CsrfViewMiddleware
from django.shortcuts import render
from django.urls import reverse
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_http_methods, require_POST

from leder.lib.http import declared_length
from reviews.records import conf, ratelimit
from reviews.records.access import link_for_token
from reviews.records.forms import FinishForm, PhoneOfferForm, UploadForm
from reviews.records.models import UploadLink
from reviews.records.services import (
    LinkClosed,
    link_is_live,
    record_files_add,
    record_request_complete,
    record_request_offer_phone,
)
from reviews.records.uploads import check_files, mb, parse_upload, request_totals

REDACTED = "[link]"
SMALL_POST = 64 * 1024
MULTIPART_MARGIN = 1024 * 1024

View = Callable[..., HttpResponse]


def _hide_token(request: HttpRequest, token: str) -> None:
    if not token:
        return
    for attr in ("path", "path_info"):
        setattr(request, attr, getattr(request, attr).replace(token, REDACTED))
    for key in ("PATH_INFO", "RAW_URI", "REQUEST_URI"):
        if isinstance(request.META.get(key), str):
            request.META[key] = request.META[key].replace(token, REDACTED)


def link_page(view: View) -> View:
    """Headers for every link page, and the token kept out of every log."""

    @wraps(view)
    def wrapped(request: HttpRequest, token: str, *args: Any, **kwargs: Any) -> HttpResponse:
        request.no_store = True  # type: ignore[attr-defined]
        try:
            response = view(request, token, *args, **kwargs)
        finally:
            _hide_token(request, token)
        response["Referrer-Policy"] = "same-origin"
        response["X-Robots-Tag"] = "noindex, nofollow"
        return response

    return wrapped


def _page(request: HttpRequest, template: str, context: dict, status: int = 200) -> HttpResponse:
    return render(request, f"records/public/{template}.jinja", context, status=status)


def _problem(request: HttpRequest, status: int) -> HttpResponse:
    return _page(request, {404: "not_valid", 429: "too_many"}[status], {}, status)


def _live_link(request: HttpRequest, token: str) -> UploadLink | HttpResponse:
    """The live link for ``token``, or the page to answer with. The same steps for an
    unknown, an expired and a revoked link."""
    if ratelimit.blocked(request):
        return _problem(request, 429)
    link = link_for_token(token)
    if link is not None and link_is_live(link):
        return link
    ratelimit.count_failure(request)
    return _problem(request, 404)


def _too_large(request: HttpRequest, limit: int) -> HttpResponse | None:
    length = declared_length(request)
    if length <= limit:
        return None
    return _page(
        request,
        "too_large",
        {"title": "The files are too large to send at once", "limit": mb(limit)},
        status=413,
    )


def _landing(
    request: HttpRequest,
    link: UploadLink,
    token: str,
    *,
    upload_form: UploadForm | None = None,
    finish_form: FinishForm | None = None,
    status: int = 200,
) -> HttpResponse:
    record_request = link.request
    files = list(record_request.files.filter(removed_at__isnull=True).order_by("uploaded_at", "pk"))
    uploaded = request.GET.get("uploaded", "")
    context = {
        "title": "Send records for a LeDeR review",
        "token": token,
        "link": link,
        "r": record_request,
        "case": record_request.case,
        "n": record_request.case.notification,
        "files": files,
        "upload_form": upload_form or UploadForm(),
        "finish_form": finish_form or FinishForm(),
        "just_uploaded": int(uploaded) if uploaded.isdigit() and int(uploaded) < 1000 else 0,
    }
    return _page(request, "landing", context, status)


@csrf_exempt  # checked below, once the body has been read by our parser
@link_page
@require_http_methods(["GET", "POST"])
def upload(request: HttpRequest, token: str) -> HttpResponse:
    found = _live_link(request, token)
    if isinstance(found, HttpResponse):
        return found
    link = found
    if request.method == "GET":
        return _landing(request, link, token)

    per_post = conf.max_files_per_upload() * conf.max_file_bytes() + MULTIPART_MARGIN
    totals = request_totals(link.request)
    _, stored, _ = totals
    left = max(conf.max_request_bytes() - stored, 0) + MULTIPART_MARGIN
    refused = _too_large(request, min(per_post, left))
    if refused is not None:
        return refused
    path_names = parse_upload(request)
    csrf_refused = CsrfViewMiddleware(lambda r: HttpResponse()).process_view(
        request, _csrf_checked, (), {}
    )
    if csrf_refused is not None:
        return csrf_refused
    form = UploadForm(data={})
    checked, errors = check_files(
        link.request, request.FILES.getlist("documents"), path_names, totals=totals
    )
    if not errors:
        try:
            record_files_add(link=link, files=checked)
        except LinkClosed:
            return _problem(request, 404)
        except ValidationError as error:
            errors = error.messages
        else:
            url = reverse("records:upload", kwargs={"token": token})
            return HttpResponseRedirect(f"{url}?uploaded={len(checked)}", status=303)
    form.set_errors(errors)
    return _landing(request, link, token, upload_form=form)


def _csrf_checked(request: HttpRequest) -> HttpResponse:  # pragma: no cover - never called
    raise AssertionError


@link_page
@require_POST
def finish(request: HttpRequest, token: str) -> HttpResponse:
    found = _live_link(request, token)
    if isinstance(found, HttpResponse):
        return found
    link = found
    refused = _too_large(request, SMALL_POST)
    if refused is not None:
        return refused
    form = FinishForm(request.POST)
    if form.is_valid():
        try:
            receipt = record_request_complete(link=link)
        except LinkClosed:
            return _problem(request, 404)
        except ValidationError as error:
            form.add_error(None, error.messages)
        else:
            return _page(request, "receipt", {"title": "Records sent", "receipt": receipt})
    return _landing(request, link, token, finish_form=form)


@link_page
@require_http_methods(["GET", "POST"])
def phone(request: HttpRequest, token: str) -> HttpResponse:
    found = _live_link(request, token)
    if isinstance(found, HttpResponse):
        return found
    link = found
    form = PhoneOfferForm()
    if request.method == "POST":
        refused = _too_large(request, SMALL_POST)
        if refused is not None:
            return refused
        form = PhoneOfferForm(request.POST)
        if form.is_valid():
            try:
                offer = record_request_offer_phone(link=link, **form.cleaned_data)
            except LinkClosed:
                return _problem(request, 404)
            context = {
                "title": "Telephone conversation offered",
                "offer": offer,
                "reference": link.request.case.reference,
            }
            return _page(request, "phone_done", context)
    context = {
        "title": "Offer a telephone conversation instead",
        "form": form,
        "r": link.request,
        "case": link.request.case,
        "back_url": reverse("records:upload", kwargs={"token": token}),
    }
    return _page(request, "phone", context)
