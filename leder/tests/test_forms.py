"""NHS form components: the date field's messages and the rendering of every widget kind."""

from __future__ import annotations

import datetime

import pytest
import time_machine
from django import forms
from django.template.loader import render_to_string
from django.test import RequestFactory

from leder.forms.fields import NHSDateField
from leder.forms.render import error_summary_items, field_params


class DateForm(forms.Form):
    date_of_death = NHSDateField(label="Date of death", past_only=True)


def _bind(day: str, month: str, year: str) -> DateForm:
    return DateForm(
        {"date_of_death_day": day, "date_of_death_month": month, "date_of_death_year": year}
    )


@time_machine.travel(datetime.datetime(2026, 6, 1, 12, tzinfo=datetime.UTC))
@pytest.mark.parametrize(
    ("parts", "message"),
    [
        (("", "", ""), "Enter date of death"),
        (("", "3", "2026"), "Date of death must include a day"),
        (("1", "", "2026"), "Date of death must include a month"),
        (("1", "3", ""), "Date of death must include a year"),
        (("", "", "2026"), "Date of death must include a day and a month"),
        (("31", "2", "2026"), "Date of death must be a real date"),
        (("x", "3", "2026"), "Date of death must be a real date"),
        (("1", "13", "2026"), "Date of death must be a real date"),
        (("1", "3", "26"), "Year must include 4 numbers"),
        (("1", "3", "1850"), "Date of death must be after 1900"),
        (("2", "6", "2026"), "Date of death must be today or in the past"),
    ],
)
def test_it_explains_what_is_wrong_with_a_date(parts, message):
    form = _bind(*parts)
    assert not form.is_valid()
    assert form.errors["date_of_death"] == [message]


@time_machine.travel(datetime.datetime(2026, 6, 1, 12, tzinfo=datetime.UTC))
def test_it_accepts_a_real_past_date_with_spaces():
    form = _bind(" 1 ", "06", "2026")
    assert form.is_valid(), form.errors
    assert form.cleaned_data["date_of_death"] == datetime.date(2026, 6, 1)


def test_it_allows_an_optional_date_to_be_left_blank():
    class Optional(forms.Form):
        when = NHSDateField(label="Date", required=False)

    form = Optional({"when_day": "", "when_month": "", "when_year": ""})
    assert form.is_valid()
    assert form.cleaned_data["when"] is None


class EveryKind(forms.Form):
    name = forms.CharField(label="Full name", help_text="As on the death certificate")
    email = forms.EmailField(label="Email address")
    notes = forms.CharField(label="Notes", widget=forms.Textarea)
    place = forms.ChoiceField(label="Place", choices=[("", "Choose"), ("home", "Home")])
    autism = forms.ChoiceField(
        label="Autism diagnosis",
        choices=[("yes", "Yes"), ("no", "No")],
        widget=forms.RadioSelect,
    )
    processes = forms.MultipleChoiceField(
        label="Other processes",
        choices=[("coroner", "Coroner"), ("police", "Police")],
        widget=forms.CheckboxSelectMultiple,
    )
    agree = forms.BooleanField(label="I agree")
    born = NHSDateField(label="Date of birth")
    file = forms.FileField(label="Records")


def test_it_picks_the_nhs_macro_for_each_widget():
    form = EveryKind()
    kinds = {name: field_params(form[name])["kind"] for name in form.fields}
    assert kinds == {
        "name": "input",
        "email": "input",
        "notes": "textarea",
        "place": "select",
        "autism": "radios",
        "processes": "checkboxes",
        "agree": "checkboxes",
        "born": "date",
        "file": "file",
    }
    assert field_params(form["email"])["type"] == "email"


def test_it_links_each_error_in_the_summary_to_its_field():
    form = EveryKind({"born_day": "1"})
    assert not form.is_valid()
    hrefs = {item["href"] for item in error_summary_items(form)}
    assert "#id_name" in hrefs
    assert "#id_born_day" in hrefs  # a date links to its first input
    assert "#id_autism" in hrefs  # radios link to the first radio


def test_it_renders_fields_as_nhs_components_with_errors_and_reveals():
    form = EveryKind({"name": "", "autism": "yes", "born_day": "1", "born_month": "2"})
    form.is_valid()
    request = RequestFactory().get("/")
    html = render_to_string(
        "components/_render_test.jinja",
        {"form": form, "reveal": "<p>Revealed</p>"},
        request=request,
    )
    assert 'class="nhsuk-error-summary"' in html
    assert "There is a problem" in html
    assert 'class="nhsuk-label' in html
    assert "As on the death certificate" in html  # hint
    assert "nhsuk-error-message" in html
    assert 'name="born_day"' in html and 'value="1"' in html  # nothing typed is lost
    assert "nhsuk-date-input" in html
    assert "nhsuk-radios__conditional" in html and "Revealed" in html
    assert 'value="yes" checked' in html


def test_a_widgets_own_class_goes_on_the_control():
    """A fixed width set on the widget (``attrs={"class": "nhsuk-input--width-10"}``) is
    kept: it was once dropped with the other attributes the macros set themselves."""
    from django.template import engines

    class Sized(forms.Form):
        code = forms.CharField(widget=forms.TextInput(attrs={"class": "nhsuk-input--width-10"}))
        size = forms.ChoiceField(
            choices=[("a", "A")], widget=forms.Select(attrs={"class": "leder-narrow"})
        )
        plain = forms.CharField()

    form = Sized()
    template = engines["jinja2"].env.from_string(
        '{% from "components/forms.jinja" import form_field %}{{ form_field(f) }}'
    )
    code = template.render(f=form["code"])
    assert 'class="nhsuk-input nhsuk-input--width-10"' in code
    assert 'class="nhsuk-select leder-narrow"' in template.render(f=form["size"])
    assert 'class="nhsuk-input"' in template.render(f=form["plain"])
    assert field_params(form["code"], classes="nhsuk-input--width-5")["classes"] == (
        "nhsuk-input--width-5"  # a template's own override still wins
    )


def test_type_and_rows_from_the_widget_are_written_once():
    """A browser keeps the first of two attributes of one name: ``type="text" ...
    type="tel"`` was a text box without the phone keypad."""
    import re

    from django.template import engines

    class Contact(forms.Form):
        phone = forms.CharField(widget=forms.TextInput(attrs={"type": "tel"}))
        notes = forms.CharField(widget=forms.Textarea(attrs={"rows": 3}))

    template = engines["jinja2"].env.from_string(
        '{% from "components/forms.jinja" import form_field %}{{ form_field(f) }}'
    )
    phone = template.render(f=Contact()["phone"])
    assert re.findall(r'\btype="[^"]*"', phone) == ['type="tel"']
    notes = template.render(f=Contact()["notes"])
    assert re.findall(r'\brows="[^"]*"', notes) == ['rows="3"']
