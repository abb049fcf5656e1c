"""Typed searches stay out of URLs (leder.lib.search.private_search)."""

from __future__ import annotations

from urllib.parse import parse_qs, urlsplit

import pytest
from django.urls import reverse

from leder.roles import Role
from notifications.tests.factories import NotificationFactory

pytestmark = pytest.mark.django_db
LIST = reverse("notifications:list")


@pytest.fixture
def notification(icb):
    return NotificationFactory(icb=icb)


def test_it_keeps_a_typed_nhs_number_out_of_the_url(lac_client, notification):
    response = lac_client.post(LIST, {"q": notification.nhs_number, "status": ""})
    assert response.status_code == 302
    location = response["Location"]
    assert notification.nhs_number not in location
    assert set(parse_qs(urlsplit(location).query)) == {"s"}

    page = lac_client.get(location).content.decode()
    assert notification.reference in page
    # Page links carry the token, not the number.
    assert f"q={notification.nhs_number}" not in page


def test_it_turns_an_old_bookmark_with_a_search_into_a_token(lac_client, notification):
    response = lac_client.get(LIST, {"q": notification.family_name, "status": "received"})
    assert response.status_code == 302
    query = parse_qs(urlsplit(response["Location"]).query)
    assert "q" not in query and query["status"] == ["received"]


def test_it_keeps_plain_filters_in_the_url(lac_client, notification):
    response = lac_client.get(LIST, {"status": "received"})
    assert response.status_code == 200


def test_it_starts_again_when_the_token_is_unknown(lac_client, client_for, notification):
    location = lac_client.post(LIST, {"q": notification.family_name})["Location"]
    other = client_for(Role.LAC)  # another session cannot use this token
    response = other.get(location)
    assert response.status_code == 302
    assert response["Location"] == LIST


def test_it_remembers_only_recent_searches(lac_client, notification):
    first = lac_client.post(LIST, {"q": "first"})["Location"]
    for n in range(25):
        lac_client.post(LIST, {"q": f"search {n}"})
    assert lac_client.get(first)["Location"] == LIST


def test_it_needs_the_csrf_token_to_search(notification, client_for):
    client = client_for(Role.LAC)
    client.handler.enforce_csrf_checks = True
    assert client.post(LIST, {"q": "x"}).status_code == 403
