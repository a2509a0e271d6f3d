"""Bit-for-bit fingerprints of the simulated outputs, to check a refactoring changes none of them.

    python scripts/reference_outputs.py --write before.json   # on the old code
    python scripts/reference_outputs.py --check before.json   # on the new code: exit 1 on a change

Each case (cohorts from onset and from diagnosis with effects, several seeds and phenotype
mixes, cohorts over more than one block, user uptake shares, trials from ``simulate_trial``,
``power`` tables, the edaravone trial selection, a prognosis with a preset) is reduced to a
SHA-256 of every column's name, dtype and raw bytes (floats bit for bit). The fingerprints are
for comparing two versions of the code on one machine (another libm may change the last bit of
a float), so no test asserts them.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import sys
import time
from collections.abc import Callable

import numpy as np
import pandas as pd


def fingerprint(frame: pd.DataFrame) -> str:
    """SHA-256 over the columns' names, dtypes and values (floats by their bytes)."""
    digest = hashlib.sha256()
    digest.update(repr(list(frame.columns)).encode())
    digest.update(str(len(frame)).encode())
    for name in frame.columns:
        column = frame[name]
        digest.update(f"{name}:{column.dtype}".encode())
        values = column.to_numpy()
        if values.dtype.kind in "biufcmM":
            digest.update(np.ascontiguousarray(values).tobytes())
        else:
            digest.update("\x00".join(map(repr, values.tolist())).encode())
    return digest.hexdigest()


def cases() -> dict[str, Callable[[], dict[str, pd.DataFrame]]]:
    import alsprog
    from alsprog.interventions import HazardRatio, SlopeReduction, TimeRatio, edaravone, riluzole

    def cohort(n: int, seed: int, **options: object) -> Callable[[], dict[str, pd.DataFrame]]:
        def run() -> dict[str, pd.DataFrame]:
            c = alsprog.simulate_cohort(n, seed, **options)
            return {"patients": c.patients, "visits": c.visits, "summary": c.summary()}

        return run

    design = alsprog.TrialDesign(
        300,
        effect=riluzole(),
        followup_years=1.5,
        visit_interval_weeks=4,
        eligibility=alsprog.Eligibility(max_disease_duration_years=2, min_item_score=2),
    )
    plain = alsprog.TrialDesign(150, effect=HazardRatio(0.7))
    slowed = alsprog.TrialDesign(
        120, effect=SlopeReduction(0.3, start_years=0.1) & HazardRatio(0.8), dropout_per_year=0.1
    )

    def trial(d: object, seed: int) -> Callable[[], dict[str, pd.DataFrame]]:
        def run() -> dict[str, pd.DataFrame]:
            t = alsprog.simulate_trial(d, seed)
            return {
                "patients": t.patients,
                "visits": t.visits,
                "analysis": alsprog.analyse_trial(t),
            }

        return run

    def power(d: object, replicates: int, seed: int, **options: object):
        return lambda: {"power": alsprog.power(d, replicates, seed, **options)}

    def selection() -> dict[str, pd.DataFrame]:
        from alsprog.outcomes.course_measures import selected_trial_population

        return {"selection": selected_trial_population(edaravone(), 300, 1)}

    def outlook() -> dict[str, pd.DataFrame]:
        p = alsprog.prognosis("als", age_at_onset=60, years_since_onset=1.5, treatment="riluzole")
        summary = pd.DataFrame({"median": [p.median_remaining_years], "inputs": [repr(p.inputs)]})
        return {"curve": p.curve, "summary": summary}

    found: dict[str, Callable[[], dict[str, pd.DataFrame]]] = {}
    for seed in (0, 1, 7):
        found[f"cohort_onset_s{seed}"] = cohort(2000, seed)
        found[f"cohort_diagnosis_effects_s{seed}"] = cohort(
            2000,
            seed,
            entry="diagnosis",
            followup_years=2.0,
            dropout_per_year=0.05,
            effect=riluzole() & SlopeReduction(0.3, duration_years=1.0),
        )
    found["cohort_onset_two_blocks"] = cohort(20_000, 3, visit_interval_months=6.0)
    found["cohort_diagnosis_mnd_time_ratio"] = cohort(
        3000, 4, entry="diagnosis", phenotype="mnd", effect=TimeRatio(1.2)
    )
    found["cohort_mix_window"] = cohort(
        2000,
        5,
        phenotype={"als_bulbar": 0.4, "pma": 0.6},
        effect=HazardRatio(0.6, start_years=0.5, duration_years=1.0, from_diagnosis=True),
    )
    found["cohort_model"] = cohort(1500, 6, model=alsprog.calibrate(), entry="diagnosis")
    found["cohort_uptake_hazard_ratio"] = cohort(
        2000,
        8,
        uptake={"niv": {"bulbar": 0.8}, "gastrostomy": 0.4, "tracheostomy": 0.1},
        effect=HazardRatio(0.7),
    )
    for seed in (1, 2):
        found[f"trial_readme_s{seed}"] = trial(design, seed)
    found["trial_plain_s3"] = trial(plain, 3)
    found["trial_slowed_s4"] = trial(slowed, 4)
    found["power_readme_all"] = power(design, 16, 1)
    found["power_plain_logrank"] = power(plain, 300, 2, endpoints="logrank")
    found["power_slowed_function"] = power(slowed, 24, 5, endpoints=["slope", "ancova_24w", "cafs"])
    found["edaravone_selection"] = selection
    found["prognosis_riluzole"] = outlook
    return found


def compute(only: str | None = None) -> dict[str, dict[str, str]]:
    out = {}
    for name, run in cases().items():
        if only and only not in name:
            continue
        start = time.perf_counter()
        out[name] = {k: fingerprint(v) for k, v in run().items()}
        print(f"{name}: {time.perf_counter() - start:.1f} s", file=sys.stderr)
    return out


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    group = parser.add_mutually_exclusive_group(required=True)
    group.add_argument("--write", help="write the fingerprints to this JSON file")
    group.add_argument("--check", help="compare with the fingerprints in this JSON file")
    parser.add_argument("--only", help="only the cases whose name contains this")
    args = parser.parse_args()
    found = compute(args.only)
    if args.write:
        with open(args.write, "w", encoding="utf-8") as handle:
            json.dump(found, handle, indent=1, sort_keys=True)
        return 0
    with open(args.check, encoding="utf-8") as handle:
        expected = json.load(handle)
    changed = [
        f"{case}.{part}"
        for case, parts in found.items()
        for part, digest in parts.items()
        if expected.get(case, {}).get(part) != digest
    ]
    print("identical" if not changed else f"CHANGED: {', '.join(changed)}")
    return 1 if changed else 0


if __name__ == "__main__":
    sys.exit(main())
