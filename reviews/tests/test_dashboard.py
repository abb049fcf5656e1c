"""The LAC's dashboard and the reviewer's "My reviews": queues and counts, the 6-month
clock (held days excluded), filters, search, sort, pages, and a flat query count."""

from __future__ import annotations

import datetime
import itertools
import uuid
import zoneinfo

import pytest
from django.urls import reverse
from django.utils import timezone

from leder.roles import Role
from leder.testing import assert_queries_flat, search_url
from leder.tests.factories import GPPracticeFactory
from notifications.models import Notification
from notifications.tests.factories import NotificationFactory
from reviews.models import (
    Allocation,
    Case,
    CaseHold,
    CaseStatus,
    CaseStatusChange,
    ConflictFlag,
    ReviewType,
)
from reviews.services import case_allocate
from reviews.tests.factories import CaseFactory, CaseHoldFactory

pytestmark = pytest.mark.django_db

DASHBOARD = reverse("reviews:dashboard")
MINE = reverse("reviews:my_reviews")
LONDON = zoneinfo.ZoneInfo("Europe/London")
TODAY = datetime.date(2026, 9, 1)


@pytest.fixture
def today(time_machine):
    time_machine.move_to(datetime.datetime(2026, 9, 1, 10, 0, tzinfo=LONDON), tick=False)
    return TODAY


def received(days_ago: int) -> datetime.datetime:
    day = TODAY - datetime.timedelta(days=days_ago)
    return datetime.datetime(day.year, day.month, day.day, 9, 0, tzinfo=LONDON)


def make_case(icb, days_ago=10, **kwargs):
    return CaseFactory(icb_org=icb, notification__received_at=received(days_ago), **kwargs)


def page_of(client, **params):
    if params.get("q"):  # typed searches are POSTed and kept out of the URL
        page = params.pop("page", None)
        url = search_url(client, DASHBOARD, params)
        response = client.get(f"{url}&page={page}" if page else url)
    else:
        response = client.get(DASHBOARD, params)
    assert response.status_code == 200
    return response.content.decode()


class TestQueues:
    def test_it_counts_every_queue_in_one_query(self, today, icb, other_icb, lac_client):
        for trait in ("allocated", "in_progress", "on_hold", "awaiting_qa", "returned"):
            make_case(icb, **{trait: True})
        make_case(icb), make_case(icb), make_case(icb, opted_out=True)
        this_year = make_case(icb, completed=True)
        CaseStatusChange.objects.create(
            subject=this_year, from_status="awaiting_qa", to_status="completed"
        )
        last_year = make_case(icb, completed=True)
        CaseStatusChange.objects.create(
            subject=last_year,
            from_status="awaiting_qa",
            to_status="completed",
            at=datetime.datetime(2025, 12, 31, 23, 0, tzinfo=LONDON),
        )
        make_case(other_icb)  # another ICB's: never counted
        NotificationFactory(icb=icb), NotificationFactory(icb=icb, needs_confirmation=True)
        NotificationFactory(icb=icb, ineligible=True)

        counts = Case.objects.filter(icb=icb).queue_counts()
        assert counts == {
            "open": 7,
            "awaiting_allocation": 2,
            "allocated": 2,
            "on_hold": 1,
            "awaiting_qa": 1,
            "returned": 1,
            "completed": 1,
            "opted_out": 1,
            "due": 0,
            "flagged": 0,
            "all": 10,
        }
        page = page_of(lac_client)
        assert "New notifications to screen" in page and "2 notifications" in page
        assert "Completed this year" in page and "7 cases." in page

    @pytest.mark.parametrize(
        ("queue", "trait"),
        [
            ("awaiting_allocation", None),
            ("allocated", "in_progress"),
            ("on_hold", "on_hold"),
            ("returned", "returned"),
            ("opted_out", "opted_out"),
        ],
    )
    def test_it_lists_a_queue(self, today, icb, lac_client, queue, trait):
        inside = make_case(icb, **({trait: True} if trait else {}))
        outside = make_case(icb, awaiting_qa=True)
        page = page_of(lac_client, queue=queue)
        assert inside.reference in page and outside.reference not in page

    def test_a_whole_queue_is_counted_once(self, today, icb, lac_client, make_user):
        """The page of a whole queue takes its size from the queue counts (the same
        condition), so it sends no second count; a filtered list counts itself."""
        from django.db import connection
        from django.test.utils import CaptureQueriesContext

        from reviews.tests.factories import ReviewerProfileFactory

        reviewer = ReviewerProfileFactory(icb=icb).user
        for trait in ("allocated", "in_progress", "on_hold", "awaiting_qa", "returned"):
            make_case(icb, **{trait: True})
        make_case(icb), make_case(icb, days_ago=170), make_case(icb, opted_out=True)
        allocated = make_case(icb)
        case_allocate(
            case=allocated,
            reviewer=reviewer,
            review_type="initial",
            review_type_reason="x",
            by=make_user(Role.LAC),
        )
        completed = make_case(icb, completed=True)
        CaseStatusChange.objects.create(
            subject=completed, from_status="awaiting_qa", to_status="completed"
        )

        def case_counts(sql: list[dict]) -> int:
            return sum(
                q["sql"].startswith('SELECT COUNT(*) AS "__count" FROM "reviews_case"') for q in sql
            )

        for queue in Case.objects.filter(icb=icb).queue_counts():
            expected = Case.objects.filter(icb=icb).for_list().in_queue(queue).count()
            with CaptureQueriesContext(connection) as captured:
                page = page_of(lac_client, queue=queue)
            noun = "case" if expected == 1 else "cases"
            assert f"<p>{expected} {noun}." in page, queue
            assert case_counts(captured.captured_queries) == 0, queue
        with CaptureQueriesContext(connection) as captured:
            page = page_of(lac_client, queue="allocated", reviewer=reviewer.pk)
        assert "<p>1 case." in page
        assert case_counts(captured.captured_queries) == 1

    def test_it_shows_open_cases_by_default(self, today, icb, lac_client):
        open_case, closed = make_case(icb), make_case(icb, opted_out=True)
        page = page_of(lac_client)
        assert open_case.reference in page and closed.reference not in page
        assert closed.reference in page_of(lac_client, queue="all")


