"""Figures kept exact under a data version: the version every change to the tables they read raises, and the
figures stored under it (freshness.cached). Below every domain that stores figures (analytics, dashboard, pay)."""
