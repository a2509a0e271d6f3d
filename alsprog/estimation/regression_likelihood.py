"""The log-likelihood of a survival regression, its gradient, its maximum and its curvature.

Rows are right-censored, left-truncated and weighted as in ``alsprog.estimation.likelihood``:

    sum_i w_i [d_i log f(t_i | x_i) + (1 - d_i) log S(t_i | x_i) - log S(e_i | x_i)],

with f and S from ``RegressionSpec.bind``. The optimiser works on a centred and scaled design
(each covariate column minus its mean, over its standard deviation), a linear change of
coordinates that leaves the maximum unchanged and keeps the problem well conditioned; the
estimate and its covariance are mapped back to the caller's columns.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np
from scipy import optimize

from alsprog.estimation.fitting import GRADIENT_TOLERANCE, OPTIONS, _curvature_scale
from alsprog.estimation.likelihood import INVALID
from alsprog.estimation.regression_families import RegressionSpec

HESSIAN_STEP = 1e-6  # relative step of the forward differences of the analytic gradient
NEWTON_STEPS = 3  # polishing steps after the quasi-Newton search
POLISHED = 1e-10  # gradient per unit weight below which polishing stops


class RegressionLikelihood:
    """Minus the log-likelihood per unit weight of theta = (ancillary, beta), with its gradient.

    Parameters
    ----------
    spec : the family on its scale.
    t, died, entry, weights : years, death flags, entry years, frequency weights (one per row).
    x : design matrix (rows x coefficients), in the coordinates the optimiser uses.
    """

    def __init__(
        self,
        spec: RegressionSpec,
        t: np.ndarray,
        died: np.ndarray,
        entry: np.ndarray,
        weights: np.ndarray,
        x: np.ndarray,
    ) -> None:
        keep = weights > 0
        self._r = spec.n_spread_covariates
        self._p = x.shape[1] - self._r
        self.total_weight = float(weights.sum())
        self._parts = []
        for mask, times, which, sign in (
            (keep & died, t, 0, 1.0),
            (keep & ~died & (t > 0), t, 1, 1.0),
            (keep & (entry > 0), entry, 1, -1.0),
        ):
            if mask.any():
                rows = spec.bind(times[mask], x[mask], which)
                self._parts.append((rows, weights[mask], x[mask], sign))

    def __call__(self, theta: np.ndarray) -> tuple[float, np.ndarray]:
        """(value, gradient) per unit weight; INVALID and a zero gradient where undefined."""
        value, gradient = self.evaluate(np.asarray(theta, dtype=float), jac=True)
        if value is None:
            return INVALID, np.zeros(len(theta))
        return -value / self.total_weight, -gradient / self.total_weight

    def value(self, theta: np.ndarray) -> float:
        """Minus the total log-likelihood; inf where undefined."""
        value, _ = self.evaluate(np.asarray(theta, dtype=float), jac=False)
        return math.inf if value is None else -value

    def evaluate(self, theta: np.ndarray, jac: bool) -> tuple[float | None, np.ndarray]:
        """The total log-likelihood and its gradient (None where undefined)."""
        value, gradient = 0.0, np.zeros(theta.size)
        with np.errstate(all="ignore"):
            p, r = self._p, self._r
            m = theta.size - p - r
            for rows, weights, x, sign in self._parts:
                v, d = rows(theta, jac)
                value += sign * float(weights @ v)
                if jac:
                    if d is None:
                        return None, gradient
                    gradient[:m] += sign * (weights @ d[0])
                    gradient[m : m + p] += sign * ((weights * d[1]) @ x[:, :p])
                    if r:
                        gradient[m + p :] += sign * ((weights * d[2]) @ x[:, p:])
        if not (math.isfinite(value) and np.all(np.isfinite(gradient))):
            return None, gradient
        return value, gradient


@dataclass(frozen=True)
class Maximum:
    """Where the search stopped: theta, minus the log-likelihood there, the Hessian of minus the
    log-likelihood (None if not finite), whether the gradient vanished, and a note."""

    theta: np.ndarray
    minus_log_likelihood: float
    hessian: np.ndarray | None
    converged: bool
    message: str
    iterations: int


def maximum_likelihood(
    nll: RegressionLikelihood, starts: list[np.ndarray], probe: int | None = None
) -> Maximum | None:
    """The first converged (else the best) L-BFGS-B search over ``starts``, each on a scale set
    by the curvature at the start (as ``fit`` does; only the first ``probe`` coordinates are
    probed, the ancillary ones and the intercept, and the standardised covariates take the
    intercept's), polished by Newton steps on the finite-difference Hessian of the analytic
    gradient; None when no start gives a finite likelihood."""
    best: optimize.OptimizeResult | None = None
    for start in starts:
        if nll(start)[0] >= INVALID:
            continue
        scale = _scale(nll, start, start.size if probe is None else probe)

        def scaled(
            z: np.ndarray, start: np.ndarray = start, scale: np.ndarray = scale
        ) -> tuple[float, np.ndarray]:
            value, gradient = nll(start + scale * z)
            return value, gradient * scale

        result = optimize.minimize(
            scaled, np.zeros(start.size), jac=True, method="L-BFGS-B", options=OPTIONS
        )
        result.x = start + scale * result.x
        if result.fun < INVALID and (best is None or result.fun < best.fun):
            best = result
        if result.success and result.fun < INVALID:
            break  # the design is centred and scaled: the first start that converges will do
    if best is None:
        return None
    theta = np.asarray(best.x, dtype=float)
    value, gradient = nll(theta)
    hessian = hessian_of(nll, theta, gradient)
    for _ in range(NEWTON_STEPS):  # polish: the Hessian barely moves over such small steps
        if hessian is None or np.max(np.abs(gradient), initial=0.0) < POLISHED:
            break
        try:
            step = np.linalg.solve(hessian / nll.total_weight, gradient)
        except np.linalg.LinAlgError:
            break
        trial_value, trial_gradient = nll(theta - step)
        if not trial_value <= value + 1e-9 * abs(value):
            break
        theta, value, gradient = theta - step, trial_value, trial_gradient
    converged = bool(np.max(np.abs(gradient), initial=0.0) < GRADIENT_TOLERANCE)
    converged = converged and hessian is not None and _positive_definite(hessian)
    message = str(best.message) if not converged else "converged"
    return Maximum(theta, nll.value(theta), hessian, converged, message, int(best.nit))


def _scale(nll: RegressionLikelihood, theta: np.ndarray, probe: int) -> np.ndarray:
    """``_curvature_scale`` of the first ``probe`` coordinates; the rest take the last probed
    one's (the intercept's: standardised covariates have its spread)."""
    if probe >= theta.size:
        return _curvature_scale(nll, theta)  # type: ignore[arg-type]

    class Leading:  # the likelihood as a function of the probed coordinates only
        total_weight = nll.total_weight

        @staticmethod
        def value(head: np.ndarray) -> float:
            return nll.value(np.concatenate([head, theta[probe:]]))

    head = _curvature_scale(Leading(), theta[:probe])  # type: ignore[arg-type]
    return np.concatenate([head, np.full(theta.size - probe, head[-1])])


def hessian_of(
    nll: RegressionLikelihood, theta: np.ndarray, gradient: np.ndarray
) -> np.ndarray | None:
    """Hessian of minus the total log-likelihood by forward differences of its analytic
    gradient (``gradient``: per unit weight at theta, as ``nll`` returns it); forward steps of
    HESSIAN_STEP keep the error near 1e-6 relative, far below what standard errors need."""
    k = theta.size
    hessian = np.empty((k, k))
    base = gradient * nll.total_weight
    for i in range(k):
        h = HESSIAN_STEP * max(1.0, abs(theta[i]))
        up = theta.copy()
        up[i] += h
        value_up, grad_up = nll.evaluate(up, jac=True)
        if value_up is None:
            return None
        hessian[:, i] = (-grad_up - base) / h
    hessian = (hessian + hessian.T) / 2
    return hessian if np.all(np.isfinite(hessian)) else None


def _positive_definite(matrix: np.ndarray) -> bool:
    try:
        np.linalg.cholesky(matrix)
    except np.linalg.LinAlgError:
        return False
    return True


def standardising_map(
    x: np.ndarray, n_ancillary: int, n_spread: int = 0, spread_position: int = 0
) -> tuple[np.ndarray, np.ndarray]:
    """(z, a): the centred, scaled design z and the matrix a with theta_original =
    a @ theta_standardised. x is the design (intercept first) then ``n_spread`` columns acting
    on the ancillary entry at ``spread_position`` (its intercept); each intercept absorbs its
    columns' means."""
    p = x.shape[1] - n_spread
    mean = x.mean(axis=0)
    sd = x.std(axis=0)
    sd = np.where(sd > 0, sd, 1.0)
    mean[0], sd[0] = 0.0, 1.0
    z = (x - mean) / sd
    a = np.eye(n_ancillary + x.shape[1])
    columns = np.arange(n_ancillary, n_ancillary + x.shape[1])
    a[columns, columns] = 1 / sd
    a[n_ancillary, n_ancillary + 1 : n_ancillary + p] = -mean[1:p] / sd[1:p]
    a[spread_position, n_ancillary + p :] = -mean[p:] / sd[p:]
    return z, a
