"""What the platform's records are called in the audit log (talent.audit.present): the codes its fields hold and
each kind of record's name, read through the kind's own access filter, so the log names only what the reader may
see elsewhere (a record out of reach stays "#id"). The learning side registers its own (courses.completion.pages).
"""

from talent.audit.models import Entity
from talent.audit.present import kept_namer, register_codes, register_namer, register_summary
from talent.certification.models import CertSource, CeSource, ExamSubject, QuestionKind
from talent.cohorts.access import readable_cohorts
from talent.cohorts.models import CohortKind, MilestoneKind
from talent.core.access import Role
from talent.core.i18n import N_
from talent.pay.models import ChangeReason, Grade, Outcome, StandardStatus
from talent.people.access import workers_among_q
from talent.people.models import ExitReason, ExitType, ExperienceKind, Gender, Source, Worker
from talent.places.access import organisations_q, regions_q, stations_q, tiers_q
from talent.places.models import (
    CertLevel,
    Education,
    Organisation,
    Region,
    RegionLevel,
    Station,
    StationKind,
    StationTier,
)
from talent.supervision.access import readable_supervisors
from talent.supervision.models import Affiliation, SessionFormat

register_codes(Entity.REGION, level=RegionLevel)
register_codes(Entity.TIER, min_level=CertLevel, min_education=Education, station_kind=StationKind)
register_codes(Entity.STATION, kind=StationKind)
register_codes(Entity.WORKER, gender=Gender, education=Education, source=Source)
register_codes(Entity.SPELL, exit_type=ExitType, exit_reason=ExitReason)
register_codes(Entity.PRIOR_EXPERIENCE, kind=ExperienceKind)
register_codes(Entity.CERTIFICATE, level=CertLevel, source=CertSource)
register_codes(Entity.CE_CREDIT, source=CeSource)
register_codes(Entity.USER, role=Role)
register_codes(Entity.SUPERVISOR, affiliation_type=Affiliation, cert_level=CertLevel)
register_codes(Entity.SUPERVISION_SESSION, format=SessionFormat)
register_codes(Entity.COHORT, kind=CohortKind)
register_codes(Entity.MILESTONE, kind=MilestoneKind)
register_codes(Entity.SALARY_STANDARD, status=StandardStatus)
register_codes(Entity.PAY_ASSESSMENT, grade=Grade)
register_codes(Entity.PAY_CHANGE, reason=ChangeReason, outcome=Outcome)

# The summaries that hold codes (as their services write them): worker, level, number of a certificate; worker,
# hours, "h", kind of a CE credit; subject, question kind of a paper section; worker, reason, key of a pay decision
# (a certificate level, a year or a standard id: only a level is a code).
register_summary(Entity.CERTIFICATE, None, CertLevel, None)
register_summary(Entity.CE_CREDIT, None, None, N_("CE hours"), CeSource)
register_summary(Entity.PAPER_SECTION, None, QuestionKind)
register_summary(Entity.PAY_CHANGE, None, ChangeReason, CertLevel)


def _namer(readable, field: str = "name"):
    """A namer over a scoped queryset factory: the ids asked that the viewer reaches, with their `field`."""
    return kept_namer(lambda scope, ids: readable(scope).filter(id__in=ids).values(i="id", label=field))


# The reach asked for the named workers alone (people.access.workers_among_q), not computed whole.
_worker_names = kept_namer(lambda scope, ids: Worker.filter(workers_among_q(scope, ids)).values(i="id", label="name"))


register_namer("worker", _worker_names)
register_namer("station", _namer(lambda scope: Station.filter(stations_q(scope))))
register_namer("region", _namer(lambda scope: Region.filter(regions_q(scope))))
register_namer("organisation", _namer(lambda scope: Organisation.filter(organisations_q(scope))))
register_namer("tier", _namer(lambda scope: StationTier.filter(tiers_q(scope))))
register_namer("supervisor", _namer(readable_supervisors))
register_namer("cohort", _namer(readable_cohorts))
# The exam subjects are the national catalogue, read by everyone.
register_namer("subject", _namer(lambda scope: ExamSubject.all()))
