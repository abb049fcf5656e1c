"""The review report: a version's frozen content as a printable document (WeasyPrint).

``review_report_html(version=, redacted=)`` and ``review_report_pdf(version=, redacted=)``.
The redacted variant, for panel packs, leaves out the direct identifiers — name, NHS
number, address and postcode, exact dates of birth and death (age at death and the month
of death instead), and the family's names — and scrubs them from every answer the reviewer
typed. Fonts are the machine's own (DejaVu/Liberation): nothing is fetched.
"""

from __future__ import annotations

import copy
import datetime
import re
from typing import TYPE_CHECKING, Any

from django.template.loader import render_to_string
from django.utils import timezone

from leder.jinja2 import nhs_date

if TYPE_CHECKING:
    from reviews.models import ReviewVersion

REMOVED = "[removed]"


def _date_forms(value: datetime.date) -> list[str]:
    d, m, y = value.day, value.month, value.year
    month = value.strftime("%B")
    short = value.strftime("%b")
    return [
        f"{d} {month} {y}",
        f"{d:02d} {month} {y}",
        f"{d} {short} {y}",
        f"{d:02d} {short} {y}",
        f"{d:02d}/{m:02d}/{y}",
        f"{d}/{m}/{y}",
        f"{d:02d}-{m:02d}-{y}",
        f"{d:02d}.{m:02d}.{y}",
        value.isoformat(),
    ]


def _parse(value: str) -> datetime.date | None:
    try:
        return datetime.date.fromisoformat(value) if value else None
    except ValueError:
        return None


def identifiers(content: dict[str, Any]) -> list[tuple[str, str]]:
    """(text, replacement) pairs to scrub, longest first."""
    person = content.get("person", {})
    found: list[tuple[str, str]] = []
    names = [
        person.get("name", ""),
        person.get("other_names", ""),
        *content.get("family_names", []),
    ]
    for name in names:
        if not name:
            continue
        found.append((name, REMOVED))
        found.extend((part, REMOVED) for part in re.split(r"[\s,]+", name) if len(part) >= 2)
    nhs = person.get("nhs_number") or ""
    if nhs:
        found.append((nhs, REMOVED))
        if len(nhs) == 10:
            found.append((f"{nhs[:3]} {nhs[3:6]} {nhs[6:]}", REMOVED))
            found.append((f"{nhs[:3]}-{nhs[3:6]}-{nhs[6:]}", REMOVED))
    address = person.get("address") or ""
    if address:
        found.append((address, REMOVED))
        found.extend(
            (line.strip(), REMOVED)
            for line in re.split(r"[,\n]", address)
            if len(line.strip()) >= 4
        )
    if person.get("postcode"):
        postcode = person["postcode"]
        found.append((postcode, REMOVED))
        found.append((postcode.replace(" ", ""), REMOVED))
    for key, label in (("date_of_birth", "[date of birth]"), ("date_of_death", "[date of death]")):
        value = _parse(person.get(key, ""))
        if value:
            found.extend((text, label) for text in _date_forms(value))
    unique = {text.strip(): repl for text, repl in found if text.strip()}
    return sorted(unique.items(), key=lambda pair: -len(pair[0]))


def scrubber(content: dict[str, Any]) -> Any:
    pairs = identifiers(content)
    if not pairs:
        return lambda text: text
    replacement = {text.lower(): repl for text, repl in pairs}
    pattern = re.compile(
        r"(?<![\w])(" + "|".join(re.escape(text) for text, _ in pairs) + r")(?![\w])",
        re.IGNORECASE,
    )

    def scrub(text: Any) -> Any:
        if not isinstance(text, str) or not text:
            return text
        return pattern.sub(lambda m: replacement.get(m.group(0).lower(), REMOVED), text)

    return scrub


def _walk(value: Any, scrub: Any) -> Any:
    if isinstance(value, dict):
        return {k: _walk(v, scrub) for k, v in value.items()}
    if isinstance(value, list):
        return [_walk(v, scrub) for v in value]
    return scrub(value)


def redact(content: dict[str, Any]) -> dict[str, Any]:
    """The content without direct identifiers (for panel packs)."""
    scrub = scrubber(content)
    person = content.get("person", {})
    died = _parse(person.get("date_of_death", ""))
    redacted = {k: _walk(copy.deepcopy(v), scrub) for k, v in content.items() if k != "person"}
    redacted["person"] = {
        "age_at_death": person.get("age_at_death"),
        "month_of_death": died.strftime("%B %Y") if died else "",
        "sex": person.get("sex", ""),
        "gp_practice": scrub(person.get("gp_practice", "")),
    }
    redacted["family_names"] = []
    return redacted


def report_context(version: ReviewVersion, *, redacted: bool) -> dict[str, Any]:
    content = version.content
    if redacted:
        content = redact(content)
    person = content.get("person", {})
    sign_off = getattr(version, "sign_off", None)
    return {
        "version": version,
        "c": content,
        "redacted": redacted,
        "date_of_birth": nhs_date(_parse(person.get("date_of_birth", ""))),
        "date_of_death": nhs_date(_parse(person.get("date_of_death", ""))),
        "received_on": nhs_date(_parse(content.get("received_on", ""))),
        "submitted_at": nhs_date(version.submitted_at),
        "submitted_by": version.submitted_by.full_name,
        "signed_off": nhs_date(sign_off.at) if sign_off else "",
        "generated_at": nhs_date(timezone.now()),
        "comments_by_section": _group(content.get("comments", [])),
    }


def _group(comments: list[dict[str, Any]]) -> dict[str, list[dict[str, Any]]]:
    grouped: dict[str, list[dict[str, Any]]] = {}
    for comment in comments:
        grouped.setdefault(comment["section"], []).append(comment)
    return grouped


def review_report_html(*, version: ReviewVersion, redacted: bool) -> str:
    return render_to_string(
        "reviews/report/report.jinja", report_context(version, redacted=redacted)
    )


def review_report_pdf(*, version: ReviewVersion, redacted: bool) -> bytes:
    from weasyprint import HTML

    html = review_report_html(version=version, redacted=redacted)
    return bytes(HTML(string=html, base_url=None).write_pdf())
