"""What every domain may use and which knows no domain and no web: text rules, and (as the architecture moves
them here) errors, locale, clock, pagination, storage and bulk writes."""
