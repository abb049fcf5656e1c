"""Allocation: the checks (training, conflicts, override), grants and their revocation,
reallocation, the reviewer's answer, late conflicts from a linked organisation, opt-out."""

from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from guardian.shortcuts import get_perms

from leder.roles import Role
from leder.tests.factories import ICBFactory, OrganisationFactory
from notifications.services import notification_opt_out
from reviews.models import Allocation, CaseEmail, CaseStatus, ConflictFlag, ProviderRole
from reviews.services import (
    case_accept,
    case_allocate,
    case_decline_conflict,
    case_provider_add,
    conflict_flags_resolve,
)
from reviews.services.allocation import STALE
from reviews.tests.factories import (
    CaseFactory,
    DeclaredConflictFactory,
    EmploymentFactory,
    ReviewerProfileFactory,
)

pytestmark = pytest.mark.django_db


def allocate(case, reviewer, by, **kw):
    kw.setdefault("review_type", "initial")
    kw.setdefault("review_type_reason", "No focused review criteria met")
    return case_allocate(case=case, reviewer=reviewer, by=by, **kw)


def perms(user, case):
    fresh = type(user).objects.get(pk=user.pk)  # guardian caches per instance
    return set(get_perms(fresh, case))


def errors(exc_info):
    return exc_info.value.message_dict


class TestAllocate:
    def test_it_allocates_grants_and_emails(self, case, reviewer, senior, lac):
        allocation = allocate(case, reviewer, lac, senior_reviewer=senior, review_type="focused")
        case.refresh_from_db()
        assert case.status == CaseStatus.ALLOCATED and case.review_type == "focused"
        assert case.review_type_reason == "No focused review criteria met"
        assert (allocation.reviewer, allocation.senior_reviewer, allocation.allocated_by) == (
            reviewer,
            senior,
            lac,
        )
        assert allocation.conflicts == [] and allocation.override_justification == ""
        assert perms(reviewer, case) == {"review_case"}
        assert perms(senior, case) == {"supervise_case"}
        change = case.status_changes.get()
        assert (change.from_status, change.to_status, change.by) == (
            CaseStatus.AWAITING_ALLOCATION,
            CaseStatus.ALLOCATED,
            lac,
        )
        assert "focused review" in change.reason
        assert allocation.history.get().history_user == lac
        assert case.history.first().history_user == lac
        emails = {(e.kind, e.recipient) for e in CaseEmail.objects.all()}
        assert emails == {("allocated", reviewer), ("peer_support", senior)}

    def test_it_needs_the_review_type_and_why(self, case, reviewer, lac):
        with pytest.raises(ValidationError) as exc:
            allocate(case, reviewer, lac, review_type="", review_type_reason=" ")
        assert set(errors(exc)) == {"review_type", "review_type_reason"}
        case.refresh_from_db()
        assert case.status == CaseStatus.AWAITING_ALLOCATION
        assert not Allocation.objects.exists()

    @pytest.mark.parametrize("trait", ["expired", "untrained"])
    def test_it_refuses_a_reviewer_whose_training_is_not_in_date(
        self, case, make_reviewer, lac, trait
    ):
        profile = make_reviewer(**{trait: True})
        with pytest.raises(ValidationError) as exc:
            allocate(case, profile.user, lac)
        message = errors(exc)["reviewer"][0]
        assert ("expired on" if trait == "expired" else "no LeDeR training") in message
        assert not Allocation.objects.exists() and perms(profile.user, case) == set()

    def test_training_lasts_the_configured_number_of_days(self, case, make_reviewer, lac, settings):
        profile = make_reviewer()  # trained 30 days ago
        settings.LEDER_TRAINING_VALID_DAYS = 30
        with pytest.raises(ValidationError, match="expired"):
            allocate(case, profile.user, lac)
        settings.LEDER_TRAINING_VALID_DAYS = 31
        allocate(case, profile.user, lac)

    def test_it_refuses_a_senior_reviewer_whose_training_expired(
        self, case, reviewer, make_reviewer, lac
    ):
        senior = make_reviewer(senior=True, expired=True).user
        with pytest.raises(ValidationError) as exc:
            allocate(case, reviewer, lac, senior_reviewer=senior)
        assert "expired" in errors(exc)["senior_reviewer"][0]

    def test_it_refuses_people_who_cannot_review_this_case(
        self, case, reviewer, make_user, make_reviewer, lac
    ):
        elsewhere = make_reviewer(icb=ICBFactory()).user
        not_a_reviewer = make_user(Role.QA_PANEL_MEMBER)
        for person in (elsewhere, not_a_reviewer):
            with pytest.raises(ValidationError) as exc:
                allocate(case, person, lac)
            assert "cannot be the reviewer" in errors(exc)["reviewer"][0]
        with pytest.raises(ValidationError) as exc:
            allocate(case, reviewer, lac, senior_reviewer=reviewer)
        assert "senior_reviewer" in errors(exc)
        with pytest.raises(ValidationError) as exc:  # a reviewer is not a senior reviewer
            allocate(case, reviewer, lac, senior_reviewer=make_reviewer().user)
        assert "cannot be the senior reviewer" in errors(exc)["senior_reviewer"][0]

    def test_it_refuses_a_conflicted_reviewer_without_a_justification(self, case, reviewer, lac):
        EmploymentFactory(
            profile=reviewer.reviewer_profile, organisation=case.notification.gp_practice
        )
        with pytest.raises(ValidationError) as exc:
            allocate(case, reviewer, lac, override_justification="   ")
        assert "Grace Okafor has a conflict of interest" in errors(exc)["override_justification"][0]
        assert not Allocation.objects.exists()
        case.refresh_from_db()
        assert case.status == CaseStatus.AWAITING_ALLOCATION

    def test_it_records_an_override_with_the_conflicts_and_the_justification(
        self, case, reviewer, senior, lac
    ):
        EmploymentFactory(
            profile=reviewer.reviewer_profile, organisation=case.notification.gp_practice
        )
        DeclaredConflictFactory(profile=senior.reviewer_profile, names="Testperson")
        with pytest.raises(ValidationError, match="Grace Okafor and Daniel Evans have"):
            allocate(case, reviewer, lac, senior_reviewer=senior)
        allocation = allocate(
            case,
            reviewer,
            lac,
            senior_reviewer=senior,
            override_justification="Left the practice's reception in 2019, no clinical contact",
        )
        assert [(c["person"], c["code"]) for c in allocation.conflicts] == [
            ("reviewer", "gp_practice"),
            ("senior reviewer", "personal"),
        ]
        assert allocation.override_justification.startswith("Left the practice")
        assert "overridden" in case.status_changes.get().reason
        assert list(Allocation.objects.overridden()) == [allocation]

    def test_the_database_refuses_an_unjustified_override(self, case, reviewer, lac):
        with pytest.raises(IntegrityError), transaction.atomic():
            Allocation.objects.create(
                case=case,
                reviewer=reviewer,
                allocated_by=lac,
                conflicts=[{"person": "reviewer", "code": "notifier", "key": "n", "reason": "r"}],
            )

    def test_a_justification_without_conflicts_is_not_recorded(self, case, reviewer, lac):
        allocation = allocate(case, reviewer, lac, override_justification="Just in case")
        assert allocation.override_justification == ""
        assert not Allocation.objects.overridden().exists()


