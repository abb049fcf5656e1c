"""templates/components/forms.jinja writes the NHS.UK frontend's form markup itself.

form_field() renders text inputs, selects, textareas, radios, checkboxes and date inputs
with plain macros instead of nhsuk-frontend-jinja's (about 1 ms for a select of 30
options). These tests render real Django bound fields both ways, with the same
parameters from field() (leder/forms/render.py), and compare the markup.
"""

from __future__ import annotations

import inspect
import re
from typing import Any

import pytest
from django import forms
from django.template import engines
from markupsafe import Markup

from leder.forms import render
from leder.forms.fields import CharacterCountTextarea, NHSDateField
from leder.forms.render import field_params, widget_kind
from leder.testing import squeeze_html as squeeze

# The frontend's own macros, given field()'s parameters as forms.jinja used to.
NHS = """
{%- from "nhsuk/components/input/macro.jinja" import input -%}
{%- from "nhsuk/components/select/macro.jinja" import select -%}
{%- from "nhsuk/components/textarea/macro.jinja" import textarea -%}
{%- from "nhsuk/components/radios/macro.jinja" import radios -%}
{%- from "nhsuk/components/checkboxes/macro.jinja" import checkboxes -%}
{%- from "nhsuk/components/date-input/macro.jinja" import dateInput -%}
{%- set p = field(bf, **overrides) -%}
{%- if p.kind == "input" %}{{ input(p) }}
{%- elif p.kind == "select" %}{{ select(p) }}
{%- elif p.kind == "textarea" %}{{ textarea(p) }}
{%- elif p.kind == "radios" %}{{ radios(p) }}
{%- elif p.kind == "checkboxes" %}{{ checkboxes(p) }}
{%- elif p.kind == "date" %}{{ dateInput(p) }}
{%- endif -%}
"""
OURS = '{% from "components/forms.jinja" import form_field %}{{ form_field(bf, overrides) }}'

EVIL = "<script>O'Brien & co</script>"


def render_template(source: str, bf: forms.BoundField, overrides: dict[str, Any]) -> str:
    return engines["jinja2"].env.from_string(source).render(bf=bf, overrides=overrides)


def by_the_nhs_macro(html: str) -> bool:
    """The frontend's attribute macro leaves a line break before a tag's ">"; ours never."""
    return re.search(r"\n\s*>", html) is not None


def same_markup(bf: forms.BoundField, overrides: dict[str, Any]) -> tuple[str, str, str]:
    ours = render_template(OURS, bf, dict(overrides))
    nhs = render_template(NHS, bf, dict(overrides))
    return squeeze(ours), squeeze(nhs), ours


# --- Real forms: every kind, with the widget attributes and hints our forms use ---------


class Person(forms.Form):
    name = forms.CharField(
        label="Full name", help_text="As on the death certificate", max_length=100
    )
    nickname = forms.CharField(label=EVIL, required=False, help_text=EVIL)
    email = forms.EmailField(
        label="Email address",
        widget=forms.EmailInput(attrs={"autocomplete": "email", "spellcheck": "false"}),
    )
    nhs_number = forms.CharField(
        label="NHS number",
        widget=forms.TextInput(attrs={"inputmode": "numeric", "spellcheck": "false"}),
    )
    phone = forms.CharField(
        label="Phone",
        required=False,
        max_length=20,
        widget=forms.TextInput(attrs={"autocomplete": "tel", "type": "tel", "data-x": 'a"b'}),
    )
    caseload = forms.IntegerField(label="Maximum caseload", min_value=0, required=False)
    website = forms.URLField(label="Website", required=False, assume_scheme="https")
    secret = forms.CharField(label="Password", widget=forms.PasswordInput, required=False)
    place = forms.ChoiceField(
        label="Place of death",
        choices=[("", "Choose a place"), ("home", "Home"), ("other", EVIL)],
        help_text="Where they died",
    )
    reviewer = forms.TypedChoiceField(
        label="Reviewer",
        required=False,
        coerce=int,
        empty_value=None,
        choices=[("", "Any reviewer"), (1, "Ada"), (2, "Grace & Co")],
    )
    notes = forms.CharField(label="Notes", widget=forms.Textarea, help_text="Anything else")
    summary = forms.CharField(
        label="Summary", required=False, widget=forms.Textarea(attrs={"rows": 3})
    )
    autism = forms.ChoiceField(
        label="Autism diagnosis",
        choices=[("yes", "Yes"), ("no", "No"), ("not_known", "Not known")],
        widget=forms.RadioSelect,
        help_text="A diagnosis in their records",
    )
    grade = forms.ChoiceField(
        label="Grade of care",
        choices=[("", "---"), ("1", "Excellent"), ("2", EVIL), ("3", "Poor")],
        widget=forms.RadioSelect,
        required=False,
    )
    processes = forms.MultipleChoiceField(
        label="Other processes",
        choices=[("coroner", "Coroner"), ("police", "Police"), ("sar", "Safeguarding")],
        widget=forms.CheckboxSelectMultiple,
        help_text="Select all that apply",
    )
    agree = forms.BooleanField(label="I confirm this is correct")
    optional_agree = forms.BooleanField(label="Send me a copy", required=False, help_text=EVIL)
    born = NHSDateField(label="Date of birth", help_text="For example, 15 3 1984")
    died = NHSDateField(label="Date of death", required=False)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        # Hints per option, as the care grade carries them (reviews/forms/sections.py).
        grade: Any = self.fields["grade"]
        grade.item_hints = {"1": "Care exceeded expectations", "2": EVIL}
        processes: Any = self.fields["processes"]
        processes.item_hints = {"police": "Including the British Transport Police"}

    def clean_nickname(self) -> str:
        value = self.cleaned_data["nickname"]
        if value == "bad":
            raise forms.ValidationError(EVIL)
        return value


