"""What the report's sections share: the settings, the targets and the calibrated families,
computed once on first use; and the page's reproducibility footer."""

from __future__ import annotations

import html
from functools import cached_property
from typing import TYPE_CHECKING

import pandas as pd

from alsprog.errors import InputError
from alsprog.report.defaults import (
    COHORT_FOLLOWUP_YEARS,
    DEFAULT_PATIENTS,
    DEFAULT_REPLICATES,
    DEFAULT_SEED,
)

if TYPE_CHECKING:
    from alsprog.estimation.targets import Targets
    from alsprog.models.base import SurvivalModel


class Context:
    """What sections share, computed once on first use: the settings (seed, simulated cohort
    size, trial replicates), the targets, every family calibrated to them (best AIC first) and
    their comparison table."""

    def __init__(
        self,
        targets: Targets | None = None,
        *,
        seed: int = DEFAULT_SEED,
        n_patients: int = DEFAULT_PATIENTS,
        replicates: int = DEFAULT_REPLICATES,
    ) -> None:
        from alsprog.estimation.targets import default_targets

        for name, value, low in (
            ("seed", seed, 0),
            ("n", n_patients, 100),
            ("replicates", replicates, 10),
        ):
            if isinstance(value, bool) or not isinstance(value, int) or value < low:
                raise InputError(f"report: {name} must be a whole number >= {low} (got {value!r})")
        self.targets = default_targets() if targets is None else targets
        self.seed = seed
        self.n_patients = n_patients
        self.replicates = replicates

    @cached_property
    def cohort(self):
        """A simulated cohort of ``n_patients`` with the default mix of the motor neuron
        diseases (``phenotype="mnd"``), followed from onset for ``COHORT_FOLLOWUP_YEARS``,
        visits every 3 months."""
        from alsprog.simulation.cohort import simulate_cohort

        return simulate_cohort(
            self.n_patients, self.seed, phenotype="mnd", followup_years=COHORT_FOLLOWUP_YEARS
        )

    @cached_property
    def clinic(self):
        """A simulated ALS clinic cohort of ``n_patients`` entering at diagnosis."""
        from alsprog.simulation.cohort import simulate_cohort

        return simulate_cohort(self.n_patients, self.seed, entry="diagnosis")

    @cached_property
    def comparison(self) -> pd.DataFrame:
        """``alsprog.compare_families`` on the targets (columns as documented there)."""
        from alsprog.estimation.calibration import compare_families

        return compare_families(self.targets)

    @cached_property
    def models(self) -> dict[str, SurvivalModel]:
        """Every family calibrated to the targets, in the comparison table's order."""
        from alsprog.estimation.calibration import calibrate

        return {family: calibrate(self.targets, family) for family in self.comparison["family"]}

    @cached_property
    def landmarks(self) -> pd.DataFrame:
        """The targets as a frame. Columns: t (years), target (survival 0-1), kind, source."""
        return pd.DataFrame(
            [
                {"t": lm.t, "target": lm.survival, "kind": lm.kind, "source": lm.source}
                for lm in self.targets.landmarks
            ],
            columns=["t", "target", "kind", "source"],
        )


def reproducibility_footer(context: Context) -> str:
    """HTML: the alsprog version, the settings, the data's dates and the dependency versions."""
    from importlib.metadata import PackageNotFoundError, version

    from alsprog import __version__

    names = ("numpy", "scipy", "pandas", "lifelines", "statsmodels", "plotnine", "matplotlib")
    versions = []
    for name in names:
        try:
            versions.append(f"{name} {version(name)}")
        except PackageNotFoundError:
            versions.append(f"{name} (not installed)")
    return (
        f"<footer><p>Reproducibility: alsprog {html.escape(__version__)}; seed "
        f"{context.seed}; simulated cohort of {context.n_patients:,} patients; "
        f"{context.replicates:,} simulated trials per design point; targets "
        f"<code>{html.escape(context.targets.name)}</code>. Data: the MSD Manual (Rubin, 2019) "
        "[@rubin2019] and the papers cited beside each figure (references in the last section); "
        "ordinary mortality from the US SSA period life table for 2007 [@ssa2011]. Dependencies: "
        f"{html.escape(', '.join(versions))}. The same settings give the same tables, byte for "
        "byte.</p></footer>"
    )
