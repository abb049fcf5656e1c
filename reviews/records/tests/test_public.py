"""The organisation's pages: GET changes nothing; one page for every link that does not
work; rate limits; the token kept out of logs; uploading (and every bad input refused
with nothing stored); finishing with a receipt; offering a telephone conversation."""

from __future__ import annotations

import datetime
import logging

import pytest
import time_machine
from django.core import mail
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from reviews.records.models import (
    EventKind,
    PhoneOffer,
    RecordEmail,
    RecordRequestStatus,
)
from reviews.records.services import record_request_cancel
from reviews.records.tests import factories as f
from reviews.records.tests.clamd import FakeClamd
from reviews.records.tests.factories import deliver_owed
from reviews.records.tests.helpers import post_files, stored_files, upload_url

pytestmark = pytest.mark.django_db
S = RecordRequestStatus


def writes(queries):
    return [
        q["sql"]
        for q in queries
        if q["sql"].lstrip().upper().startswith(("INSERT", "UPDATE", "DELETE"))
    ]


class TestLanding:
    def test_it_shows_the_minimum_needed_to_find_the_records(self, sent, client):
        request, token = sent
        n = request.case.notification

        response = client.get(upload_url(token))

        assert response.status_code == 200
        page = response.content.decode()
        for text in (
            request.case.reference,
            "Ada Testperson",
            "17 May 1970",
            f"{n.nhs_number[:3]} {n.nhs_number[3:6]} {n.nhs_number[6:]}",
            "From 10 January 2023 to 10 January 2026",
            request.case.icb.name,
        ):
            assert text in page, text
        assert n.postcode not in page

    def test_get_changes_nothing(self, sent, client):
        request, token = sent
        events = request.events.count()

        with CaptureQueriesContext(connection) as queries:
            for name in ("upload", "phone"):
                assert client.get(upload_url(token, name)).status_code == 200

        assert writes(queries.captured_queries) == []
        request.refresh_from_db()
        assert request.status == S.SENT and request.events.count() == events

    def test_its_headers_keep_it_private(self, sent, client):
        _, token = sent
        response = client.get(upload_url(token))

        assert "no-store" in response["Cache-Control"]
        assert response["Referrer-Policy"] == "same-origin"
        assert response["X-Robots-Tag"] == "noindex, nofollow"
        assert '<meta name="robots" content="noindex, nofollow">' in response.content.decode()

    def test_the_token_is_kept_out_of_the_logs(self, sent, client, caplog):
        _, token = sent
        response = client.get(upload_url(token))
        environ = response.wsgi_request.META
        assert token not in environ["PATH_INFO"] and "[link]" in environ["PATH_INFO"]

        unknown = "x" * 43
        with caplog.at_level(logging.WARNING, logger="django.request"):
            assert client.get(upload_url(unknown)).status_code == 404
        assert caplog.records and unknown not in caplog.text

    def test_it_refuses_other_methods(self, sent, client):
        _, token = sent
        assert client.put(upload_url(token)).status_code == 405
        assert client.get(upload_url(token, "finish")).status_code == 405


class TestLinksThatDoNotWork:
    def test_unknown_expired_and_revoked_links_get_the_same_page(self, sent, make_request):
        client = Client()
        _, token = sent
        with time_machine.travel(datetime.timedelta(days=15)):
            expired = client.get(upload_url(token))
        other = make_request()
        [other_token] = deliver_owed()
        record_request_cancel(request=other, by=None, reason="test")
        revoked = client.get(upload_url(other_token))
        unknown = client.get(upload_url("A" * 43))

        def body(response):
            import re

            return re.sub(r'nonce="[^"]*"', "", response.content.decode())

        assert {r.status_code for r in (expired, revoked, unknown)} == {404}
        assert body(expired) == body(revoked) == body(unknown)
        assert "This link does not work" in body(unknown)
        for response in (expired, revoked, unknown):
            assert "no-store" in response["Cache-Control"]

    def test_every_part_of_the_link_pages_answers_the_same(self, client):
        for name in ("upload", "phone"):
            assert client.get(upload_url("A" * 43, name)).status_code == 404
        assert client.post(upload_url("A" * 43, "finish")).status_code == 404
        assert client.post(upload_url("A" * 43), {}).status_code == 404

    def test_guessing_is_rate_limited_per_client(self, sent, settings):
        settings.LEDER_RECORDS_LINK_FAILURES_PER_HOUR = 3
        _, token = sent
        guesser = Client(REMOTE_ADDR="192.0.2.1")
        for i in range(3):
            assert guesser.get(upload_url(f"{i}" * 43)).status_code == 404

        blocked = guesser.get(upload_url("9" * 43))
        assert blocked.status_code == 429 and "Too many attempts" in blocked.content.decode()
        # A working link from the same address gets the same answer (no oracle) ...
        assert guesser.get(upload_url(token)).status_code == 429
        # ... X-Forwarded-For does not change the client, and others are not affected.
        spoofed = Client(REMOTE_ADDR="192.0.2.1", HTTP_X_FORWARDED_FOR="198.51.100.7")
        assert spoofed.get(upload_url(token)).status_code == 429
        assert Client(REMOTE_ADDR="192.0.2.2").get(upload_url(token)).status_code == 200


