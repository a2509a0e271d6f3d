"""The ``alsprog`` command line: one entry point, a module per subcommand.

Each subcommand module has ``add(subparsers)`` (its arguments, with ``run`` and ``show`` set as
defaults), ``run(args)`` (the work, returning JSON-able data) and ``show(result)`` (the text
table). Start-up stays light: numpy, pandas, scipy and lifelines load inside ``run``. Results go
to stdout as a table, or as JSON with ``--json``. The cli is the last stage of the flow and may
import from every folder.

Errors are handled here, once, for every subcommand (``alsprog.cli.edge``): any error a command
raises becomes one line on stderr naming the file, the problem and the fix, with exit status 2;
an unexpected internal error is one line too ("internal error, please report ..."), exit status
1, and ``--debug`` (before or after the command) shows its traceback instead. Warnings are one
line each.
"""

from __future__ import annotations

from alsprog import interrupts

# First: from here on Ctrl-C, SIGTERM and SIGHUP end in one line.
interrupts.install(command_line=True)

from alsprog.threads import one_blas_thread, thread_variables  # noqa: E402

thread_variables()  # before numpy loads: the same bytes whatever the machine's thread count

import argparse  # noqa: E402
import json  # noqa: E402
import sys  # noqa: E402
import warnings  # noqa: E402

from alsprog import __version__  # noqa: E402
from alsprog.cli import (  # noqa: E402
    calibrate,
    effect,
    fit,
    phenotypes,
    prognosis,
    report,
    simulate,
    trial,
)
from alsprog.cli.common import ArgumentParser, json_safe  # noqa: E402
from alsprog.cli.edge import (  # noqa: E402
    describe,
    one_line_warnings,
    print_result,
    quiet_environment,
)

COMMANDS = (calibrate, fit, phenotypes, prognosis, effect, report, simulate, trial)
DEBUG_HELP = "on an error, show the full traceback instead of one line"


def build_parser() -> ArgumentParser:
    parser = ArgumentParser(
        prog="alsprog",
        description="Calibrated survival models of ALS and the other motor "
        "neuron diseases. Times are in years from symptom onset.",
    )
    parser.add_argument("--version", action="version", version=f"alsprog {__version__}")
    parser.add_argument("--debug", action="store_true", help=DEBUG_HELP)
    sub = parser.add_subparsers(title="commands", metavar="COMMAND", parser_class=ArgumentParser)
    for command in COMMANDS:
        command.add(sub)
    for subparser in sub.choices.values():  # every command inherits --debug, placed anywhere
        subparser.add_argument(
            "--debug", action="store_true", default=argparse.SUPPRESS, help=DEBUG_HELP
        )
    return parser


def main(argv: list[str] | None = None) -> int:
    """Run the command line; returns the exit status (0 ok, 2 bad input, 1 internal error,
    128 + the signal's number when interrupted: 130 Ctrl-C, 143 SIGTERM, 129 SIGHUP)."""
    interrupts.RECEIVED.clear()
    try:
        status = _main(argv)
    except KeyboardInterrupt as err:  # Interrupted too: any signal, wherever it lands
        return interrupts.print_interrupted(err)
    swallowed = interrupts.received()  # raised inside a callback that only printed it
    return status if swallowed is None else interrupts.print_interrupted(swallowed)


def _main(argv: list[str] | None) -> int:
    if sys.stdout is None:  # started with stdout closed (`>&-`): refuse before any work
        return print_result("")
    parser = build_parser()
    args = parser.parse_args(argv)
    if not hasattr(args, "run"):
        names = ", ".join(command.__name__.rsplit(".", 1)[-1] for command in COMMANDS)
        parser.error(f"choose a command: {names}")
    quiet_environment()
    try:
        with warnings.catch_warnings(), one_blas_thread():
            one_line_warnings()
            result = args.run(args)
            text = (
                json.dumps(json_safe(result), indent=2)
                if getattr(args, "json", False)
                else args.show(result)
            )
    except KeyboardInterrupt:
        raise
    except Exception as err:
        if args.debug:
            raise
        message, status = describe(err, args)
        print(f"alsprog: {message}", file=sys.stderr)
        return status
    return print_result(text)
