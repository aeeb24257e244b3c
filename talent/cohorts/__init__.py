"""Incubation cohorts, mentors and milestones, and the supervision sessions: what ties supervisors and
programmes to workers (talent.supervision sits below people and certification, so writes that need workers or
the CE ledger live here)."""
