"""An event file as bytes and as CSV columns: checked to be UTF-8 text, its header, its columns parsed
by Arrow.

:mod:`corridor.events.readers` reads ACLED, plain CSV and GeoJSON files with these. A problem with
the file itself raises :class:`~corridor._errors.InputError` naming it; a row with too many or too
few fields is set aside as a :class:`~corridor.events.rows.Rejection`.
"""

from __future__ import annotations

import codecs
import csv
import io
import re
from collections.abc import Callable
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from corridor._errors import InputError
from corridor.events.rows import Rejection

#: Rows between two progress messages while a large file is parsed.
PROGRESS_CHUNK_ROWS = 100_000


def read_data(path: Path) -> bytes:
    """The file's bytes without a byte-order mark, checked to be UTF-8 text.

    The CSV reader parses these bytes as they are, and only the header line is decoded: decoding
    the whole file (and encoding it again for Arrow) cost 0.1 s of CPU for 200,000 ACLED rows here.

    Parameters
    ----------
    path
        The event file.

    Returns
    -------
    bytes
        What ``path`` holds after a UTF-8 byte-order mark, if it has one.

    Raises
    ------
    corridor.InputError
        The file cannot be read, is empty or blank, is binary, or is not UTF-8 (the message gives
        the offset of the first bad byte, counted after the mark).
    """
    try:
        raw = path.read_bytes()
    except OSError as exc:
        raise InputError(f"cannot read the file ({exc.strerror or exc})", file=str(path)) from None
    if not raw or raw.isspace():  # (strip() would copy the whole file)
        raise InputError("the file is empty", file=str(path))
    if b"\x00" in raw[:65536]:
        raise InputError("this is a binary file, not CSV or GeoJSON text", file=str(path))
    data = raw.removeprefix(codecs.BOM_UTF8)  # what decoding as "utf-8-sig" leaves out
    if not _is_utf8(data):
        try:  # Python's own decoder says where (the offset counts from after the mark, as before)
            data.decode("utf-8")
        except UnicodeDecodeError as exc:
            msg = f"not UTF-8 text (bad byte at offset {exc.start}); re-save it as UTF-8"
            raise InputError(msg, file=str(path)) from None
    return data


def _is_utf8(data: bytes) -> bool:
    """Whether ``data`` is valid UTF-8, checked without decoding it (ASCII at once, else by Arrow's
    validator, which rejects what Python's decoder does: surrogates, overlong forms, > U+10FFFF):
    0.007 s for a 44 MB file here, against 0.045 s to decode it."""
    if data.isascii():
        return True
    import pyarrow as pa

    offsets = pa.array([0, len(data)], type=pa.int64()).buffers()[1]
    values = pa.Array.from_buffers(pa.large_binary(), 1, [None, offsets, pa.py_buffer(data)])
    try:
        values.cast(pa.large_string())
    except pa.ArrowInvalid:
        return False
    return True


#: ASCII characters that Python's ``str.isspace`` counts as white space.
_ASCII_SPACE = re.compile(rb"[ \t\n\x0b\x0c\r\x1c-\x1f]*")


def is_json(data: bytes) -> bool:
    """Whether the text starts with ``{`` after any white space (``text.lstrip().startswith("{")``)."""
    start = _ASCII_SPACE.match(data).end()  # (a run of none matches too)
    first = data[start : start + 1]
    if first < b"\x80":  # ASCII (or nothing): the answer
        return first == b"{"
    return data.decode("utf-8").lstrip().startswith("{")  # Unicode white space first: rare


def header_fields(data: bytes) -> list[str]:
    """The first line's fields (found without decoding, or splitting, the whole file)."""
    end = data.find(b"\n")
    line = (data if end < 0 else data[:end]).decode("utf-8")
    return next(csv.reader(io.StringIO(line)), [])


def _column_names(header: list[str]) -> list[str]:
    """The header's names, repeated ones numbered as pandas does (``notes``, ``notes.1``)."""
    seen: dict[str, int] = {}
    names = []
    for name in header:
        n = seen.get(name, 0)
        seen[name] = n + 1
        names.append(f"{name}.{n}" if n else name)
    return names


#: Arrow's CSV reader parses this much text at a time: 0.23 s of CPU for 200,000 ACLED rows here with
#: 1 MiB blocks, against 0.55 s with 16 MiB ones (a block that fits the caches). A row longer than
#: that (it cannot straddle two blocks) is read again with :data:`CSV_BLOCK_MAX_BYTES`.
CSV_BLOCK_BYTES = 1 << 20
CSV_BLOCK_MAX_BYTES = 1 << 24


