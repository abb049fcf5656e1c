"""The case table of the LAC dashboard and "My reviews", and the case's status tag and
6-month clock, written by Python.

These were Jinja macros (``templates/reviews/_macros.jinja``): per row, four ``{% set %}``
blocks, nested calls of ``initials``, ``days_left``, ``status_tag`` and ``plain_tag``, a
``url()`` reverse and the ``nhs_date`` filter. That made the case table the largest template
cost of the dashboard. As with the table itself (``leder/lib/table.py``, ADR 0014), this
writes the same markup with string joins: every value escaped with markupsafe as Jinja's
autoescape did, and the table through ``render_table``. The macros remain, with the same
names and parameters, as wrappers calling this module (Jinja globals ``case_status_tag``,
``case_days_left`` and ``case_table_html``, registered in ``leder/jinja2.py``). The one
difference in a page: the blank lines the old macro's ``{% set %}`` lines left before
``<table>`` (a newline and spaces a row) are gone.

Three per-row costs are paid once a table instead (reviews/tests/test_case_table.py proves
each gives the same text, and the whole table the old macro's markup). Per call, measured
on a 2-core development machine, against under 1 µs each now:

- the case link, ``reverse("reviews:case")`` (about 50 µs): reversed once, then the
  reference put between the URL's two halves; a reference with characters ``reverse()``
  could percent-encode is reversed as before;
- the target date ("3 Mar 2026", the ``nhs_date`` filter's "j M Y", about 25 µs through
  Django's ``date_format``): day, Django's own translated month abbreviation and year, as
  that format writes them; anything but a plain date goes through ``nhs_date``;
- ``get_status_display()`` and ``get_review_type_display()`` (about 5 µs: each call
  rebuilds the field's choices): the choices read once.

The cases are those of ``Case.objects.for_list()`` (``reviews/querysets.py``): the table
reads its annotations (``days_left``, ``target_date``, ``reviewer_name``...).
"""

from __future__ import annotations

import datetime
import re
from collections.abc import Callable, Iterable
from typing import Any, cast

from django.db import models
from django.urls import reverse
from django.utils.dates import MONTHS_3
from django.utils.encoding import force_str
from django.utils.hashable import make_hashable
from markupsafe import Markup, escape

from leder.lib.table import render_table
from reviews.models import OPEN_STATUSES, Case, CaseStatus

STATUS_COLOURS = {
    CaseStatus.AWAITING_ALLOCATION: "blue",
    CaseStatus.ALLOCATED: "purple",
    CaseStatus.IN_PROGRESS: "aqua-green",
    CaseStatus.ON_HOLD: "yellow",
    CaseStatus.AWAITING_QA: "orange",
    CaseStatus.RETURNED: "pink",
    CaseStatus.COMPLETED: "green",
    CaseStatus.OPTED_OUT: "grey",
}
# By value: a case read from the database holds a str (a CaseStatus member compares and
# hashes as its value).
_COLOURS: dict[str, str] = {str(status): colour for status, colour in STATUS_COLOURS.items()}
_OPEN = frozenset(str(status) for status in OPEN_STATUSES)


def _choices(field: str) -> dict[Any, Any]:
    """A field's choices as ``get_<field>_display()`` reads them (that method builds this
    dict on every call)."""
    model_field = cast("models.Field[Any, Any]", Case._meta.get_field(field))
    return dict(make_hashable(model_field.flatchoices))


def _display(choices: dict[Any, Any], value: Any) -> Any:
    """``get_<field>_display()``: the value's label, or the value if it has none (a
    status or review type is a str: hashable as it is)."""
    return force_str(choices.get(value, value), strings_only=True)


_STATUS_LABELS = _choices("status")
_REVIEW_TYPE_LABELS = _choices("review_type")

_HEAD = [
    {"text": "Reference"},
    {"text": "Person"},
    {"text": "Since notification"},
    {"text": "6-month target"},
    {"text": "Type"},
    {"text": "Reviewer"},
    {"text": "Status"},
]
_ON_HOLD = '<br><span class="nhsuk-body-s">Paused while on hold</span>'
_NOT_ACCEPTED = '<br><span class="nhsuk-body-s">Not accepted yet</span>'
_CONFLICT = '<br><strong class="nhsuk-tag nhsuk-tag--red">Conflict to check</strong>'

# References ``reverse()`` writes as they are (unreserved ASCII, no percent-encoding), as
# every reference is (notifications.models.REFERENCE_RE). ASCII only: ``\d`` would match
# other scripts' digits, which reverse() percent-encodes.
_PLAIN_REFERENCE = re.compile(r"[A-Za-z0-9-]+", re.ASCII)
_PROBE = "LDR-0000-000000"


def tag(text: Any, colour: str) -> Markup:
    """The NHS.UK tag's markup (the frontend's tag macro costs about 0.3 ms a call)."""
    return Markup(f'<strong class="nhsuk-tag nhsuk-tag--{escape(colour)}">{escape(text)}</strong>')  # noqa: S704 - escaped


