"""Benchmarks of the course calibration (`make bench`): loading the shipped fit, and with
``--course-from-scratch`` the whole ``calibrate_course()`` at its defaults (minutes)."""

from __future__ import annotations

from bench_common import best_of, record


def course(from_scratch: bool = False) -> None:
    from alsprog.simulation import course_shipped
    from alsprog.simulation.course_calibration import calibrate_course

    def load() -> object:
        course_shipped.shipped_calibration.cache_clear()
        return course_shipped.shipped_calibration(stale="raise")

    load()  # the first call pays the imports and the phenotypes' shipped draws
    record("load the shipped course calibration", best_of(load, 5), None, "", "< 0.2 s")
    if from_scratch:
        record(
            "calibrate_course() from scratch",
            best_of(lambda: calibrate_course(**course_shipped.DEFAULTS), 1),
            None,
            "",
            "< 10 min on 2 cores",
        )
