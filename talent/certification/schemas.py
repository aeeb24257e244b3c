"""Read models of certification: a worker's standing as the certificates list shows it, shared by the page,
its export and the JSON API."""

from datetime import date
from decimal import Decimal

from pydantic import BaseModel

from talent.certification.rules import CertStatus
from talent.places.models import CertLevel


class CertificateStanding(BaseModel):
    """One worker's highest certificate on the list's day: level, number, registration expiry, CE hours in the
    current period against those required, and the status the rules give (talent.certification.expressions)."""

    id: int
    worker_no: str
    name: str
    cert_level: CertLevel | None
    cert_number: str | None
    cert_expires: date | None
    cert_ce: Decimal | None
    required: Decimal | int | None
    cert_status: CertStatus
