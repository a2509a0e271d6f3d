"""Extract the default general-population life table into the CSV shipped with alsprog.

Reads the US Social Security Administration period death probabilities for calendar year 2007
(2011 Trustees Report) from Society of Actuaries tables 1501 (male) and 1502 (female) with the
pymort package, and writes alsprog/data/life_table_us_ssa_2007.csv with columns age (0-119),
sex (male, female) and qx (probability of dying within the year of age). The source is recorded in
alsprog/data/life_tables.toml; tests/population/test_lifetable.py checks the CSV against pymort.

Run once from the repository root: ``.venv/bin/python scripts/extract_life_table.py``.
"""

from __future__ import annotations

import os
from pathlib import Path

import pandas as pd
from pymort import MortXML

SOA_TABLES = {"male": 1501, "female": 1502}
CALENDAR_YEAR = 2007
AGES = range(0, 120)
OUT = Path(__file__).resolve().parents[1] / "alsprog" / "data" / "life_table_us_ssa_2007.csv"


def extract() -> pd.DataFrame:
    """One row per (sex, age): columns age, sex, qx, males first, ages ascending."""
    parts = []
    for sex, table_id in SOA_TABLES.items():
        values = MortXML.from_id(table_id).Tables[0].Values["vals"]
        year = values.xs(CALENDAR_YEAR, level="Duration").reindex(list(AGES))
        if year.isna().any():
            missing = year.index[year.isna()].tolist()
            raise SystemExit(f"SOA table {table_id}: no {CALENDAR_YEAR} value at ages {missing}")
        parts.append(pd.DataFrame({"age": list(AGES), "sex": sex, "qx": year.to_numpy()}))
    return pd.concat(parts, ignore_index=True)


def main() -> None:
    frame = extract()
    temporary = OUT.with_name(OUT.name + ".tmp")
    frame.to_csv(temporary, index=False)  # float repr round-trips, so values stay exact
    os.replace(temporary, OUT)
    print(f"wrote {len(frame)} rows to {OUT}")


if __name__ == "__main__":
    main()
