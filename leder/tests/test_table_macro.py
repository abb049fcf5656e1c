"""templates/components/table.jinja writes the NHS.UK frontend table's markup (the list
pages use it instead of the frontend's macro, which costs about 2 ms of CPU a row)."""

from __future__ import annotations

from typing import Any

import pytest
from django.template import engines
from markupsafe import Markup

from leder.testing import squeeze_html as squeeze

NHS = '{% from "nhsuk/components/tables/macro.jinja" import table %}{{ table(params) }}'
OURS = '{% from "components/table.jinja" import table %}{{ table(params) }}'


def render(source: str, params: dict[str, Any]) -> str:
    return engines["jinja2"].env.from_string(source).render(params=params)


LINK = Markup('<a href="/cases/LDR-1/" class="leder-nowrap">LDR-1</a>')
CASES = [
    pytest.param(
        {
            "caption": {"text": "Open cases & more", "classes": "nhsuk-u-visually-hidden"},
            "responsive": True,
            "head": [
                {"text": "Reference"},
                {"text": "Name"},
                {"text": "Days", "format": "numeric"},
            ],
            "rows": [
                [
                    {"html": LINK, "header": "Reference"},
                    {"text": "<script>O'Brien</script>", "header": "Name"},
                    {"text": "12", "header": "Days"},
                ],
                [
                    {"html": LINK, "header": "Reference"},
                    {"text": "Ada", "header": "Name"},
                    {"text": "", "header": "Days"},
                ],
            ],
        },
        id="responsive",
    ),
    pytest.param(
        {
            "caption": {"text": "Files", "size": "m"},
            "head": [{"text": "File"}, {"text": "Size", "format": "numeric"}],
            "rows": [[{"text": "a.pdf"}, {"text": "3 MB"}], [{"html": LINK}, {"text": "1 MB"}]],
        },
        id="plain",
    ),
    pytest.param(
        {
            "caption": {"text": "Totals", "classes": "nhsuk-table__caption--s"},
            "responsive": True,
            "firstCellIsHeader": True,
            "head": [{"text": "Month"}, {"text": "Count", "format": "numeric"}],
            "rows": [[{"text": "March 2026"}, {"text": "4", "format": "numeric"}]],
        },
        id="row-headers",
    ),
    pytest.param(
        {
            "caption": "A caption as a string",
            "head": [{"text": "A"}],
            "rows": [[{"text": "x", "classes": "nhsuk-u-font-weight-bold"}]],
            "classes": "leder-extra",
        },
        id="string-caption-and-classes",
    ),
]


@pytest.mark.parametrize("params", CASES)
def test_same_markup_as_the_frontend_macro(params):
    ours = squeeze(render(OURS, params))
    assert ours == squeeze(render(NHS, params))
    assert "<script>" not in ours  # text is escaped, html is not


def test_mobile_headings_are_hidden_from_screen_readers_and_columns_are_scoped():
    html = render(OURS, CASES[0].values[0])
    assert html.count('scope="col"') == 3
    assert html.count('<span class="nhsuk-table__heading" aria-hidden="true">') == 6
    assert '<caption class="nhsuk-table__caption nhsuk-u-visually-hidden">' in html


def test_a_zero_is_shown():
    """The frontend macro drops a cell whose text is 0; ours shows it."""
    html = render(OURS, {"head": [{"text": "Conflicts"}], "rows": [[{"text": 0}]]})
    assert '<td class="nhsuk-table__cell">0</td>' in squeeze(html)