class TestClock:
    def test_it_counts_days_to_the_target_without_held_days(self, today, icb):
        case = make_case(icb, days_ago=100, on_hold=True)
        CaseHoldFactory(
            case=case,
            started_on=TODAY - datetime.timedelta(days=60),
            ended_on=TODAY - datetime.timedelta(days=40),
        )  # 20 days
        CaseHoldFactory(case=case, started_on=TODAY - datetime.timedelta(days=5))  # 5, open
        CaseHoldFactory(case=case, started_on=TODAY + datetime.timedelta(days=3))  # not yet
        row = Case.objects.for_list().get(pk=case.pk)
        assert row.received_on == TODAY - datetime.timedelta(days=100)
        assert row.days_since_notification == 100
        assert row.paused_days == 25
        assert row.days_left == 183 - 100 + 25
        assert row.target_date == row.received_on + datetime.timedelta(days=183 + 25)

    def test_the_target_is_configurable(self, today, icb, settings):
        settings.LEDER_TARGET_DAYS = 120
        case = make_case(icb, days_ago=100)
        assert Case.objects.for_list().get(pk=case.pk).days_left == 20

    def test_the_day_follows_london_time(self, icb, time_machine):
        # Received at 23:30 on 31 March (BST): that is 31 March, not 1 April in UTC terms.
        time_machine.move_to(datetime.datetime(2026, 4, 2, 12, 0, tzinfo=LONDON), tick=False)
        case = CaseFactory(
            icb_org=icb,
            notification__received_at=datetime.datetime(2026, 3, 31, 23, 30, tzinfo=LONDON),
        )
        row = Case.objects.for_list().get(pk=case.pk)
        assert row.received_on == datetime.date(2026, 3, 31)
        assert row.days_since_notification == 2

    def test_cases_near_or_past_the_target_stand_out(self, today, icb, lac_client):
        near = make_case(icb, days_ago=170)
        late = make_case(icb, days_ago=200)
        fine = make_case(icb, days_ago=10)
        page = page_of(lac_client)
        assert "13 days left" in page and "Overdue by 17 days" in page
        assert "173 days left" in page and "nhsuk-tag--red" in page
        due = page_of(lac_client, queue="due")
        assert near.reference in due and late.reference in due
        assert fine.reference not in due
        # Soonest target first by default.
        assert page.index(late.reference) < page.index(near.reference) < page.index(fine.reference)


