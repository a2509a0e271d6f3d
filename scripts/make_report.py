"""Write the calibration report: index.html, figures/*.png and tables/*.csv under --out.

Usage: python scripts/make_report.py --out reports
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path


class Parser(argparse.ArgumentParser):
    def error(self, message: str) -> None:  # one line, exit 2
        print(f"make_report: error: {message}", file=sys.stderr)
        raise SystemExit(2)


def main(argv: list[str] | None = None) -> int:
    parser = Parser(description="Write the alsprog calibration report (HTML, PNG, CSV).")
    parser.add_argument(
        "--out", type=Path, default=Path("reports"), help="folder to write into (default: reports)"
    )
    parser.add_argument("--debug", action="store_true", help="show the traceback of an error")
    args = parser.parse_args(argv)
    from alsprog.cli.edge import describe
    from alsprog.report import write_report

    try:
        written = write_report(args.out)
    except Exception as err:  # one line, as the alsprog command line words it
        if args.debug:
            raise
        message, status = describe(err, args)
        print(f"make_report: {message}", file=sys.stderr)
        return status
    for path in written:
        print(path)
    return 0


if __name__ == "__main__":
    sys.exit(main())
