"""One BLAS thread, so the same seed gives the same bytes whatever the machine's core count.

OpenBLAS (and MKL, BLIS, Accelerate) takes other code paths, and splits sums among threads,
when it may use several: the last bits of a matrix product then depend on the thread count.
An optimiser amplifies them: scipy's BFGS multiplies its small Hessian estimates with numpy,
so the fitted parameters of a spline or mixture calibration, and every table and figure after
them, changed with ``OPENBLAS_NUM_THREADS`` (8 files of the report differed between 1 thread and
the default). ``one_blas_thread()`` runs a block with every loaded BLAS and OpenMP pool limited to
one thread (``threadpoolctl``); the optimisers run inside it, and the command line runs every
command inside it. ``thread_variables()`` sets the variables the libraries read when they load,
so worker processes started later use one thread too. alsprog's matrices are small, so one
thread costs little; its parallel work goes through processes (``--workers``, Dask).
"""

from __future__ import annotations

import contextlib
import os
import sys
from collections.abc import Iterator

VARIABLES = (
    "OPENBLAS_NUM_THREADS",
    "OMP_NUM_THREADS",
    "MKL_NUM_THREADS",
    "BLIS_NUM_THREADS",
    "VECLIB_MAXIMUM_THREADS",
    "NUMEXPR_NUM_THREADS",
)
_CONTROLLER: dict = {}  # threadpoolctl's controller, by the number of modules loaded when made


def thread_variables() -> None:
    """Ask every BLAS and OpenMP library loaded from now on for one thread."""
    for name in VARIABLES:
        os.environ[name] = "1"


@contextlib.contextmanager
def one_blas_thread() -> Iterator[None]:
    """Run the block with the loaded BLAS and OpenMP pools limited to one thread."""
    try:
        from threadpoolctl import ThreadpoolController
    except ImportError:  # without it, thread_variables() still holds for what loads later
        yield
        return
    loaded = len(sys.modules)  # a new module may have loaded another BLAS: scan again
    if loaded not in _CONTROLLER:
        _CONTROLLER.clear()
        _CONTROLLER[loaded] = ThreadpoolController()
    with _CONTROLLER[loaded].limit(limits=1):
        yield
