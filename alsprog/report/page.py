"""The calibration report: one self-contained HTML page, plus every figure as PNG and every table
as CSV.

``write_report(out_dir)`` writes ``index.html`` (figures embedded as base64 PNG), ``figures/*.png``
and ``tables/*.csv`` under ``out_dir``. The page is a list of sections; a section is a function
``section(context) -> Section | None`` (None leaves it out), so a new one is a function appended to
``SECTIONS``. This module is the machinery (types, context, HTML, PNG and CSV); the
built-in sections are in ``alsprog.report.sections`` and are handed to it. Output is
deterministic: the same inputs give the same bytes (no timestamps in HTML or PNG).
"""

from __future__ import annotations

import base64
import html
import io
import math
import re
import warnings
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any, NamedTuple

import pandas as pd

from alsprog.errors import InputError
from alsprog.files import spreadsheet_safe
from alsprog.report.bibliography import cite_plain, link_citations
from alsprog.report.context import (
    DEFAULT_PATIENTS,
    DEFAULT_REPLICATES,
    DEFAULT_SEED,
    Context,
    reproducibility_footer,
)
from alsprog.report.folder import write_folder
from alsprog.report.labels import label
from alsprog.threads import one_blas_thread

if TYPE_CHECKING:
    from plotnine import ggplot

    from alsprog.estimation.targets import Targets

DPI = 110
NAME = re.compile(r"^[a-z0-9][a-z0-9_-]*$")
PLACEHOLDER = re.compile(r"<!--\s*(figure|table):([a-z0-9_-]+)\s*-->")


@dataclass(frozen=True)
class Figure:
    """A figure of a section: a ggplot, a caption (HTML; say where its numbers come from, what
    to conclude and what is an artefact) and alt text for a reader who cannot see it (plain
    text describing the figure; default: the caption without its markup)."""

    plot: ggplot
    caption: str = ""
    alt: str = ""


@dataclass(frozen=True)
class Table:
    """A table of a section: ``data`` goes to CSV as it is; the page shows ``display`` if given
    (else ``data``), each column through ``formats[column]`` (else ``number``) and escaped.
    With ``show=False`` the page only links the CSV (the data behind a figure, say).
    ``references`` names text columns (items separated by " | ", such as sources) that the page
    shows as numbers into one list under the table, so long text never widens a row; the CSV
    keeps the full text. ``stack=True`` shows each row as a block on a phone's width, each
    cell under its column's name (a table of words too wide for a phone, read without
    scrolling sideways); wider screens and print show the table."""

    data: pd.DataFrame
    caption: str = ""
    display: pd.DataFrame | None = None
    formats: Mapping[str, Callable[[Any], str]] = field(default_factory=dict)
    show: bool = True
    references: Sequence[str] = ()
    stack: bool = False


class Section(NamedTuple):
    """One part of the page.

    title : plain text heading.
    html : HTML paragraphs. ``<!-- figure:NAME -->`` and ``<!-- table:NAME -->`` mark where a
        figure or table goes; those not placed follow the text, figures first.
    figures : name -> Figure (or a bare ggplot); written to figures/NAME.png.
    tables : name -> Table (or a bare DataFrame); written to tables/NAME.csv.
    Names are lower case letters, digits, '_' and '-', unique over the whole report.
    """

    title: str
    html: str
    figures: Mapping[str, Figure | ggplot] = {}
    tables: Mapping[str, Table | pd.DataFrame] = {}


SectionFunction = Callable[[Context], Section | None]


