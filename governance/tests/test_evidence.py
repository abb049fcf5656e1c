"""Evidence of completion: files checked by the records upload code, stored under
generated names, downloaded by the people who see the action (and logged)."""

from __future__ import annotations

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from governance.models import ActionEvidence
from governance.tests.factories import make_action
from leder.models import AccessLog

pytestmark = pytest.mark.django_db

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


def upload(name: str, data: bytes, content_type: str = "application/pdf") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, data, content_type=content_type)


@pytest.fixture
def action(icb, lac):
    return make_action(icb=icb, by=lac)


def post(client, action, f):
    return client.post(reverse("governance:evidence_upload", kwargs={"pk": action.pk}), {"file": f})


def test_a_pdf_is_stored_under_a_generated_name_and_downloaded(action, lac_client):
    response = post(lac_client, action, upload("audit report.pdf", PDF))
    assert response.status_code == 302
    evidence = ActionEvidence.objects.get()
    assert evidence.name == "audit report.pdf" and evidence.content_type == "application/pdf"
    assert "audit" not in evidence.file.name and evidence.file.name.startswith(
        "governance/evidence/"
    )
    response = lac_client.get(
        reverse(
            "governance:evidence_download", kwargs={"pk": action.pk, "evidence_pk": evidence.pk}
        )
    )
    assert response.status_code == 200 and b"".join(response.streaming_content) == PDF
    assert response["X-Content-Type-Options"] == "nosniff"
    assert "attachment" in response["Content-Disposition"]
    assert AccessLog.objects.filter(action="download", user=lac_client.user).exists()


@pytest.mark.parametrize(
    ("name", "data", "message"),
    [
        ("tool.pdf", b"MZ\x90\x00\x03" + b"\x00" * 200, "is not a type of file we accept"),
        ("page.pdf", b"<html><script>alert(1)</script></html>", "is not a type of file we accept"),
        ("empty.pdf", b"", "empty"),
    ],
)
def test_bad_files_are_refused_with_a_clear_message(action, lac_client, name, data, message):
    response = post(lac_client, action, upload(name, data))
    assert response.status_code == 400
    assert message in response.content.decode()
    assert not ActionEvidence.objects.exists()


def test_a_post_larger_than_a_file_may_be_is_refused_before_it_is_read(
    action, lac_client, settings
):
    settings.LEDER_RECORDS_MAX_FILE_MB = 1
    url = reverse("governance:evidence_upload", kwargs={"pk": action.pk})
    response = lac_client.post(url, {"file": upload("big.pdf", PDF)}, CONTENT_LENGTH=str(2 * 2**20))
    assert response.status_code == 413
    page = response.content.decode()
    assert "There is a problem" in page and "The file must be smaller than 1 MB" in page
    assert not ActionEvidence.objects.exists()
    # A post within the limit is read as usual.
    assert post(lac_client, action, upload("audit.pdf", PDF)).status_code == 302


def test_the_same_file_twice_is_refused(action, lac_client):
    post(lac_client, action, upload("a.pdf", PDF))
    response = post(lac_client, action, upload("b.pdf", PDF))
    assert response.status_code == 400 and "already been uploaded" in response.content.decode()
    assert ActionEvidence.objects.count() == 1


def test_outsiders_cannot_upload_or_download(action, lac_client, outsider_client, reviewer_client):
    post(lac_client, action, upload("a.pdf", PDF))
    evidence = ActionEvidence.objects.get()
    download = reverse(
        "governance:evidence_download", kwargs={"pk": action.pk, "evidence_pk": evidence.pk}
    )
    for c in (outsider_client, reviewer_client):
        assert c.get(download).status_code == 404
        assert post(c, action, upload("c.pdf", PDF + b" ")).status_code == 404


def test_a_name_with_a_folder_path_is_refused(action, lac_client):
    boundary = "leder-boundary"
    body = (
        f"--{boundary}\r\n"
        'Content-Disposition: form-data; name="file"; filename="../../etc/passwd.txt"\r\n'
        "Content-Type: text/plain\r\n\r\nhello\r\n"
        f"--{boundary}--\r\n"
    ).encode()
    response = lac_client.post(
        reverse("governance:evidence_upload", kwargs={"pk": action.pk}),
        data=body,
        content_type=f"multipart/form-data; boundary={boundary}",
    )
    assert response.status_code == 400
    assert "has a folder path in its name" in response.content.decode()
    assert not ActionEvidence.objects.exists()


def test_the_upload_still_checks_the_csrf_token(action, lac):
    from django.test import Client

    from leder.testing import sign_in_with_mfa

    c = sign_in_with_mfa(Client(enforce_csrf_checks=True), lac)
    assert post(c, action, upload("a.pdf", PDF)).status_code == 403
    assert not ActionEvidence.objects.exists()
