"""Writes for the exam catalogue, national exam results, certificates, registrations and the CE ledger.

One transaction each, every change audited. The rules (DESIGN §1):
- a result passes when its score reaches the pass line for its subject, year and region;
- a level is passed when every subject of it is passed within `carry_over_years` consecutive exam years
  (assistant 1, intermediate 2); then a certificate of that level is created, once;
- first registration within `first_registration_months` of the certificate; a registration is valid
  `registration_valid_years`; renewal is accepted in the `renewal_window_months` before expiry and needs
  `ce_hours_per_period` hours credited in the period.
"""

from tortoise.transactions import in_transaction

from talent.certification import defaults
from talent.certification.models import EligibilityRule, ExamLevel, ExamSubject, ExamYear, PaperSection

_MODELS = {
    "ExamLevel": ExamLevel,
    "ExamSubject": ExamSubject,
    "PaperSection": PaperSection,
    "ExamYear": ExamYear,
    "EligibilityRule": EligibilityRule,
}


async def catalogue_seed() -> int:
    """Add the default exam catalogue rows that are missing (idempotent); returns how many were added."""
    async with in_transaction():
        return await defaults.seed_catalogue(_MODELS.__getitem__)
