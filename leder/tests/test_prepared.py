"""leder.lib.prepared: a statement kept compiled gives what the ORM gives, every time,
from the data as it is then; keys cannot capture anything but plain arguments."""

from __future__ import annotations

import datetime
import threading
from collections.abc import Iterator
from typing import Any

import pytest
from django.db import connection
from django.db.models import Count, F, Q, Sum, Value
from django.db.models.expressions import RawSQL
from django.db.models.functions import Concat, Length, Upper
from django.db.models.sql.compiler import SQLCompiler
from django.test.utils import CaptureQueriesContext, override_settings

from leder.lib import prepared
from leder.models import Organisation, OrganisationType
from leder.tests.factories import GPPracticeFactory, ICBFactory

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _fresh() -> Iterator[None]:
    prepared.clear()
    yield
    prepared.clear()


@pytest.fixture
def compiles(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """The models whose queries Django compiles to SQL from here on."""
    seen: list[str] = []
    original = SQLCompiler.as_sql

    def spy(self: SQLCompiler, *args: Any, **kwargs: Any) -> Any:
        seen.append(self.query.model._meta.label if self.query.model else "")
        return original(self, *args, **kwargs)

    monkeypatch.setattr(SQLCompiler, "as_sql", spy)
    return seen


# Builders: module-level functions of plain values, as the module requires.


def practices(icb_id: int, letter: str, offset: int) -> Any:
    return (
        Organisation.objects.gp_practices()
        .filter(parent_icb_id=icb_id, name__istartswith=letter)
        .select_related("parent_icb")
        .annotate(shout=Upper("name"), label=Concat(F("ods_code"), Value(": "), F("name")))
        .order_by("name")[offset : offset + 3]
    )


def practice_names(icb_id: int) -> Any:
    return (
        Organisation.objects.gp_practices()
        .filter(parent_icb_id=icb_id)
        .distinct()
        .order_by(Length("name").desc(), "name")  # with distinct: selected only to sort by
        .values_list("pk", "name")
    )


def practice_counts(icb_id: int, on: datetime.date) -> Any:
    practices = Organisation.objects.filter(parent_icb_id=icb_id)
    return practices.order_by(), {
        "all": Count("pk"),
        "active": Count("pk", filter=Q(is_active=True)),
        "a_names": Count("pk", filter=Q(name__startswith="A")),
    }


def practice_count(icb_id: int) -> Any:
    return Organisation.objects.filter(parent_icb_id=icb_id, is_active=True)


def nothing(icb_id: int) -> Any:
    return Organisation.objects.filter(pk__in=[])


def nothing_counted(icb_id: int) -> Any:
    return Organisation.objects.filter(pk__in=[]), {"n": Count("pk")}


def summed(icb_id: int) -> Any:
    return Organisation.objects.all(), {"n": Sum("pk")}


def as_dicts(icb_id: int) -> Any:
    return Organisation.objects.values("pk")


def prefetching(icb_id: int) -> Any:
    return Organisation.objects.prefetch_related("practices")


def _state(objects: list[Any]) -> list[Any]:
    """What a page reads of each object: its fields, annotations and joined object."""
    return [
        (
            {k: v for k, v in vars(o).items() if k != "_state"},
            {k: v for k, v in vars(o.parent_icb).items() if k != "_state"},
            o._state.adding,
            o._state.db,
        )
        for o in objects
    ]


def _practices(icb: Organisation, names: list[str]) -> None:
    for name in names:
        GPPracticeFactory(parent_icb=icb, name=name)


def test_objects_are_the_orms_and_read_the_data_as_it_is_now(compiles: list[str]) -> None:
    icb = ICBFactory()
    _practices(icb, ["Ash Surgery", "Acorn Practice", "Abbey Medical", "Alder House", "Birch"])
    expected = list(practices(icb.pk, "a", 1))
    assert len(expected) == 3
    first = prepared.objects(practices, icb.pk, "a", 1)
    assert _state(first) == _state(expected)
    assert first[0].shout == first[0].name.upper() and first[0].label.endswith(first[0].name)

    compiles.clear()
    _practices(icb, ["Aardvark Lane"])  # a new first row: the next read must show it
    with CaptureQueriesContext(connection) as sent:
        again = prepared.objects(practices, icb.pk, "a", 1)
    assert compiles == [], "the kept statement was compiled again"
    assert len(sent.captured_queries) == 1
    assert _state(again) == _state(list(practices(icb.pk, "a", 1)))
    assert [o.name for o in again] != [o.name for o in first]


def test_other_arguments_are_another_statement(compiles: list[str]) -> None:
    icb, other = ICBFactory(), ICBFactory()
    _practices(icb, ["Ash", "Alder"])
    _practices(other, ["Apple"])
    compiles.clear()
    assert [o.name for o in prepared.objects(practices, icb.pk, "a", 0)] == ["Alder", "Ash"]
    assert [o.name for o in prepared.objects(practices, other.pk, "a", 0)] == ["Apple"]
    assert [o.name for o in prepared.objects(practices, icb.pk, "a", 1)] == ["Ash"]
    assert prepared.objects(practices, icb.pk, "b", 0) == []
    assert compiles.count("leder.Organisation") == 4


def test_values_list_rows_are_the_orms() -> None:
    icb = ICBFactory()
    _practices(icb, ["Ash", "Birch", "Cedar"])
    assert prepared.objects(practice_names, icb.pk) == list(practice_names(icb.pk))
    _practices(icb, ["Damsons"])
    assert prepared.objects(practice_names, icb.pk) == list(practice_names(icb.pk))
    assert prepared.objects(practice_names, icb.pk)[0][1] == "Damsons"


def test_aggregate_and_count_are_the_orms_and_sent_once(compiles: list[str]) -> None:
    icb = ICBFactory()
    _practices(icb, ["Ash", "Birch"])
    today = datetime.date(2026, 11, 22)
    queryset, counts = practice_counts(icb.pk, today)
    expected = queryset.aggregate(**counts)
    with CaptureQueriesContext(connection) as sent:
        assert prepared.aggregate(practice_counts, icb.pk, today) == expected
        assert prepared.count(practice_count, icb.pk) == 2
    assert len(sent.captured_queries) == 2, "the first call sends its statement once"

    GPPracticeFactory(parent_icb=icb, name="Alder", is_active=False)
    compiles.clear()
    with CaptureQueriesContext(connection) as sent:
        assert prepared.aggregate(practice_counts, icb.pk, today) == {
            "all": 3,
            "active": 2,
            "a_names": 2,
        }
        assert prepared.count(practice_count, icb.pk) == 2
    assert compiles == []
    assert len(sent.captured_queries) == 2


def test_a_query_that_matches_nothing_sends_nothing() -> None:
    with CaptureQueriesContext(connection) as sent:
        for _ in range(2):
            assert prepared.objects(nothing, 1) == []
            assert prepared.count(nothing, 1) == 0
            assert prepared.aggregate(nothing_counted, 1) == {"n": 0}
    assert sent.captured_queries == []


def _inner(icb_id: int) -> Any:
    return Organisation.objects.filter(parent_icb_id=icb_id)


def test_only_module_level_builders_and_plain_arguments() -> None:
    letter = "a"

    def closure(icb_id: int) -> Any:
        return Organisation.objects.filter(name__startswith=letter)

    def local(icb_id: int) -> Any:
        return Organisation.objects.all()

    for builder in (closure, local, lambda icb_id: Organisation.objects.all()):
        with pytest.raises(TypeError, match="module-level function"):
            prepared.objects(builder, 1)
    icb = ICBFactory()
    for argument in (icb, [1], {"a": 1}, {1}, object(), (1, [2])):
        with pytest.raises(TypeError, match="plain values"):
            prepared.objects(_inner, argument)
    # Plain values, tuples of them and dates are keys.
    prepared.objects(practices, icb.pk, "a", 0)
    prepared.aggregate(practice_counts, icb.pk, datetime.datetime(2026, 1, 1, tzinfo=datetime.UTC))


def test_only_the_results_it_can_give_as_the_orm_does() -> None:
    with pytest.raises(TypeError, match="Count expressions"):
        prepared.aggregate(summed, 1)
    with pytest.raises(TypeError, match="values_list"):
        prepared.objects(as_dicts, 1)
    with pytest.raises(TypeError, match="prefetch"):
        prepared.objects(prefetching, 1)


def by_flag(flag: Any) -> Any:
    if flag is True:
        return Organisation.objects.filter(is_active=True)
    return Organisation.objects.filter(pk=flag)


def test_arguments_equal_in_python_but_of_other_types_are_other_keys() -> None:
    ICBFactory(is_active=True), ICBFactory(is_active=True)
    active = Organisation.objects.filter(is_active=True).count()
    assert active >= 2
    assert prepared.count(by_flag, 1) <= 1  # the organisation with id 1, if any
    assert prepared.count(by_flag, True) == active  # True == 1, but not the same key
    assert prepared.count(by_flag, 1.0) <= 1


def test_a_settings_change_forgets_every_statement(compiles: list[str]) -> None:
    icb = ICBFactory()
    compiles.clear()
    prepared.count(practice_count, icb.pk)
    prepared.count(practice_count, icb.pk)
    assert compiles.count("leder.Organisation") == 1
    with override_settings(LEDER_TARGET_DAYS=1):
        prepared.count(practice_count, icb.pk)
    assert compiles.count("leder.Organisation") == 2
    prepared.count(practice_count, icb.pk)  # leaving the override is a change too
    assert compiles.count("leder.Organisation") == 3


def test_each_thread_keeps_its_own_and_at_most_max_entries(
    compiles: list[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(prepared, "MAX_ENTRIES", 2)
    icb = ICBFactory()
    compiles.clear()
    for letter in "abca":  # a, b, c: a was the least recently used when c came
        prepared.objects(practices, icb.pk, letter, 0)
    assert compiles.count("leder.Organisation") == 4

    compiles.clear()
    prepared.objects(practices, icb.pk, "c", 0)
    assert compiles == []

    def elsewhere() -> None:
        from django.db import connection as own

        try:
            prepared.objects(practices, icb.pk, "c", 0)
        finally:
            own.close()

    thread = threading.Thread(target=elsewhere)
    thread.start()
    thread.join()
    assert compiles == ["leder.Organisation"]


def test_a_new_organisation_type_is_read_not_remembered() -> None:
    """Same key, new data of another kind: the count follows the rows, not the first call."""
    icb = ICBFactory()
    assert prepared.count(practice_count, icb.pk) == 0
    Organisation.objects.create(name="Trust", org_type=OrganisationType.NHS_TRUST, parent_icb=icb)
    assert prepared.count(practice_count, icb.pk) == 1


def practices_among(icb_id: int, found: Any) -> Any:
    return (
        Organisation.objects.filter(parent_icb_id=icb_id)
        .filter(pk__in=RawSQL("SELECT unnest(%s::bigint[])", (found,)))
        .order_by("name")
    )


def ignores_its_bound_value(icb_id: int, found: Any) -> Any:
    return Organisation.objects.filter(parent_icb_id=icb_id)


def test_bound_values_are_sent_each_time_and_not_kept(compiles: list[str]) -> None:
    icb = ICBFactory()
    _practices(icb, ["Ash", "Birch", "Cedar"])
    ash, birch, cedar = Organisation.objects.filter(parent_icb=icb).order_by("name")
    lists = ([ash.pk, cedar.pk], [birch.pk], [], [cedar.pk, 10**9])
    expectations = [
        (found, list(Organisation.objects.filter(parent_icb=icb, pk__in=found).order_by("name")))
        for found in lists
    ]
    compiles.clear()
    for found, expected in expectations:
        assert prepared.objects(practices_among, icb.pk, bind=(found,)) == expected
        assert prepared.count(practices_among, icb.pk, bind=(found,)) == len(expected)
    assert compiles.count("leder.Organisation") == 2  # one statement each, for every list
    kept = [s.params for s in prepared._local.entries.values()]
    assert all(any(isinstance(p, prepared.Bound) for p in params) for params in kept)
    assert not any(isinstance(p, list) for params in kept for p in params)
    with pytest.raises(TypeError, match="bound value"):
        prepared.objects(ignores_its_bound_value, icb.pk, bind=([ash.pk],))