def write_report(
    out_dir: str | Path,
    sections: Sequence[SectionFunction],
    *,
    targets: Targets | None = None,
    seed: int = DEFAULT_SEED,
    n_patients: int = DEFAULT_PATIENTS,
    replicates: int = DEFAULT_REPLICATES,
    progress: Callable[[int, int, str], None] | None = None,
) -> list[Path]:
    """Write the report under ``out_dir``; return the paths written (figures, tables, page).

    sections : section functions in page order (``alsprog.report.write_report`` passes the
        built-in ``alsprog.report.SECTIONS``; this module never imports them).
    targets : landmarks to calibrate to (default: the reference document's ALS figures).
    seed, n_patients, replicates : the simulation settings sections read from the context
        (random seed, simulated cohort size, simulated trials per design point).
    progress : called as ``progress(done, total, name)`` before each section and once at the
        end (``done == total``), for a progress display.

    Everything is computed and rendered before the first file is written; the report is then
    built in a temporary folder beside ``out_dir`` and swapped in whole
    (``alsprog.report.folder.write_folder``), so a failed run leaves the previous report as it
    was, and a reader never sees two runs mixed.
    """
    out_dir = Path(out_dir)
    if out_dir.exists() and not out_dir.is_dir():
        raise InputError(f"report: {out_dir} is a file, not a folder; choose another --out")
    context = Context(targets, seed=seed, n_patients=n_patients, replicates=replicates)
    built = []
    with one_blas_thread():  # the same bytes whatever the thread count (alsprog.threads)
        for done, function in enumerate(sections):
            if progress is not None:
                progress(done, len(sections), getattr(function, "__name__", "section"))
            section = function(context)
            if section is not None:
                built.append(section)
    if progress is not None:
        progress(len(sections), len(sections), "writing files")
    files = render(built, footer=reproducibility_footer(context))
    return write_folder(out_dir, files)


def render(sections: Sequence[Section], footer: str = "") -> dict[str, bytes]:
    """Every file of the report as relative path -> bytes; ``index.html`` last. ``footer`` is
    HTML placed at the end of the page."""
    files: dict[str, bytes] = {}
    bodies = []
    for number, section in enumerate(sections, start=1):
        figures = {name: _as_figure(value) for name, value in section.figures.items()}
        tables = {name: _as_table(value) for name, value in section.tables.items()}
        blocks: dict[tuple[str, str], str] = {}
        for name, figure in figures.items():
            path = _claim(files, f"figures/{name}.png", name)
            files[path] = png_bytes(figure.plot)
            blocks["figure", name] = _figure_html(path, files[path], figure)
        for name, table in tables.items():
            path = _claim(files, f"tables/{name}.csv", name)
            files[path] = csv_bytes(table.data)
            blocks["table", name] = _table_html(path, table)
        bodies.append(_section_html(number, section, blocks))
    files["index.html"] = link_citations(_page(sections, bodies, footer)).encode("utf-8")
    return files


def png_bytes(plot: ggplot) -> bytes:
    """A ggplot as PNG bytes at the report's resolution, without the Software/date metadata
    (so that the bytes depend on the figure only)."""
    buffer = io.BytesIO()
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # plotnine's notes on removed rows and saving
        plot.save(buffer, format="png", dpi=DPI, verbose=False, metadata={"Software": None})
    return buffer.getvalue()


def csv_bytes(frame: pd.DataFrame) -> bytes:
    """A frame as UTF-8 CSV with '\\n' line ends, no index, floats to 10 significant digits;
    text a spreadsheet would run as a formula is quoted (``alsprog.files.spreadsheet_safe``)."""
    return (
        spreadsheet_safe(frame)
        .to_csv(index=False, lineterminator="\n", float_format="%.10g")
        .encode("utf-8")
    )


# --------------------------------------------------------------------------- HTML pieces
def number(value: Any, digits: int = 3) -> str:
    """A value as a reader wants it on the page: floats to ``digits`` significant digits."""
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return ""
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, float):
        if math.isinf(value):
            return "infinite" if value > 0 else "-infinite"
        return f"{value:.{digits}g}" if abs(value) < 10**digits else f"{value:.0f}"
    return str(value)


def percent(value: float, digits: int = 1) -> str:
    """A probability as a percentage, one format everywhere: ``digits`` decimals from 1% up
    (0.5 -> '50.0%', 0.073 -> '7.3%'), two significant digits below (0.0047 -> '0.47%')."""
    if value is None or math.isnan(value):
        return ""
    if 0 < value < 1e-4:
        return "<0.01%"
    if value >= 0.01 or value == 0:
        return f"{100 * value:.{digits}f}%"
    return f"{100 * value:.2g}%"


def points(value: float) -> str:
    """A survival difference in percentage points: 0.0803 -> '8.0'."""
    return "" if math.isnan(value) else f"{100 * value:.1f}"


def _as_figure(value: Figure | ggplot) -> Figure:
    return value if isinstance(value, Figure) else Figure(value)


