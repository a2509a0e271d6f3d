"""The course's calibration targets: ``data/course_targets.toml`` or a user's file in its format,
read and checked into a tidy table.

Each target is a published figure with its standard error, its source and how it was measured;
``quantity`` names what the simulation computes for it (``QUANTITIES``). A file holds two kinds
of figure: ``[[target]]`` tables, which the course is calibrated to (``calibrate = false`` shows
one beside the fit instead), and ``[[comparison]]`` tables, the same fields without
``calibrate``: other registers' figures, whose practice differs from the fitted register's, shown
beside the simulated value and never fitted. To calibrate to such a register, copy the file and
turn its comparisons into targets (and the fitted register's targets into comparisons). Bad
input gets one line naming the file, the figure, the problem and the fix (``InputError``).
"""

from __future__ import annotations

import math
import re
import tomllib
from importlib import resources
from pathlib import Path

import pandas as pd

from alsprog.errors import InputError, read_text

# quantity -> its unit; "proportion" quantities must lie in 0-1
QUANTITIES: dict[str, str] = {
    "dfs_at_diagnosis_median": "points per month",
    "dfs_at_diagnosis_quartile_ratio": "ratio",
    "slope_ratio_second_to_first_year": "ratio",
    "alsfrs_r_decline_24_months_mean": "points per month",
    "alsfrs_r_decline_24_months_p025": "points per month",
    "alsfrs_r_decline_24_months_p975": "points per month",
    "alsfrs_r_at_diagnosis_median": "points",
    "mci186_19_change_24_weeks": "points",
    "mci186_19_alsfrs_r_at_screening": "points",
    "mci186_19_alsfrs_r_at_baseline": "points",
    "mci186_19_definite_share": "proportion",
    "kings_stage_1_duration_median": "months",
    "kings_stage_2_duration_median": "months",
    "kings_stage_3_duration_median": "months",
    "kings_stage_4_duration_median": "months",
    "kings_stage_2_standardised_median": "proportion",
    "kings_stage_3_standardised_median": "proportion",
    "kings_stage_4_standardised_median": "proportion",
    "niv_share": "proportion",
    "gastrostomy_share": "proportion",
    "tracheostomy_share": "proportion",
    "survival_after_niv_median": "months",
    "survival_after_gastrostomy_median": "months",
    "survival_after_tracheostomy_median": "months",
    "dfs_hazard_ratio": "ratio",
    "pls_slope_per_year": "points per year",
    "pma_change_18_months": "points",
    "pma_bulbar_signs_share": "proportion",
}
REQUIRED = ("name", "quantity", "published", "se", "source", "measured")
OPTIONAL = ("se_source", "assumption", "calibrate")
COLUMNS = (*REQUIRED, "se_source", "assumption", "calibrate", "unit", "kind")
KINDS = ("target", "comparison")  # a file's table name for each kind: [[target]], [[comparison]]
_NAME = re.compile(r"^[a-z][a-z0-9_]*$")


def default_course_targets() -> pd.DataFrame:
    """The shipped targets and comparisons (``data/course_targets.toml``) as a table
    (``COLUMNS``, as ``load_course_targets``)."""
    text = resources.files("alsprog.data").joinpath("course_targets.toml").read_text("utf-8")
    return course_targets_from_text(text, "course_targets.toml")


def load_course_targets(path: str | Path) -> pd.DataFrame:
    """A user's targets file (TOML, the format of ``data/course_targets.toml``) as a table,
    one row per ``[[target]]`` then per ``[[comparison]]``.

    Columns: name, quantity, published, se, source, measured, se_source, assumption,
    calibrate (bool: fitted; always false for a comparison), unit (the quantity's unit), kind
    ("target" or "comparison": another register's figure, shown beside the simulated value
    and never fitted). To calibrate to a comparison's register, copy the file and turn its
    ``[[comparison]]`` tables into ``[[target]]`` tables (or set kind to "target" and
    calibrate to true in this table).
    """
    if not isinstance(path, str | Path):
        raise InputError(
            f"load_course_targets: path must be a file path (got {type(path).__name__}); "
            "pass the path of a .toml file"
        )
    path = Path(path)
    if path.suffix.lower() != ".toml":
        raise InputError(
            f"course targets file {path.name}: not a .toml file; "
            "use the format of data/course_targets.toml"
        )
    text = read_text(path, "course targets file", "a TOML file of [[target]] tables")
    return course_targets_from_text(text, path.name)


def course_targets_from_text(text: str, where: str) -> pd.DataFrame:
    """Parse and check the TOML text of a targets file (``where`` names it in errors)."""
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as err:
        raise InputError(
            f"course targets file {where}: not valid TOML ({err}); fix the syntax"
        ) from None
    unknown = set(data) - set(KINDS)
    if unknown:
        raise InputError(
            f"course targets file {where}: unknown table {sorted(unknown)[0]!r}; write each "
            "figure as a [[target]] table (fitted) or a [[comparison]] table (shown, not fitted)"
        )
    if not isinstance(data.get("target"), list) or not data["target"]:
        raise InputError(f"course targets file {where}: no [[target]] tables; add at least one")
    if not isinstance(data.get("comparison", []), list):
        raise InputError(
            f"course targets file {where}: comparison must be [[comparison]] tables; "
            "write each with double brackets"
        )
    rows, seen = [], set()
    for kind in KINDS:
        for k, entry in enumerate(data.get(kind, []), start=1):
            row = _check(entry, f"course targets file {where}, {kind} {k}", kind)
            if row["name"] in seen:
                raise InputError(
                    f"course targets file {where}: name {row['name']!r} appears twice; "
                    "give each target and comparison its own name"
                )
            seen.add(row["name"])
            rows.append(row)
    return pd.DataFrame(rows, columns=list(COLUMNS))


