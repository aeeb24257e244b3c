"""A list's optional filters: each applies only when the viewer gave it."""


def filtered_by_given(qs, **lookups):
    """`qs` filtered by every lookup whose value was given (not empty, None or 0), all in one filter."""
    given = {lookup: value for lookup, value in lookups.items() if value}
    return qs.filter(**given) if given else qs