class TestReallocate:
    def test_it_ends_the_previous_allocation_and_moves_the_grants(
        self, case, reviewer, senior, make_reviewer, lac
    ):
        first = allocate(case, reviewer, lac, senior_reviewer=senior)
        case_accept(case=case, by=reviewer)
        other = make_reviewer(user__full_name="Ola Newreviewer").user
        second = allocate(case, other, lac, replacing=first)
        first.refresh_from_db()
        assert first.ended_at is not None and first.end_reason == "Reallocated"
        assert first.ended_by == lac
        assert perms(reviewer, case) == set() and perms(senior, case) == set()
        assert perms(other, case) == {"review_case"}
        assert list(Allocation.objects.filter(case=case).active()) == [second]
        case.refresh_from_db()
        assert case.status == CaseStatus.ALLOCATED
        moves = list(case.status_changes.values_list("from_status", "to_status"))
        assert moves == [
            ("awaiting_allocation", "allocated"),
            ("allocated", "in_progress"),
            ("in_progress", "allocated"),
        ]
        ended = set(
            CaseEmail.objects.filter(kind="allocation_ended").values_list("recipient", flat=True)
        )
        assert ended == {reviewer.pk, senior.pk}

    def test_it_keeps_the_grant_of_someone_reallocated_again(self, case, reviewer, senior, lac):
        first = allocate(case, reviewer, lac, senior_reviewer=senior)
        allocate(case, reviewer, lac, replacing=first, review_type="focused")
        assert perms(reviewer, case) == {"review_case"}
        assert perms(senior, case) == set()

    def test_it_refuses_a_stale_allocation(self, case, reviewer, make_reviewer, lac):
        first = allocate(case, reviewer, lac)
        other = make_reviewer().user
        with pytest.raises(ValidationError) as exc:
            allocate(case, other, lac)  # the LAC saw the case unallocated
        assert exc.value.code == "stale" and exc.value.messages == [STALE]
        second = allocate(case, other, lac, replacing=first)
        with pytest.raises(ValidationError, match="allocated by someone else"):
            allocate(case, reviewer, lac, replacing=first)  # saw the first, not the second
        assert list(Allocation.objects.active()) == [second]

    def test_it_cannot_allocate_a_closed_case(self, icb, reviewer, lac):
        from leder.lib.workflow import TransitionNotAllowed

        for trait in ("completed", "on_hold", "opted_out"):
            closed = CaseFactory(icb_org=icb, **{trait: True})
            with pytest.raises(TransitionNotAllowed):
                allocate(closed, reviewer, lac)
        assert not Allocation.objects.exists()


