"""Parameter uncertainty of a landmark calibration: recalibrate to the figures redrawn.

Landmark figures act as grouped counts from a cohort of the effective sample size, so their
uncertainty is a Dirichlet over the cells (``Targets.redrawn``). One draw of the calibrated
model is the model recalibrated to one redrawn set, starting from the point estimate: a
parametric bootstrap of the calibration. It works where the Hessian does not (a calibration
with as many parameters as figures), and its spread grows as the effective sample size
shrinks. This is the one mechanism behind the phenotype band, ``alsprog.parameter_draws`` for
calibrated models, and the intervals of ``alsprog.translate``.

Draw i uses its own stream, ``default_rng(SeedSequence(seed, spawn_key=(i,)))``, so a draw does
not depend on how many others are made (or on which are cached).
"""

from __future__ import annotations

from collections.abc import Callable

import numpy as np

from alsprog.errors import FitError, InputError
from alsprog.estimation.calibration import LandmarkProblem
from alsprog.estimation.targets import Landmark, Targets
from alsprog.models.base import SurvivalModel
from alsprog.models.fit_info import FitInfo


def draw_stream(seed: int, index: int) -> np.random.Generator:
    """The generator of draw ``index`` under ``seed``."""
    return np.random.default_rng(np.random.SeedSequence(int(seed), spawn_key=(int(index),)))


def redrawn_targets(targets: Targets, seed: int, index: int) -> Targets:
    """Draw ``index``'s redrawn figures."""
    return targets.redrawn(draw_stream(seed, index))


def recalibrated(
    build: Callable[[np.ndarray], SurvivalModel], targets: Targets, start: np.ndarray
) -> np.ndarray | None:
    """The parameter vector that best reproduces ``targets``, from ``start`` alone; None when
    no model of this structure reaches them."""
    try:
        best = LandmarkProblem(build, targets).solve([np.asarray(start)], "recalibration failed")
    except FitError:
        return None
    return np.asarray(best.x, dtype=float)


def targets_of(info: FitInfo) -> Targets:
    """The landmarks a calibrated model was fitted to, rebuilt from its ``fit_info``."""
    if info.method != "landmarks" or info.landmarks is None:
        raise InputError(
            "parameter draws: this model was not calibrated to landmarks; pass a model from "
            "alsprog.calibrate or alsprog.fit"
        )
    rows = info.landmarks
    landmarks = tuple(Landmark(float(r.t), float(r.target), str(r.kind)) for r in rows.itertuples())
    return Targets("calibration", landmarks, float(info.n_observations))


def calibration_draws(model: SurvivalModel, n: int, seed: int) -> list[SurvivalModel]:
    """``n`` versions of a calibrated model, each recalibrated to redrawn figures (failed
    recalibrations are left out, so fewer may come back)."""
    info = model.fit_info
    if info is None or info.build is None or info.unconstrained is None:
        raise InputError(
            "parameter draws: this model carries no fit; pass a model from alsprog.calibrate, "
            "alsprog.fit or alsprog.phenotype"
        )
    targets = targets_of(info)
    out = []
    for i in range(n):
        theta = recalibrated(info.build, redrawn_targets(targets, seed, i), info.unconstrained)
        if theta is not None:
            out.append(info.build(theta))
    return out
