from django.test import RequestFactory

from leder.lib.http import declared_length


def test_declared_length_reads_the_header_without_the_body():
    factory = RequestFactory()
    assert declared_length(factory.post("/", data=b"x" * 10, content_type="text/plain")) == 10
    assert declared_length(factory.post("/", CONTENT_LENGTH="abc")) == 0
    assert declared_length(factory.get("/")) == 0