def _as_table(value: Table | pd.DataFrame) -> Table:
    return value if isinstance(value, Table) else Table(value)


def _claim(files: dict[str, bytes], path: str, name: str) -> str:
    if not NAME.match(name):
        raise InputError(
            f"report: name {name!r} is not usable as a file name; use lower case letters, "
            "digits, '_' and '-'"
        )
    if path in files:
        raise InputError(f"report: two sections both write {path}; give one of them another name")
    return path


def _figure_html(path: str, data: bytes, figure: Figure) -> str:
    encoded = base64.b64encode(data).decode("ascii")
    alt = figure.alt or re.sub(r"\s+", " ", re.sub(r"<[^>]+>", "", figure.caption)).strip()
    alt = cite_plain(alt)  # a citation link cannot sit inside an attribute
    return (
        f'<figure><div class="frame"><img src="data:image/png;base64,{encoded}" '
        f'alt="{html.escape(alt)}"></div>'
        f'<figcaption>{figure.caption} <a href="{path}">PNG</a></figcaption></figure>'
    )


STACKED = ' class="stack"'  # a table shown row by row on a phone (``Table.stack``)


def _table_html(path: str, table: Table) -> str:
    if not table.show:
        return f'<p class="caption">{table.caption} <a href="{path}">CSV</a></p>'
    frame = table.data if table.display is None else table.display
    notes: dict[str, int] = {}  # reference text -> its number, in order of first use
    # Headers are read through the label map (units included); the CSV keeps the code names.
    head = "".join(f"<th>{html.escape(label(c))}</th>" for c in frame.columns)
    names = {
        c: f' data-label="{html.escape(label(c))}"' if table.stack else "" for c in frame.columns
    }
    rows = []
    for record in frame.itertuples(index=False):
        cells = []
        for column, value in zip(frame.columns, record, strict=True):
            if column in table.references:
                items = [s.strip() for s in str(value).split(" | ") if s.strip()]
                numbers = [notes.setdefault(item, len(notes) + 1) for item in items]
                shown = _number_ranges(numbers)
                cells.append(f'<td class="refs"{names[column]}>{html.escape(shown)}</td>')
                continue
            shown = table.formats.get(column, number)(value)
            align = ' class="num"' if isinstance(value, int | float) else ""
            cells.append(f"<td{align}{names[column]}>{html.escape(shown)}</td>")
        rows.append(f"<tr>{''.join(cells)}</tr>")
    listed = "".join(f"<li>{html.escape(text)}</li>" for text in notes)
    references = f'<ol class="references">{listed}</ol>' if notes else ""
    return (
        f'<div class="table"><table{STACKED if table.stack else ""}>'
        f"<thead><tr>{head}</tr></thead>"
        f"<tbody>{''.join(rows)}</tbody></table></div>{references}"
        f'<p class="caption">{table.caption} <a href="{path}">CSV</a></p>'
    )


def _number_ranges(numbers: Sequence[int]) -> str:
    """Reference numbers as compact ranges: [1, 2, 3, 5] -> '1-3, 5'."""
    runs: list[list[int]] = []
    for n in sorted(set(numbers)):
        if runs and n == runs[-1][-1] + 1:
            runs[-1].append(n)
        else:
            runs.append([n])
    return ", ".join(str(r[0]) if len(r) == 1 else f"{r[0]}-{r[-1]}" for r in runs)


def _section_html(number: int, section: Section, blocks: dict[tuple[str, str], str]) -> str:
    placed: set[tuple[str, str]] = set()

    def place(match: re.Match) -> str:
        key = (match.group(1), match.group(2))
        if key not in blocks:
            raise InputError(
                f"report section {section.title!r}: the text places {key[0]} {key[1]!r}, which "
                "the section does not have; add it to the section's figures or tables"
            )
        placed.add(key)
        return blocks[key]

    text = PLACEHOLDER.sub(place, section.html)
    rest = [block for key, block in blocks.items() if key not in placed]
    rest.sort(key=lambda block: not block.startswith("<figure"))
    anchor = f"section-{number}"
    return (
        f'<section id="{anchor}"><h2>{number}. {html.escape(section.title)}</h2>\n'
        f"{text}\n{''.join(rest)}</section>"
    )


