"""Core: roles, history attribution, the append-only access log, security headers, errors."""

from __future__ import annotations

import pytest
from django.contrib.auth.models import Group
from django.core.exceptions import ValidationError
from django.db import IntegrityError, InternalError, connection, transaction

from leder.lib.history import history_save
from leder.lib.workflow import TransitionTable
from leder.models import AccessLog, Organisation, OrganisationType
from leder.roles import Role
from leder.services.access_log import access_record
from leder.services.roles import sync_roles, user_set_roles
from leder.tests.factories import GPPracticeFactory, ICBFactory, UserFactory

pytestmark = pytest.mark.django_db


def test_it_has_a_group_per_role_after_migrate():
    sync_roles()
    names = set(Group.objects.values_list("name", flat=True))
    assert {r.group_name for r in Role} <= names
    sysadmin = Group.objects.get(name=Role.SYSTEM_ADMINISTRATOR.group_name)
    assert sysadmin.permissions.filter(codename="add_user").exists()
    assert not Group.objects.get(name=Role.REVIEWER.group_name).permissions.exists()


def test_it_requires_an_icb_for_icb_roles_and_none_for_national_roles(icb):
    no_icb = UserFactory(icb=None)
    with pytest.raises(ValidationError, match="Choose the ICB"):
        user_set_roles(user=no_icb, roles={Role.LAC})
    user_set_roles(user=no_icb, roles={Role.REGIONAL_COORDINATOR})
    assert no_icb.roles == {Role.REGIONAL_COORDINATOR}

    in_icb = UserFactory(icb=icb)
    with pytest.raises(ValidationError, match="National roles"):
        user_set_roles(user=in_icb, roles={Role.SYSTEM_ADMINISTRATOR})


def test_it_refuses_a_parent_icb_on_an_icb():
    parent = ICBFactory()
    with pytest.raises(IntegrityError), transaction.atomic():
        Organisation.objects.create(
            name="Bad", org_type=OrganisationType.ICB, ods_code="QZZ", parent_icb=parent
        )


def test_it_scopes_organisations_to_an_icb():
    icb, other = ICBFactory(), ICBFactory()
    mine = GPPracticeFactory(parent_icb=icb)
    GPPracticeFactory(parent_icb=other)
    assert set(Organisation.objects.in_icb(icb)) == {icb, mine}
    assert mine.icb == icb and icb.icb == icb
    assert list(Organisation.objects.gp_practices().search(mine.ods_code.lower())) == [mine]


def test_it_records_who_changed_a_record_and_why(make_user):
    user = make_user(Role.SYSTEM_ADMINISTRATOR)
    practice = GPPracticeFactory()
    practice.secure_email = "new.address@nhs.net"
    history_save(practice, by=user, reason="Practice told us its new mailbox")

    latest = practice.history.latest()
    assert latest.history_user == user
    assert latest.history_change_reason == "Practice told us its new mailbox"
    assert latest.secure_email == "new.address@nhs.net"
    assert not hasattr(practice, "_history_user")  # nothing leaks into the next save


def test_it_appends_to_the_access_log(make_user):
    user = make_user(Role.LAC)
    practice = GPPracticeFactory()
    access_record(user=user, obj=practice, detail="detail page")
    row = AccessLog.objects.for_object(practice).get()
    assert (row.user, row.action, row.detail) == (user, "view", "detail page")


def test_it_refuses_to_change_or_delete_access_log_rows(make_user):
    row = access_record(user=make_user(Role.LAC), obj=GPPracticeFactory())
    with pytest.raises(InternalError, match="append-only"), transaction.atomic():
        AccessLog.objects.filter(pk=row.pk).update(detail="tampered")
    with pytest.raises(InternalError, match="append-only"), transaction.atomic():
        AccessLog.objects.filter(pk=row.pk).delete()
    assert AccessLog.objects.filter(pk=row.pk, detail="").exists()


def test_it_lets_only_the_retention_job_delete_access_log_rows(make_user):
    row = access_record(user=make_user(Role.LAC), obj=GPPracticeFactory())
    with transaction.atomic():
        with connection.cursor() as cursor:
            cursor.execute("SET LOCAL leder.allow_access_log_delete = 'on'")
        AccessLog.objects.filter(pk=row.pk).delete()
    assert not AccessLog.objects.filter(pk=row.pk).exists()


def test_transition_tables_answer_what_is_allowed():
    table = TransitionTable({"new": ["open", "closed"], "open": ["closed"]})
    assert table.allows("new", "open")
    assert not table.allows("closed", "open")
    assert not table.allows("unknown", "open")
    assert table.targets("open") == {"closed"}
    assert table.pairs() == {("new", "open"), ("new", "closed"), ("open", "closed")}


def test_it_sends_security_headers_and_no_store_to_signed_in_pages(lac_client):
    response = lac_client.get("/", follow=True)  # the LAC's home is the case dashboard
    csp = response["Content-Security-Policy"]
    assert "frame-ancestors 'none'" in csp
    assert "'nonce-" in csp and "script-src 'self' 'nonce-" in csp
    assert "unsafe-inline" not in csp
    nonce = csp.split("'nonce-")[1].split("'")[0]
    assert f'nonce="{nonce}"' in response.content.decode()  # every inline script carries it
    assert response["X-Frame-Options"] == "DENY"
    assert response["X-Content-Type-Options"] == "nosniff"
    assert "no-store" in response["Cache-Control"]


def test_it_shows_an_nhs_page_for_not_found(client):
    response = client.get("/no-such-page/")
    assert response.status_code == 404
    body = response.content.decode()
    assert "Page not found" in body and "nhsuk-header" in body


def test_it_sends_anonymous_people_to_sign_in(client):
    response = client.get("/")
    assert response.status_code == 302
    assert response["Location"].startswith("/account/login/")


def test_it_serves_the_public_information_pages(client):
    for path in ("/accessibility", "/privacy"):
        response = client.get(path)
        assert response.status_code == 200
        assert "nhsuk-footer" in response.content.decode()
        assert client.post(path).status_code == 405


def test_it_grants_and_revokes_object_permissions(make_user):
    from leder.services.grants import object_grant, object_revoke, users_granted

    lac, user = make_user(Role.LAC), make_user(Role.REVIEWER)
    practice, other = GPPracticeFactory(), GPPracticeFactory()
    object_grant(user=user, perm="leder.view_organisation", obj=practice, by=lac)

    fresh = type(user).objects.get(pk=user.pk)  # permission caches are per instance
    assert fresh.has_perm("leder.view_organisation", practice)
    assert not fresh.has_perm("leder.view_organisation", other)
    assert not fresh.has_perm("leder.view_organisation")  # no model-wide permission
    assert list(users_granted(practice)) == [user]

    object_revoke(user=user, perm="leder.view_organisation", obj=practice, by=lac)
    fresh = type(user).objects.get(pk=user.pk)
    assert not fresh.has_perm("leder.view_organisation", practice)
