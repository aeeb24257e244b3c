"""The learning side of Talent (catalog, materials, enrolment, exam prep); built on the platform."""
