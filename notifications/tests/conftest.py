import datetime
import zoneinfo

import pytest

TODAY = datetime.datetime(2026, 3, 1, 12, 0, tzinfo=zoneinfo.ZoneInfo("Europe/London"))


@pytest.fixture(autouse=True)
def _today(time_machine):
    """Notification tests run on 1 March 2026 (deaths in the factories are in January)."""
    time_machine.move_to(TODAY, tick=False)