def read_csv(
    path: Path,
    data: bytes,
    progress: Callable[[str], None] | None,
    usecols: Callable[[str], bool] | None = None,
) -> tuple[pd.DataFrame, list[Rejection]]:
    """Columns as text (those ``usecols`` accepts); rows with too many or too few fields are set aside.

    The columns are parsed by Arrow's CSV reader from the file's bytes ``data``, on this thread:
    0.23 s of CPU for 200,000 ACLED rows here, against 1.25 s for pandas' C parser (pandas' own
    pyarrow engine parses on threads, and then cannot tell which row was bad). Every value is kept
    as text, an empty field as ``""``.

    Parameters
    ----------
    path
        The file, for messages.
    data
        Its bytes (:func:`read_data`).
    progress
        Called with a short message while a large file is parsed.
    usecols
        Which header names to keep (all by default).

    Returns
    -------
    tuple
        The columns (names stripped and lower-cased, each one Arrow chunk, and ``_row``: each row's
        number as a spreadsheet shows it, the header being row 1) and the rows set aside.

    Raises
    ------
    corridor.InputError
        Arrow cannot read the file as CSV.
    """
    import pyarrow as pa

    header = header_fields(data)
    names = _column_names([h.strip() for h in header])
    keep = [n for n, h in zip(names, header, strict=True) if usecols is None or usecols(h)]
    try:
        batches, rejected = _parse_csv(path, data, names, keep, progress, CSV_BLOCK_BYTES)
    except (pa.ArrowInvalid, ValueError):
        try:  # a row longer than a block (or a file Arrow cannot read at all: the same message)
            batches, rejected = _parse_csv(path, data, names, keep, progress, CSV_BLOCK_MAX_BYTES)
        except (pa.ArrowInvalid, ValueError) as exc:
            raise InputError(f"not a readable CSV ({exc})", file=str(path)) from None
    # Large strings are what pandas' text columns hold: no cast of every column (0.1 s here).
    schema = pa.schema([(n, pa.large_string()) for n in keep])
    # One chunk a column, whatever the block size: how Parquet's writer pages a column (where it
    # gives up on a dictionary) depends on its chunks, and events.parquet must not change with them.
    table = pa.Table.from_batches(batches, schema=schema).combine_chunks()
    del batches
    frame = table.to_pandas()
    frame.columns = [str(c).strip().lower() for c in frame.columns]
    # Rows count as a spreadsheet shows them: the header is row 1; a bad row keeps its number.
    numbers = np.arange(2, len(frame) + len(rejected) + 2)
    if rejected:
        numbers = numbers[~np.isin(numbers, [r.row for r in rejected])][: len(frame)]
    frame["_row"] = numbers
    return frame, rejected


def _parse_csv(
    path: Path,
    data: bytes,
    names: list[str],
    keep: list[str],
    progress: Callable[[str], None] | None,
    block_size: int,
) -> tuple[list[Any], list[Rejection]]:
    """The record batches of ``data`` (columns ``keep`` as text) and the rows with a wrong count."""
    import pyarrow as pa
    import pyarrow.csv as pacsv

    rejected: list[Rejection] = []

    def bad_row(row: pacsv.InvalidRow) -> str:
        message = f"expected {row.expected_columns} fields, found {row.actual_columns}"
        rejected.append(Rejection(str(path), int(row.number), "(row)", message))
        return "skip"

    reader = pacsv.open_csv(
        pa.BufferReader(data),
        read_options=pacsv.ReadOptions(
            use_threads=False, column_names=names, skip_rows=1, block_size=block_size
        ),
        parse_options=pacsv.ParseOptions(newlines_in_values=True, invalid_row_handler=bad_row),
        convert_options=pacsv.ConvertOptions(
            include_columns=keep,
            column_types=dict.fromkeys(keep, pa.large_string()),
            strings_can_be_null=False,
            quoted_strings_can_be_null=False,
        ),
    )
    batches = []
    rows = 0
    for batch in reader:
        batches.append(batch)
        rows += batch.num_rows
        if progress and rows >= PROGRESS_CHUNK_ROWS * 2:
            progress(f"{path.name}: {rows:,} rows read")
    return batches, rejected
