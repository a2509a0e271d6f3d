"""Interrupts as ordinary exceptions: Ctrl-C, SIGTERM and SIGHUP end a run cleanly.

``install()`` (the command line calls it first thing) makes SIGINT, SIGTERM and SIGHUP (what a
terminal's Ctrl-C, ``timeout``, Slurm, ``docker stop`` and a closed terminal send) raise
``Interrupted``, a ``KeyboardInterrupt``, so every ``finally`` and ``except BaseException``
removes its temporary files whichever signal ends the run; its ``status`` is the conventional
exit status, 128 + the signal number (130, 143, 129). ``held()`` defers these signals over a few
lines that must run together (the renames that put a set of files in place); a signal that
arrives meanwhile is raised as soon as they are done. Forked worker processes leave
interrupts to their parent, which ends them itself.
"""

from __future__ import annotations

import contextlib
import os
import signal
import sys
import threading
from collections.abc import Iterator

SIGNALS = tuple(
    getattr(signal, name) for name in ("SIGINT", "SIGTERM", "SIGHUP") if hasattr(signal, name)
)


class Interrupted(KeyboardInterrupt):
    """A run ended by a signal; ``status`` is the exit status a shell expects (128 + signal)."""

    def __init__(self, signum: int) -> None:
        super().__init__(signal.Signals(signum).name)
        self.signum = signum
        self.status = 128 + signum


def exit_status(err: BaseException) -> int:
    """130 for a plain KeyboardInterrupt, 128 + signal for an ``Interrupted``."""
    return getattr(err, "status", 128 + signal.SIGINT)


_OWNER = [0]  # the process that installed the handlers
RECEIVED: list[int] = []  # signals received by it, in order


def _raise(signum: int, frame: object) -> None:
    if os.getpid() != _OWNER[0]:  # a forked worker: interrupts are its parent's business
        if signum != getattr(signal, "SIGINT", None) and signum != getattr(signal, "SIGHUP", -1):
            signal.signal(signum, signal.SIG_DFL)  # SIGTERM: end quietly, as asked
            os.kill(os.getpid(), signum)
        return
    RECEIVED.append(signum)
    raise Interrupted(signum)


def received() -> Interrupted | None:
    """The first signal received, if any: raised where it landed it may have been swallowed
    (inside a ``__del__`` or a callback, Python only prints it), so the command line checks."""
    return Interrupted(RECEIVED[0]) if RECEIVED else None


def install(command_line: bool = False) -> None:
    """Make SIGINT, SIGTERM and SIGHUP raise ``Interrupted`` (from the main thread only).

    command_line : also make an interrupt that nothing catches (one while modules load, before
        the command's own handling) print its one line and exit with its status.

    A signal the parent process set to be ignored (``nohup`` ignores SIGHUP) stays ignored.
    Forked workers inherit handlers that ignore SIGINT and SIGHUP (a Ctrl-C reaches every
    process of the terminal's group; the parent shuts its workers down as it unwinds, so they
    print no tracebacks of their own) and end quietly on SIGTERM.
    """
    if threading.current_thread() is not threading.main_thread():
        return
    _OWNER[0] = os.getpid()
    if command_line:
        sys.excepthook = _uncaught
        sys.unraisablehook = _unraisable
    for signum in SIGNALS:
        if signal.getsignal(signum) is not signal.SIG_IGN:
            signal.signal(signum, _raise)


def _uncaught(kind: type, value: BaseException, trace: object) -> None:
    if isinstance(value, KeyboardInterrupt):
        os._exit(print_interrupted(value))
    sys.__excepthook__(kind, value, trace)  # type: ignore[arg-type]


def _unraisable(info: object) -> None:
    if not isinstance(getattr(info, "exc_value", None), KeyboardInterrupt):
        sys.__unraisablehook__(info)  # type: ignore[arg-type]


@contextlib.contextmanager
def held() -> Iterator[None]:
    """Defer SIGINT, SIGTERM and SIGHUP until the block is done (where the platform can)."""
    if not hasattr(signal, "pthread_sigmask"):
        yield
        return
    previous = signal.pthread_sigmask(signal.SIG_BLOCK, SIGNALS)
    try:
        yield
    finally:
        signal.pthread_sigmask(signal.SIG_SETMASK, previous)


def interrupted_line(err: BaseException) -> str:
    """The one line printed for an interrupt."""
    return "alsprog: interrupted"


def print_interrupted(err: BaseException) -> int:
    """Print the one line on stderr (ignoring a closed stderr); return the exit status."""
    with contextlib.suppress(Exception):
        print(interrupted_line(err), file=sys.stderr, flush=True)
    return exit_status(err)