class TestFilters:
    @pytest.fixture
    def person(self, today, icb):
        return make_case(
            icb,
            notification__given_name="Ada",
            notification__family_name="Testperson",
        )

    @pytest.mark.parametrize(
        "query",
        [
            lambda c: c.reference,
            lambda c: c.reference[-6:],
            lambda c: c.notification.nhs_number,
            lambda c: (
                f"{c.notification.nhs_number[:3]} {c.notification.nhs_number[3:6]} "
                f"{c.notification.nhs_number[6:]}"
            ),
            lambda c: "testperson",
            lambda c: "AT",
            lambda c: "a.t.",
        ],
    )
    def test_it_searches(self, person, icb, lac_client, query):
        other = make_case(icb, notification__given_name="Zed", notification__family_name="Other")
        page = page_of(lac_client, q=query(person))
        assert person.reference in page and other.reference not in page

    def test_it_reads_only_the_cases_notifications(self, person, icb, other_icb, lac_client):
        """The name conditions are on the case's join to its notification: no subquery over
        every ICB's notifications (docs/performance.md), and another ICB's namesake is never
        listed."""
        theirs = make_case(
            other_icb, notification__given_name="Ada", notification__family_name="Testperson"
        )
        page = page_of(lac_client, q="Testperson")
        assert person.reference in page and theirs.reference not in page
        sql = str(Case.objects.filter(icb=icb).search("Testperson").query)
        assert 'FROM "notifications_notification"' not in sql
        assert 'INNER JOIN "notifications_notification"' in sql

    def test_it_filters_by_type_and_reviewer(self, today, icb, lac_client, make_user):
        from reviews.tests.factories import ReviewerProfileFactory

        lac = make_user(Role.LAC)
        profile = ReviewerProfileFactory(icb=icb)
        theirs = make_case(icb)
        case_allocate(
            case=theirs,
            reviewer=profile.user,
            review_type=ReviewType.FOCUSED,
            review_type_reason="Family asked",
            by=lac,
        )
        undecided = make_case(icb)
        page = page_of(lac_client, reviewer=profile.user.pk)
        assert theirs.reference in page and undecided.reference not in page
        page = page_of(lac_client, review_type="focused")
        assert theirs.reference in page and undecided.reference not in page
        page = page_of(lac_client, review_type="none")
        assert undecided.reference in page and theirs.reference not in page
        assert profile.user.full_name in page  # in the reviewer filter and nowhere private

    def test_it_sorts(self, today, icb, lac_client):
        a = make_case(icb, days_ago=5, notification__reference="LDR-2026-000001")
        b = make_case(icb, days_ago=50, notification__reference="LDR-2026-000003")
        c = make_case(icb, days_ago=20, notification__reference="LDR-2026-000002")
        CaseHoldFactory(case=b, started_on=TODAY - datetime.timedelta(days=40))  # +40 days
        for sort, order in (
            ("target", [c, b, a]),  # days left: c 163, b 173, a 178
            ("oldest", [b, c, a]),
            ("reference", [a, c, b]),
            ("", [c, b, a]),
        ):
            page = page_of(lac_client, sort=sort, queue="all")
            positions = [page.index(x.reference) for x in order]
            assert positions == sorted(positions), sort

    def test_it_survives_odd_filters(self, today, icb, lac_client):
        make_case(icb)
        for params in (
            {"queue": "bogus", "sort": "x", "page": "x"},
            {"reviewer": "abc", "review_type": "x"},
        ):
            assert lac_client.get(DASHBOARD, params).status_code == 200
        assert "x" * 20 in page_of(lac_client, q="x" * 500, page="999")

    def test_it_pages_by_25(self, today, icb, lac_client):
        practice = GPPracticeFactory(parent_icb=icb)
        for _ in range(26):
            make_case(icb, notification__gp_practice=practice)
        first = page_of(lac_client)
        assert "26 cases" in first and "Next page" in first
        assert "Previous page" in page_of(lac_client, page=2)

    def test_it_marks_a_conflict_found_after_allocation(self, today, icb, lac_client, make_user):
        from reviews.tests.factories import ReviewerProfileFactory

        case = make_case(icb)
        allocation = case_allocate(
            case=case,
            reviewer=ReviewerProfileFactory(icb=icb).user,
            review_type="initial",
            review_type_reason="x",
            by=make_user(Role.LAC),
        )
        ConflictFlag.objects.create(allocation=allocation, conflicts=[])
        page = page_of(lac_client)
        assert "Conflict to check" in page and "a conflict of interest found after" in page
        assert case.reference in page_of(lac_client, queue="flagged")
        assert Case.objects.filter(icb=icb).queue_counts()["flagged"] == 1

    def test_due_counts_open_cases_near_their_target_only(self, today, icb):
        near = make_case(icb, days_ago=170)  # 13 days left
        make_case(icb, days_ago=10)  # 173 days left
        make_case(icb, days_ago=400, completed=True)  # long past, but completed
        held = make_case(icb, days_ago=170, on_hold=True)
        CaseHoldFactory(case=held, started_on=TODAY - datetime.timedelta(days=60), ended_on=None)
        counts = Case.objects.filter(icb=icb).queue_counts()
        assert counts["due"] == 1 and counts["open"] == 3
        assert Case.objects.filter(icb=icb).for_list().in_queue("due").get() == near


