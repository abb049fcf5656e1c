"""The condolence letter to the family, from a template, printable as a PDF.

The reviewer prints it (or saves it) and sends it; the family section records the date it
was sent. Nothing is stored: the letter is made from the case each time.
"""

from __future__ import annotations

from typing import Any

from django.template.loader import render_to_string
from django.utils import timezone

from leder.jinja2 import nhs_date
from reviews.models import Case


def condolence_letter_html(*, case: Case, by: Any) -> str:
    n = case.notification
    return render_to_string(
        "reviews/letter/condolence.jinja",
        {
            "case": case,
            "person": n.full_name or "your family member",
            "given_name": n.given_name or n.full_name or "them",
            "addressee": n.contact_name or "family member or friend",
            "date": nhs_date(timezone.localdate()),
            "icb": case.icb.name,
            "reviewer": getattr(by, "full_name", "") or "LeDeR reviewer",
        },
    )


def condolence_letter_pdf(*, case: Case, by: Any) -> bytes:
    from weasyprint import HTML

    return bytes(HTML(string=condolence_letter_html(case=case, by=by)).write_pdf())