class TestReviewerAnswer:
    def test_the_reviewer_accepts_confirming_no_conflict(self, case, reviewer, lac):
        allocation = allocate(case, reviewer, lac)
        case_accept(case=case, by=reviewer)
        allocation.refresh_from_db()
        case.refresh_from_db()
        assert case.status == CaseStatus.IN_PROGRESS and allocation.accepted_at is not None
        change = case.status_changes.last()
        assert change.by == reviewer and "no conflict of interest" in change.reason
        assert allocation.history.first().history_user == reviewer

    def test_only_the_allocated_reviewer_answers(self, case, reviewer, senior, lac):
        allocate(case, reviewer, lac, senior_reviewer=senior)
        for someone in (senior, lac):
            with pytest.raises(ValidationError, match="not allocated to you"):
                case_accept(case=case, by=someone)
            with pytest.raises(ValidationError, match="not allocated to you"):
                case_decline_conflict(case=case, by=someone, reason="I know them")
        case.refresh_from_db()
        assert case.status == CaseStatus.ALLOCATED

    def test_declaring_a_conflict_returns_the_case_to_the_queue(self, case, reviewer, senior, lac):
        allocation = allocate(case, reviewer, lac, senior_reviewer=senior)
        with pytest.raises(ValidationError):
            case_decline_conflict(case=case, by=reviewer, reason=" ")
        case_decline_conflict(case=case, by=reviewer, reason="My aunt lived at the same home")
        case.refresh_from_db()
        allocation.refresh_from_db()
        assert case.status == CaseStatus.AWAITING_ALLOCATION
        assert allocation.ended_at is not None and allocation.ended_by == reviewer
        assert allocation.declined_reason == "My aunt lived at the same home"
        assert perms(reviewer, case) == set() and perms(senior, case) == set()
        change = case.status_changes.last()
        assert (change.from_status, change.to_status) == ("allocated", "awaiting_allocation")
        assert "aunt" not in change.reason  # the reviewer's words stay on the allocation
        lac_email = CaseEmail.objects.get(kind="declined")
        assert lac_email.recipient is None and lac_email.icb == case.icb

    def test_an_accepted_review_cannot_then_be_declined(self, case, reviewer, lac):
        from leder.lib.workflow import TransitionNotAllowed

        allocate(case, reviewer, lac)
        case_accept(case=case, by=reviewer)
        with pytest.raises(TransitionNotAllowed):
            case_decline_conflict(case=case, by=reviewer, reason="Too late")


