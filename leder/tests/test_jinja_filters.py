from leder.jinja2 import plural


def test_plural_agrees_with_the_count():
    assert plural(0, "case") == "0 cases"
    assert plural(1, "case") == "1 case"
    assert plural(2, "case") == "2 cases"
    assert plural(1, "person", "people") == "1 person"
    assert plural(3, "person", "people") == "3 people"
