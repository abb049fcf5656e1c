"""Retention: personal data destroyed at the end of its retention period (docs/adr/0011).

``leder.retention.services`` finds what is past its period (:func:`retention_plan`) and
purges it (:func:`retention_purge`), reusing the National Data Opt-Out's erasing code;
``manage.py purge_retention`` and the daily beat task (``leder.retention.tasks``) call them.
"""
