"""Roles are Django groups. One enum names them; ``sync_roles`` keeps the groups in step.

ICB roles need the user's ICB; national roles (regional coordinator, system administrator)
have none.
"""

from __future__ import annotations

from django.db import models


class Role(models.TextChoices):
    LAC = "lac", "Local Area Contact"
    ADMINISTRATOR = "administrator", "LeDeR administrator"
    REVIEWER = "reviewer", "Reviewer"
    SENIOR_REVIEWER = "senior_reviewer", "Senior reviewer"
    QA_PANEL_MEMBER = "qa_panel_member", "QA panel member"
    GOVERNANCE_MEMBER = "governance_member", "Governance group member"
    REGIONAL_COORDINATOR = "regional_coordinator", "Regional coordinator"
    SYSTEM_ADMINISTRATOR = "system_administrator", "System administrator"

    @property
    def group_name(self) -> str:
        return str(self.label)

    @property
    def is_national(self) -> bool:
        return self in NATIONAL_ROLES


NATIONAL_ROLES = frozenset({Role.REGIONAL_COORDINATOR, Role.SYSTEM_ADMINISTRATOR})

# Managing the reviewer directory: profiles, employment history, declared conflicts.
REVIEWER_DIRECTORY_PERMISSIONS = frozenset(
    {
        "reviews.view_reviewerprofile",
        "reviews.add_reviewerprofile",
        "reviews.change_reviewerprofile",
        "reviews.add_employment",
        "reviews.change_employment",
        "reviews.add_declaredconflict",
        "reviews.change_declaredconflict",
    }
)

# Model permissions per role, as "app_label.codename". Later features add theirs here;
# object-level grants (a reviewer on a review) are django-guardian permissions instead.
ROLE_PERMISSIONS: dict[Role, set[str]] = {
    Role.LAC: {
        "leder.view_organisation",
        "notifications.view_notification",
        "notifications.change_notification",
        "reviews.view_case",
        # Allocation (the LAC's decision) and the override report.
        "reviews.view_allocation",
        "reviews.add_allocation",
        "reviews.view_override_report",
        # The reviewer directory and the organisations linked to a case.
        *REVIEWER_DIRECTORY_PERMISSIONS,
        "reviews.add_caseprovider",
        "reviews.view_caseprovider",
    },
    Role.ADMINISTRATOR: {
        "leder.view_organisation",
        "notifications.view_notification",
        "notifications.change_notification",
        "reviews.view_case",
        "reviews.view_allocation",
        *REVIEWER_DIRECTORY_PERMISSIONS,
        "reviews.add_caseprovider",
        "reviews.view_caseprovider",
    },
    # Reviewers reach cases through object grants (reviews.review_case, supervise_case).
    Role.REVIEWER: set(),
    Role.SENIOR_REVIEWER: set(),
    Role.QA_PANEL_MEMBER: set(),
    Role.GOVERNANCE_MEMBER: {"reviews.view_override_report"},
    Role.REGIONAL_COORDINATOR: {"leder.view_organisation", "notifications.view_notification"},
    Role.SYSTEM_ADMINISTRATOR: {
        "leder.view_organisation",
        "leder.add_organisation",
        "leder.change_organisation",
        "leder.view_user",
        "leder.add_user",
        "leder.change_user",
        "leder.view_accesslog",
        # The managed list of learning themes a review's findings choose from.
        "reviews.view_learningtheme",
        "reviews.add_learningtheme",
        "reviews.change_learningtheme",
    },
}


def role_for_group(name: str) -> Role | None:
    for role in Role:
        if role.group_name == name:
            return role
    return None
