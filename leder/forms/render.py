"""Django bound fields → parameters for the NHS.UK frontend Jinja macros.

Templates render a field with ``{{ form_field(form["name"]) }}`` (templates/components/
forms.jinja), which calls :func:`field_params` and then the matching NHS macro: input,
textarea, select, radios, checkboxes, date input or file upload. Keyword overrides are
merged into the macro parameters (``label_classes``, ``hint``, ``conditionals``,
``is_page_heading``, ``classes``...).
"""

from __future__ import annotations

from typing import Any

from django import forms
from django.forms.boundfield import BoundField

from leder.forms.fields import CharacterCountTextarea, DateInputWidget


def widget_kind(bf: BoundField) -> str:
    widget = bf.field.widget
    if isinstance(widget, DateInputWidget):
        return "date"
    # CheckboxSelectMultiple subclasses RadioSelect: test it first.
    if isinstance(widget, forms.CheckboxSelectMultiple):
        return "checkboxes"
    if isinstance(widget, forms.RadioSelect):
        return "radios"
    if isinstance(widget, forms.CheckboxInput):
        return "checkbox"
    if isinstance(widget, CharacterCountTextarea):
        return "character_count"
    if isinstance(widget, forms.Select):
        return "select"
    if isinstance(widget, forms.Textarea):
        return "textarea"
    if isinstance(widget, forms.FileInput):
        return "file"
    if isinstance(widget, forms.HiddenInput):
        return "hidden"
    return "input"


def _first_error(bf: BoundField) -> str | None:
    return str(bf.errors[0]) if bf.errors else None


def _selected(bf: BoundField) -> set[str]:
    value = bf.value()
    if value is None:
        return set()
    if isinstance(value, list | tuple | set):
        return {str(v) for v in value}
    return {str(value)}


def field_params(bf: BoundField, **overrides: Any) -> dict[str, Any]:
    """Parameters for the field's NHS macro, plus ``kind`` saying which macro."""
    kind = widget_kind(bf)
    widget = bf.field.widget
    field_id = bf.auto_id or f"id_{bf.html_name}"
    label_text = str(bf.label) if bf.label else ""
    is_heading = overrides.pop("is_page_heading", False)
    label_classes = overrides.pop("label_classes", "nhsuk-label--l" if is_heading else "")
    conditionals: dict[str, Any] = overrides.pop("conditionals", {})
    hint = overrides.pop("hint", str(bf.help_text) if bf.help_text else None)
    error = _first_error(bf)
    params: dict[str, Any] = {
        "kind": kind,
        "id": field_id,
        "name": bf.html_name,
        "hint": {"text": hint} if hint else None,
        "errorMessage": {"text": error} if error else None,
        # autocomplete, inputmode, type and rows are macro parameters: never repeat them as
        # attributes (a browser keeps the first of two: type="text" ... type="tel" was a
        # text box); a character count shows its limit instead of the browser enforcing
        # maxlength.
        "attributes": {
            k: v
            for k, v in widget.attrs.items()
            if k not in {"class", "autocomplete", "inputmode", "maxlength", "type", "rows"}
        },
    }
    if kind in {"input", "select", "textarea", "character_count"} and widget.attrs.get("class"):
        # The widget's own classes (a fixed width: nhsuk-input--width-10) go on the control.
        params["classes"] = widget.attrs["class"]
    if kind in {"radios", "checkboxes", "date"}:
        params["fieldset"] = {
            "legend": {
                "text": label_text,
                "classes": label_classes.replace("label", "fieldset__legend")
                if label_classes
                else "nhsuk-fieldset__legend--s",
                "isPageHeading": is_heading,
            }
        }
    else:
        params["label"] = {
            "text": label_text,
            "classes": label_classes,
            "isPageHeading": is_heading,
        }
    if kind in {"input"}:
        # The widget's type (``TextInput(attrs={"type": "tel"})`` sets ``input_type``),
        # but never type=number, which the service manual avoids.
        input_type = getattr(widget, "input_type", None) or "text"
        params["type"] = "text" if input_type == "number" else input_type
        value = bf.value()
        params["value"] = "" if value is None or kind == "password" else value
        if params["type"] == "password":
            params["value"] = ""
        if "autocomplete" in widget.attrs:
            params["autocomplete"] = widget.attrs["autocomplete"]
        if "inputmode" in widget.attrs:
            params["inputmode"] = widget.attrs["inputmode"]
        elif isinstance(widget, forms.NumberInput):
            params["inputmode"] = "numeric"
    elif kind in {"textarea", "character_count"}:
        value = bf.value()
        params["value"] = "" if value is None else value
        params["rows"] = widget.attrs.get("rows", 5)
        if isinstance(widget, CharacterCountTextarea):
            params["maxlength"] = widget.maxlength
    elif kind in {"select", "radios", "checkboxes"}:
        selected = _selected(bf)
        # A field may carry a hint per option (``field.item_hints = {value: text}``).
        item_hints: dict[str, str] = getattr(bf.field, "item_hints", None) or {}
        items = []
        for value, text in bf.field.choices:  # type: ignore[attr-defined]
            value_str = "" if value is None else str(value)
            if kind != "select" and value_str == "":
                continue
            item: dict[str, Any] = {"value": value_str, "text": str(text)}
            item["selected" if kind == "select" else "checked"] = value_str in selected
            if value_str in item_hints:
                item["hint"] = {"text": item_hints[value_str]}
            if value_str in conditionals:
                item["conditional"] = {"html": conditionals[value_str]}
            items.append(item)
        params["items"] = items
        params["idPrefix"] = field_id
        if kind != "select":
            # The first radio or checkbox takes the field's id (its label and the error
            # summary link to it), so the wrapper must not carry the same id.
            params["id"] = None
    elif kind == "checkbox":
        params["kind"] = "checkboxes"
        params["idPrefix"] = field_id
        params["id"] = None
        params["items"] = [{"value": "on", "text": label_text, "checked": bool(bf.value())}]
        params["fieldset"] = None
    elif kind == "date":
        values = bf.value() or [None, None, None]
        if not isinstance(values, list | tuple):
            values = widget.decompress(values)
        error_classes = " nhsuk-input--error" if error else ""
        params["items"] = [
            {
                "id": f"{field_id}_{part}",
                "name": f"{bf.html_name}_{part}",
                "label": part.capitalize(),
                "value": "" if v is None else v,
                "classes": f"nhsuk-input--width-{4 if part == 'year' else 2}{error_classes}",
            }
            for part, v in zip(DateInputWidget.parts, values, strict=True)
        ]
    params.update(overrides)
    return params


def error_summary_items(*forms_: forms.BaseForm | None) -> list[dict[str, str]]:
    """Error summary entries, each linking to its field (date fields: the day input)."""
    items: list[dict[str, str]] = []
    for form in forms_:
        if form is None or not form.is_bound:
            continue
        # Errors about the form as a whole link to nothing: there is no one field to fix.
        items.extend({"text": str(error)} for error in form.non_field_errors())
        for name, errors in form.errors.items():
            if name == "__all__" or name not in form.fields:
                continue
            bf = form[name]
            anchor = bf.auto_id or f"id_{name}"
            if widget_kind(bf) == "date":
                anchor = f"{anchor}_day"
            items.extend({"text": str(e), "href": f"#{anchor}"} for e in errors)
    return items