VALID = {
    "name": "Ada Lovelace",
    "nickname": EVIL,
    "email": "ada@example.org",
    "nhs_number": "943 476 5919",
    "phone": "0113 496 0000",
    "caseload": "12",
    "website": "https://example.org/?a=1&b=2",
    "secret": "s3cret",
    "place": "other",
    "reviewer": "2",
    "notes": f"Line one\n{EVIL}",
    "summary": "",
    "autism": "not_known",
    "grade": "2",
    "processes": ["coroner", "sar"],
    "agree": "on",
    "optional_agree": "",
    "born_day": "15",
    "born_month": "3",
    "born_year": "1984",
    "died_day": "",
    "died_month": "",
    "died_year": "",
}
INVALID = {
    "name": "",
    "nickname": "bad",
    "email": "not an email",
    "nhs_number": "",
    "phone": EVIL,
    "caseload": "-3",
    "website": "nope",
    "place": "nowhere",
    "reviewer": "9",
    "autism": "",
    "grade": "7",
    "processes": ["coroner", "nope"],
    "born_day": "1",
    "born_month": "",
    "born_year": "26",
    "died_day": "31",
    "died_month": "2",
    "died_year": "2020",
}


def unbound() -> Person:
    return Person(initial={"name": EVIL, "place": "home", "processes": ["police"]})


def valid() -> Person:
    form = Person(VALID)
    assert form.is_valid(), form.errors
    return form


def invalid() -> Person:
    form = Person(INVALID)
    assert not form.is_valid()
    return form


def prefixed() -> Person:
    form = Person(INVALID, prefix="step")
    form.is_valid()
    return form


STATES = {"unbound": unbound, "valid": valid, "invalid": invalid, "prefixed": prefixed}

REVEAL = Markup('<div class="nhsuk-form-group"><p>Tell us <em>more</em></p></div>')

