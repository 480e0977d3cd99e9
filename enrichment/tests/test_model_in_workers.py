"""The French model in a task worker (issue #15): loaded once, and kept out of the garbage
collector's walks, which a full collection made over its ~480,000 objects inside a task."""

import gc

from enrichment.nlp import get_nlp


def test_the_loaded_model_is_frozen_out_of_the_collectors_generations():
    nlp = get_nlp("fr")

    assert get_nlp("fr") is nlp
    assert gc.get_freeze_count() > 100_000
    collected_generations = {id(item) for item in gc.get_objects()}
    assert id(nlp.vocab) not in collected_generations
    assert id(nlp.get_pipe("ner")) not in collected_generations


LOAD_COUNTING_COLLECTIONS = """
import gc
from enrichment.nlp import get_nlp
runs = []
gc.callbacks.append(lambda phase, info: phase == "start" and runs.append(info["generation"]))
get_nlp("fr")
print(len(runs), gc.get_threshold() == (700, 10, 10))
"""


def test_the_collector_does_not_run_while_the_model_loads_and_is_back_on_after():
    """About 900 automatic runs over the growing heap were a fifth of a load's CPU."""
    import subprocess
    import sys
    from pathlib import Path

    done = subprocess.run(  # noqa: S603 - our own interpreter and code
        [sys.executable, "-c", LOAD_COUNTING_COLLECTIONS],
        cwd=Path(__file__).resolve().parents[2],
        capture_output=True,
        text=True,
        check=True,
    )
    runs, thresholds_back = done.stdout.split()
    assert int(runs) <= 3  # the full collection before the freeze, and little else
    assert thresholds_back == "True"
