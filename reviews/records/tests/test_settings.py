"""The records settings are checked at start-up like every other."""

from __future__ import annotations

from leder.tests.test_settings import dev_env, manage


def test_a_bad_auto_request_setting_stops_start_up_with_one_line():
    result = manage("check", env=dev_env(LEDER_RECORDS_AUTO_REQUEST_ON="sometimes"))

    assert result.returncode == 2, result.stderr
    [line] = result.stderr.strip().splitlines()
    assert "LEDER_RECORDS_AUTO_REQUEST_ON" in line


def test_the_beat_schedule_runs_the_sweep():
    from django.conf import settings

    entry = settings.CELERY_BEAT_SCHEDULE["records-sweep"]
    assert entry["task"] == "reviews.records.tasks.sweep_record_requests"
    assert entry["schedule"] == 15 * 60
