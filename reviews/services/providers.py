"""Linking organisations involved in the person's care to the case."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db import transaction

from leder.lib.history import history_save
from leder.models import Organisation, OrganisationType, User
from reviews.conflicts import conflicts_for_many
from reviews.models import Allocation, Case, CaseEmail, CaseProvider, ConflictFlag, ProviderRole
from reviews.services.emails import case_email_queue


def _seen_conflicts(allocation: Allocation) -> set[tuple[str, str]]:
    """(person, key) of every conflict the LAC already knows of for this allocation."""
    seen = {(c["person"], c["key"]) for c in allocation.conflicts}
    for flag in allocation.flags.all():
        seen |= {(c["person"], c["key"]) for c in flag.conflicts}
    return seen


@transaction.atomic
def case_provider_add(
    *, case: Case, organisation: Organisation, role: str, by: User
) -> tuple[CaseProvider, ConflictFlag | None]:
    """Link ``organisation`` to the case, then re-check the current allocation's
    conflicts of interest: a new one is recorded as a flag for the LAC (dashboard marker
    and an email to the ICB's LACs). Returns the link and the flag, if any."""
    if role not in ProviderRole.values:
        raise ValidationError({"role": ["Select the organisation's part in the person's care"]})
    if organisation.org_type == OrganisationType.ICB or not organisation.is_active:
        raise ValidationError({"organisation": ["Select an organisation involved in care"]})
    locked = Case.objects.select_for_update().get(pk=case.pk)
    if CaseProvider.objects.filter(case=locked, organisation=organisation, role=role).exists():
        raise ValidationError(
            {"organisation": ["This organisation is already linked to the case in that role"]}
        )
    provider = CaseProvider(case=locked, organisation=organisation, role=role, added_by=by)
    history_save(provider, by=by, reason="Organisation linked to the case")

    active = (
        Allocation.objects.filter(case=locked, ended_at__isnull=True)
        .select_related("reviewer", "senior_reviewer")
        .first()
    )
    if active is None:
        return provider, None
    people = [("reviewer", active.reviewer)]
    if active.senior_reviewer is not None:
        people.append(("senior reviewer", active.senior_reviewer))
    found = conflicts_for_many([u for _, u in people], locked)
    seen = _seen_conflicts(active)
    new = [
        c.as_dict(who) for who, user in people for c in found[user.pk] if (who, c.key) not in seen
    ]
    if not new:
        return provider, None
    flag = ConflictFlag(allocation=active, provider=provider, conflicts=new)
    history_save(flag, by=by, reason="Conflict of interest found after allocation")
    case_email_queue(case=locked, kind=CaseEmail.Kind.CONFLICT_FLAGGED)
    return provider, flag
