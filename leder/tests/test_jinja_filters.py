from leder.jinja2 import plural


def test_plural_agrees_with_the_count():
    assert plural(0, "case") == "0 cases"
    assert plural(1, "case") == "1 case"
    assert plural(2, "case") == "2 cases"
    assert plural(1, "person", "people") == "1 person"
    assert plural(3, "person", "people") == "3 people"


def test_compiled_templates_are_kept_as_bytecode_for_the_next_process(tmp_path) -> None:
    """A new environment (a new worker) loads a template another compiled, without
    compiling it; a changed source is compiled again."""
    from jinja2 import FileSystemBytecodeCache, FileSystemLoader

    from leder.jinja2 import environment

    (tmp_path / "page.jinja").write_text("<p>{{ 1 + 1 }}</p>")
    (tmp_path / "cache").mkdir()
    cache = FileSystemBytecodeCache(str(tmp_path / "cache"))

    def fresh():
        env = environment(bytecode_cache=cache, autoescape=True)
        env.loader = FileSystemLoader(str(tmp_path))
        return env

    assert fresh().get_template("page.jinja").render() == "<p>2</p>"
    assert list((tmp_path / "cache").iterdir()), "no bytecode written"
    second = fresh()
    second.compile = None  # type: ignore[assignment,method-assign]  # would fail if called
    assert second.get_template("page.jinja").render() == "<p>2</p>"
    (tmp_path / "page.jinja").write_text("<p>{{ 2 + 2 }}</p>")
    assert fresh().get_template("page.jinja").render() == "<p>4</p>"


def test_the_projects_environment_keeps_bytecode() -> None:
    from django.template import engines
    from jinja2 import FileSystemBytecodeCache

    assert isinstance(engines["jinja2"].env.bytecode_cache, FileSystemBytecodeCache)
