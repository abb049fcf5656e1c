"""Pages render under production's hashed static files (CompressedManifestStaticFilesStorage).

Development and test settings use plain storage, where ``static()`` of any path works; in
production a path with no manifest entry raises and every page would be a 500. This test
collects the real assets into a temporary STATIC_ROOT and renders pages with the manifest.
"""

from __future__ import annotations

import re

import pytest
from django.conf import settings
from django.core.management import call_command
from django.test import override_settings

from leder.roles import Role

pytestmark = pytest.mark.django_db

HASHED = re.compile(r'(?:href|src)="(/static/[^"]+)"')


@pytest.fixture(scope="module")
def manifest_static_root(tmp_path_factory):
    root = tmp_path_factory.mktemp("staticfiles")
    storages = {
        **settings.STORAGES,
        "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.ManifestStaticFilesStorage"},
    }
    with override_settings(STATIC_ROOT=root, STORAGES=storages, WHITENOISE_USE_FINDERS=False):
        call_command("collectstatic", interactive=False, verbosity=0)
        yield root


@pytest.mark.parametrize("path", ["/", "/notify/", "/account/login/", "/no-such-page/"])
def test_it_renders_pages_with_hashed_assets(manifest_static_root, client_for, path):
    client = client_for(Role.GOVERNANCE_MEMBER) if path == "/" else client_for()
    if path != "/":
        client.logout()
    response = client.get(path)
    assert response.status_code in {200, 404}, response.status_code
    assets = HASHED.findall(response.content.decode())
    assert assets, "the page links no static files"
    for url in assets:
        # Every asset is a hashed name that exists in the collected folder.
        assert re.search(r"\.[0-9a-f]{12}\.", url), url
        assert (manifest_static_root / url.removeprefix("/static/")).exists(), url
