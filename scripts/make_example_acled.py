"""Write the notebook's example ACLED file, ``notebooks/data/acled_example.csv`` (synthetic, not real).

The rows come from the benchmark's seeded generator (``bench/synthetic_acled.py``), with most of them
drawn around the corridor so that the notebook has something to find in it. The same command always
writes the same bytes::

    .venv/bin/python scripts/make_example_acled.py
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "bench"))

from synthetic_acled import write_acled  # noqa: E402

DEFAULT_OUT = ROOT / "notebooks" / "data" / "acled_example.csv"
#: Size, seed and share of rows around the corridor; changing any of them changes the committed file.
ROWS = 300
SEED = 2020
NEAR_FRACTION = 0.9


def make_example(out: Path = DEFAULT_OUT) -> Path:
    """Write the example file to ``out`` and return its path."""
    out.parent.mkdir(parents=True, exist_ok=True)
    return write_acled(out, ROWS, seed=SEED, near_fraction=NEAR_FRACTION)


def main() -> None:
    """Parse the command line and write the file."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, default=DEFAULT_OUT, help="where to write the CSV")
    args = parser.parse_args()
    print(make_example(args.out))


if __name__ == "__main__":
    main()
