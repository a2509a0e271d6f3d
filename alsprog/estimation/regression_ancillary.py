"""Covariates on the shape of a proportional-hazards family (flexsurv's ``anc=`` for
``weibullPH`` and ``gompertz``).

With ``scale="ph"`` and ``anc=``, each row has its own shape as well as its own hazard
multiplier: with eta = x beta (log hazard ratio at the reference shape) and a = a0 + z alpha,

- Weibull: log shape = a, H(t | x, z) = exp(eta) t ** exp(a) (t in years);
- Gompertz: shape = a (per year, on its own scale, as flexsurv's identity link), rate exp(eta),
  H(t | x, z) = exp(eta) (exp(a t) - 1) / a.

The hazards are then no longer proportional across the anc covariates: exp(beta) is a hazard
ratio only between rows with the same shape. ``ph_shape_rows`` gives log f or log S per row
and their derivatives in the parts ``RegressionSpec.bind`` returns (d/d ancillary, d/d eta,
d/d the shape entry), closed forms in a and eta.
"""

from __future__ import annotations

from collections.abc import Callable

import numpy as np

from alsprog.estimation.likelihood import gompertz_cumulative

Rows = tuple[np.ndarray, tuple[np.ndarray, ...] | None]
BoundRows = Callable[[np.ndarray, bool], Rows]

# PH families whose shape may take covariates: the index of the shape in the family's theta
# (the Weibull's log shape, the Gompertz shape itself).
PH_SHAPE_ENTRY = {"weibull": 0, "gompertz": 0}
LIMIT = 700.0  # |eta| beyond this overflows exp; such a theta scores as invalid
LOG_SHAPE_LIMIT = 70.0  # a Weibull log shape beyond this overflows t ** shape


def ph_shape_rows(
    family: str,
    t: np.ndarray,
    xz: np.ndarray,
    which: int,
    n_ancillary: int,
    n_spread: int,
    position: int,
) -> BoundRows:
    """log f (``which`` 0) or log S (1) at times ``t`` (years) for rows ``xz`` (the design,
    then the ``n_spread`` shape covariates), as a function of theta = (ancillary, beta,
    alpha); ``position`` is the shape's place in the ancillary vector."""
    m, r = n_ancillary, n_spread
    p = xz.shape[1] - r
    x, z = xz[:, :p], xz[:, p:]
    weibull = family == "weibull"
    log_t = np.log(t) if weibull else t

    def rows(theta: np.ndarray, jac: bool = True) -> Rows:
        eta = x @ theta[m : m + p]
        a = theta[position] + z @ theta[m + p :]
        if np.abs(eta).max(initial=0.0) > LIMIT or (
            weibull and np.abs(a).max(initial=0.0) > LOG_SHAPE_LIMIT
        ):
            return np.full(t.size, np.nan), None
        if weibull:
            shape = np.exp(a)
            cum = np.exp(eta + shape * log_t)
            if which == 1:
                value, d_a = -cum, -cum * shape * log_t
            else:
                value = eta + a + (shape - 1) * log_t - cum
                d_a = 1 + shape * log_t * (1 - cum)
        else:
            base, d_base = gompertz_cumulative(a, t, jac)
            ratio = np.exp(eta)
            cum = ratio * base
            d_cum = None if d_base is None else ratio * d_base
            if which == 1:
                value, d_a = -cum, None if d_cum is None else -d_cum
            else:
                value, d_a = eta + a * t - cum, None if d_cum is None else t - d_cum
        if not jac or d_a is None:
            return value, None
        d_anc = np.zeros((t.size, m))
        d_anc[:, position] = d_a
        d_eta = (1.0 if which == 0 else 0.0) - cum
        return value, (d_anc, d_eta, d_a)

    return rows