# The overrides our templates pass (grep "form_field(" templates/), by kind.
OVERRIDES: dict[str, list[dict[str, Any]]] = {
    "input": [
        {},
        {"is_page_heading": True},
        {"label_classes": "nhsuk-label--s"},
        {"hint": "For example, 15 3 2025"},
        {"classes": "nhsuk-input--width-10"},
        {"label": {"text": "Add a comment on the <b>care</b>", "classes": "nhsuk-label--s"}},
        # account/_fields.jinja's auth_field
        {"attributes": {}, "autocomplete": "email", "inputmode": None, "spellcheck": False},
        {"attributes": {}, "autocomplete": None, "inputmode": "numeric", "spellcheck": None},
        {"attributes": {"data-module": "x", "aria-hidden": True, "hidden": None}},
        {"errorMessage": "Enter a better value"},
        {"errorMessage": {"html": Markup("Enter <b>a</b> value")}},
        {"errorMessage": True, "placeholder": EVIL, "disabled": True},
        {"label": "Just a string", "value": "Overridden"},
    ],
    "select": [
        {},
        {"is_page_heading": True},
        {"label_classes": "nhsuk-label--s", "hint": EVIL},
        {"classes": "nhsuk-select--wide", "attributes": {"data-auto-submit": "true"}},
        {"errorMessage": "Select one", "disabled": True},
        {"conditionals": {"home": REVEAL}},  # a select ignores them, as NHS.UK's does
    ],
    "textarea": [
        {},
        {"is_page_heading": True},
        {"label_classes": "nhsuk-label--m", "hint": "Say what happened"},
        {"classes": "nhsuk-u-width-two-thirds", "rows": 8},
        {"spellcheck": False, "autocomplete": "off"},
        {"spellcheck": True, "errorMessage": "Too long", "disabled": True},
        {"label": {"text": "Add a comment on the care", "classes": "nhsuk-label--s"}},
    ],
    "radios": [
        {},
        {"is_page_heading": True},
        {"label_classes": "nhsuk-label--s"},
        {"label_classes": "nhsuk-label--m", "conditionals": {"yes": REVEAL, "2": REVEAL}},
        {"conditionals": {"no": "<p>Plain &amp; string</p>", "3": Markup("")}},
        {"hint": EVIL, "classes": "nhsuk-radios--inline"},
        {"fieldset": {"legend": {"text": "Completed?", "classes": "nhsuk-fieldset__legend--m"}}},
        {"fieldset": {"legend": {"text": "Sized", "size": "l"}, "classes": "extra"}},
        {"fieldset": {"legend": "A string legend"}},
        {"errorMessage": "Select one", "disabled": True, "attributes": {"data-x": "1"}},
    ],
    "checkboxes": [
        {},
        {"is_page_heading": True},
        {"label_classes": "nhsuk-label--s"},
        {"conditionals": {"police": REVEAL, "on": REVEAL}},
        {"hint": "Tick if so", "classes": "nhsuk-checkboxes--small"},
        {
            "fieldset": {
                "legend": {
                    "text": "Have you completed this section?",
                    "classes": "nhsuk-fieldset__legend--m",
                }
            }
        },
        {"fieldset": None},
        {"errorMessage": {"text": "Tick this"}, "disabled": True},
    ],
    "date": [
        {},
        {"is_page_heading": True},
        {"label_classes": "nhsuk-label--s"},
        {"hint": "For example, 15 3 2025"},
        {"classes": "extra", "attributes": {"data-x": EVIL}},
        {"errorMessage": "Enter a date"},
        {"errorMessage": True, "disabled": True},
        {"fieldset": {"legend": {"text": "When?", "isPageHeading": True, "size": "xl"}}},
    ],
}


def _cases() -> list[Any]:
    cases = []
    kinds = {name: field_params(Person()[name])["kind"] for name in Person.base_fields}
    for state in STATES:
        for name, kind in kinds.items():
            for i, overrides in enumerate(OVERRIDES[kind]):
                cases.append(pytest.param(state, name, overrides, id=f"{state}-{name}-{i}"))
    return cases


@pytest.mark.parametrize(("state", "name", "overrides"), _cases())
def test_same_markup_as_the_frontend_macro(state, name, overrides):
    form = STATES[state]()
    ours, nhs, raw = same_markup(form[name], overrides)
    assert ours == nhs
    assert not by_the_nhs_macro(raw)  # written by our macro, not handed on to NHS.UK's
    assert "<script>" not in ours  # text is escaped, html is not


def test_every_case_is_checked_in_every_state():
    """The matrix covers each kind unbound, valid and with errors (and each field errs)."""
    form = invalid()
    assert set(form.errors) >= {
        name for name in Person.base_fields if name not in {"summary", "secret", "optional_agree"}
    }
    kinds = {field_params(valid()[name])["kind"] for name in Person.base_fields}
    assert kinds == set(OVERRIDES)


def test_the_error_message_keeps_its_visually_hidden_prefix_and_ids():
    form = invalid()
    html = render_template(OURS, form["name"], {})
    assert '<span class="nhsuk-u-visually-hidden">Error: </span>This field is required.' in html
    assert 'aria-describedby="id_name-hint id_name-error"' in html
    assert '<div class="nhsuk-hint" id="id_name-hint">' in html
    html = render_template(OURS, form["autism"], {"conditionals": {"yes": REVEAL}})
    assert 'aria-describedby="id_autism-hint id_autism-error"' in html  # on the fieldset
    assert 'id="id_autism-2"' in html and 'id="id_autism-3"' in html
    assert 'data-aria-controls="conditional-id_autism"' in html
    assert '<div class="nhsuk-radios__conditional nhsuk-radios__conditional--hidden"' in html


def test_the_comparison_can_fail():
    """A dropped attribute, a changed id or a reordered attribute is noticed."""
    form = valid()
    ours, nhs, _ = same_markup(form["autism"], {})
    assert ours == nhs
    assert " checked" in nhs
    assert squeeze(nhs.replace(" checked", "", 1)) != ours
    assert squeeze(nhs.replace('id="id_autism-2"', 'id="id_autism2"')) != ours
    swapped = nhs.replace(
        'type="radio" value="yes"', 'value="yes" type="radio"'
    )  # attribute order counts too
    assert swapped != nhs and squeeze(swapped) != ours
    # and a different field's markup is not the same
    assert same_markup(form["processes"], {})[0] != nhs


