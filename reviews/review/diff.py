"""What changed between two versions of a review: every answer, episode and meeting.

``version_diff(old=, new=)`` compares the frozen content of two versions (of the same case)
and returns one ``Difference`` per question whose text differs, in task-list order.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from reviews.models import ReviewVersion

NOT_THERE = "Not in this version"


@dataclass(frozen=True)
class Difference:
    section: str  # section title ("Key episodes of care", ...)
    question: str
    before: str
    after: str

    def as_dict(self) -> dict[str, str]:
        return asdict(self)


def _section_rows(content: dict[str, Any]) -> dict[tuple[str, str], tuple[str, str, str]]:
    rows: dict[tuple[str, str], tuple[str, str, str]] = {}
    for section in content.get("sections", []):
        status = "Completed" if section.get("completed") else "Not completed"
        rows[(section["key"], "__status__")] = (section["title"], "Section status", status)
        for row in section.get("rows", []):
            rows[(section["key"], row["name"])] = (section["title"], row["label"], row["value"])
    return rows


EPISODE_FIELDS = (
    ("date_display", "Date"),
    ("setting", "Setting"),
    ("organisation", "Organisation"),
    ("what_happened", "What happened"),
    ("good_practice", "Good practice"),
    ("concerns", "Concerns"),
)


def _people(attendees: list[dict[str, str]]) -> str:
    return "\n".join(f"{a['role']} ({a['organisation']})" for a in attendees)


def _rows_of(items: list[dict[str, Any]], kind: str) -> dict[tuple[str, str], tuple[str, str, str]]:
    rows: dict[tuple[str, str], tuple[str, str, str]] = {}
    for item in items:
        if kind == "episodes":
            title = "Key episodes of care"
            name = f"Episode of {item['date_display']}"
            fields = [(f, label, str(item.get(f) or "")) for f, label in EPISODE_FIELDS]
        else:
            title = "Multi-agency meetings"
            name = f"Meeting of {item['date_display']}"
            fields = [
                ("date_display", "Date", item["date_display"]),
                ("attendees", "Who attended", _people(item.get("attendees", []))),
                ("minutes_summary", "Summary of the minutes", item.get("minutes_summary", "")),
            ]
        for field_name, label, value in fields:
            rows[(f"{kind}:{item['id']}", field_name)] = (title, f"{name}: {label}", value)
    return rows


def content_diff(old: dict[str, Any], new: dict[str, Any]) -> list[Difference]:
    found: list[Difference] = []
    if old.get("review_type") != new.get("review_type"):
        found.append(
            Difference(
                "The review",
                "Type of review",
                old.get("review_type_label", ""),
                new.get("review_type_label", ""),
            )
        )
    for getter in (
        _section_rows,
        lambda c: _rows_of(c.get("episodes", []), "episodes"),
        lambda c: _rows_of(c.get("meetings", []), "meetings"),
    ):
        before, after = getter(old), getter(new)
        for key in [*before, *(k for k in after if k not in before)]:
            b, a = before.get(key), after.get(key)
            b_text = b[2] if b else NOT_THERE
            a_text = a[2] if a else NOT_THERE
            if b_text != a_text:
                title, question, _ = a or b  # type: ignore[misc]
                found.append(Difference(title, question, b_text, a_text))
    old_comments = {(c["section"], c["at"], c["text"]): c for c in old.get("comments", [])}
    for c in new.get("comments", []):
        previous = old_comments.get((c["section"], c["at"], c["text"]))
        if previous is None:
            found.append(
                Difference(c["section_title"], "Supervision comment", NOT_THERE, c["text"])
            )
        elif previous.get("reply") != c.get("reply"):
            found.append(
                Difference(
                    c["section_title"],
                    "Answer to a supervision comment",
                    previous.get("reply") or "Not answered",
                    c.get("reply") or "Not answered",
                )
            )
    return found


def version_diff(*, old: ReviewVersion, new: ReviewVersion) -> list[Difference]:
    """Every difference between two versions of the same case's review."""
    if old.case_id != new.case_id:
        raise ValueError("Versions of different cases cannot be compared")
    return content_diff(old.content, new.content)
