"""The scale generators, as a registry of named steps.

A feature adds synthetic national data by writing ``<app>/scale.py`` (found by
``autodiscover_modules("scale")``) with::

    from leder.scale import ScaleContext, scale_step

    @scale_step("reviews", after=("notifications_and_cases",))
    def generate_reviews(ctx: ScaleContext) -> dict[str, int]:
        ...  # read ctx.cases, write rows with leder.scale.bulk.copy_rows
        return {"reviews": n, "review sections": m}

A step runs in its own transaction, reads what earlier steps left in ``ctx`` (and may add
its own), and returns the rows it wrote per kind: those counts are printed, stored in the
manifest and compared by ``--reuse``. Steps need no reset code: ``--reset`` deletes the
scale organisations, staff and notifications, and with them every row that references
them, whatever table it is in (``leder.scale.bulk.delete_cascade``).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from leder.scale.context import ScaleContext

Generate = Callable[["ScaleContext"], dict[str, int]]


@dataclass(frozen=True)
class Step:
    name: str
    generate: Generate
    after: tuple[str, ...]
    description: str


_STEPS: dict[str, Step] = {}


def scale_step(name: str, *, after: tuple[str, ...] = ()) -> Callable[[Generate], Generate]:
    """Register ``generate`` as the scale step ``name``, run after the steps in ``after``."""

    def register(generate: Generate) -> Generate:
        if name in _STEPS and _STEPS[name].generate is not generate:
            raise ValueError(f"Scale step {name!r} is registered twice")
        doc = (generate.__doc__ or "").strip().splitlines()
        _STEPS[name] = Step(name, generate, tuple(after), doc[0] if doc else "")
        return generate

    return register


def discover() -> None:
    """Import every installed app's ``scale`` module (the core steps are in leder.scale)."""
    from django.utils.module_loading import autodiscover_modules

    import leder.scale.steps  # noqa: F401 - registers the core steps

    autodiscover_modules("scale")


def ordered_steps() -> list[Step]:
    """Every registered step, each after the steps it names (then by registration order)."""
    discover()
    ordered: list[Step] = []
    placed: set[str] = set()
    pending = list(_STEPS.values())
    while pending:
        ready = [s for s in pending if all(a in placed for a in s.after)]
        if not ready:
            missing = {a for s in pending for a in s.after if a not in _STEPS}
            raise ValueError(
                f"Scale steps cannot be ordered: unknown {sorted(missing)}"
                if missing
                else f"Scale steps depend on each other in a cycle: {[s.name for s in pending]}"
            )
        for step in ready:
            ordered.append(step)
            placed.add(step.name)
            pending.remove(step)
    return ordered
