"""How far to trust each source: a grade per outlet, read from ``geodata/sources.csv``.

Every source in the catalogue is a URL; its site (the host without ``www.``) has one row in the
table with a grade, how firm that grade is, what the cited pages carry (a reprint of AP copy, a
ministry statement) and why the outlet has that grade. A URL whose host is not in the table but is a
subdomain of a listed one (``english.example.com`` under ``example.com``) takes the listed grade.
"""

from __future__ import annotations

import csv
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from urllib.parse import urlsplit

from corridor._data import geodata_path
from corridor._errors import InputError

#: The grades, from the most to the least direct, with what each means. The order is the legend's.
GRADES: Mapping[str, str] = {
    "official_statement": "a government's or ministry's own statement, printed whole",
    "wire_service": "copy of an international news agency (AP, AFP, Reuters)",
    "monitor": "a group that documents incidents and casualties by a stated method",
    "research": "a reference work, database or think tank that cites its sources",
    "news_outlet": "a newsroom of its own with editors; its lean is named in the table",
    "local_media": "Syrian or regional media close to the ground, often with a stated lean",
    "state_affiliated": "media owned by or close to a government that is a party (Russia, Turkey, Syria, Iran)",
    "partisan": "an outlet that argues one side's case; detail is useful, framing is not neutral",
    "aggregator": "a site that reposts or rewrites others' reports; trust rests on whom it copies",
}
CONFIDENCES: frozenset[str] = frozenset({"firm", "tentative"})
#: Shown for a source whose site is not in the table (never for the committed catalogue).
UNGRADED = "ungraded"
COLUMNS = ("domain", "outlet", "grade", "confidence", "carries", "why")


@dataclass(frozen=True, slots=True)
class SourceGrade:
    """One outlet's row in the table."""

    domain: str
    outlet: str
    grade: str
    confidence: str
    carries: str
    why: str


def domain_of(url: str) -> str:
    """The site a URL is on, lower case, without ``www.`` or a port (``""`` if there is none)."""
    host = (urlsplit(url.strip()).hostname or "").lower().rstrip(".")
    return host.removeprefix("www.")


def load_grades(path: Path | None = None) -> dict[str, SourceGrade]:
    """Read and check the grades table.

    Parameters
    ----------
    path
        A CSV file; by default the committed ``geodata/sources.csv``.

    Returns
    -------
    dict of str to SourceGrade
        Keyed by domain.

    Raises
    ------
    InputError
        For a wrong header, an unknown grade or confidence, an empty ``why`` or a repeated domain;
        the message names the file, the row (1 is the first data row) and the field.
    """
    path = geodata_path("sources.csv") if path is None else path
    name = str(path)
    try:
        # utf-8-sig: a table saved by a spreadsheet starts with a byte-order mark.
        with path.open(encoding="utf-8-sig", newline="") as handle:
            reader = csv.DictReader(handle)
            if tuple(reader.fieldnames or ()) != COLUMNS:
                raise InputError(f"the header must be {','.join(COLUMNS)}", file=name)
            rows = list(reader)
    except OSError as exc:
        raise InputError(f"cannot read the file ({exc.strerror})", file=name) from exc
    except (UnicodeDecodeError, csv.Error) as exc:
        raise InputError(f"not a UTF-8 CSV file ({exc})", file=name) from exc
    grades: dict[str, SourceGrade] = {}
    for number, row in enumerate(rows, start=1):
        values = {key: (row.get(key) or "").strip() for key in COLUMNS}
        domain = values["domain"].lower()
        problem = _row_problem(values, domain, grades)
        if problem:
            field, message = problem
            raise InputError(message, file=name, row=number, field=field)
        grades[domain] = SourceGrade(**{**values, "domain": domain})
    return grades


def _row_problem(
    values: Mapping[str, str], domain: str, seen: Mapping[str, SourceGrade]
) -> tuple[str, str] | None:
    if not domain or "/" in domain or " " in domain or domain.startswith("www."):
        return "domain", f"{values['domain']!r} is not a site name such as 'example.org'"
    if domain in seen:
        return "domain", f"{domain!r} is listed twice"
    if values["grade"] not in GRADES:
        return "grade", f"{values['grade']!r} is not one of {sorted(GRADES)}"
    if values["confidence"] not in CONFIDENCES:
        return "confidence", f"{values['confidence']!r} is not one of {sorted(CONFIDENCES)}"
    for key in ("outlet", "why"):
        if not values[key]:
            return key, "must not be empty"
    return None


@cache
def _committed() -> dict[str, SourceGrade]:
    return load_grades()


def grade_of(url: str, grades: Mapping[str, SourceGrade] | None = None) -> SourceGrade | None:
    """The row for the site a URL is on, or for the nearest listed parent domain; ``None`` if none."""
    table = _committed() if grades is None else grades
    parts = domain_of(url).split(".")
    for start in range(len(parts) - 1):
        row = table.get(".".join(parts[start:]))
        if row is not None:
            return row
    return None


def grade_names(urls: Iterable[str], grades: Mapping[str, SourceGrade] | None = None) -> list[str]:
    """The grade of each URL in order, :data:`UNGRADED` where the table has no row for its site."""
    out = []
    for url in urls:
        row = grade_of(url, grades)
        out.append(row.grade if row is not None else UNGRADED)
    return out
