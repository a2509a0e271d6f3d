"""The bad files every bad-input test reads: ``FILES`` holds their bytes (written once per test
module to a temporary folder by the ``files`` fixture), and arguments may name them as
``{name}`` (``filled``)."""

from __future__ import annotations

import re
from pathlib import Path

import alsprog

SHIPPED = (Path(alsprog.__file__).parent / "data" / "life_table_us_ssa_2007.csv").read_text()
TABLE_LINES = SHIPPED.splitlines()
TO_60 = "\n".join(
    line for line in TABLE_LINES if line.split(",")[0] in {"age", *map(str, range(61))}
)
PNG = b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x01\x00\x00\x00\x01\x08\x06\x00\x00\x00"
MANY = "time,survival\n" + "".join(f"{t / 10},{1 - t / 400}\n" for t in range(1, 302))
SPLINE_30 = "time,survival\n" + "".join(f"{t / 2},{1 - t / 40}\n" for t in range(1, 31))


def toml_bytes(landmark: str = "t = 3\nsurvival = 0.5", head: str = "") -> bytes:
    return f"{head}\n[[landmark]]\n{landmark}\n".encode()


def _table(change) -> bytes:
    """The shipped life table with each data line passed through ``change`` (None drops it)."""
    lines = [TABLE_LINES[0]] + [c for c in map(change, TABLE_LINES[1:]) if c is not None]
    return ("\n".join(lines) + "\n").encode()


FILES: dict[str, bytes] = {
    # targets, CSV
    "latin1.csv": "time,survival,source\n3,0.5,Müller 2019\n".encode("latin-1"),
    "cp1252.csv": "time,survival,source\n3,0.5,\u201ccohort\u201d\n".encode("cp1252"),
    "utf16.csv": "time,survival\n3,0.5\n".encode("utf-16"),
    "binary.csv": PNG,
    "semicolon.csv": b"time;survival\n3;0.5\n5;0.2\n",
    "decimal_comma.csv": b"time;survival\n3;0,5\n5;0,2\n",
    "quoted_comma.csv": b'time,survival\n3,"0,5"\n',
    "tabs.csv": b"time\tsurvival\n3\t0.5\n",
    "extra_field.csv": b"time,survival\n3,0.5,oops\n",
    "short_row.csv": b"time,survival\n3\n",
    "no_survival.csv": b"time,surv\n3,0.5\n",
    "unknown_column.csv": b"time,survival,weight\n3,0.5,1\n",
    "twice.csv": b"time,survival,survival\n3,0.5,0.5\n",
    "empty.csv": b"",
    "header_only.csv": b"time,survival\n",
    "rising.csv": b"time,survival\n3,0.5\n5,0.6\n",
    "above_one.csv": b"time,survival\n3,1.5\n",
    "zero.csv": b"time,survival\n3,0\n",
    "negative_time.csv": b"time,survival\n-1,0.5\n",
    "nan.csv": b"time,survival\n3,nan\n",
    "text.csv": b"time,survival\n3,half\n",
    "percent.csv": b"time,survival\n3,50%\n",
    "kind.csv": b"time,survival,kind\n3,0.5,about\n",
    "bad_quote.csv": b'time,survival,source\n3,0.5,"open\n',
    "many.csv": MANY.encode(),
    "spline30.csv": SPLINE_30.encode(),
    "targets.xlsx": b"PK\x03\x04",
    # targets, TOML
    "syntax.toml": b"[[landmark]\nt = 3\n",
    "t_true.toml": toml_bytes("t = true\nsurvival = 0.5"),
    "n_true.toml": toml_bytes(head="effective_sample_size = true"),
    "n_negative.toml": toml_bytes(head="effective_sample_size = -5"),
    "n_nan.toml": toml_bytes(head="effective_sample_size = nan"),
    "n_text.toml": toml_bytes(head='effective_sample_size = "500"'),
    "landmark_list.toml": b"landmark = [1, 2]\n",
    "landmark_table.toml": b"[landmark]\nt = 3\nsurvival = 0.5\n",
    "t_text.toml": toml_bytes('t = "3"\nsurvival = 0.5'),
    "survival_list.toml": toml_bytes("t = 3\nsurvival = [0.5]"),
    "no_survival.toml": toml_bytes("t = 3"),
    "typo.toml": toml_bytes("t = 3\nsurvival = 0.5\nsorce = 'x'"),
    "top_typo.toml": toml_bytes(head="effective_samplesize = 100"),
    "no_landmarks.toml": b'name = "x"\n',
    "name_number.toml": toml_bytes(head="name = 3"),
    "kind_number.toml": toml_bytes("t = 3\nsurvival = 0.5\nkind = 1"),
    "source_number.toml": toml_bytes("t = 3\nsurvival = 0.5\nsource = 2019"),
    "latin1.toml": toml_bytes("t = 3\nsurvival = 0.5\nsource = 'Müller'")
    .decode()
    .encode("latin-1"),
    "t_inf.toml": toml_bytes("t = inf\nsurvival = 0.5"),
    "date.toml": toml_bytes("t = 2019-05-01\nsurvival = 0.5"),
    # life tables
    "lt_latin1.csv": SHIPPED.replace("age,sex,qx", "age,sex,qx,note")
    .replace("\n", ",é\n")
    .replace("age,sex,qx,note,é", "age,sex,qx,note")
    .encode("latin-1"),
    "lt_semicolon.csv": SHIPPED.replace(",", ";").encode(),
    "lt_decimal_comma.csv": SHIPPED.replace(",", ";").replace(".", ",").encode(),
    "lt_extra_field.csv": _table(lambda line: line + ",0" if line.startswith("7,") else line),
    "lt_huge_age.csv": b"age,sex,qx\n0,male,0.01\n1000000000,male,0.5\n0,female,0.01\n",
    "lt_to_60.csv": (TO_60 + "\n").encode(),
    "lt_no_qx.csv": b"age,sex,q\n0,male,0.5\n",
    "lt_qx_above_one.csv": _table(lambda line: "5,male,1.5" if line.startswith("5,male") else line),
    "lt_sex_m.csv": _table(lambda line: line.replace(",male,", ",M,")),
    "lt_gap.csv": _table(lambda line: None if line.startswith("40,") else line),
    "lt_binary.csv": PNG,
    "lt_empty.csv": b"",
    "lt_text_qx.csv": _table(lambda line: "9,female,low" if line.startswith("9,female") else line),
}
FOLDERS = ("folder.csv", "lt_folder.csv", "folder.toml")


def filled(values: list[str], root: Path) -> list[str]:
    """``values`` with each ``{name}`` replaced by the path of that file in ``root``."""
    # a name that is not one of the prepared files stands for a path that does not exist yet
    return [re.sub(r"\{([^{}]+)\}", lambda m: str(root / m.group(1)), value) for value in values]


def write_files(root: Path) -> Path:
    """Every file of ``FILES`` (and the folders of ``FOLDERS``) in ``root``."""
    for name, data in FILES.items():
        (root / name).write_bytes(data)
    for name in FOLDERS:
        (root / name).mkdir()
    return root
