"""Views read patient data only through the scoped accessors (docs: ARCHITECTURE "Access").

Patient-data models are derived from a short list of roots: every model of the project
that points, directly or through other models, at a notification, a case, a record
request, a meeting or an action (their history tables and object-permission tables
included). A view module (``*/views.py``, ``*/views/*.py``) that names one of them with
``.objects`` (or ``_default_manager``, ``_base_manager``, ``get_object_or_404``) fails here:
put the read in the app's ``access.py`` (``get_<model>_for_user``) or a ``visible_to``
queryset and call that.
"""

from __future__ import annotations

import ast
from collections.abc import Iterator
from pathlib import Path

from django.apps import apps
from django.conf import settings
from django.db import models

ROOTS = (
    "notifications.Notification",
    "reviews.Case",
    "records.RecordRequest",
    "governance.Meeting",
    "governance.Action",
)
PROJECT_APPS = ("leder", "notifications", "reviews", "records", "governance")
MANAGER_ATTRS = {"objects", "_default_manager", "_base_manager"}
SHORTCUTS = {"get_object_or_404", "get_list_or_404"}

# Reads in view modules that go straight to a model, each scoped by an object the view got
# through an accessor first. Empty: governance's moved into governance/access.py. This list
# may only shrink: an entry that no longer occurs fails the test until it is removed.
KNOWN: dict[tuple[str, str], str] = {}


def patient_data_models() -> set[type[models.Model]]:
    """The roots and every project model with a relation path to one of them."""
    project = [m for m in apps.get_models() if m._meta.app_label in PROJECT_APPS]
    found = {apps.get_model(label) for label in ROOTS}
    grew = True
    while grew:
        grew = False
        for model in project:
            if model in found:
                continue
            targets = {
                f.related_model
                for f in model._meta.get_fields()
                if f.is_relation and f.concrete and f.related_model is not None
            }
            if targets & found:
                found.add(model)
                grew = True
    return found


def view_modules() -> Iterator[Path]:
    base = Path(settings.BASE_DIR)
    for app in ("leder", "notifications", "reviews", "governance"):
        root = base / app
        for path in root.rglob("*.py"):
            parts = path.relative_to(base).parts
            if "tests" in parts or "migrations" in parts:
                continue
            if path.name == "views.py" or "views" in parts[:-1]:
                yield path


def direct_reads(path: Path, names: set[str]) -> Iterator[tuple[int, str]]:
    tree = ast.parse(path.read_text(), filename=str(path))
    for node in ast.walk(tree):
        if (
            isinstance(node, ast.Attribute)
            and node.attr in MANAGER_ATTRS
            and isinstance(node.value, ast.Name)
            and node.value.id in names
        ):
            yield node.lineno, node.value.id
        if (
            isinstance(node, ast.Call)
            and isinstance(node.func, ast.Name)
            and node.func.id in SHORTCUTS
            and node.args
            and isinstance(node.args[0], ast.Name)
            and node.args[0].id in names
        ):
            yield node.lineno, node.args[0].id


def test_the_derived_list_holds_the_patient_data_models() -> None:
    names = {m.__name__ for m in patient_data_models()}
    expected = {
        "Notification",
        "Case",
        "Allocation",
        "ReviewSection",
        "KeyEpisode",
        "ReviewVersion",
        "SupervisionComment",
        "CaseHold",
        "RecordRequest",
        "RecordFile",
        "UploadLink",
        "Meeting",
        "MeetingMember",
        "AgendaItem",
        "Decision",
        "Action",
        "ActionEvidence",
        "GeneratedDocument",
        "HistoricalCase",
        "CaseUserObjectPermission",
    }
    assert expected <= names, sorted(expected - names)
    assert not names & {"User", "Organisation", "LearningTheme", "AccessLog"}


def test_views_read_patient_data_only_through_the_accessors() -> None:
    names = {m.__name__ for m in patient_data_models()}
    base = Path(settings.BASE_DIR)
    found: dict[tuple[str, str], list[int]] = {}
    for path in view_modules():
        for line, name in direct_reads(path, names):
            found.setdefault((str(path.relative_to(base)), name), []).append(line)
    unexpected = {k: v for k, v in found.items() if k not in KNOWN}
    assert not unexpected, (
        "Views reading patient-data models directly (use the app's access.py accessor, or "
        "add one there):\n"
        + "\n".join(
            f"  {path}:{lines} {name}.objects" for (path, name), lines in unexpected.items()
        )
    )
    gone = sorted(set(KNOWN) - set(found))
    assert not gone, f"Remove these from KNOWN in {__file__}, they are fixed: {gone}"


def test_the_check_finds_a_direct_read(tmp_path: Path) -> None:
    sample = tmp_path / "views.py"
    sample.write_text(
        "from reviews.models import Case\n"
        "def page(request, ref):\n"
        "    a = Case.objects.get(reference=ref)\n"
        "    b = get_object_or_404(Case, reference=ref)\n"
        "    c = case_for(request.user).objects\n"
    )
    assert sorted(direct_reads(sample, {"Case"})) == [(3, "Case"), (4, "Case")]
