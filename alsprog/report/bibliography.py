"""The bibliography: ``alsprog/data/references.toml`` read once, and citations rendered.

The data files cite a source by key inside their texts, ``[@rooney2013]`` or, for several,
``[@miller2012; @rubin2019]``. On a page the citations become numbers in order of first use,
linked to a numbered reference list (``link_citations``); in plain text (a terminal, a CSV
reader's note) they become author-year (``cite_plain``: "(Rooney et al., 2013)").
"""

from __future__ import annotations

import html
import re
from dataclasses import dataclass
from functools import cache

from alsprog import data
from alsprog.errors import InputError

CITATION = re.compile(r"\[@([a-z0-9_]+(?:\s*;\s*@[a-z0-9_]+)*)\]")
LIST_MARK = "<!-- bibliography -->"
FIELDS = ("authors", "title", "journal", "year", "volume", "pages", "doi", "note", "cite_as")


@dataclass(frozen=True)
class Reference:
    """One source. Fields not known are empty (none is guessed); year is a whole number."""

    key: str
    authors: str = ""
    title: str = ""
    journal: str = ""
    year: int = 0
    volume: str = ""
    pages: str = ""
    doi: str = ""
    note: str = ""
    cite_as: str = ""

    @property
    def short(self) -> str:
        """The author part of an author-year citation: 'Rooney et al.', 'Rubin'."""
        if self.cite_as:
            return self.cite_as
        first, _, rest = self.authors.partition(",")
        words = first.split()
        if len(words) > 1 and words[-1].isupper() and len(words[-1]) <= 3:
            words = words[:-1]  # drop the initials
        name = " ".join(words).removesuffix(" et al.")
        return f"{name} et al." if rest.strip() or "et al." in first else name

    def text(self) -> str:
        """The entry as plain text, Vancouver-like: authors. Title. Journal. Year;volume:pages."""
        parts = [self.authors, self.title]
        where = self.journal
        if self.year:
            where += f". {self.year}" if where else str(self.year)
        if self.volume:
            where += f";{self.volume}"
        if self.pages:
            where += f":{self.pages}" if self.volume else f", {self.pages}"
        parts.append(where)
        out = ". ".join(p.rstrip(".") for p in parts if p) + "."
        if self.doi:
            out += f" doi:{self.doi}"
        if self.note:
            out += f" ({self.note})"
        return out

    def html(self) -> str:
        """The entry as HTML, the DOI linked."""
        out = html.escape(self.text())
        if self.doi:
            doi = html.escape(self.doi)
            out = out.replace(f"doi:{doi}", f'doi:<a href="https://doi.org/{doi}">{doi}</a>')
        return out


@cache
def references() -> dict[str, Reference]:
    """Every entry of ``data/references.toml`` by key, in file order."""
    out = {}
    for key, entry in data.thaw(data.table("references.toml")).items():
        unknown = set(entry) - set(FIELDS)
        if unknown:
            raise InputError(f"references.toml [{key}]: unknown fields {sorted(unknown)}")
        out[key] = Reference(key, **{k: entry[k] for k in entry})
    return out


def cited_keys(text: str) -> list[str]:
    """The keys cited in ``text``, in order, repeats kept."""
    return [k.strip().lstrip("@") for m in CITATION.finditer(text) for k in m.group(1).split(";")]


def _lookup(key: str) -> Reference:
    found = references().get(key)
    if found is None:
        raise InputError(f"citation [@{key}] names no entry of data/references.toml; add it there")
    return found


def cite_plain(text: str) -> str:
    """``text`` with each citation as author-year: '[@rooney2013]' -> '(Rooney et al., 2013)'."""

    def one(match: re.Match) -> str:
        keys = [k.strip().lstrip("@") for k in match.group(1).split(";")]
        return "(" + "; ".join(f"{_lookup(k).short}, {_lookup(k).year}" for k in keys) + ")"

    return CITATION.sub(one, text)


def link_citations(page: str, *, everything: bool = True) -> str:
    """A page's citations as numbers in order of first use, each linked to its entry, and the
    numbered list at ``<!-- bibliography -->`` (if the page has the mark): the cited entries,
    then (``everything``) the rest of the bibliography, which the data files cite beside
    figures the page does not show."""
    order: dict[str, int] = {}
    for key in cited_keys(page):
        _lookup(key)
        order.setdefault(key, len(order) + 1)
    listed = dict(order)
    if everything and LIST_MARK in page:
        for key in references():
            listed.setdefault(key, len(listed) + 1)

    def one(match: re.Match) -> str:
        keys = [k.strip().lstrip("@") for k in match.group(1).split(";")]
        links = ", ".join(f'<a href="#ref-{order[k]}">{order[k]}</a>' for k in keys)
        return f'<span class="cite">[{links}]</span>'

    page = CITATION.sub(one, page)
    items = "".join(
        f'<li id="ref-{n}">{references()[key].html()}</li>' for key, n in listed.items()
    )
    return page.replace(LIST_MARK, f'<ol class="bibliography">{items}</ol>')
