"""The NHS.UK table's markup, written by Python for ``components/table.jinja``.

The frontend's own Jinja macro (nhsuk/components/tables) renders every cell through nested
macros with attribute and indent filters: about 2 ms of CPU per row. A plain Jinja loop
cut that to about 0.06 ms a cell, still most of a list page's template time, because a
template reads each cell's keys through Jinja's attribute lookup. This writes the same
elements, classes and escaping with string joins (leder/tests/test_table_macro.py compares
it with the frontend macro's output).

Parameters, the subset our pages use (as the frontend macro's):

  caption: {"text" or "html", "classes", "size": "s"|"m"|"l"|"xl"} (or a string)
  responsive: true for the stacked mobile layout (role attributes, and each cell's
              ``nhsuk-table__heading`` shown on small screens, hidden from screen readers)
  firstCellIsHeader: the first cell of each row is a <th scope="row">
  classes: more classes on <table>
  head: [{"text" or "html", "format": "numeric", "classes"}]
  rows: [[{"text" or "html", "header", "format", "classes"}]] (html is trusted markup, as
        with the frontend macro; text is escaped)

Cells take their column's "numeric" format unless they set their own, and their mobile
heading from the column's text (or their own "header"). Unlike the frontend macro, a cell
whose text is 0 shows it.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from markupsafe import Markup, escape


def _content(item: Mapping[str, Any]) -> str:
    html = item.get("html")
    if html:
        return str(html)  # trusted markup, as the frontend macro's "html"
    text = item.get("text")
    return "" if text is None else str(escape(text))


def _classes(*names: Any) -> str:
    return " ".join(str(n) for n in names if n)


def render_table(params: Mapping[str, Any]) -> Markup:
    responsive = bool(params.get("responsive"))
    caption = params.get("caption")
    if not isinstance(caption, Mapping):
        caption = {"text": caption}
    head = params.get("head") or []
    formats = [h.get("format") for h in head]
    labels = [h.get("text") for h in head]
    columns = len(head)
    first_is_header = bool(params.get("firstCellIsHeader"))
    role = (lambda name: f' role="{name}"') if responsive else (lambda name: "")

    table_classes = _classes(
        "nhsuk-table", responsive and "nhsuk-table--responsive", params.get("classes")
    )
    out = [f'<table class="{table_classes}"{role("table")}>']
    if caption.get("text") or caption.get("html"):
        size = caption.get("size")
        caption_classes = _classes(
            "nhsuk-table__caption", size and f"nhsuk-table__caption--{size}", caption.get("classes")
        )
        out.append(f'\n  <caption class="{caption_classes}">{_content(caption)}</caption>')
    if columns:
        out.append(
            f'\n  <thead class="nhsuk-table__head"{role("rowgroup")}>\n'
            f'    <tr class="nhsuk-table__row"{role("row")}>'
        )
        for h in head:
            numeric = h.get("format") == "numeric" and "nhsuk-table__header--numeric"
            out.append(
                f'\n      <th class="{_classes("nhsuk-table__header", numeric, h.get("classes"))}"'
                f' scope="col"{role("columnheader")}>{_content(h)}</th>'
            )
        out.append("\n    </tr>\n  </thead>")
    out.append('\n  <tbody class="nhsuk-table__body">')
    for row in params.get("rows") or []:
        out.append(f'\n    <tr class="nhsuk-table__row"{role("row")}>')
        for i, cell in enumerate(row):
            th = first_is_header and i == 0
            kind = "header" if th else "cell"
            fmt = cell.get("format") or (formats[i] if i < columns else None)
            numeric = fmt == "numeric" and f"nhsuk-table__{kind}--numeric"
            label = (labels[i] if i < columns else None) or cell.get("header")
            tag = "th" if th else "td"
            scope = ' scope="row"' if th else ""
            scope += role("rowheader" if th else "cell")
            cell_classes = _classes(f"nhsuk-table__{kind}", numeric, cell.get("classes"))
            out.append(f'\n      <{tag} class="{cell_classes}"{scope}>')
            heading = responsive and label
            if heading:
                out.append(
                    f'<span class="nhsuk-table__heading" aria-hidden="true">{escape(label)} </span>'
                )
            content = _content(cell)
            if heading and cell.get("html"):
                content = f"<span>{content}</span>"
            out.append(f"{content}</{tag}>")
        out.append("\n    </tr>")
    out.append("\n  </tbody>\n</table>")
    return Markup("".join(out))  # noqa: S704 - every value above is escaped or trusted html
