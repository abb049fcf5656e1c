"""reviews/case_table.py writes the case table, status tag and 6-month clock that the Jinja
macros of templates/reviews/_macros.jinja wrote: the same markup, byte for byte.

``OLD_MACROS`` is those macros as they were (as at commit 1617ea7), rendered through the
project's Jinja environment; ours is rendered through today's macros (thin wrappers) and
called directly. Both read the same cases, from ``Case.objects.for_list()`` as the pages do, over a
matrix of every status and every wording. Unlike the frontend-macro tests (ADR 0014), the
markup is not whitespace-squeezed: it must be equal as written, except for the whitespace
the old macro's ``{% set %}`` lines left before ``<table>`` (a newline and spaces a row).
The shortcuts (one ``reverse()`` a table, the date written without ``date_format``, the
choices' labels read once) are proven separately: over every character a plain reference
can hold, every day of a year, every status and review type.
"""

from __future__ import annotations

import datetime
import string
import zoneinfo
from typing import Any

import pytest
from django.template import engines
from django.urls import NoReverseMatch, get_script_prefix, reverse, set_script_prefix
from django.utils import timezone, translation
from jinja2 import ChoiceLoader, DictLoader

from leder.jinja2 import nhs_date
from leder.roles import Role
from notifications.models import REFERENCE_RE
from reviews import case_table as ct
from reviews.models import Allocation, Case, CaseStatus, ConflictFlag, ReviewType
from reviews.tests.factories import CaseFactory, CaseHoldFactory

pytestmark = pytest.mark.django_db

LONDON = zoneinfo.ZoneInfo("Europe/London")
TODAY = datetime.date(2026, 9, 1)
HOSTILE = "<script>O'Brien & co</script>"