@pytest.mark.parametrize(
    ("name", "overrides"),
    [
        ("name", {"prefix": "£"}),
        ("name", {"formGroup": {"classes": "extra"}}),
        ("place", {"items": [{"value": "a", "text": "A"}]}),
        ("place", {"label": {"text": "Place", "size": "l"}}),
        ("autism", {"fieldset": {"legend": {"text": "Autism", "caption": "Step 2"}}}),
        ("processes", {"idPrefix": "other"}),
        ("born", {"namePrefix": "born"}),
        ("notes", {"errorMessage": {"text": "Too long", "visuallyHiddenText": "Warning"}}),
    ],
)
def test_other_overrides_go_to_the_frontend_macro(name, overrides):
    form = invalid()
    ours, nhs, raw = same_markup(form[name], overrides)
    assert ours == nhs
    assert by_the_nhs_macro(raw)


def test_field_params_builds_only_what_the_plain_macros_read():
    """forms.jinja takes field()'s parameters and items as they are: a new key here needs
    the plain macros (and this list) to learn it, or the comparison above to cover it."""
    top = {
        "input": {"type", "value", "label", "autocomplete", "inputmode"},
        "select": {"items", "idPrefix", "label"},
        "textarea": {"value", "rows", "label"},
        "radios": {"items", "idPrefix", "fieldset"},
        # a lone checkbox (BooleanField) has a label too, unread: its item carries the text
        "checkboxes": {"items", "idPrefix", "fieldset", "label"},
        "date": {"items", "fieldset"},
    }
    item_keys = {
        "select": {"value", "text", "selected", "hint", "conditional"},
        "radios": {"value", "text", "checked", "hint", "conditional"},
        "checkboxes": {"value", "text", "checked", "hint", "conditional"},
        "date": {"id", "name", "label", "value", "classes"},
    }
    common = {"kind", "id", "name", "hint", "errorMessage", "attributes", "classes"}
    seen = set()
    for state in STATES.values():
        form = state()
        for name in form.fields:
            conditionals = {"yes": REVEAL, "police": REVEAL, "home": REVEAL, "on": REVEAL}
            p = field_params(form[name], conditionals=conditionals)
            kind = p["kind"]
            seen.add(kind)
            assert set(p) <= common | top[kind], (name, set(p) - common - top[kind])
            for item in p.get("items", []):
                assert set(item) <= item_keys[kind], (name, item)
            assert p["hint"] is None or set(p["hint"]) == {"text"}
            assert p["errorMessage"] is None or set(p["errorMessage"]) == {"text"}
            if "label" in p:
                assert set(p["label"]) == {"text", "classes", "isPageHeading"}
            if p.get("fieldset"):
                assert set(p["fieldset"]) == {"legend"}
                assert set(p["fieldset"]["legend"]) == {"text", "classes", "isPageHeading"}
    assert seen == set(top)


class EveryWidget(forms.Form):
    text = forms.CharField(label="Text")
    area = forms.CharField(label="Area", widget=forms.Textarea)
    counted = forms.CharField(label="Counted", widget=CharacterCountTextarea(maxlength=50))
    choice = forms.ChoiceField(label="Choice", choices=[("a", "A")])
    radio = forms.ChoiceField(label="Radio", choices=[("a", "A")], widget=forms.RadioSelect)
    boxes = forms.MultipleChoiceField(
        label="Boxes", choices=[("a", "A")], widget=forms.CheckboxSelectMultiple
    )
    box = forms.BooleanField(label="Box")
    date = NHSDateField(label="Date")
    upload = forms.FileField(label="Upload")
    secret = forms.CharField(widget=forms.HiddenInput)


EXPECTED = {
    "input": '<input class="nhsuk-input" id="id_text"',
    "textarea": '<textarea class="nhsuk-textarea" id="id_area"',
    "character_count": 'data-module="nhsuk-character-count"',
    "select": '<select class="nhsuk-select" id="id_choice"',
    "radios": 'type="radio"',
    "checkboxes": 'type="checkbox"',
    "checkbox": 'id="id_box" name="box" type="checkbox" value="on"',
    "date": 'name="date_year"',
    "file": 'type="file"',
    "hidden": 'type="hidden" name="secret"',
}


def test_every_kind_widget_kind_returns_is_rendered():
    """No kind falls through forms.jinja's branches to an empty string."""
    returned = set(re.findall(r'return "(\w+)"', inspect.getsource(render.widget_kind)))
    assert returned == set(EXPECTED)
    form = EveryWidget()
    rendered = set()
    for name in form.fields:
        kind = widget_kind(form[name])
        html = render_template(OURS, form[name], {})
        assert html.strip(), kind
        assert EXPECTED[kind] in html, (kind, html)
        rendered.add(kind)
    assert rendered == set(EXPECTED)
