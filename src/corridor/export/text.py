"""JSON and CSV text for the reports: sorted keys, Unix newlines, no NaN."""

from __future__ import annotations

import json
from typing import Any

import pandas as pd

from corridor.export.geojson import _clean


def json_text(data: Any) -> str:
    """Indented, key-sorted JSON text with a final newline."""
    return json.dumps(_clean(data), ensure_ascii=False, indent=2, sort_keys=True) + "\n"


def csv_text(frame: pd.DataFrame) -> str:
    """CSV text with a header, Unix newlines and no index."""
    return frame.to_csv(index=False, lineterminator="\n")
