"""The person and the death, as a notifier would describe them (synthetic)."""

from __future__ import annotations

import datetime
import random
from typing import Any

import nhs_number

from leder.scale.context import ScaleContext
from leder.scale.names import (
    CARE_CONCERNS,
    CAUSES_OF_DEATH,
    NOTIFIER_ROLES,
    PLACE_DETAILS,
    RELATIONSHIPS,
    ascii_slug,
)
from notifications.choices import (
    ContactKnows,
    Ethnicity,
    LDLevel,
    OtherProcess,
    PlaceOfDeath,
    Sex,
    YesNoNotKnown,
)

YES, NO, NOT_KNOWN = YesNoNotKnown.YES, YesNoNotKnown.NO, YesNoNotKnown.NOT_KNOWN

# Fields that describe the person and the death: a duplicate notification repeats them.
PERSON_FIELDS = (
    "given_name",
    "family_name",
    "date_of_birth",
    "nhs_number",
    "address",
    "postcode",
    "sex",
    "ethnicity",
    "learning_disability",
    "learning_disability_level",
    "autism",
    "date_of_death",
    "place_of_death",
    "place_of_death_detail",
    "gp_practice_id",
)

_ETHNICITIES = [
    (Ethnicity.WHITE_BRITISH, 80),
    (Ethnicity.WHITE_IRISH, 1),
    (Ethnicity.WHITE_OTHER, 3),
    (Ethnicity.MIXED_WHITE_BLACK_CARIBBEAN, 1),
    (Ethnicity.MIXED_OTHER, 1),
    (Ethnicity.ASIAN_INDIAN, 2),
    (Ethnicity.ASIAN_PAKISTANI, 2),
    (Ethnicity.ASIAN_BANGLADESHI, 1),
    (Ethnicity.ASIAN_OTHER, 1),
    (Ethnicity.BLACK_CARIBBEAN, 1),
    (Ethnicity.BLACK_AFRICAN, 2),
    (Ethnicity.CHINESE, 1),
    (Ethnicity.OTHER, 1),
    (Ethnicity.NOT_STATED, 2),
    (Ethnicity.NOT_KNOWN, 1),
]
_PLACES = [
    (PlaceOfDeath.HOSPITAL, 58),
    (PlaceOfDeath.HOME, 17),
    (PlaceOfDeath.CARE_HOME, 18),
    (PlaceOfDeath.HOSPICE, 4),
    (PlaceOfDeath.OTHER, 2),
    (PlaceOfDeath.NOT_KNOWN, 1),
]
_LEVELS = [
    (LDLevel.MILD, 30),
    (LDLevel.MODERATE, 30),
    (LDLevel.SEVERE, 15),
    (LDLevel.PROFOUND, 10),
    (LDLevel.NOT_KNOWN, 15),
]


def pick(rng: random.Random, weighted: list[tuple[Any, int]]) -> Any:
    values, weights = zip(*weighted, strict=True)
    return rng.choices(values, weights)[0]


def synthetic_nhs_numbers(seed: int, count: int) -> list[str]:
    """``count`` distinct NHS numbers from the synthetic (never issued) range, the same
    for the same seed. The nhs-number package draws from the ``random`` module."""
    state = random.getstate()
    random.seed(seed)
    try:
        found: dict[str, None] = {}
        while len(found) < count:
            for number in nhs_number.generate(
                for_region=nhs_number.REGION_SYNTHETIC, quantity=count - len(found) + 16
            ):
                found.setdefault(number, None)
        return list(found)[:count]
    finally:
        random.setstate(state)


