"""Synthetic national data for measuring performance (``manage.py seed_scale``).

All 42 ICBs with fictional names, about 6,500 GP practices, about 1,000 reviewers and the
rest of the staff, and N notifications over ten years with their screening, cases, status
changes and history: what the service holds after years of national use. Written with
COPY in batches; deterministic for a given ``--seed`` (dates are relative to ``--as-of``).

The generators are a registry of steps (``leder.scale.registry``): the core steps are
``organisations``, ``staff`` and ``notifications_and_cases`` (``leder.scale.steps``); a
feature adds its own in ``<app>/scale.py`` with ``@scale_step(name, after=(...))``.
"""

from leder.scale.context import ScaleContext, ScaleOptions
from leder.scale.registry import scale_step

__all__ = ["ScaleContext", "ScaleOptions", "scale_step"]
