"""One BLAS thread, so the command line gives the same bytes whatever the machine's core count.

OpenBLAS (and MKL, BLIS, Accelerate) takes other code paths, and splits sums among threads,
when it may use several: the last bits of a matrix product then depend on the thread count.
An optimiser amplifies them: scipy's BFGS multiplies its small Hessian estimates with numpy,
so the fitted parameters of a spline or mixture calibration, and every table and figure after
them, changed with ``OPENBLAS_NUM_THREADS`` (8 files of the report differed between 1 thread and
the default). The command line therefore sets the variables the libraries read when they load
(``thread_variables``, before numpy is imported, so worker processes inherit them) and runs
every command inside ``one_blas_thread()`` (every loaded BLAS and OpenMP pool limited to one
thread with ``threadpoolctl``). alsprog's matrices are small, so one thread costs little; its
parallel work goes through processes (``--workers``, Dask).

``write_report`` runs its sections inside ``one_blas_thread()`` too, so a report made in Python
has the command line's bytes. The rest of the Python API is left to the caller's thread
settings: the ALS phenotype's calibration lies
on a flat ridge (a mixture the landmarks do not pin down), and one thread lands on another
point of it than two do (riluzole's gain in median survival 1.8 against 2.1 months), so
limiting the library's optimisers would move the shipped phenotypes; wrap calls in
``one_blas_thread()`` for thread-independent results.
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
