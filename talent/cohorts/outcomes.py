"""Cohort outcomes compared with the other kind and with workers outside cohorts."""

from datetime import date

from talent.cohorts.models import Cohort


async def compare(*, cohort: Cohort, on: date) -> dict:
    return {}