class TestUpload:
    def test_it_stores_files_under_generated_names_and_tells_the_reviewer_nothing_yet(
        self, sent, client
    ):
        request, token = sent
        doc = f.docx()

        response = post_files(client, token, [("letter.pdf", f.PDF), ("notes.docx", doc)])

        assert response.status_code == 303
        assert response["Location"].endswith("?uploaded=2")
        files = list(request.files.order_by("pk"))
        assert [x.original_name for x in files] == ["letter.pdf", "notes.docx"]
        assert [x.file_type for x in files] == ["pdf", "docx"]
        for row in files:
            assert row.storage_name.startswith("records/")
            assert "letter" not in row.storage_name and "notes" not in row.storage_name
        assert {p.read_bytes() for p in stored_files()} == {f.PDF, doc}
        request.refresh_from_db()
        assert request.status == S.OPENED
        kinds = [e.kind for e in request.events.all()]
        assert kinds[-2:] == [EventKind.OPENED, EventKind.FILES_RECEIVED]
        assert request.events.last().detail == "2 files"
        page = client.get(response["Location"]).content.decode()
        assert "2 files uploaded" in page and "letter.pdf" in page

    def test_it_keeps_uploading_across_posts(self, sent, client):
        request, token = sent
        post_files(client, token, [("a.pdf", f.PDF)])
        post_files(client, token, [("b.png", f.PNG)])
        assert request.files.count() == 2
        assert request.events.filter(kind=EventKind.OPENED).count() == 1

    @pytest.mark.parametrize(
        ("files", "message"),
        [
            ([("archive.zip", f.plain_zip())], "archive.zip is not a type of file we accept"),
            ([("records.pdf", f.EXE)], "records.pdf is not a type of file we accept"),
            ([("page.html", f.HTML)], "page.html is not a type of file we accept"),
            ([("page.pdf", f.HTML)], "page.pdf is not a type of file we accept"),
            ([("image.svg", f.SVG)], "image.svg is not a type of file we accept"),
            ([("old.doc", f.DOC)], "old.doc is in the older Word or Office format"),
            ([("empty.pdf", b"")], "empty.pdf is empty"),
            ([("bomb.docx", f.zip_bomb())], "bomb.docx is a compressed file"),
            (
                [("../../etc/passwd.pdf", f.PDF)],
                "passwd.pdf has a folder path in its name",
            ),
            (
                [("..\\..\\windows\\win.pdf", f.PDF)],
                "win.pdf has a folder path in its name",
            ),
            ([("same.pdf", f.PDF), ("copy.pdf", f.PDF)], "copy.pdf has already been uploaded"),
            ([("good.pdf", f.PDF), ("bad.pdf", f.EXE)], "bad.pdf is not a type"),
            ([], "Select the files to upload"),
        ],
    )
    def test_it_refuses_bad_input_clearly_and_stores_nothing(self, sent, client, files, message):
        request, token = sent

        response = post_files(client, token, files)

        assert response.status_code == 200
        page = response.content.decode()
        assert "There is a problem" in page
        assert message.replace("'", "&#39;") in page, page[page.find("problem") :][:2000]
        assert not request.files.exists()
        assert stored_files() == []

    def test_it_refuses_a_file_already_uploaded_and_keeps_the_earlier_one(self, sent, client):
        request, token = sent
        post_files(client, token, [("letter.pdf", f.PDF)])

        response = post_files(client, token, [("letter again.pdf", f.PDF)])

        assert "letter again.pdf has already been uploaded" in response.content.decode()
        assert request.files.count() == 1 and len(stored_files()) == 1

    def test_it_refuses_an_oversize_file(self, sent, client, settings):
        settings.LEDER_RECORDS_MAX_FILE_MB = 1
        _request, token = sent
        big = f.PDF + b"0" * (1024 * 1024)

        response = post_files(client, token, [("big.pdf", big)])

        assert "big.pdf must be smaller than 1MB" in response.content.decode()
        assert stored_files() == []

    def test_it_refuses_too_many_files_at_once_and_in_all(self, sent, client, settings):
        settings.LEDER_RECORDS_MAX_FILES_PER_UPLOAD = 2
        settings.LEDER_RECORDS_MAX_FILES = 3
        request, token = sent
        three = [(f"{i}.txt", f"note {i}".encode()) for i in range(3)]
        assert "Select up to 2 files at a time" in post_files(client, token, three).content.decode()

        post_files(client, token, three[:2])
        response = post_files(client, token, [("x.txt", b"x note"), ("y.txt", b"y note")])

        assert "You can send up to 3 files for this request: 1 more" in response.content.decode()
        assert request.files.count() == 2 and len(stored_files()) == 2

    def test_it_refuses_a_request_total_over_the_limit(self, sent, client, settings):
        settings.LEDER_RECORDS_MAX_REQUEST_MB = 1
        _request, token = sent
        half = 600 * 1024
        files = [("a.txt", b"a" * half), ("b.txt", b"b" * half)]

        response = post_files(client, token, files)

        assert "smaller than 1MB in all" in response.content.decode()
        assert stored_files() == []

    def test_it_refuses_a_body_too_large_before_reading_it(self, sent, client, settings):
        settings.LEDER_RECORDS_MAX_FILE_MB = 1
        settings.LEDER_RECORDS_MAX_FILES_PER_UPLOAD = 1
        _request, token = sent
        files = [("a.txt", b"a" * (3 * 1024 * 1024))]

        response = post_files(client, token, files)

        assert response.status_code == 413
        assert "Nothing was uploaded" in response.content.decode()
        assert stored_files() == []

    def test_it_refuses_a_virus_and_any_scanner_error(self, sent, client, settings):
        _request, token = sent
        for mode, expected in (
            ("ok", "eicar.txt contains a virus"),
            ("error", "could not be checked for viruses"),
        ):
            server = FakeClamd(mode)
            settings.LEDER_CLAMAV_SOCKET = server.path
            try:
                response = post_files(client, token, [("eicar.txt", f.EICAR)])
            finally:
                server.close()
            assert expected in response.content.decode()
        assert stored_files() == []

    def test_files_that_pass_the_scanner_are_marked_clean(self, sent, client, settings):
        request, token = sent
        server = FakeClamd("ok")
        settings.LEDER_CLAMAV_SOCKET = server.path
        try:
            post_files(client, token, [("letter.pdf", f.PDF)])
        finally:
            server.close()
        assert request.files.get().scan == "clean"
        assert server.scanned == [f.PDF]

    def test_it_checks_the_form_came_from_our_page(self, sent):
        _, token = sent
        strict = Client(enforce_csrf_checks=True)
        response = post_files(strict, token, [("letter.pdf", f.PDF)])
        assert response.status_code == 403
        assert stored_files() == []

    def test_a_link_cancelled_while_open_stops_working(self, sent, client):
        request, token = sent
        record_request_cancel(request=request, by=None, reason="test")
        assert post_files(client, token, [("letter.pdf", f.PDF)]).status_code == 404
        assert stored_files() == []


