"""The sentence printed beside each figure (and returned as `formula` by the API), one per measure."""

from talent.core.i18n import N_

HEADCOUNT = N_("Headcount: full-time workers with a spell active on the day at stations in the region.")
CERTIFICATION = N_(
    "Certification rate = active full-time workers holding a certificate obtained on or before the day ÷ headcount;"
    " per level, the highest level held."
)
TURNOVER = N_(
    "Turnover rate = separations ÷ average headcount. Separations: full-time spells ending in the period, except a"
    " transfer followed within 31 days by a spell at another station of the region. Average headcount: the mean,"
    " over the months the period touches, of (headcount on the first day + on the last day) ÷ 2. Voluntary and"
    " involuntary rates use the same denominator."
)
RETENTION = N_(
    "Retention: Kaplan–Meier survival of tenure spells in the region, from a full-time start there to the next"
    " separation there (a worker who comes back starts a new spell), censored on the report day for spells still"
    " running."
)
ATTRITION = N_(
    "First-year attrition = workers first hired into the region in the period whose tenure there ended within 365"
    " days ÷ those hires."
)
REGISTRATION = N_(
    "Registration status of the certificates of active full-time workers; a certificate counts under every status"
    " that applies (a valid registration may also be due for renewal or short of CE hours)."
)
CE = N_(
    "CE compliance = registered certificates on track ÷ registered certificates; on track: CE hours since the"
    " period began ≥ the period's required hours × the share of the period elapsed."
)
STAFFING = N_(
    "Staffing compliance = stations meeting their tier's norms (full-time workers, certified workers, workers at"
    " the minimum level) ÷ stations with a tier of their own kind. Township (street) stations are counted unless"
    " another kind is chosen."
)
KINDS = N_(
    "Per kind of station of the whole network: stations, full-time workers active on the day (a worker counts in"
    " each kind they work at), stations with a tier of their kind and those meeting it."
)
PASS_RATE = N_("Exam pass rate = results that passed the line that applied ÷ results recorded, per subject and year.")
EXIT_REASONS = N_("Separations in the period by exit type and coded reason.")
