"""Write the population report: the same as ``alsprog report`` (kept for old habits).

Usage: python scripts/make_report.py [--out reports] [--seed S] [--n N] [--replicates R]
"""

from __future__ import annotations

import sys

from alsprog.cli import main

if __name__ == "__main__":
    sys.exit(main(["report", *sys.argv[1:]]))