counter = itertools.count(1)


def grow_cases(icb, practice, reviewer, lac, n):
    """``n`` more cases in every state, with allocations, holds and flags: bulk inserts."""
    template = NotificationFactory.build(icb=icb, gp_practice=practice)
    fields = [f.attname for f in Notification._meta.concrete_fields if not f.primary_key]
    numbers = [next(counter) for _ in range(n)]
    notifications = Notification.objects.bulk_create(
        [
            Notification(
                **{f: getattr(template, f) for f in fields}
                | {
                    "reference": f"LDR-2024-{i:06d}",
                    "idempotency_key": uuid.uuid4(),
                    "status": "eligible",
                    "received_at": timezone.now() - datetime.timedelta(days=i % 250),
                }
            )
            for i in numbers
        ]
    )
    statuses = list(CaseStatus.values)
    cases = Case.objects.bulk_create(
        [
            Case(
                notification=notification,
                icb=icb,
                reference=notification.reference,
                status=statuses[i % len(statuses)],
                review_type=ReviewType.INITIAL if i % 2 else "",
            )
            for i, notification in zip(numbers, notifications, strict=True)
        ]
    )
    allocations = Allocation.objects.bulk_create(
        [
            Allocation(case=case, reviewer=reviewer, allocated_by=lac)
            for case in cases
            if case.status in ("allocated", "in_progress", "on_hold")
        ]
    )
    ConflictFlag.objects.bulk_create(
        [ConflictFlag(allocation=a, conflicts=[]) for a in allocations[::3]]
    )
    CaseHold.objects.bulk_create(
        [
            CaseHold(case=case, reason="coroner", started_on=timezone.localdate())
            for case in cases
            if case.status == "on_hold"
        ]
    )
    return cases


def test_the_dashboard_query_count_is_flat_from_10_to_1000_cases(
    lac_client, icb, make_user, capsys
):
    from reviews.tests.factories import ReviewerProfileFactory

    practice = GPPracticeFactory(parent_icb=icb)
    reviewer = ReviewerProfileFactory(icb=icb).user
    lac = make_user(Role.LAC)

    def request() -> None:
        response = lac_client.get(DASHBOARD, {"queue": "all"})
        assert response.status_code == 200

    small, large = assert_queries_flat(
        request, lambda n: grow_cases(icb, practice, reviewer, lac, n), small=10, large=1000
    )
    with capsys.disabled():
        print(f"\ndashboard queries: {small} with 10 cases, {large} with 1,000 cases")
    assert large <= 15
    found = search_url(
        lac_client, DASHBOARD, {"q": "LDR", "reviewer": reviewer.pk, "sort": "oldest"}
    )
    searched = assert_queries_flat(
        lambda: lac_client.get(f"{found}&page=2"),
        lambda n: grow_cases(icb, practice, reviewer, lac, n),
        small=1,
        large=60,
    )
    assert searched[0] == searched[1]


