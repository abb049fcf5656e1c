"""Cases: the LAC's dashboard (queues, counts, the case list, search).

Left out, and reported so, while ``reviews:dashboard`` is not in the URLconf.
"""

from __future__ import annotations

import random
from typing import Any
from urllib.parse import urlencode

from django.urls import reverse

from leder.roles import Role
from tests.bench.journeys import Visit, journey, page, sample

DASHBOARD = "reviews:dashboard"
QUEUES = ("awaiting_allocation", "allocated", "on_hold", "awaiting_qa", "due", "completed")


@sample("case_search_terms", role=Role.LAC)
def case_search_terms(user: Any) -> list[str]:
    """Family names and references of cases in the user's ICB."""
    from reviews.models import Case

    rows = list(
        Case.objects.filter(icb_id=user.icb_id)
        .order_by("?")
        .values_list("notification__family_name", "reference")[:20]
    )
    return [name for name, _ in rows[:12] if name] + [ref for _, ref in rows[12:]] or ["Smith"]


sample("case_search_terms", role=Role.ADMINISTRATOR)(case_search_terms)


def _dashboard(visit: Visit) -> None:
    url = reverse(DASHBOARD)
    visit.get(DASHBOARD, url)
    visit.pause()
    visit.get(f"{DASHBOARD}?queue", url, queue=random.choice(QUEUES))
    visit.pause()
    visit.get(f"{DASHBOARD}?q", url, q=visit.pick("case_search_terms"))


for _role in (Role.LAC, Role.ADMINISTRATOR):
    journey("cases: dashboard, a queue, search", role=_role, weight=4, requires=(DASHBOARD,))(
        _dashboard
    )

page(DASHBOARD, role=Role.LAC, path=lambda s: reverse(DASHBOARD), growth=True, ratio_target=3)
page(
    f"{DASHBOARD}?q",
    role=Role.LAC,
    path=lambda s: reverse(DASHBOARD) + "?" + urlencode({"q": s["case_search_terms"][0]}),
    requires=(DASHBOARD,),
    growth=True,
    ratio_target=3,
)