def person_and_death(
    ctx: ScaleContext,
    *,
    received_on: datetime.date,
    practice_id: int | None,
    nhs: str,
) -> dict[str, Any]:
    """Answers for a new notification (model field values)."""
    rng, pools = ctx.rng, ctx.pools
    sex = pick(rng, [(Sex.MALE, 57), (Sex.FEMALE, 42), (Sex.NOT_KNOWN, 1)])
    given = rng.choice(pools.female if sex == Sex.FEMALE else pools.male)
    family = rng.choice(pools.family)
    # 2.5% are children's deaths: screened out (the child death review process instead).
    age = rng.randint(4, 17) if rng.random() < 0.025 else max(18, min(98, round(rng.gauss(61, 14))))
    died = received_on - datetime.timedelta(days=min(120, int(rng.expovariate(1 / 9))))
    born = died - datetime.timedelta(days=365 * age + age // 4 + rng.randint(1, 364))
    ld = pick(rng, [(YES, 88), (NO, 5), (NOT_KNOWN, 7)])
    autism = pick(rng, [(YES, 60), (NO, 40)]) if ld != YES else pick(rng, [(YES, 28), (NO, 72)])
    place = pick(rng, _PLACES)
    details = PLACE_DETAILS.get(place)
    detail = ""
    if details:
        detail = rng.choice(details)
        if place != PlaceOfDeath.OTHER:
            detail = f"{rng.choice(pools.towns)} {detail}"
    area = ctx.practice_postcodes.get(practice_id or 0, "LS1 1AA").split(" ")[0]
    return {
        "given_name": given,
        "family_name": family,
        "other_names": "",
        "date_of_birth": born,
        "nhs_number": nhs if rng.random() > 0.04 else "",
        "address": f"{rng.randint(1, 180)} {rng.choice(pools.streets)}, {rng.choice(pools.towns)}",
        "postcode": f"{area} {rng.randint(0, 9)}{rng.choice('ABDEFGHJLNPRSTUWXY')}"
        f"{rng.choice('ABDEFGHJLNPRSTUWXY')}",
        "sex": sex,
        "ethnicity": pick(rng, _ETHNICITIES),
        "learning_disability": ld,
        "learning_disability_level": pick(rng, _LEVELS) if ld == YES else "",
        "autism": autism,
        "date_of_death": died,
        "place_of_death": place,
        "place_of_death_detail": detail,
        "gp_practice_id": practice_id,
    }


def what_is_known(ctx: ScaleContext, family_name: str) -> dict[str, Any]:
    """The rest of the form: what is known, the family contact and the notifier."""
    rng, pools = ctx.rng, ctx.pools
    concerns = pick(rng, [(YES, 12), (NO, 70), (NOT_KNOWN, 18)])
    processes = [
        code
        for code, share in (
            (OtherProcess.CORONER, 0.15),
            (OtherProcess.SAFEGUARDING, 0.05),
            (OtherProcess.PATIENT_SAFETY, 0.04),
            (OtherProcess.POLICE, 0.01),
        )
        if rng.random() < share
    ]
    answers: dict[str, Any] = {
        "cause_of_death": rng.choice(CAUSES_OF_DEATH) if rng.random() < 0.9 else "",
        "care_concerns": concerns,
        "care_concerns_detail": rng.choice(CARE_CONCERNS) if concerns == YES else "",
        "detained_mha": pick(rng, [(YES, 4), (NO, 90), (NOT_KNOWN, 6)]),
        "detained_cjs": pick(rng, [(YES, 1), (NO, 94), (NOT_KNOWN, 5)]),
        "family_requested_review": pick(rng, [(YES, 6), (NO, 74), (NOT_KNOWN, 20)]),
        "other_processes": [str(p) for p in processes],
    }
    if rng.random() < 0.85:
        relation = rng.choice(RELATIONSHIPS)
        contact_given = rng.choice(pools.female if rng.random() < 0.6 else pools.male)
        answers |= {
            "contact_name": f"{contact_given} {family_name}",
            "contact_relationship": relation,
            "contact_phone": f"07700 900{rng.randint(0, 999):03d}",
            "contact_email": ""
            if rng.random() < 0.5
            else f"{ascii_slug(contact_given)}@example.com",
            "contact_knows": pick(
                rng, [(ContactKnows.YES, 80), (ContactKnows.NO, 8), (ContactKnows.NOT_SURE, 12)]
            ),
        }
    role, organisation = rng.choice(NOTIFIER_ROLES)
    notifier_given = rng.choice(pools.female if rng.random() < 0.7 else pools.male)
    notifier_family = rng.choice(pools.family)
    answers |= {
        "notifier_name": f"{notifier_given} {notifier_family}",
        "notifier_role": role,
        "notifier_organisation": f"{rng.choice(pools.towns)} {organisation}"
        if organisation
        else "",
        "notifier_email": f"{ascii_slug(notifier_given)}.{ascii_slug(notifier_family)}"
        "@example.nhs.uk"
        if rng.random() < 0.9
        else "",
        "notifier_phone": f"0113 496 0{rng.randint(0, 999):03d}" if rng.random() < 0.5 else "",
    }
    return answers
