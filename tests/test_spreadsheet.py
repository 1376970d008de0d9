"""A real spreadsheet program opens events.csv: LibreOffice Calc (Debian's, headless) reads every
cell as written, Arabic and line breaks included, and no text from an imported file becomes a formula.

Calc converts the CSV to OpenDocument (``soffice --convert-to ods``) and the test reads the cells
back from its ``content.xml``. The import is told the file is UTF-8 comma-separated CSV, as Calc's
import dialog offers it: headless Calc does not look at the byte-order mark that Excel reads
(tests/test_tables.py checks the BOM is there), so this test cannot stand in for Excel on that point.
``make test`` installs Calc when missing; on CI (``CI`` set) a missing Calc fails the run.
"""

from __future__ import annotations

import csv
import os
import shutil
import subprocess
import zipfile
from pathlib import Path

import pytest
from lxml import etree

import corridor
from test_safe import hostile_strings
from test_webmap import write_hostile

SOFFICE = os.environ.get("CORRIDOR_SOFFICE", "soffice")
#: Calc's CSV import options: comma, double quote, UTF-8 (76), start at row 1.
CSV_UTF8 = "CSV:44,34,76,1"
TABLE = "urn:oasis:names:tc:opendocument:xmlns:table:1.0"
TEXT = "urn:oasis:names:tc:opendocument:xmlns:text:1.0"
FORMULAS = ["=1+2", '=HYPERLINK("http://evil.example","x")', "+SUM(1,2)", "@SUM(1)", "-3+4"]


def _on_ci() -> bool:
    return os.environ.get("CI", "").lower() not in {"", "0", "false", "no"}


@pytest.fixture(scope="module")
def calc(tmp_path_factory):
    """A function that opens a CSV in Calc and returns its cells and formulas."""
    program = shutil.which(SOFFICE)
    if program is None:
        message = "LibreOffice Calc (soffice) is not installed; `make test` installs it"
        if _on_ci():
            pytest.fail(message + " (CI must run the spreadsheet test, never skip it)")
        pytest.skip(message)
    home = tmp_path_factory.mktemp("calc_home")

    def open_in_calc(path: Path) -> tuple[list[list[str]], list[str]]:
        out = path.parent / "ods"
        command = [program, "--headless", f"--infilter={CSV_UTF8}", "--convert-to", "ods"]
        done = subprocess.run(
            [*command, "--outdir", str(out), str(path)],
            capture_output=True,
            text=True,
            env={**os.environ, "HOME": str(home)},  # a profile of its own, not the user's
            check=False,
            timeout=300,
        )
        assert done.returncode == 0, done.stderr[-2000:]
        with zipfile.ZipFile(out / (path.stem + ".ods")) as ods:
            root = etree.fromstring(ods.read("content.xml"))
        return _cells(root)

    return open_in_calc


def _paragraph(p: etree._Element) -> str:
    """A ``text:p``'s characters: OpenDocument writes tabs, runs of spaces and breaks as elements."""
    parts = [p.text or ""]
    for child in p:
        tag = etree.QName(child).localname
        if tag == "tab":
            parts.append("\t")
        elif tag == "s":
            parts.append(" " * int(child.get(f"{{{TEXT}}}c", "1")))
        elif tag == "line-break":
            parts.append("\n")
        else:
            parts.append(_paragraph(child))
        parts.append(child.tail or "")
    return "".join(parts)


def _cells(root: etree._Element) -> tuple[list[list[str]], list[str]]:
    rows, formulas = [], []
    for row in root.iter(f"{{{TABLE}}}table-row"):
        cells: list[str] = []
        for cell in row:
            if cell.get(f"{{{TABLE}}}formula"):
                formulas.append(cell.get(f"{{{TABLE}}}formula"))
            repeat = int(cell.get(f"{{{TABLE}}}number-columns-repeated", "1"))
            text = "\n".join(_paragraph(p) for p in cell.findall(f"{{{TEXT}}}p"))
            cells.extend([text] * min(repeat, 1000))
        rows.append(cells)
    return rows, formulas


@pytest.fixture(scope="module")
def built(tmp_path_factory):
    folder = tmp_path_factory.mktemp("spreadsheet")
    texts = [*hostile_strings(), "مدينة سراقب <b>x</b>", "two\nlines, a comma", *FORMULAS]
    corridor.build(folder / "out", events=[write_hostile(folder / "rows.csv", texts)])
    path = folder / "out" / "events.csv"
    with path.open(encoding="utf-8-sig", newline="") as handle:
        written = list(csv.reader(handle))
    return path, written, texts


def test_calc_reads_every_cell_as_written(calc, built):
    path, written, texts = built
    rows, formulas = calc(path)
    assert len(written) == 1 + 103 + len(texts)  # the header, the catalogue, the imported rows
    width = len(written[0])
    shown = [(row + [""] * width)[:width] for row in rows[: len(written)]]
    assert len(rows) >= len(written) and not any(any(r) for r in rows[len(written) :])
    # Calc types true/false as its booleans, shown TRUE and FALSE; every other cell is as written.
    expected = [[{"true": "TRUE", "false": "FALSE"}.get(c, c) for c in row] for row in written]
    expected[0] = written[0]
    assert shown == expected
    assert formulas == []
    notes = written[0].index("notes")
    assert sum("سراقب" in row[notes] for row in shown) >= 1
    assert any(row[notes] == "two\nlines, a comma" for row in shown)


def test_without_the_guard_calc_would_run_them(calc, built, tmp_path):
    """The control: the same rows with the guard taken off make Calc build formulas."""
    _, written, _ = built
    raw = tmp_path / "unguarded.csv"
    with raw.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle)
        for row in written:
            writer.writerow([c[1:] if c[:2] in {f"'{s}" for s in "=+-@"} else c for c in row])
    _, formulas = calc(raw)
    # Calc's import runs cells that start with "="; Excel also runs "+", "-" and "@" ones, which
    # the guard covers too (tests/test_tables.py).
    assert {"of:=1+2", 'of:=HYPERLINK("http://evil.example";"x")'} <= set(formulas)
