"""Edges of the places rules that mutation testing found untested."""

from talent.places.rules import next_level


def test_a_township_has_no_level_below_it():
    assert next_level("township") is None
    assert next_level("county") == "township"