# templates/reviews/_macros.jinja before the table was written by Python (all but `pager`,
# which is unchanged), verbatim.
OLD_MACROS = """\
{#- Shared pieces of the case pages: status tags, the 6-month clock, the case table. -#}
{%- from "components/table.jinja" import table -%}

{%- set STATUS_COLOURS = {
  "awaiting_allocation": "blue", "allocated": "purple", "in_progress": "aqua-green",
  "on_hold": "yellow", "awaiting_qa": "orange", "returned": "pink",
  "completed": "green", "opted_out": "grey"
} -%}
{%- set OPEN = ["awaiting_allocation", "allocated", "in_progress", "on_hold", "awaiting_qa", "returned"] -%}

{#- The NHS.UK tag's markup, written out: the frontend's tag macro costs about 0.3 ms a call,
    and a page of cases has two a row. -#}
{% macro plain_tag(text, colour) -%}
<strong class="nhsuk-tag nhsuk-tag--{{ colour }}">{{ text }}</strong>
{%- endmacro %}

{% macro status_tag(case) -%}
  {{ plain_tag(case.get_status_display(), STATUS_COLOURS.get(case.status, "grey")) }}
{%- endmacro %}

{% macro initials(n) -%}
  {%- if n.given_name or n.family_name -%}{{ ((n.given_name or "")[:1] ~ (n.family_name or "")[:1]) | upper }}{%- else -%}Removed{%- endif -%}
{%- endmacro %}

{#- Days left to the 6-month target (held days excluded). Past or within `soon` days of the
    target stands out with a tag. -#}
{% macro days_left(case, soon=30) -%}
  {%- if case.status not in OPEN -%}
    Not applicable
  {%- elif case.days_left < 0 -%}
    {{ plain_tag("Overdue by " ~ (-case.days_left) ~ (" day" if case.days_left == -1 else " days"), "red") }}
  {%- elif case.days_left <= soon -%}
    {{ plain_tag(case.days_left ~ (" day" if case.days_left == 1 else " days") ~ " left", "orange") }}
  {%- else -%}
    {{ case.days_left }} days left
  {%- endif -%}
  {%- if case.status == "on_hold" %}<br><span class="nhsuk-body-s">Paused while on hold</span>{% endif -%}
{%- endmacro %}

{% macro case_table(cases, caption, soon=30, me=none) -%}
{% set rows = [] %}
{% for c in cases %}
  {% set ref_html %}<a href="{{ url('reviews:case', reference=c.reference) }}" class="leder-nowrap">{{ c.reference }}</a>{% if c.conflict_flagged %}<br>{{ plain_tag("Conflict to check", "red") }}{% endif %}{% endset %}
  {% set person_html %}{{ initials(c.notification) }}{% if c.notification.age_at_death is not none %}, aged {{ c.notification.age_at_death }}{% endif %}{% endset %}
  {% set target_html %}<span class="leder-nowrap">{{ c.target_date | nhs_date("j M Y") }}</span><br>{{ days_left(c, soon) }}{% endset %}
  {% set reviewer_html %}{% if c.reviewer_name %}{{ c.reviewer_name }}{% if me and c.active_reviewer_id != me.pk %} (you give peer support){% endif %}{% if not c.accepted_at and c.status == "allocated" %}<br><span class="nhsuk-body-s">Not accepted yet</span>{% endif %}{% if c.senior_reviewer_name and not me %}<br><span class="nhsuk-body-s">Peer support: {{ c.senior_reviewer_name }}</span>{% endif %}{% else %}Not allocated{% endif %}{% endset %}
  {% do rows.append([
    {"html": ref_html, "header": "Reference"},
    {"html": person_html, "header": "Person"},
    {"text": c.days_since_notification ~ (" day" if c.days_since_notification == 1 else " days"), "header": "Since notification"},
    {"html": target_html, "header": "6-month target"},
    {"text": c.get_review_type_display() or "Not decided", "header": "Type"},
    {"html": reviewer_html, "header": "Reviewer"},
    {"html": status_tag(c), "header": "Status"}
  ]) %}
{% endfor %}
{{ table({
  "caption": {"text": caption, "classes": "nhsuk-u-visually-hidden"},
  "responsive": true,
  "head": [{"text": "Reference"}, {"text": "Person"}, {"text": "Since notification"}, {"text": "6-month target"}, {"text": "Type"}, {"text": "Reviewer"}, {"text": "Status"}],
  "rows": rows
}) }}
{%- endmacro %}
"""  # noqa: E501 - template source, verbatim
IMPORT = '{%% from "%s" import case_table, status_tag, days_left %%}'
OLD = IMPORT % "old_macros.jinja"  # OLD_MACROS, imported as the pages import the macros
NEW = IMPORT % "reviews/_macros.jinja"
TABLE = "{{ case_table(cases, caption, soon, me) }}"
PIECES = "[{{ status_tag(c) }}][{{ days_left(c) }}][{{ days_left(c, soon) }}]"
CAPTION = "Open cases & <more>"


def render(source: str, old_macros: str = OLD_MACROS, **context: Any) -> str:
    """``source`` rendered by the project's Jinja environment (its globals and filters),
    with ``old_macros`` as the template "old_macros.jinja"."""
    env = engines["jinja2"].env
    loader = ChoiceLoader([DictLoader({"old_macros.jinja": old_macros}), env.loader])
    return env.overlay(loader=loader).from_string(source).render(**context)


def received(days_ago: int) -> datetime.datetime:
    day = TODAY - datetime.timedelta(days=days_ago)
    return datetime.datetime(day.year, day.month, day.day, 9, 0, tzinfo=LONDON)


@pytest.fixture
def people(make_user):
    return {
        "reviewer": make_user(Role.REVIEWER, full_name="Grace Okafor"),
        "senior": make_user(Role.SENIOR_REVIEWER, full_name="Daniel Evans"),
        "hostile": make_user(Role.REVIEWER, full_name=HOSTILE),
        "hostile_senior": make_user(Role.SENIOR_REVIEWER, full_name="Ann <b>&amp; 'Bo'"),
        "lac": make_user(Role.LAC),
    }


