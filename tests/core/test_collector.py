"""The served process's garbage collector settings (talent.core.collector)."""

import gc

from talent.core.collector import tuned_collector


def test_the_collector_waits_longer_and_skips_the_started_heap_while_tuned_then_is_as_before():
    before = gc.get_threshold()
    with tuned_collector(12_345):
        assert gc.get_threshold() == (12_345, *before[1:])
        # What was alive when the block began is frozen: a full collection no longer walks it.
        assert gc.get_freeze_count() > 1000
    assert gc.get_threshold() == before
    assert gc.get_freeze_count() == 0


def test_a_threshold_of_zero_leaves_the_collector_alone():
    before = gc.get_threshold()
    with tuned_collector(0):
        assert gc.get_threshold() == before
        assert gc.get_freeze_count() == 0
    assert gc.get_threshold() == before