def check_course_targets(table: object) -> pd.DataFrame:
    """A targets table given as a DataFrame (e.g. ``load_course_targets``'s, edited), each row
    checked as a file's target would be; one line naming the problem on bad input."""
    if not isinstance(table, pd.DataFrame):
        raise InputError(
            f"course targets: expected a path or a table, got {type(table).__name__}; "
            "pass the path of a .toml file"
        )
    missing = [column for column in REQUIRED if column not in table.columns]
    if missing:
        raise InputError(
            f"course targets table: missing column {missing[0]!r}; "
            f"give the columns {', '.join(REQUIRED)}"
        )
    if table.empty:
        raise InputError("course targets table: no rows; add at least one target")
    rows = []
    for k, row in enumerate(table.to_dict("records"), start=1):
        target = {
            key: _plain(value)
            for key, value in row.items()
            if key in REQUIRED + OPTIONAL and not (key in OPTIONAL and _blank(value))
        }
        kind = "target" if _blank(row.get("kind")) else _plain(row["kind"])
        if kind == "comparison" and target.get("calibrate") is False:
            del target["calibrate"]  # a comparison's own row, as the loader gave it
        where = f"course targets table, row {k}"
        if kind not in KINDS:
            raise InputError(
                f"{where}: kind must be 'target' or 'comparison' (got {kind!r}); fix the column"
            )
        rows.append(_check(target, where, str(kind)))
    names = [row["name"] for row in rows]
    if len(set(names)) < len(names):
        raise InputError("course targets table: a target name appears twice; give each its own")
    return pd.DataFrame(rows, columns=list(COLUMNS))


def _plain(value: object) -> object:
    """numpy scalars as Python numbers (bools stay bools)."""
    if hasattr(value, "item") and not isinstance(value, str):
        return value.item()
    return value


def _blank(value: object) -> bool:
    return value is None or (isinstance(value, float) and math.isnan(value)) or value == ""


def _check(target: dict, where: str, kind: str = "target") -> dict:
    if not isinstance(target, dict):
        raise InputError(f"{where}: not a table of fields; write it as [[{kind}]] with its fields")
    for field in REQUIRED:
        if field not in target:
            raise InputError(
                f"{where}: missing field {field!r}; add it (fields: {', '.join(REQUIRED)})"
            )
    extra = set(target) - set(REQUIRED) - set(OPTIONAL)
    if extra:
        raise InputError(
            f"{where}: unknown field {sorted(extra)[0]!r}; "
            f"use only {', '.join(REQUIRED + OPTIONAL)}"
        )
    name = target["name"]
    where = f"{where} ({name!r})" if isinstance(name, str) else where
    if not isinstance(name, str) or not _NAME.match(name):
        raise InputError(
            f"{where}: name must be lower-case letters, digits and _ (got {name!r}); rename it"
        )
    if kind == "comparison" and "calibrate" in target:
        raise InputError(
            f"{where}: a comparison is never fitted, so it takes no calibrate; drop calibrate, "
            "or make it a target to fit it"
        )
    quantity = target["quantity"]
    if quantity not in QUANTITIES:
        raise InputError(
            f"{where}: unknown quantity {quantity!r}; use one of {', '.join(QUANTITIES)}"
        )
    values = {}
    for field in ("published", "se"):
        value = target[field]
        if (
            isinstance(value, bool)
            or not isinstance(value, int | float)
            or not math.isfinite(value)
        ):
            raise InputError(
                f"{where}: {field} must be a finite number (got {value!r}); write a number"
            )
        values[field] = float(value)
    if values["se"] <= 0:
        raise InputError(
            f"{where}: se must be > 0 (got {values['se']}); "
            "give the standard error, or a stated assumption"
        )
    if QUANTITIES[quantity] == "proportion" and not 0.0 <= values["published"] <= 1.0:
        raise InputError(
            f"{where}: published is a proportion and must lie in 0-1 (got {values['published']}); "
            "write percentages as fractions (24.3% as 0.243)"
        )
    for field in ("source", "measured", "se_source", "assumption"):
        if field in target and (not isinstance(target[field], str) or not target[field].strip()):
            raise InputError(f"{where}: {field} must be non-empty text; write it")
    calibrate = target.get("calibrate", kind == "target")
    if not isinstance(calibrate, bool):
        raise InputError(
            f"{where}: calibrate must be true or false (got {calibrate!r}); write true or false"
        )
    return {
        "name": name,
        "quantity": quantity,
        **values,
        "source": target["source"],
        "measured": target["measured"],
        "se_source": target.get("se_source", ""),
        "assumption": target.get("assumption", ""),
        "calibrate": calibrate,
        "unit": QUANTITIES[quantity],
        "kind": kind,
    }