@pytest.fixture
def cases(icb, people, time_machine) -> list[Case]:
    """Every status and every wording of the table, read as the pages read them."""
    time_machine.move_to(datetime.datetime(2026, 9, 1, 10, 0, tzinfo=LONDON), tick=False)
    target = 183  # settings.LEDER_TARGET_DAYS: received this many days ago -> 0 days left
    reviewer, senior = people["reviewer"], people["senior"]

    def case(days_ago: int, status: str = CaseStatus.AWAITING_ALLOCATION, **kwargs: Any) -> Case:
        kwargs.setdefault("notification__given_name", "Ada")
        kwargs.setdefault("notification__family_name", "Testperson")
        return CaseFactory(
            icb_org=icb, status=status, notification__received_at=received(days_ago), **kwargs
        )

    def allocate(c: Case, who: Any = reviewer, support: Any = None, accepted: bool = True):
        return Allocation.objects.create(
            case=c,
            reviewer=who,
            senior_reviewer=support,
            allocated_by=people["lac"],
            accepted_at=timezone.now() if accepted else None,
        )

    case(10)  # awaiting allocation, 173 days left, no reviewer, no type
    case(0, notification__age_at_death=None)  # received today: "0 days", age not known
    allocate(case(1, CaseStatus.ALLOCATED), accepted=False)  # "1 day", not accepted yet
    allocate(case(target - 1, CaseStatus.IN_PROGRESS, review_type=ReviewType.INITIAL))  # 1 left
    allocate(case(target, CaseStatus.IN_PROGRESS), support=senior)  # 0 days left
    allocate(case(target - 20, CaseStatus.RETURNED), support=senior)  # within soon
    allocate(case(target - 30, CaseStatus.IN_PROGRESS))  # exactly soon
    allocate(case(target - 31, CaseStatus.IN_PROGRESS), who=senior, support=reviewer)
    allocate(case(target + 1, CaseStatus.AWAITING_QA, review_type=ReviewType.FOCUSED))  # -1
    allocate(case(target + 45, CaseStatus.RETURNED), support=senior)  # overdue by 45 days
    held = case(100, CaseStatus.ON_HOLD)  # on hold, 10 days paused
    allocate(held, support=senior)
    CaseHoldFactory(case=held, started_on=TODAY - datetime.timedelta(days=10))
    allocate(case(target + 3, CaseStatus.ON_HOLD))  # on hold, overdue, no hold row
    flagged = allocate(case(40, CaseStatus.ALLOCATED), support=senior, accepted=False)
    ConflictFlag.objects.create(allocation=flagged, conflicts=[])  # conflict to check
    case(300, CaseStatus.COMPLETED, review_type=ReviewType.INITIAL)  # not applicable
    case(
        200,
        CaseStatus.OPTED_OUT,
        notification__given_name="",
        notification__family_name="",
        notification__age_at_death=None,
    )  # names removed
    hostile = case(
        50,
        CaseStatus.IN_PROGRESS,
        notification__given_name="&x",
        notification__family_name="<b>'",
    )
    allocate(hostile, who=people["hostile"], support=people["hostile_senior"])
    case(60, notification__given_name="", notification__family_name="o'Neill")  # family only
    case(70, notification__given_name="ßeta", notification__family_name="")  # given only: SS
    listed = list(Case.objects.filter(icb=icb).for_list().sorted_by("target"))
    assert len(listed) == 18
    return listed


def old_table(cases: list[Case], soon: int, me: Any) -> str:
    return render(OLD + TABLE, cases=cases, caption=CAPTION, soon=soon, me=me)


def assert_same_table(old: str, new: str) -> None:
    """Byte for byte, after the whitespace the old macro's ``{% set %}`` lines wrote before
    the table (between elements: nothing a browser shows)."""
    assert new.startswith("<table ")
    assert old.endswith(new)
    assert old[: len(old) - len(new)].strip() == ""
    assert old.lstrip() == new


