"""The user guides (docs/guide/) and the screenshots the end-to-end journey makes for them
(``make screenshots``) stay in step: every image a guide shows exists, every screenshot in
docs/guide/images/ is shown by a guide, and the screenshots are exactly the journey's steps,
numbered in order. Every guide is linked from the index, and the index from the README."""

from __future__ import annotations

import ast
import re
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
GUIDES = ROOT / "docs" / "guide"
IMAGES = GUIDES / "images"
JOURNEY = [
    ROOT / "tests" / "browser" / "test_end_to_end.py",
    ROOT / "tests" / "browser" / "steps.py",
]
ROLE_GUIDES = {
    "notifier.md",
    "gp-practice.md",
    "lac.md",
    "administrator.md",
    "reviewer.md",
    "senior-reviewer.md",
    "panel-member.md",
    "governance-member.md",
    "system-administrator.md",
}
IMAGE_RE = re.compile(r"!\[([^\]]*)\]\(([^)\s]+)\)")
LINK_RE = re.compile(r"\]\(([^)\s#]+\.md)(?:#[^)]*)?\)")


def guide_images() -> dict[str, list[str]]:
    """Guide file name → the images it shows (paths relative to docs/guide)."""
    return {path.name: IMAGE_RE.findall(path.read_text()) for path in sorted(GUIDES.glob("*.md"))}


def journey_shot_names() -> list[str]:
    """The names the journey gives its screenshots (``shot(page, "name")`` and the
    sign-in pages), read from its source."""
    names: list[str] = []
    for source in JOURNEY:
        for node in ast.walk(ast.parse(source.read_text())):
            if (
                isinstance(node, ast.Call)
                and isinstance(node.func, ast.Attribute)
                and node.func.attr == "shot"
                and len(node.args) >= 2
                and isinstance(node.args[1], ast.Constant)
            ):
                names.append(node.args[1].value)
    return names


def test_there_is_a_guide_for_every_role_and_the_index_links_them():
    assert {p.name for p in GUIDES.glob("*.md")} >= ROLE_GUIDES
    index = (GUIDES / "index.md").read_text()
    assert set(LINK_RE.findall(index)) >= ROLE_GUIDES
    assert "docs/guide/index.md" in (ROOT / "README.md").read_text()


def test_links_between_guides_work():
    for path in GUIDES.glob("*.md"):
        for target in LINK_RE.findall(path.read_text()):
            if "://" not in target:
                assert (path.parent / target).resolve().exists(), f"{path.name} links {target}"


def test_every_image_a_guide_shows_exists_and_has_alt_text():
    shown = guide_images()
    assert any(shown.values())
    for guide, images in shown.items():
        for alt, src in images:
            assert (GUIDES / src).is_file(), f"{guide} shows {src}, which does not exist"
            assert alt.strip(), f"{guide} shows {src} without alt text"


def test_every_screenshot_is_shown_by_a_guide():
    shown = {(GUIDES / src).resolve() for images in guide_images().values() for _, src in images}
    pngs = sorted(IMAGES.glob("*.png"))
    assert pngs, "no screenshots: run make screenshots"
    unshown = [p.name for p in pngs if p.resolve() not in shown]
    assert not unshown, f"screenshots no guide shows: {unshown}"


def test_the_screenshots_are_the_journeys_steps_numbered_in_order():
    """Regenerate with ``make screenshots`` when the journey's steps change."""
    names = journey_shot_names()
    assert len(names) == len(set(names)), "two steps share a screenshot name"
    files = sorted(p.name for p in IMAGES.glob("*.png"))
    numbers = [int(name[:2]) for name in files]
    assert numbers == list(range(1, len(files) + 1)), files
    assert sorted(name[3:-4] for name in files) == sorted(names), (
        "docs/guide/images is stale: run make screenshots"
    )


def test_the_screenshots_stay_small():
    sizes = [p.stat().st_size for p in IMAGES.glob("*.png")]
    assert max(sizes) < 150_000 and sum(sizes) < 3_000_000, sizes
