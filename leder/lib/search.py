"""Keep what staff type into search boxes out of URLs.

A search for an NHS number or a name would otherwise sit in the address bar, the browser
history and any proxy's logs. ``@private_search`` wraps a list view: the search form POSTs,
the typed filters are kept in the session under a random token, and the browser is sent to
``?s=<token>``. On that GET the filters are put back into ``request.GET``, so the view reads
them as before. ``request.search_query`` is the query string for page links: the token and
the non-sensitive filters, never the typed text.

Plain GET filters still work (queue links such as ``?queue=on_hold``); a GET that carries a
sensitive field (an old bookmark) is turned into a token straight away.
"""

from __future__ import annotations

import secrets
from collections.abc import Callable
from functools import wraps
from typing import Any

from django.http import HttpRequest, HttpResponse, HttpResponseRedirect, QueryDict

SESSION_KEY = "leder_searches"
KEEP = 20  # searches remembered per session
SENSITIVE = frozenset({"q"})
_IGNORED = frozenset({"csrfmiddlewaretoken", "page", "s"})


def _store(request: HttpRequest, params: dict[str, list[str]]) -> str:
    token = secrets.token_urlsafe(9)
    saved: dict[str, dict[str, list[str]]] = dict(request.session.get(SESSION_KEY, {}))
    saved[token] = params
    request.session[SESSION_KEY] = dict(list(saved.items())[-KEEP:])
    return token


def _params(data: QueryDict) -> dict[str, list[str]]:
    return {k: v for k, v in data.lists() if k not in _IGNORED}


def _query(params: dict[str, list[str]], token: str | None) -> str:
    query = QueryDict(mutable=True)
    for key, values in params.items():
        if key not in SENSITIVE:
            query.setlist(key, values)
    if token:
        query["s"] = token
    return query.urlencode()


def private_search(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
    @wraps(view)
    def wrapper(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        if request.method == "POST":
            posted = _params(request.POST)
            return HttpResponseRedirect(f"{request.path}?{_query(posted, _store(request, posted))}")
        token: str | None = request.GET.get("s")
        if token:
            params = request.session.get(SESSION_KEY, {}).get(token)
            if params is None:  # expired or from another session: start again
                return HttpResponseRedirect(request.path)
        else:
            params = _params(request.GET)
            if any(params.get(k, [""]) != [""] for k in SENSITIVE):
                token = _store(request, params)
                return HttpResponseRedirect(f"{request.path}?{_query(params, token)}")
        restored = QueryDict(mutable=True)
        for key, values in params.items():
            restored.setlist(key, values)
        if "page" in request.GET:
            restored["page"] = request.GET["page"]
        restored._mutable = False
        request.GET = restored  # type: ignore[assignment]  # a QueryDict like Django's own
        request.search_query = _query(params, token)  # type: ignore[attr-defined]
        return view(request, *args, **kwargs)

    return wrapper