class TestLateConflicts:
    def test_a_linked_organisation_re_checks_the_allocation(self, case, reviewer, senior, lac, icb):
        care = OrganisationFactory(parent_icb=icb, name="Sunrise Care")
        EmploymentFactory(profile=senior.reviewer_profile, organisation=care)
        allocation = allocate(case, reviewer, lac, senior_reviewer=senior)
        provider, flag = case_provider_add(
            case=case, organisation=care, role=ProviderRole.CARE_PROVIDER, by=lac
        )
        assert provider.added_by == lac and provider.history.get().history_user == lac
        assert flag is not None and flag.allocation == allocation and flag.provider == provider
        assert [(c["person"], c["code"]) for c in flag.conflicts] == [
            ("senior reviewer", "provider")
        ]
        assert CaseEmail.objects.filter(kind="conflict_flagged", recipient=None).exists()
        from reviews.models import Case

        assert Case.objects.filter(pk=case.pk).for_list().get().conflict_flagged

    def test_a_known_conflict_is_not_flagged_again(self, case, reviewer, lac, icb):
        EmploymentFactory(
            profile=reviewer.reviewer_profile, organisation=case.notification.gp_practice
        )
        allocate(case, reviewer, lac, override_justification="Agreed with governance")
        unrelated = OrganisationFactory(parent_icb=icb)
        _, flag = case_provider_add(
            case=case, organisation=unrelated, role=ProviderRole.HOSPITAL, by=lac
        )
        assert flag is None and not ConflictFlag.objects.exists()
        # The same organisation in a second role: still the same conflict.
        _, flag = case_provider_add(
            case=case,
            organisation=case.notification.gp_practice,
            role=ProviderRole.OTHER,
            by=lac,
        )
        assert flag is None

    def test_no_allocation_no_flag_and_no_duplicates(self, case, lac, icb):
        care = OrganisationFactory(parent_icb=icb)
        _, flag = case_provider_add(case=case, organisation=care, role="care_provider", by=lac)
        assert flag is None
        with pytest.raises(ValidationError, match="already linked"):
            case_provider_add(case=case, organisation=care, role="care_provider", by=lac)
        with pytest.raises(ValidationError):
            case_provider_add(case=case, organisation=care, role="bogus", by=lac)
        with pytest.raises(ValidationError):
            case_provider_add(case=case, organisation=icb, role="other", by=lac)

    def test_the_lac_keeps_the_reviewer_with_a_justification(self, case, reviewer, lac, icb):
        care = OrganisationFactory(parent_icb=icb)
        EmploymentFactory(profile=reviewer.reviewer_profile, organisation=care)
        allocation = allocate(case, reviewer, lac)
        _, flag = case_provider_add(case=case, organisation=care, role="care_provider", by=lac)
        with pytest.raises(ValidationError):
            conflict_flags_resolve(allocation=allocation, justification="", by=lac)
        conflict_flags_resolve(allocation=allocation, justification="Different site", by=lac)
        flag.refresh_from_db()
        assert flag.resolved_by == lac and flag.justification == "Different site"
        assert list(Allocation.objects.overridden()) == [allocation]
        with pytest.raises(ValidationError, match="already been dealt with"):
            conflict_flags_resolve(allocation=allocation, justification="Again", by=lac)

    def test_reallocation_clears_the_marker(self, case, reviewer, make_reviewer, lac, icb):
        from reviews.models import Case

        care = OrganisationFactory(parent_icb=icb)
        EmploymentFactory(profile=reviewer.reviewer_profile, organisation=care)
        first = allocate(case, reviewer, lac)
        case_provider_add(case=case, organisation=care, role="care_provider", by=lac)
        allocate(case, make_reviewer().user, lac, replacing=first)
        assert not Case.objects.filter(pk=case.pk).for_list().get().conflict_flagged


def test_an_opt_out_ends_the_allocation_and_its_grants(case, reviewer, senior, lac):
    allocation = allocate(case, reviewer, lac, senior_reviewer=senior)
    notification_opt_out(notification=case.notification, by=lac)
    allocation.refresh_from_db()
    case.refresh_from_db()
    assert case.status == CaseStatus.OPTED_OUT
    assert allocation.ended_at is not None and "Opt-Out" in allocation.end_reason
    assert perms(reviewer, case) == set() and perms(senior, case) == set()


def test_an_opt_out_removes_what_staff_typed_about_the_case(case, reviewer, lac, icb):
    from reviews.models import Case
    from reviews.services import conflict_flags_resolve

    n = case.notification
    n.place_of_death, n.place_of_death_detail = "hospital", "Leeds General Infirmary"
    n.save()
    infirmary = OrganisationFactory(parent_icb=icb, name="Leeds General Infirmary")
    EmploymentFactory(profile=reviewer.reviewer_profile, organisation=infirmary)
    first = allocate(
        case,
        reviewer,
        lac,
        override_justification="Knows Ada Testperson slightly",
        review_type_reason="Ada's family asked",
    )
    case_decline_conflict(case=case, by=reviewer, reason="I knew Ada Testperson")
    care = OrganisationFactory(parent_icb=icb)
    EmploymentFactory(profile=reviewer.reviewer_profile, organisation=care)
    second = allocate(case, reviewer, lac, override_justification="Ada again")
    case_provider_add(case=case, organisation=care, role="care_provider", by=lac)
    conflict_flags_resolve(allocation=second, justification="Ada's carer left", by=lac)

    notification_opt_out(notification=case.notification, by=lac)

    rows = [
        *Case.history.filter(id=case.pk).values(),
        *Allocation.objects.filter(case=case).values(),
        *Allocation.history.filter(case_id=case.pk).values(),
        *ConflictFlag.objects.filter(allocation__case=case).values(),
        *ConflictFlag.history.filter(allocation_id__in=[first.pk, second.pk]).values(),
    ]
    text = repr(rows)
    assert "Ada" not in text and "Leeds General Infirmary" not in text
    first.refresh_from_db()
    assert first.declined_reason and first.conflicts[0]["code"] == "place_of_death"
    assert first.ended_by == reviewer  # who and when stay


def test_profiles_default_to_a_caseload_of_four(icb):
    assert ReviewerProfileFactory.build().max_caseload == 4
