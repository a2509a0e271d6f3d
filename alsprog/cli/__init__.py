"""The ``alsprog`` command line: one entry point, a module per subcommand.

Each subcommand module has ``add(subparsers)`` (its arguments, with ``run`` and ``show`` set as
defaults), ``run(args)`` (the work, returning JSON-able data) and ``show(result)`` (the text
table). Start-up stays light: numpy, pandas, scipy and lifelines load inside ``run``. Errors
print one line on stderr and exit with status 2; results go to stdout as a table, or as JSON
with ``--json``. The cli is the last stage of the flow and may import from every folder.
"""

from __future__ import annotations

import json
import sys

from alsprog import __version__
from alsprog.cli import calibrate, effect, phenotypes, prognosis
from alsprog.cli.common import ArgumentParser, json_safe
from alsprog.errors import AlsprogError

COMMANDS = (calibrate, phenotypes, prognosis, effect)


def build_parser() -> ArgumentParser:
    parser = ArgumentParser(
        prog="alsprog",
        description="Calibrated survival models of ALS and the other motor "
        "neuron diseases. Times are in years from symptom onset.",
    )
    parser.add_argument("--version", action="version", version=f"alsprog {__version__}")
    sub = parser.add_subparsers(title="commands", metavar="COMMAND", parser_class=ArgumentParser)
    for command in COMMANDS:
        command.add(sub)
    return parser


def main(argv: list[str] | None = None) -> int:
    """Run the command line; returns the exit status (0 ok, 2 bad input)."""
    parser = build_parser()
    args = parser.parse_args(argv)
    if not hasattr(args, "run"):
        parser.print_help()
        return 2
    try:
        result = args.run(args)
    except AlsprogError as err:
        print(f"alsprog: error: {err}", file=sys.stderr)
        return 2
    if args.json:
        print(json.dumps(json_safe(result), indent=2))
    else:
        print(args.show(result))
    return 0