def test_my_reviews_query_count_is_flat(icb, make_user, client_for):
    from guardian.shortcuts import assign_perm

    from reviews.tests.factories import ReviewerProfileFactory

    practice = GPPracticeFactory(parent_icb=icb)
    client = client_for(Role.REVIEWER)
    ReviewerProfileFactory(user=client.user, icb=icb)
    lac = make_user(Role.LAC)

    def grow(n: int) -> None:
        for case in grow_cases(icb, practice, client.user, lac, n):
            assign_perm("reviews.review_case", client.user, case)

    small, large = assert_queries_flat(lambda: client.get(MINE), grow, small=3, large=40)
    assert small == large


class TestPreparedStatements:
    """The dashboard's statements are compiled once per process for each scope, day and
    set of filters (leder.lib.prepared): what they give must be what the ORM gives, from
    the data as it is at each visit, and never another scope's."""

    @staticmethod
    def _rows(cases):
        return [
            (
                c.pk,
                c.reference,
                c.status,
                c.days_left,
                c.target_date,
                c.days_since_notification,
                c.paused_days,
                c.conflict_flagged,
                c.reviewer_name,
                c.senior_reviewer_name,
                c.accepted_at,
                c.notification.given_name,
                c.notification.age_at_death,
            )
            for c in cases
        ]

    def _compare(self, icb, reviewer_id):
        from leder.lib import prepared
        from reviews.views.dashboard import (
            cases_page_query,
            cases_query,
            queue_counts_query,
        )

        expected_counts = Case.objects.filter(icb=icb).queue_counts(TODAY)
        assert prepared.aggregate(queue_counts_query, icb.pk, None, TODAY) == expected_counts
        combos = itertools.product(
            list(expected_counts),
            ("", "none", ReviewType.INITIAL),
            (None, reviewer_id),
            ("target", "oldest", "reference"),
        )
        for queue, review_type, reviewer, sort in combos:
            args = (icb.pk, None, TODAY, queue, review_type, reviewer, sort)
            listed = cases_query(*args)
            assert prepared.count(cases_query, *args) == listed.count()
            for offset in (0, 2):
                got = prepared.objects(cases_page_query, *args, offset, 3)
                assert self._rows(got) == self._rows(listed[offset : offset + 3]), args
        return expected_counts

    def test_they_give_what_the_orm_gives_at_every_visit(self, today, icb, make_user):
        from reviews.tests.factories import ReviewerProfileFactory

        lac = make_user(Role.LAC)
        profile = ReviewerProfileFactory(icb=icb)
        cases = [make_case(icb, days_ago=n * 20) for n in range(1, 9)]
        for trait in ("on_hold", "awaiting_qa", "opted_out"):
            make_case(icb, days_ago=30, **{trait: True})
        allocation = case_allocate(
            case=cases[0],
            reviewer=profile.user,
            review_type=ReviewType.INITIAL,
            review_type_reason="x",
            by=lac,
        )
        ConflictFlag.objects.create(allocation=allocation, conflicts=[])
        first = self._compare(icb, profile.user.pk)
        # The same keys on changed data: the next reads follow the data.
        case_allocate(
            case=cases[1],
            reviewer=profile.user,
            review_type=ReviewType.INITIAL,
            review_type_reason="x",
            by=lac,
        )
        CaseHoldFactory(case=cases[2], started_on=TODAY - datetime.timedelta(days=10))
        make_case(icb, days_ago=175)
        second = self._compare(icb, profile.user.pk)
        assert second != first

    def test_a_search_lists_what_the_orm_finds_and_keeps_neither_text_nor_ids(
        self, today, icb, make_user, lac_client
    ):
        from leder.lib import prepared
        from reviews.querysets import queue_statuses
        from reviews.views.dashboard import cases_query

        people = [
            make_case(icb, days_ago=days, notification__family_name=name, **traits)
            for days, name, traits in (
                (20, "Testperson", {}),
                (175, "Testperson", {}),
                (40, "Testpersonne", {"on_hold": True}),
                (60, "Testperson", {"completed": True}),
                (80, "Other", {}),
            )
        ]
        for queue in ("open", "due", "on_hold", "completed", "all", "flagged"):
            exact = set(Case.objects.filter(icb=icb).for_list().in_queue(queue))
            assert exact <= set(Case.objects.filter(icb=icb).in_queue_statuses(queue)), queue
            assert queue_statuses(queue) is None or queue != "open" or len(exact) == 4
            args = (icb.pk, None, TODAY, queue, "", None, "target")
            expected = [c.reference for c in cases_query(*args).search("testperson")]
            page = page_of(lac_client, q="testperson", queue=queue)
            shown = [c.reference for c in people if c.reference in page]
            assert sorted(shown) == sorted(expected), queue
            assert queue not in ("open", "due", "all") or expected, queue
            assert [r for r in expected if r in page] == sorted(
                shown, key=lambda r: page.index(r)
            ), queue
        kept = [statement.params for statement in prepared._local.entries.values()]
        ids = {c.pk for c in people}
        for params in kept:
            assert not any(isinstance(p, str) and "testperson" in p.lower() for p in params)
            assert not any(isinstance(p, list) and ids & set(p) for p in params)
        assert any(isinstance(p, prepared.Bound) for params in kept for p in params)

    def test_a_second_visit_compiles_none_of_its_own_statements(
        self, today, icb, lac_client, monkeypatch
    ):
        from django.db.models.sql.compiler import SQLCompiler

        for n in range(3):
            make_case(icb, days_ago=100 + n * 40)
        compiled: list[str] = []
        original = SQLCompiler.as_sql

        def spy(self, *args, **kwargs):
            compiled.append(self.query.model._meta.label)
            return original(self, *args, **kwargs)

        for params in ({}, {"queue": "due", "sort": "oldest"}):
            page_of(lac_client, **params)
            compiled.clear()
            monkeypatch.setattr(SQLCompiler, "as_sql", spy)
            page = page_of(lac_client, **params)
            on_the_page = len(compiled)
            Case.objects.filter(pk=0).exists()  # control: the spy sees a query compiled
            monkeypatch.undo()
            assert compiled[on_the_page:] == ["reviews.Case"]
            del compiled[on_the_page:]
            assert "reviews.Case" not in compiled and "notifications.Notification" not in compiled
            assert page.count("<tr") > 1

    def test_each_icb_sees_its_own_counts_and_cases(
        self, today, icb, other_icb, lac_client, outsider_client
    ):
        ours = [make_case(icb) for _ in range(3)]
        theirs = make_case(other_icb)
        NotificationFactory(icb=icb)
        for _ in range(2):  # the second time round, every statement is a kept one
            page = page_of(lac_client)
            assert "3 cases" in page and all(c.reference in page for c in ours)
            assert theirs.reference not in page
            page = page_of(outsider_client)
            assert "1 case." in page and theirs.reference in page
            assert not any(c.reference in page for c in ours)
            assert "0 notifications" in page


