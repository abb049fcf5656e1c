"""Role permissions for the reviews app reach the groups on a fresh database."""

from __future__ import annotations

import pytest
from django.apps import apps
from django.contrib.auth.models import Group
from django.core.management.sql import emit_post_migrate_signal

from leder.roles import ROLE_PERMISSIONS, Role

pytestmark = pytest.mark.django_db


def perms(role: Role) -> set[str]:
    group = Group.objects.get(name=role.group_name)
    return {
        f"{p.content_type.app_label}.{p.codename}"
        for p in group.permissions.select_related("content_type")
    }


def test_the_reviews_apps_post_migrate_gives_the_groups_its_permissions():
    from django.contrib.auth.models import Permission

    from leder.services.roles import sync_roles

    sync_roles()
    # A fresh database: the reviews app's permissions do not exist until its own
    # post_migrate creates them, which runs after the core app's.
    Permission.objects.filter(content_type__app_label="reviews").delete()
    for group in Group.objects.all():
        group.permissions.clear()
    emit_post_migrate_signal(verbosity=0, interactive=False, db="default")
    lac = perms(Role.LAC)
    assert {"reviews.add_allocation", "reviews.view_override_report"} <= lac
    assert lac == ROLE_PERMISSIONS[Role.LAC]
    assert "reviews.add_allocation" not in perms(Role.ADMINISTRATOR)
    assert perms(Role.GOVERNANCE_MEMBER) == {"reviews.view_override_report"}
    assert perms(Role.REVIEWER) == set()


def test_it_syncs_after_a_later_apps_post_migrate_not_only_the_cores():
    from leder.services.roles import sync_roles_after_migrate

    Group.objects.filter(name=Role.LAC.group_name).delete()
    sync_roles_after_migrate(sender=apps.get_app_config("reviews"), using="default")
    assert "reviews.add_allocation" in perms(Role.LAC)


def test_every_permission_named_exists():
    from django.contrib.auth.models import Permission

    existing = {
        f"{p.content_type.app_label}.{p.codename}"
        for p in Permission.objects.select_related("content_type")
    }
    for role, names in ROLE_PERMISSIONS.items():
        assert names <= existing, (role, names - existing)
