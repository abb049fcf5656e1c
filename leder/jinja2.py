"""The Jinja2 environment: our templates first, then the NHS.UK frontend macros.

See docs/adr/0002-jinja2-nhsuk-frontend.md.
"""

from __future__ import annotations

from typing import Any, cast

from django.conf import settings
from django.contrib.messages import get_messages
from django.templatetags.static import static
from django.urls import reverse
from django.utils import timezone
from django.utils.formats import date_format
from jinja2 import (
    ChainableUndefined,
    ChoiceLoader,
    Environment,
    FileSystemBytecodeCache,
    FileSystemLoader,
    PackageLoader,
)

from leder.forms.render import error_summary_items, field_params
from leder.lib.table import render_table
from leder.navigation import navigation_for


def url(name: str, *args: Any, **kwargs: Any) -> str:
    return reverse(name, args=args or None, kwargs=kwargs or None)


def nhs_date(value: Any, fmt: str = "j F Y") -> str:
    """Dates as the NHS style guide writes them: 3 March 2026."""
    if not value:
        return ""
    if hasattr(value, "tzinfo") and value.tzinfo is not None:
        value = timezone.localtime(value)
    return date_format(value, fmt)


def nhs_datetime(value: Any) -> str:
    """``22 November 2026 at 1:03pm`` (NHS style: "1:03pm", not Django's "1:03 p.m.")."""
    if not value:
        return ""
    text = nhs_date(value, "j F Y \\a\\t g:ia")
    return text.replace("a.m.", "am").replace("p.m.", "pm")


def plural(count: Any, singular: str, many: str | None = None) -> str:
    """``3 | plural("case")`` -> "3 cases"; ``1 | plural("case")`` -> "1 case"."""
    return f"{count} {singular if count == 1 else (many or singular + 's')}"


def environment(**options: Any) -> Environment:
    # Here, not at the top: reviews' modules import nhs_date from this one.
    from reviews import case_table

    template_dirs = [str(d) for d in cast("list[Any]", settings.TEMPLATES[0]["DIRS"])]
    options["loader"] = ChoiceLoader(
        [FileSystemLoader(template_dirs), PackageLoader("nhsuk_frontend_jinja")]
    )
    # nhsuk-frontend-jinja reads optional nested params (params.hint.text): it needs this.
    options["undefined"] = ChainableUndefined
    extensions = cast("list[str]", options.get("extensions", []))
    options["extensions"] = [*extensions, "jinja2.ext.do"]
    # Compiled templates kept as bytecode (a private directory under the system's temp
    # directory, checked against each template's source): a worker's first use of a
    # template loads it (~0.3 ms) instead of compiling it (~7 ms; 2 s for all 272), so the
    # first requests after a start or restart are not slow.
    options.setdefault("bytecode_cache", FileSystemBytecodeCache())
    env = Environment(**options)  # noqa: S701 - autoescape is set True by Django's backend
    env.globals.update(
        {
            "static": static,
            "url": url,
            "get_messages": get_messages,
            "field": field_params,
            "error_summary_items": error_summary_items,
            "navigation_for": navigation_for,
            "nhs_table": render_table,
            # The case pages' status tag, 6-month clock and case table (reviews/_macros.jinja).
            "case_status_tag": case_table.status_tag,
            "case_days_left": case_table.days_left,
            "case_table_html": case_table.case_table,
            "service_name": settings.SERVICE_NAME,
            "now": timezone.now,
        }
    )
    env.filters.update({"nhs_date": nhs_date, "nhs_datetime": nhs_datetime, "plural": plural})
    return env