class TestMyReviews:
    def test_it_shows_the_reviewers_cases_with_tags_and_targets(
        self, today, icb, client_for, make_user
    ):
        from reviews.tests.factories import ReviewerProfileFactory

        client = client_for(Role.REVIEWER)
        ReviewerProfileFactory(user=client.user, icb=icb)
        mine = make_case(icb, days_ago=175)
        other = make_case(icb)
        case_allocate(
            case=mine,
            reviewer=client.user,
            review_type="initial",
            review_type_reason="x",
            by=make_user(Role.LAC),
        )
        page = client.get(MINE).content.decode()
        assert mine.reference in page and other.reference not in page
        assert "8 days left" in page and "Allocated" in page and "Not accepted yet" in page

    def test_it_is_empty_for_a_new_reviewer(self, reviewer_client):
        page = reviewer_client.get(MINE).content.decode()
        assert "You have no reviews at the moment" in page


@pytest.mark.parametrize(
    ("role", "target"),
    [
        (Role.LAC, DASHBOARD),
        (Role.ADMINISTRATOR, DASHBOARD),
        (Role.REVIEWER, MINE),
        (Role.SENIOR_REVIEWER, MINE),
    ],
)
def test_home_sends_people_to_their_work(client_for, role, target):
    response = client_for(role).get("/")
    assert response.status_code == 302 and response["Location"] == target


def test_home_stays_for_other_roles(qa_panel_member_client):
    assert qa_panel_member_client.get("/").status_code == 200
