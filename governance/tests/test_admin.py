"""The governance admin is read-only."""

from __future__ import annotations

import pytest
from django.urls import reverse

from governance.tests.factories import make_action
from leder.testing import sign_in_with_mfa
from leder.tests.factories import UserFactory

pytestmark = pytest.mark.django_db


def test_a_superuser_reads_but_cannot_change(client, meeting, icb, lac):
    action = make_action(icb=icb, by=lac)
    admin = UserFactory(is_staff=True, is_superuser=True, icb=None)
    sign_in_with_mfa(client, admin)
    for model in ("meeting", "decision", "action", "generateddocument"):
        assert client.get(reverse(f"admin:governance_{model}_changelist")).status_code == 200
        assert client.get(reverse(f"admin:governance_{model}_add")).status_code == 403
    page = client.get(reverse("admin:governance_action_change", args=[action.pk]))
    assert page.status_code == 200 and b'name="title"' not in page.content
