"""Candidates screened cheaply: who is diagnosed, and alive, at a time d after onset.

A prevalent pool is mostly empty: of patients drawn from onset and looked at a random time d
after it, most are dead or not yet diagnosed. So screening never inverts a death time: a
patient is alive at d when the FORWARD cumulative hazards are below their draws, hr_i *
H_site(d) < E_disease (``DiseaseHazard.cumulative``) and the life table's hazard from the age
at onset to age + d < E_other, which is exactly "death time > d"; the life table is asked
only about the patients the disease spared. Exact death times, the course and the visits are
then computed for the survivors alone (``sampler.treated_disease_times``, ``patient_course``).

Draws. A candidate's screening needs ``CANDIDATE_UNIFORMS`` uniforms (``candidates`` takes
them as one row per draw), turned into normals (Box-Muller) and exponentials (-log(1 - u));
the caller draws them in fixed blocks so that they never depend on how many candidates are
drawn (``trials.enrol``). Draws needed only by the few survivors are counter-based
(``hashed_uniform``: a SplitMix64 hash of the stream's key, the candidate's index and a
counter), so they cost nothing for the candidates screened out.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from alsprog.population.covariates import MAX_AGE, MIN_AGE, box_muller
from alsprog.simulation.sampler import DiseaseHazard, choose, phenotype_cells
from alsprog.simulation.subgroups import Subgroup

GRID = 8192  # prefilter: points bounding each disease cumulative hazard over the horizon
MARGIN = 1e-9  # relative: a bound sets a candidate aside only when it clears the draw by this
SMALLEST_BOUND = 1e-6  # below this cumulative hazard, no candidate is set aside (rounding)
RADIUS_BINS = 512  # prefilter table: bins of the Box-Muller radius's uniform (u3)
ANGLE_BINS = 64  # and of its angle's (u4): a multiple of 4 (quarter turns)


@dataclass(frozen=True)
class Candidates:
    """Candidates drawn from onset (arrays over candidates, years from onset).

    subgroup : index into the subgroups (phenotype). age_at_onset (years), sex (0 male, 1 female),
    diagnosis_delay_months, onset_site (index into SITES), cell (index into ``cells``, the
    disease model), hazard_ratio (prognostic factors), rate_median (points per month),
    e_disease, e_other (the Exp(1) draws the death times invert).
    """

    subgroup: np.ndarray
    age_at_onset: np.ndarray
    sex: np.ndarray
    diagnosis_delay_months: np.ndarray
    onset_site: np.ndarray
    cell: np.ndarray
    cells: tuple
    hazard_ratio: np.ndarray
    rate_median: np.ndarray
    e_disease: np.ndarray
    e_other: np.ndarray

    def take(self, rows: np.ndarray) -> Candidates:
        """The candidates at ``rows``."""
        fields = {n: getattr(self, n)[rows] for n in self.__dataclass_fields__ if n != "cells"}
        return Candidates(cells=self.cells, **fields)

    @property
    def diagnosis_time(self) -> np.ndarray:
        return self.diagnosis_delay_months / 12.0

    def disease(self) -> DiseaseHazard:
        """The untreated disease hazard of these candidates (rows 0..n-1)."""
        return DiseaseHazard(self.cell, self.cells, self.hazard_ratio, 1.0)


def candidates(subgroups: tuple[Subgroup, ...], uniforms: np.ndarray) -> Candidates:
    """Candidates from their uniforms, shape (CANDIDATE_UNIFORMS, n) (one row per draw; row 0
    is the caller's, the screening time). Demographics follow ``Population.sample``: onset age
    normal kept in [15, 100], a share of men, log-normal diagnostic delay; every phenotype
    transforms the same draws (common random numbers)."""
    u = uniforms
    z_age, z_delay = box_muller(u[3], u[4])
    subgroup_of = choose(u[1], [a.share for a in subgroups])
    n = u.shape[1]
    age, sex, delay = np.empty(n), np.empty(n, dtype=np.int8), np.empty(n)
    for j, subgroup in enumerate(subgroups):
        mine = slice(None) if len(subgroups) == 1 else subgroup_of == j
        age[mine], sex[mine], delay[mine] = subgroup.population.demographics(
            u[5][mine], z_age[mine], z_delay[mine]
        )
    cell, cells, site, hazard_ratio, rate_median = phenotype_cells(
        subgroups, subgroup_of, u[2], age, delay
    )
    e_disease, e_other = -np.log(1.0 - u[6]), -np.log(1.0 - u[7])
    return Candidates(
        subgroup_of,
        age,
        sex,
        delay,
        site,
        cell,
        cells,
        hazard_ratio,
        rate_median,
        e_disease,
        e_other,
    )


def alive_of_disease(people: Candidates, d: np.ndarray, rows: np.ndarray) -> np.ndarray:
    """True where the untreated disease has not killed the candidates at ``rows`` by ``d``
    (theirs): hr H_site(d) < E_disease."""
    return people.disease().cumulative(d, rows) < people.e_disease[rows]


@dataclass(frozen=True)
class Prefilter:
    """A cheap first look that sets aside the candidates surely dead of the disease, or surely
    not yet diagnosed, at d.

    The Box-Muller draws (u3, u4) give z_age = r cos(2 pi u4) and z_delay = r sin(2 pi u4)
    with r = sqrt(-2 log(1 - u3)). Over a bin of (u3, u4) the two normals lie in intervals
    (r grows with u3; a bin of u4 stays within a quarter turn, where cos and sin are
    monotone), which bound the onset age and the delay, hence (log-linear in both) the
    prognostic hazard ratio from below (hr_low) and the diagnosis time from below. The onset
    site is u2's alone, so with the site's H_low(d) from below, hr_low * H_low(d) >= E_disease
    means dead, and a smallest diagnosis time beyond d means undiagnosed, whatever the exact
    covariates. Only the others get ``candidates``. The bounds are tables made once per design,
    so a candidate costs a few look-ups. For one phenotype whose hazard ratio is log-linear in
    age and delay (checked when built; else no prefilter, ``build`` returns None).
    """

    hazard_ratio_low: np.ndarray  # (RADIUS_BINS * ANGLE_BINS,): hr_low per bin of (u3, u4)
    diagnosis_low: np.ndarray  # (RADIUS_BINS * ANGLE_BINS,): smallest diagnosis time, as u0
    cumulative_low: np.ndarray  # (sites * (GRID + 1),): H_low (1 - MARGIN), -1: too small
    site_edges: tuple[float, ...]  # u2 picks the site (and disease model) as ``sampler.choose``

    @classmethod
    def build(cls, subgroups: tuple[Subgroup, ...], horizon: float) -> Prefilter | None:
        """The tables for the ``subgroups`` (one, or None) screened over ``horizon`` years."""
        if len(subgroups) != 1 or subgroups[0].effects is None:
            return None
        effects, pop = subgroups[0].effects, subgroups[0].population
        ages = np.array([30.0, 60.0, 30.0, 90.0, 45.0])
        delays = np.array([10.0, 10.0, 40.0, 3.0, 100.0])
        log_hr = np.log(effects.hazard_ratio(ages, delays))
        slope_age = (log_hr[1] - log_hr[0]) / 30.0
        slope_delay = (log_hr[2] - log_hr[0]) / 30.0
        offset = log_hr[0] - 30.0 * slope_age - 10.0 * slope_delay
        linear = offset + slope_age * ages + slope_delay * delays
        if not np.allclose(linear, log_hr, rtol=0, atol=1e-9):
            return None
        z_age, z_delay = _normal_ranges()
        # in each bin, the ends of the two ranges that lower the hazard ratio
        low_age = z_age[0] if slope_age > 0 else z_age[1]
        low_delay = z_delay[0] if slope_delay > 0 else z_delay[1]
        age = np.clip(pop.onset_age_mean + pop.onset_age_sd * low_age, MIN_AGE, MAX_AGE)
        delay = pop.delay_median_months * np.exp(pop.delay_log_sd * low_delay)
        with np.errstate(invalid="ignore", over="ignore"):
            log_low = offset + slope_age * age + slope_delay * delay - 1e-9
        hr_low = np.exp(np.nan_to_num(log_low, nan=-np.inf)).ravel()
        shortest = pop.delay_median_months * np.exp(pop.delay_log_sd * z_delay[0])
        step = float(horizon) / GRID
        horizon = step * GRID  # d = u0 * horizon (GRID a power of 2: exact)
        diagnosis_low = (shortest / 12.0 / horizon * (1.0 - 1e-9)).ravel()
        # each site's H on the grid (monotone), at the step below: one step of slack
        grid = np.maximum(np.arange(GRID + 1) - 1, 0) * step
        low = np.empty((len(subgroups[0].sites), grid.size))
        for c, (_, _, model) in enumerate(subgroups[0].sites):
            with np.errstate(all="ignore"):
                low[c] = np.maximum.accumulate(np.nan_to_num(model.cumulative_hazard(grid)))
        cumulative_low = np.where(low >= SMALLEST_BOUND, low * (1.0 - MARGIN), -1.0).ravel()
        cumulative = np.cumsum([share for _, share, _ in subgroups[0].sites])
        edges = tuple(float(e) for e in (cumulative / cumulative[-1])[:-1])
        return cls(hr_low, diagnosis_low, cumulative_low, edges)

    def maybe_alive(self, u: np.ndarray) -> np.ndarray:
        """Indices (flat) of the candidates (uniforms ``u`` as ``candidates`` takes them: the
        screening time is d = u0 * horizon) not surely dead of the disease, nor surely
        undiagnosed, by d. The grid step is found from u0 alone, which may put it one step off
        d / step: the table's step of slack covers it."""
        bins = (u[3] * RADIUS_BINS).astype(np.intp) * ANGLE_BINS
        bins += (u[4] * ANGLE_BINS).astype(np.intp)
        k = (u[0] * GRID).astype(np.intp)  # u0 < 1: at most GRID - 1
        for edge in self.site_edges:  # the site's row: the count of edges <= u2, as cell
            np.add(k, GRID + 1, out=k, where=u[2] >= edge)
        bound = self.hazard_ratio_low.take(bins) * self.cumulative_low.take(k)
        maybe = bound < -np.log(1.0 - u[6])  # E_disease, as in candidates; bound < 0: unsure
        maybe &= u[0] >= self.diagnosis_low.take(bins)
        return np.flatnonzero(maybe)


def _normal_ranges() -> tuple[np.ndarray, np.ndarray]:
    """(low, high) of z_age and of z_delay, as ``candidates`` computes them, over each bin
    of (u3, u4): arrays (2, RADIUS_BINS, ANGLE_BINS), widened against rounding."""
    u3 = np.arange(RADIUS_BINS + 1) / RADIUS_BINS
    u3[-1] = np.nextafter(1.0, 0.0)  # the largest uniform drawn
    with np.errstate(divide="ignore"):
        radius = np.sqrt(-2.0 * np.log(1.0 - u3))
    r_low, r_high = radius[:-1, None] * (1 - 1e-12), radius[1:, None] * (1 + 1e-12)
    cos = np.cos((2.0 * np.pi) * np.arange(ANGLE_BINS + 1) / ANGLE_BINS)
    c_low = np.minimum(cos[:-1], cos[1:]) - 1e-12
    c_high = np.maximum(cos[:-1], cos[1:]) + 1e-12
    # sin = sqrt(1 - cos^2), falling as |cos| grows; its sign is + for u4 < 1/2
    smallest_abs = np.where(c_low * c_high <= 0, 0.0, np.minimum(abs(c_low), abs(c_high)))
    s_high = np.sqrt(np.maximum(1.0 - smallest_abs**2, 0.0)) * (1 + 1e-12)
    s_low = np.sqrt(np.maximum(1.0 - np.maximum(abs(c_low), abs(c_high)) ** 2, 0.0))
    s_low = np.maximum(s_low * (1 - 1e-12) - 1e-12, 0.0)
    ages = np.array([r * c for r in (r_low, r_high) for c in (c_low, c_high)])
    z_age = np.array([ages.min(axis=0), ages.max(axis=0)])
    upper = np.arange(ANGLE_BINS) < ANGLE_BINS // 2
    z_delay = np.where(upper, [r_low * s_low, r_high * s_high], [-r_high * s_high, -r_low * s_low])
    return z_age, z_delay


def alive_other_cause(
    subgroups: tuple[Subgroup, ...], people: Candidates, d: np.ndarray
) -> np.ndarray:
    """True where ordinary causes have not killed by ``d``: the life table's cumulative hazard
    from the age at onset over d years is below E_other (always, without a life table)."""
    alive = np.ones(d.size, dtype=bool)
    for j, subgroup in enumerate(subgroups):
        if subgroup.table is None:
            continue
        mine = np.flatnonzero(people.subgroup == j) if len(subgroups) > 1 else slice(None)
        age, sex = people.age_at_onset[mine], people.sex[mine].astype(np.intp)
        with np.errstate(invalid="ignore"):
            h = subgroup.table._cumulative_hazard_between(age, d[mine], sex)
        alive[mine] = h < people.e_other[mine]
    return alive
