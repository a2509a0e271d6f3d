"""Fast integrals of survival curves for translation and draws: RMST, mean, average hazard ratio.

``SurvivalModel.rmst`` integrates adaptively (scipy ``quad``), about a second for a phenotype's
population model; translating an effect over 200 parameter draws needs the same integrals
thousands of times. Here each model is evaluated once, vectorised, on one grid: Gauss-Legendre
pieces spaced geometrically from 1e-6 years and evenly (40 pieces) up to the time by which all
but 1e-10 have died, split at the horizons and the models' own change points (treatment
windows), 8 nodes a piece. The tests hold the results to scipy ``quad`` on the same curves.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from alsprog.models.base import SurvivalModel

_NODES, _WEIGHTS = np.polynomial.legendre.leggauss(8)
_TAIL = 1e-10  # survival left beyond the grid's end
_LONGEST_YEARS = 1000.0


def grid_end(models: Sequence[SurvivalModel]) -> float:
    """Years by which every model has all but ``_TAIL`` dead (capped at 1000 years)."""
    ends = []
    for model in models:
        dying = 1.0 - model.cure_fraction()
        q = float(model.quantile(min(1 - _TAIL, dying * (1 - _TAIL))))
        ends.append(q if math.isfinite(q) else _LONGEST_YEARS)
    return float(min(max(ends), _LONGEST_YEARS))


def change_points(model: SurvivalModel) -> list[float]:
    """Times where a model's hazard may jump (treatment windows), found through wrappers."""
    points = [float(p) for p in getattr(model, "points", ())]
    for _, a, d, _ in getattr(model, "windows", ()):
        points += [a, a + d]
    for attribute in ("base", "disease"):
        inner = getattr(model, attribute, None)
        if isinstance(inner, SurvivalModel):
            points += change_points(inner)
    return [p for p in points if math.isfinite(p) and p > 0]


@dataclass(frozen=True)
class Grid:
    """Quadrature on [0, end]: ``edges`` (pieces' ends, horizons among them), ``nodes`` and
    ``weights`` (flat, 8 per piece)."""

    edges: np.ndarray
    nodes: np.ndarray
    weights: np.ndarray

    @classmethod
    def build(cls, end: float, extra: Sequence[float] = ()) -> Grid:
        spacing = np.concatenate([np.geomspace(1e-6, end, 40), np.linspace(0.0, end, 41)])
        inner = np.concatenate([spacing, np.asarray(extra, dtype=float)])
        edges = np.unique(np.concatenate([[0.0, end], inner[(inner > 0) & (inner < end)]]))
        lower, width = edges[:-1], np.diff(edges)
        nodes = (lower[:, None] + 0.5 * width[:, None] * (_NODES + 1)).ravel()
        weights = (0.5 * width[:, None] * _WEIGHTS).ravel()
        return cls(edges, nodes, weights)

    @classmethod
    def for_models(cls, models: Sequence[SurvivalModel], horizons: Sequence[float]) -> Grid:
        end = grid_end(models)
        extra = [h for h in horizons if math.isfinite(h)]
        extra += [p for m in models for p in change_points(m)]
        return cls.build(end, extra)

    @property
    def end(self) -> float:
        return float(self.edges[-1])


@dataclass(frozen=True)
class Curve:
    """One model on a grid: survival and density at the nodes, survival at the edges."""

    grid: Grid
    survival_at_nodes: np.ndarray
    density_at_nodes: np.ndarray
    survival_at_edges: np.ndarray
    cured: bool

    @classmethod
    def of(cls, model: SurvivalModel, grid: Grid) -> Curve:
        points = np.concatenate([grid.nodes, grid.edges[1:]])
        with np.errstate(all="ignore"):
            cumulative, hazard = model._cumulative_hazard_and_hazard(points)
        survival = np.exp(-np.asarray(cumulative, dtype=float))
        density = np.nan_to_num(np.asarray(hazard, dtype=float) * survival)
        n = grid.nodes.size
        edges = np.concatenate([[1.0], survival[n:]])
        return cls(grid, survival[:n], density[:n], edges, model.cure_fraction() > 0)

    def survival(self, horizons: Sequence[float]) -> np.ndarray:
        """S at horizons that are grid edges (0 beyond the grid's end)."""
        h = np.asarray(horizons, dtype=float)
        at = np.searchsorted(self.grid.edges, np.minimum(h, self.grid.end))
        return np.where(h > self.grid.end, 0.0, self.survival_at_edges[at])

    def rmst(self, horizons: Sequence[float]) -> np.ndarray:
        """Restricted mean survival (years) at horizons that are grid edges; inf: the mean."""
        h = np.asarray(horizons, dtype=float)
        pieces = (self.survival_at_nodes * self.grid.weights).reshape(-1, _NODES.size).sum(axis=1)
        running = np.concatenate([[0.0], np.cumsum(pieces)])
        out = running[np.searchsorted(self.grid.edges, np.minimum(h, self.grid.end))]
        if self.cured:
            out = np.where(np.isinf(h), math.inf, out)
        return out

    def median(self) -> float:
        """Median (years) by interpolating log survival between grid points; inf if never."""
        t = np.concatenate([self.grid.edges, self.grid.nodes])
        s = np.concatenate([self.survival_at_edges, self.survival_at_nodes])
        order = np.argsort(t)
        t, s = t[order], s[order]
        below = np.flatnonzero(s <= 0.5)
        if below.size == 0:
            return math.inf
        i = int(below[0])
        if i == 0:
            return 0.0
        log_a, log_b = math.log(s[i - 1]), math.log(max(s[i], 1e-300))
        share = (math.log(0.5) - log_a) / (log_b - log_a) if log_b != log_a else 1.0
        return float(t[i - 1] + share * (t[i] - t[i - 1]))


def average_hazard_ratio(treated: Curve, control: Curve) -> float:
    """Kalbfleisch and Prentice's average hazard ratio over the whole follow-up,
    AHR = int h1 S0 S1 dt / int h0 S0 S1 dt = P(T1 < T0) / P(T0 < T1) for independent death
    times T1 (treated) and T0 (control); exactly the hazard ratio under proportional hazards.
    Both curves must be on the same grid."""
    w = treated.grid.weights
    first_treated = np.sum(w * treated.density_at_nodes * control.survival_at_nodes)
    first_control = np.sum(w * control.density_at_nodes * treated.survival_at_nodes)
    return float(first_treated / first_control)


def restricted_means(
    models: Sequence[SurvivalModel], horizons: Sequence[float] | np.ndarray
) -> np.ndarray:
    """RMST (years) of each model at each horizon (inf: the mean, inf with a cured share),
    shape (models, horizons)."""
    horizons = [float(h) for h in horizons]
    grid = Grid.for_models(models, horizons)
    return np.array([Curve.of(m, grid).rmst(horizons) for m in models]).reshape(
        len(models), len(horizons)
    )
