"""Scale step ``organisations``: the ICBs and their GP practices."""

from __future__ import annotations

import datetime

from leder.models import Organisation, OrganisationType
from leder.scale.bulk import allocate_ids, copy_rows, history_row
from leder.scale.context import SCALE_EMAIL_DOMAIN, ScaleContext
from leder.scale.names import (
    POSTCODE_AREAS,
    PRACTICE_KINDS,
    icb_code,
    icb_names,
    postcode,
    practice_code,
)
from leder.scale.registry import scale_step

REASON = "Synthetic scale data"


def apportion(total: int, weights: list[float], *, minimum: int = 1) -> list[int]:
    """Split ``total`` into whole shares in proportion to ``weights`` (each >= minimum)."""
    if total < minimum * len(weights):
        minimum = 0
    spare = total - minimum * len(weights)
    scale = spare / sum(weights)
    shares = [minimum + int(w * scale) for w in weights]
    order = sorted(range(len(weights)), key=lambda i: (weights[i] * scale) % 1, reverse=True)
    for i in order[: total - sum(shares)]:
        shares[i] += 1
    return shares


@scale_step("organisations")
def generate_organisations(ctx: ScaleContext) -> dict[str, int]:
    """ICBs with fictional names, and GP practices spread unevenly across them."""
    options, rng = ctx.options, ctx.rng
    names = icb_names(rng, options.icbs)
    # Real ICBs range from about 50 to 450 practices: a skewed spread.
    weights = [rng.lognormvariate(0, 0.55) for _ in range(options.icbs)]
    per_icb = apportion(options.practices, weights)
    ids = allocate_ids(Organisation, options.icbs + options.practices)
    created = ctx.now - datetime.timedelta(days=365 * options.years + 30)
    areas = rng.sample(POSTCODE_AREAS, k=min(options.icbs, len(POSTCODE_AREAS)))

    icbs: list[Organisation] = []
    practices: list[Organisation] = []
    for index in range(options.icbs):
        code = icb_code(index)
        icb = Organisation(
            id=ids[index],
            ods_code=code,
            name=names[index],
            org_type=OrganisationType.ICB,
            secure_email=f"{code.lower()}.leder@{SCALE_EMAIL_DOMAIN}",
            is_active=True,
        )
        icbs.append(icb)
        ctx.icb_ids.append(icb.id)
        ctx.icb_codes[icb.id] = code
        ctx.shared.setdefault("icb_names", {})[icb.id] = icb.name
        ctx.practices_by_icb[icb.id] = []
        area = areas[index % len(areas)]
        for _ in range(per_icb[index]):
            number = len(practices)
            street = rng.choice(ctx.pools.streets)
            kind = rng.choice(PRACTICE_KINDS)
            code = practice_code(number)
            practice = Organisation(
                id=ids[options.icbs + number],
                ods_code=code,
                name=rng.choice(
                    (
                        f"{street} {kind}",
                        f"The {street} {kind}",
                        f"{rng.choice(ctx.pools.towns)} {kind}",
                        f"Dr {rng.choice(ctx.pools.family)} and Partners",
                    )
                ),
                org_type=OrganisationType.GP_PRACTICE,
                secure_email=f"{code.lower()}@{SCALE_EMAIL_DOMAIN}",
                parent_icb_id=icb.id,
                address=f"{rng.randint(1, 250)} {street}, {rng.choice(ctx.pools.towns)}",
                postcode=postcode(rng, area),
                # A few closed practices, as in the real ODS file.
                is_active=rng.random() > 0.03,
            )
            practices.append(practice)
            if practice.is_active:
                ctx.practices_by_icb[icb.id].append(practice.id)
            ctx.practice_postcodes[practice.id] = practice.postcode

    rows = [*icbs, *practices]
    copy_rows(Organisation, rows, batch_size=options.batch_size)
    copy_rows(
        Organisation.history.model,
        [history_row(o, at=created, reason=REASON) for o in rows],
        batch_size=options.batch_size,
    )
    return {"ICBs": len(icbs), "GP practices": len(practices), "history rows": len(rows)}