class TestFinish:
    def test_it_completes_with_a_receipt_and_the_link_stops_working(self, sent, client):
        request, token = sent
        post_files(client, token, [("letter.pdf", f.PDF), ("scan.png", f.PNG)])

        response = client.post(upload_url(token, "finish"), {"confirm": "on"})

        assert response.status_code == 200
        page = response.content.decode()
        assert "Records sent" in page and request.case.reference in page
        assert "letter.pdf" in page and "scan.png" in page
        request.refresh_from_db()
        assert request.status == S.COMPLETED
        assert not request.links.filter(revoked_at__isnull=True).exists()
        assert client.get(upload_url(token)).status_code == 404
        email = RecordEmail.objects.get(request=request, kind=RecordEmail.Kind.COMPLETED)
        mail.outbox.clear()
        deliver_owed()
        [told] = mail.outbox
        assert told.to == [request.case.allocations.get().reviewer.email]
        assert "records received" in told.subject.lower()
        email.refresh_from_db()
        assert email.sent_at is not None

    def test_it_needs_confirmation_and_at_least_one_file(self, sent, client):
        request, token = sent
        page = client.post(upload_url(token, "finish"), {}).content.decode()
        assert "Confirm you have uploaded all the records asked for" in page

        page = client.post(upload_url(token, "finish"), {"confirm": "on"}).content.decode()
        assert "Upload at least one file before you finish" in page
        request.refresh_from_db()
        assert request.status == S.SENT  # a refused finish changes nothing


class TestPhone:
    DATA = {
        "contact_name": "Dr Pat Example",
        "job_title": "GP partner",
        "phone": "01632 960 001",
        "times": "Tuesdays 2pm to 4pm",
    }

    def test_it_offers_a_conversation_and_tells_the_reviewer(self, sent, client):
        request, token = sent

        response = client.post(upload_url(token, "phone"), self.DATA)

        assert response.status_code == 200
        assert "Telephone conversation offered" in response.content.decode()
        offer = PhoneOffer.objects.get(request=request)
        assert offer.phone == "01632 960 001" and offer.times == "Tuesdays 2pm to 4pm"
        request.refresh_from_db()
        assert request.status == S.PHONE_OFFERED
        assert request.events.last().kind == EventKind.PHONE_OFFERED
        assert client.get(upload_url(token)).status_code == 404
        mail.outbox.clear()
        deliver_owed()
        [told] = mail.outbox
        assert told.to == [request.case.allocations.get().reviewer.email]
        assert "telephone" in told.subject
        assert "01632" not in told.body  # contact details are behind sign-in

    def test_it_shows_what_is_missing(self, sent, client):
        _request, token = sent
        response = client.post(upload_url(token, "phone"), {**self.DATA, "phone": "call me"})
        assert "Enter a telephone number, like" in response.content.decode()
        response = client.post(upload_url(token, "phone"), {})
        page = response.content.decode()
        assert "Enter your name" in page and "Enter when the reviewer can call" in page
        assert not PhoneOffer.objects.exists()
