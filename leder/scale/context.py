"""What the scale steps share: the options, seeded randomness, name pools, and the rows
earlier steps made (ids only, so 50,000 notifications cost little memory)."""

from __future__ import annotations

import datetime
import random
from dataclasses import dataclass, field
from typing import Any, Protocol

from django.utils import timezone

# Everything the scale data makes is recognisable by these, so --reset and --reuse find
# exactly it (and never the demo data or real organisations).
SCALE_EMAIL_DOMAIN = "scale.leder.example"
# ICB codes Q1A..Q2P: the ODS format of ICB codes, but a digit second, which no ICB has.
SCALE_ICB_CODE_RE = r"^Q[1-9][A-Z]$"
# Idempotency keys of scale notifications: 5ca1e000-0000-4000-8000-<12 hex digits, seq>.
SCALE_KEY_PREFIX = "5ca1e000-0000-4000-8000-"
SCALE_KEY_FIRST = SCALE_KEY_PREFIX + "000000000000"
SCALE_KEY_LAST = SCALE_KEY_PREFIX + "ffffffffffff"


def scale_key(number: int) -> str:
    return f"{SCALE_KEY_PREFIX}{number:012x}"


class Output(Protocol):
    """Where progress is written: a text stream, or a management command's stdout."""

    def write(self, text: str, /) -> Any: ...

    def flush(self) -> Any: ...


@dataclass(frozen=True)
class ScaleOptions:
    notifications: int = 50_000
    icbs: int = 42
    practices: int = 6_500
    reviewers: int = 1_000
    years: int = 10
    seed: int = 1
    as_of: datetime.date | None = None  # "today" for the data (default: today)
    batch_size: int = 5_000

    def manifest(self) -> dict[str, Any]:
        """What must match for --reuse (not the date or the batch size)."""
        return {
            "notifications": self.notifications,
            "icbs": self.icbs,
            "practices": self.practices,
            "reviewers": self.reviewers,
            "years": self.years,
            "seed": self.seed,
        }


@dataclass
class Pools:
    """Names drawn once from Faker (seeded), then sampled: fast and deterministic."""

    female: list[str]
    male: list[str]
    family: list[str]
    streets: list[str]
    towns: list[str]

    @classmethod
    def make(cls, seed: int) -> Pools:
        try:
            from faker import Faker
        except ImportError as exc:  # a dev dependency: say so rather than fail obscurely
            raise RuntimeError("seed_scale needs Faker: pip install -e '.[dev]'") from exc
        faker = Faker("en_GB")
        faker.seed_instance(seed)
        return cls(
            female=sorted({faker.first_name_female() for _ in range(1500)}),
            male=sorted({faker.first_name_male() for _ in range(1500)}),
            family=sorted({faker.last_name() for _ in range(3000)}),
            streets=sorted({faker.street_name() for _ in range(3000)}),
            towns=sorted({faker.city() for _ in range(600)}),
        )


@dataclass
class ScaleContext:
    options: ScaleOptions
    out: Output
    rng: random.Random = field(init=False)
    pools: Pools = field(init=False)
    now: datetime.datetime = field(init=False)
    today: datetime.date = field(init=False)
    # Filled by the steps, for the steps after them.
    icb_ids: list[int] = field(default_factory=list)
    icb_codes: dict[int, str] = field(default_factory=dict)
    practices_by_icb: dict[int, list[int]] = field(default_factory=dict)
    practice_postcodes: dict[int, str] = field(default_factory=dict)
    # Staff: {icb id: {role value: [user ids]}}; national roles under key None.
    staff: dict[int | None, dict[str, list[int]]] = field(default_factory=dict)
    # Per notification and case, the few facts later steps need (see steps.py).
    notifications: list[Any] = field(default_factory=list)
    cases: list[Any] = field(default_factory=list)
    shared: dict[str, Any] = field(default_factory=dict)  # anything else between steps

    def __post_init__(self) -> None:
        self.rng = random.Random(self.options.seed)  # noqa: S311 - synthetic data
        self.pools = Pools.make(self.options.seed)
        self.today = self.options.as_of or timezone.localdate()
        # The start of the day (UTC): every generated time is in the past, and the same
        # seed gives the same data all day long (not so with the clock's "now").
        self.now = min(
            timezone.now(),
            datetime.datetime.combine(self.today, datetime.time(0), tzinfo=datetime.UTC),
        )

    def say(self, message: str) -> None:
        self.out.write(message + "\n")
        self.out.flush()

    def staff_of(self, icb_id: int | None, role: str) -> list[int]:
        return self.staff.get(icb_id, {}).get(role, [])