STYLE = """
body { font-family: system-ui, -apple-system, "Segoe UI", sans-serif; max-width: 60rem;
       margin: 2rem auto; padding: 0 1rem; line-height: 1.5; color: #222;
       overflow-wrap: break-word; }
h1 { font-size: 1.7rem; } h2 { margin-top: 2.5rem; border-bottom: 1px solid #ccc; }
code { overflow-wrap: anywhere; }
figure { margin: 1.5rem 0; } figure img { max-width: 100%; height: auto; }
.frame { overflow-x: auto; }
figcaption, .caption { font-size: 0.9rem; color: #444; }
div.table { overflow-x: auto; max-width: 100%; }
table { border-collapse: collapse; margin: 1rem 0 0.3rem; font-size: 0.92rem; }
th, td { padding: 0.25rem 0.6rem; border-bottom: 1px solid #ddd; text-align: left;
         vertical-align: top; }
th { background: #f3f3f3; } td.num { text-align: right; font-variant-numeric: tabular-nums; }
footer { margin-top: 3rem; border-top: 1px solid #ccc; font-size: 0.85rem; color: #555; }
.note { background: #f7f7f2; border-left: 3px solid #c9b458; padding: 0.5rem 0.8rem; }
td.refs { font-size: 0.85rem; }
ol.references { font-size: 0.82rem; color: #444; margin: 0.3rem 0; padding-left: 2rem; }
ol.references li { margin: 0.1rem 0; }
ol.bibliography { font-size: 0.85rem; } ol.bibliography li { margin: 0.2rem 0; }
@media (max-width: 40rem) {
  body { margin: 1rem auto; padding: 0 0.6rem; } h1 { font-size: 1.35rem; }
  table { font-size: 0.82rem; } th, td { padding: 0.2rem 0.4rem; }
  /* a figure keeps a legible width and scrolls sideways inside its own frame */
  .frame img { width: 40rem; max-width: none; }
  /* a stacked table: each row a block, each cell under its column's name */
  table.stack, table.stack tbody, table.stack tr { display: block; }
  table.stack thead { display: none; }
  table.stack tr { border-bottom: 1px solid #bbb; padding: 0.3rem 0; }
  table.stack td { display: grid; grid-template-columns: 6.5rem 1fr; column-gap: 0.5rem;
                   border: 0; padding: 0.1rem 0.2rem; text-align: left; }
  table.stack td::before { content: attr(data-label); font-weight: 600; color: #555; }
  table.stack td:empty { display: none; }
  table.stack tr:has(> td:first-child:not(:empty)) { border-top: 2px solid #888; }
}
@media print { body { max-width: none; margin: 0; } h2 { break-after: avoid; }
               figure, tr { break-inside: avoid; } div.table, .frame { overflow: visible; }
               /* the widest tables (nine to twelve columns) fit an A4 page's width */
               table { font-size: 0.72rem; } th, td { padding: 0.15rem 0.3rem; } }
"""


def _page(sections: Sequence[Section], bodies: Sequence[str], footer: str = "") -> str:
    from alsprog import __version__

    toc = "".join(
        f'<li><a href="#section-{i}">{html.escape(s.title)}</a></li>'
        for i, s in enumerate(sections, start=1)
    )
    return (
        '<!DOCTYPE html>\n<html lang="en">\n<head>\n<meta charset="utf-8">\n'
        '<meta name="viewport" content="width=device-width, initial-scale=1">\n'
        "<title>alsprog: ALS and MND survival and prognosis report</title>\n"
        f"<style>{STYLE}</style>\n</head>\n<body>\n"
        "<h1>ALS and other motor neuron diseases: survival and prognosis</h1>\n"
        f"<p>Made by alsprog {html.escape(__version__)}. Time is in years from symptom onset "
        "throughout. Every figure below is also in <code>figures/</code> (PNG) and every table "
        "in <code>tables/</code> (CSV, full precision). Each number is given with its source, "
        "or marked as computed by alsprog or as an assumption.</p>\n"
        f"<nav><ol>{toc}</ol></nav>\n" + "\n".join(bodies) + f"\n{footer}\n</body>\n</html>\n"
    )