@pytest.mark.parametrize("soon", [30, 0, 200])
@pytest.mark.parametrize("me", [None, "reviewer", "senior"])
def test_the_table_is_the_old_macros_markup(cases, people, soon, me):
    me = people[me] if me else None
    old = old_table(cases, soon, me)
    new = render(NEW + TABLE, cases=cases, caption=CAPTION, soon=soon, me=me)
    assert_same_table(old, new)
    assert new == ct.case_table(cases, CAPTION, soon, me)
    assert new.count('<tr class="nhsuk-table__row" role="row">') == len(cases) + 1


def test_the_status_tag_and_clock_are_the_old_macros_markup(cases):
    for c in cases:
        for soon in (30, 0, 1, 200):
            old = render(OLD + PIECES, c=c, soon=soon)
            assert render(NEW + PIECES, c=c, soon=soon) == old
            assert old == f"[{ct.status_tag(c)}][{ct.days_left(c)}][{ct.days_left(c, soon)}]"


def test_the_matrix_covers_every_status_and_wording(cases, people):
    """What the equality tests above compared: every branch of the old macros."""
    assert {c.status for c in cases} == set(CaseStatus.values)
    html = old_table(cases, 30, None) + old_table(cases, 30, people["senior"])
    for wording in [
        "Not allocated",
        "Not accepted yet",
        "Peer support: Daniel Evans",
        "Grace Okafor (you give peer support)",
        "Conflict to check",
        ">Overdue by 1 day<",
        ">Overdue by 45 days<",
        ">Overdue by 3 days<",
        ">1 day left<",
        ">0 days left<",
        ">20 days left<",
        ">30 days left<",
        "<br>31 days left",
        "<br>173 days left",
        "Paused while on hold",
        "<br>Not applicable",
        ">0 days<",
        ">1 day<",
        ">AT, aged 55<",
        ">AT<",
        ">Removed<",
        ">O, aged 55<",
        ">SS, aged 55<",
        "Not decided",
        "Initial review",
        "Focused review",
    ]:
        assert wording in html, wording
    for colour in ct.STATUS_COLOURS.values():
        assert f"nhsuk-tag--{colour}" in html
    for colour in ("red", "orange"):
        assert f'<strong class="nhsuk-tag nhsuk-tag--{colour}">' in html


def test_hostile_names_and_captions_are_escaped(cases):
    new = ct.case_table(cases, CAPTION, 30, None)
    assert "<script>" not in new and "<b>" not in new
    assert "&lt;script&gt;O&#39;Brien &amp; co&lt;/script&gt;" in new
    assert "Peer support: Ann &lt;b&gt;&amp;amp; &#39;Bo&#39;" in new
    assert ">&amp;&lt;, aged 55<" in new  # initials of "&x" "<b>'"
    assert "Open cases &amp; &lt;more&gt;</caption>" in new


def test_the_comparison_can_fail(cases):
    """Control: one space more in one wording of the old macro, and the tables differ."""
    mutated = OLD_MACROS.replace('"Overdue by " ~', '"Overdue by  " ~')
    assert mutated != OLD_MACROS
    old = render(OLD + TABLE, mutated, cases=cases, caption=CAPTION, soon=30, me=None)
    assert "Overdue by  1 day" in old
    with pytest.raises(AssertionError):
        assert_same_table(old, ct.case_table(cases, CAPTION, 30, None))


# --- The case link: one reverse() a table -----------------------------------------------


def test_plain_references_need_no_reverse_per_row():
    """reverse() percent-encodes character by character: every character a plain reference
    can hold is written as it is, so the URL is the same around any plain reference."""
    url = ct._case_urls()
    plain = string.ascii_letters + string.digits + "-"
    for ch in plain:
        assert url(f"LDR-{ch}") == reverse("reviews:case", kwargs={"reference": f"LDR-{ch}"})
        assert url(ch) == reverse("reviews:case", kwargs={"reference": ch})
    for reference in ["LDR-2026-000001", "LDR-0000-999999", "LDR-2026-900123", "x"]:
        assert REFERENCE_RE.match(reference) or reference == "x"
        assert url(reference) == reverse("reviews:case", kwargs={"reference": reference})