def status_tag(case: Any) -> Markup:
    """The case's status as a coloured tag."""
    status = case.status
    return tag(_display(_STATUS_LABELS, status), _COLOURS.get(status, "grey"))


def days_left(case: Any, soon: int = 30) -> Markup:
    """Days left to the 6-month target (held days excluded, ``case.days_left``). Past the
    target, or within ``soon`` days of it, stands out with a tag."""
    status = case.status
    if status not in _OPEN:
        html = "Not applicable"
    else:
        left = case.days_left
        if left < 0:
            html = tag(f"Overdue by {-left}{' day' if left == -1 else ' days'}", "red")
        elif left <= soon:
            html = tag(f"{left}{' day' if left == 1 else ' days'} left", "orange")
        else:
            html = f"{escape(left)} days left"
    if status == CaseStatus.ON_HOLD:
        return Markup(f"{html}{_ON_HOLD}")  # noqa: S704 - escaped above
    return Markup(html)  # noqa: S704 - escaped above


def initials(notification: Any) -> str:
    """The person's initials ("AT"), or "Removed" once their names are gone (plain text,
    not yet escaped)."""
    given, family = notification.given_name, notification.family_name
    if given or family:
        return ((given or "")[:1] + (family or "")[:1]).upper()
    return "Removed"


def _case_urls() -> Callable[[str], str]:
    """``reference -> reverse("reviews:case", kwargs={"reference": reference})``, reversing
    once: the URL is the same around every plain reference. Built per table, as the script
    prefix and URLconf are per request."""

    def reversed_url(reference: str) -> str:
        return reverse("reviews:case", kwargs={"reference": reference})

    before, found, after = reversed_url(_PROBE).partition(_PROBE)
    if not found or _PROBE in after:  # a prefix containing the probe: reverse every row
        return reversed_url

    def url(reference: str) -> str:
        if _PLAIN_REFERENCE.fullmatch(reference):
            return f"{before}{reference}{after}"
        return reversed_url(reference)

    return url


def _short_dates() -> Callable[[Any], str]:
    """``value -> nhs_date(value, "j M Y")`` ("3 Mar 2026"). For a date, what Django's
    ``date_format`` writes ("j": day, "M": ``MONTHS_3[month].title()`` in the active
    language, "Y": 4-digit year) without parsing the format each time."""
    from leder.jinja2 import nhs_date  # here: leder.jinja2 imports this module

    months: dict[int, str] = {}

    def short_date(value: Any) -> str:
        if type(value) is not datetime.date:  # a datetime, None...: as the filter does
            return nhs_date(value, "j M Y")
        month = months.get(value.month)
        if month is None:
            month = months[value.month] = str(MONTHS_3[value.month].title())
        return f"{value.day} {month} {value.year:04d}"

    return short_date


def case_table(cases: Iterable[Any], caption: str, soon: int = 30, me: Any = None) -> Markup:
    """The table of cases (the dashboard's queue, "My reviews"). ``me``: the reviewer whose
    list it is (cases where they give peer support are marked, and peer support is not
    shown); ``soon``: days before the target from which the clock is tagged."""
    url = _case_urls()
    short_date = _short_dates()
    for_me = bool(me)
    my_pk = me.pk if for_me else None
    rows = []
    for c in cases:
        ref_html = (
            f'<a href="{escape(url(c.reference))}" class="leder-nowrap">{escape(c.reference)}</a>'
        )
        if c.conflict_flagged:
            ref_html += _CONFLICT

        n = c.notification
        person_html = str(escape(initials(n)))  # str: adding to a Markup would escape
        if n.age_at_death is not None:
            person_html += f", aged {escape(n.age_at_death)}"

        since = c.days_since_notification
        target_html = (
            f'<span class="leder-nowrap">{escape(short_date(c.target_date))}</span><br>'
            f"{days_left(c, soon)}"
        )

        name = c.reviewer_name
        if name:
            reviewer_html = str(escape(name))
            if for_me and c.active_reviewer_id != my_pk:
                reviewer_html += " (you give peer support)"
            if not c.accepted_at and c.status == CaseStatus.ALLOCATED:
                reviewer_html += _NOT_ACCEPTED
            if c.senior_reviewer_name and not for_me:
                reviewer_html += (
                    f'<br><span class="nhsuk-body-s">Peer support: '
                    f"{escape(c.senior_reviewer_name)}</span>"
                )
        else:
            reviewer_html = "Not allocated"

        rows.append(
            [
                {"html": ref_html, "header": "Reference"},
                {"html": person_html, "header": "Person"},
                {
                    "text": f"{since}{' day' if since == 1 else ' days'}",
                    "header": "Since notification",
                },
                {"html": target_html, "header": "6-month target"},
                {
                    "text": _display(_REVIEW_TYPE_LABELS, c.review_type) or "Not decided",
                    "header": "Type",
                },
                {"html": reviewer_html, "header": "Reviewer"},
                {"html": status_tag(c), "header": "Status"},
            ]
        )
    return render_table(
        {
            "caption": {"text": caption, "classes": "nhsuk-u-visually-hidden"},
            "responsive": True,
            "head": _HEAD,
            "rows": rows,
        }
    )
