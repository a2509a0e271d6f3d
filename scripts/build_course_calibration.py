"""Write the shipped course calibration (``alsprog/data/course_calibration.json``).

Runs ``alsprog.calibrate_course()`` at its defaults (the shipped targets, seed, cohort size and
budget) from ``data/course.toml``'s start values and stamps the result with the fingerprint of
its inputs (``alsprog.simulation.course_shipped``). Run it after a change to the targets, to
``data/course.toml``, to the phenotypes, or to the course's code (then bump ``MODEL_VERSION``
or ``MOMENTS_VERSION``); ``tests/simulation/test_new_course_shipped.py`` says when it is due.

    PYTHONPATH=. python scripts/build_course_calibration.py
"""

from __future__ import annotations

import time
from pathlib import Path

from alsprog.simulation import course_shipped
from alsprog.simulation.course_calibration import calibrate_course

DATA = Path(__file__).resolve().parents[1] / "alsprog" / "data"


def main() -> None:
    started = time.perf_counter()
    calibration = calibrate_course(**course_shipped.DEFAULTS)
    seconds = time.perf_counter() - started
    course_shipped.write(calibration, DATA / course_shipped.FILE)
    fitted = calibration.table[calibration.table["calibrate"]]
    print(
        f"objective {calibration.objective:.2f}; {int((fitted['z'].abs() <= 2).sum())} of "
        f"{len(fitted)} targets within 2 SE; {calibration.evaluations} evaluations in "
        f"{seconds:.0f} s; wrote {course_shipped.FILE}"
    )


if __name__ == "__main__":
    main()