def test_a_reference_that_reverse_would_encode_is_reversed():
    url = ct._case_urls()
    arabic_digits = "LDR-\u0662\u0660\u0662\u0666-\u0661\u0662\u0663\u0664\u0665\u0666"
    assert REFERENCE_RE.match(arabic_digits)  # \d: any script's digits, hence ASCII only
    for reference in [arabic_digits, "A&B", "a b", "é", "%41", ":@~", "<x>", "a'b"]:
        assert url(reference) == reverse("reviews:case", kwargs={"reference": reference})
    for reference in ["", "a/b"]:
        with pytest.raises(NoReverseMatch):
            url(reference)
        with pytest.raises(NoReverseMatch):
            reverse("reviews:case", kwargs={"reference": reference})


@pytest.mark.parametrize("prefix", ["/leder/", "/LDR-0000-000000/", "/a%20b/"])
def test_the_link_follows_the_script_prefix(prefix):
    saved = get_script_prefix()
    set_script_prefix(prefix)
    try:
        url = ct._case_urls()
        for reference in ["LDR-2026-000001", "A&B", "LDR-0000-000000"]:
            assert url(reference) == reverse("reviews:case", kwargs={"reference": reference})
        assert url("LDR-2026-000001").startswith(prefix.replace("%", "%25"))
    finally:
        set_script_prefix(saved)


# --- The target date: "j M Y" without date_format ---------------------------------------


def test_the_short_date_is_the_filters_for_every_month_and_day():
    short = ct._short_dates()
    day = datetime.date(2026, 1, 1)
    while day.year == 2026:  # every month's abbreviation, 1- and 2-digit days
        assert short(day) == nhs_date(day, "j M Y")
        day += datetime.timedelta(days=1)
    for other in [datetime.date(1, 1, 1), datetime.date(999, 9, 9), datetime.date(9999, 12, 31)]:
        assert short(other) == nhs_date(other, "j M Y")
    assert short(datetime.date(2026, 3, 3)) == "3 Mar 2026"
    assert short(datetime.date(2026, 9, 30)) == "30 Sep 2026"


@pytest.mark.parametrize("language", ["en-gb", "cy", "fr", "de"])
def test_the_short_date_follows_the_active_language(language):
    with translation.override(language):
        short = ct._short_dates()
        for month in range(1, 13):
            day = datetime.date(2026, month, 5)
            assert short(day) == nhs_date(day, "j M Y")


def test_anything_but_a_date_goes_through_the_filter():
    short = ct._short_dates()
    late = datetime.datetime(2026, 7, 1, 23, 30, tzinfo=datetime.UTC)  # 2 July in London
    assert short(late) == nhs_date(late, "j M Y") == "2 Jul 2026"
    assert short(None) == "" == nhs_date(None, "j M Y")


# --- The labels: get_<field>_display() without rebuilding the choices each call ----------


def test_the_labels_are_get_display_for_every_value():
    case = Case()
    for value in [*CaseStatus.values, "", "not-a-status"]:
        case.status = value
        assert ct._display(ct._STATUS_LABELS, case.status) == case.get_status_display()
    for value in [*ReviewType.values, "", "not-a-type"]:
        case.review_type = value
        assert ct._display(ct._REVIEW_TYPE_LABELS, case.review_type) == (
            case.get_review_type_display()
        )
    case.status = CaseStatus.ON_HOLD  # a member, as a case made in Python holds it
    assert ct._display(ct._STATUS_LABELS, case.status) == "On hold" == case.get_status_display()
    assert ct.status_tag(case) == '<strong class="nhsuk-tag nhsuk-tag--yellow">On hold</strong>'
