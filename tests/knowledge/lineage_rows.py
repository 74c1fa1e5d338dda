"""Finder rows as ``storage.lineage.old_units`` gives them, read straight from the data files:
the 2023 units (``storage/data/areas-ninh-thuan-2023.csv``) and the 2025-01 units linked to the
new ones (the lineage CSV: ``storage/data/khanh-hoa-2025-lineage.csv`` where the storage data
has it, else the copy of ``shared/spec/khanh-hoa-2025-lineage.csv`` beside this file)."""

from __future__ import annotations

import csv
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
STORAGE = ROOT / "storage" / "data"
LINEAGE = next(p for p in (STORAGE / "khanh-hoa-2025-lineage.csv",
                           Path(__file__).parent / "data" / "khanh-hoa-2025-lineage.csv")
               if p.exists())


@dataclass(frozen=True)
class Row:
    old_id: int
    old_name: str
    old_district: str | None
    new_id: int | None
    new_name: str | None
    partial: bool


def lineage() -> list[dict[str, str]]:
    lines = [ln for ln in LINEAGE.read_text(encoding="utf-8").splitlines()
             if ln.strip() and not ln.startswith("#")]
    return list(csv.DictReader(lines))


def rows() -> list[Row]:
    """2025-01 rows (ids 1xxxxx), the same units in 2023 (2xxxxx) and, with no new unit, the
    three 2023 wards the table does not cover. New ids 9xxxxx; codes are reused across
    epochs, so ids are never the code alone."""
    linked = lineage()
    out = [Row(100000 + int(r["old_code"]), r["old_name"], r["old_district"],
               900000 + int(r["new_code"]), r["new_name"], r["partial"] == "yes")
           for r in linked]
    by_name = {(r["old_name"], r["old_district"]): r for r in linked}
    with (STORAGE / "areas-ninh-thuan-2023.csv").open(encoding="utf-8") as fh:
        for unit in csv.DictReader(fh):
            key = (unit["commune"], unit["district"])
            matches = [r for r in out if (r.old_name, r.old_district) == key]
            if key not in by_name:
                out.append(Row(200000 + int(unit["commune_code"]), *key, None, None, False))
            for r in matches:
                out.append(Row(200000 + int(unit["commune_code"]), *key, r.new_id, r.new_name,
                               r.partial))
    return out
