"""Reading the O*NET files shipped in `onet/` (tab-separated, header row, `n/a` empty).

The files are O*NET 29.3 (CC BY 4.0, see onet/NOTICE.md), gzip-compressed where large.
"""

from __future__ import annotations

import csv
import gzip
import hashlib
import io
from pathlib import Path
from typing import Iterator, Mapping

ONET_DIR = Path(__file__).resolve().parents[2] / "onet"
DB_DIR = ONET_DIR / "db_29_3"
PROFILER_DIR = ONET_DIR / "interest_profiler"
RELEASE = "29.3"

# Every O*NET file the project uses; the loader reads each of them.
DB_FILES = (
    "Occupation Data",
    "Alternate Titles",
    "Sample of Reported Titles",
    "Interests",
    "Interests Illustrative Activities",
    "Interests Illustrative Occupations",
    "RIASEC Keywords",
    "Job Zones",
    "Job Zone Reference",
    "Related Occupations",
    "Skills",
    "Knowledge",
    "Technology Skills",
    "Work Values",
    "Task Statements",
    "Education, Training, and Experience",
    "Education, Training, and Experience Categories",
    "Level Scale Anchors",
    "Content Model Reference",
)
PROFILER_FILES = ("ip_short_form_60_items", "ip_answer_options")


def db_path(name: str, directory: Path | None = None) -> Path:
    """The file of an O*NET table: `<name>.txt.gz`, or `<name>.txt` if not compressed."""
    base = directory or DB_DIR
    compressed = base / f"{name}.txt.gz"
    return compressed if compressed.exists() else base / f"{name}.txt"


def _open_text(path: Path) -> io.TextIOBase:
    if path.suffix == ".gz":
        return io.TextIOWrapper(gzip.open(path, "rb"), encoding="utf-8", newline="")
    return open(path, encoding="utf-8", newline="")


def read_rows(path: Path) -> Iterator[dict[str, str | None]]:
    """Rows as dicts keyed by the header; O*NET's `n/a` becomes None."""
    with _open_text(path) as handle:
        reader = csv.DictReader(handle, delimiter="\t", quoting=csv.QUOTE_NONE)
        for row in reader:
            yield {k: (None if v in ("n/a", "") else v) for k, v in row.items()}


def required(row: Mapping[str, str | None], column: str) -> str:
    """The value of a column every row of its file has; a clear error where it is `n/a`,
    empty or missing, instead of a None that would fail (or be stored) further on."""
    value = row.get(column)
    if value is None:
        code = row.get("O*NET-SOC Code")
        where = f" (O*NET-SOC Code {code})" if code else ""
        raise ValueError(f"O*NET row without a value in column {column!r}{where}")
    return value


def read_table(name: str, directory: Path | None = None) -> Iterator[dict[str, str | None]]:
    return read_rows(db_path(name, directory))


def read_profiler(name: str, directory: Path | None = None) -> Iterator[dict[str, str | None]]:
    return read_rows((directory or PROFILER_DIR) / f"{name}.tsv")


def used_files(onet_dir: Path | None = None) -> list[Path]:
    root = onet_dir or ONET_DIR
    return [db_path(n, root / "db_29_3") for n in DB_FILES] + [
        root / "interest_profiler" / f"{n}.tsv" for n in PROFILER_FILES
    ]


def fingerprint(onet_dir: Path | None = None) -> str:
    """A digest of every used file's content: a changed file means a reload."""
    digest = hashlib.sha256()
    for path in used_files(onet_dir):
        digest.update(path.name.encode())
        with open(path, "rb") as handle:
            for block in iter(lambda: handle.read(1 << 20), b""):
                digest.update(block)
    return digest.hexdigest()
