"""Settings for the whole suite: Hypothesis draws its examples from a fixed seed, so a run
is reproducible (the same examples on every machine and every run), as every other random
test here is."""

from __future__ import annotations

from hypothesis import settings

settings.register_profile("alsprog", derandomize=True, database=None)
settings.load_profile("alsprog")
