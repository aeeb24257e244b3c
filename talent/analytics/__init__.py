"""Measures of the workforce (DESIGN §1 "Measures"), computed in SQL at given dates over the viewer's scope, and
the report pages and JSON API that show them."""
