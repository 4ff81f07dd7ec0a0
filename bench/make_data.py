"""Write a large complaint register for the benchmarks (100,000 rows by default).

The rows are drawn like the sample month's (officekit.samples): a year of complaints
(November 2025 – October 2026) with dates typed in mixed forms, channel, severity and status
synonyms, phones sometimes stored as numbers, and handlers who all exist in the sample staff
list (the shared name always written with its 工号) — so a validator does real work on every
cell and, with the sample roster ingested first, finds no errors.

    python bench/make_data.py OUT.xlsx [rows]
"""

from __future__ import annotations

import random
import sys
import time
from datetime import datetime, timedelta
from pathlib import Path

from officekit.samples.forms import Sheet, new_workbook
from officekit.samples.month import (
    DEPT_BY_CHANNEL,
    HANDLER_ROLES,
    SNAPSHOT,
    draw_content,
    new_complaint,
    resolve,
)
from officekit.samples.names import DEPT_HOTLINE, STAFF, Person
from officekit.samples.sheets import complaint_cells

START = datetime(2025, 11, 1)
END = datetime(2026, 10, 31, 23, 59)
HEADERS = ["投诉编号", "受理时间", "渠道", "投诉人", "联系电话", "投诉类型", "严重程度", "投诉内容",
           "承办部门", "处理人", "处理状态", "办结时间", "处理结果", "满意度"]


def _handlers() -> dict[str, list[Person]]:
    """Department → the people who take complaints there (everyone still at work)."""
    out: dict[str, list[Person]] = {}
    for dept, roles in HANDLER_ROLES.items():
        out[dept] = [p for p in STAFF if p.department == dept and p.role in roles
                     and p.status == "在职"]
    return out


def make_complaints(path: Path, rows: int = 100_000, seed: int = 2026) -> Path:
    """Write a ``rows``-row complaint register to ``path`` (xlsx, shared strings, one title
    row and a single-row header) and return the path. Same seed, same content."""
    rng = random.Random(seed)
    handlers = _handlers()
    span = int((END - START).total_seconds() // 60)
    moments = sorted(START + timedelta(minutes=rng.randrange(span)) for _ in range(rows))
    book = new_workbook(path)  # not constant_memory: that writes inline strings, not shared
    sh = Sheet(book, "投诉登记")
    sh.title(f"客服中心投诉登记表（{START:%Y年%m月}至{END:%Y年%m月}）", len(HEADERS) - 1)
    sh.header(1, HEADERS)
    seq: dict[tuple[int, int], int] = {}
    for i, received in enumerate(moments):
        content = draw_content(rng)
        dept = DEPT_BY_CHANNEL.get(content.channel, DEPT_HOTLINE)
        complaint = new_complaint(rng, content, received, rng.choice(handlers[dept]))
        key = (received.year, received.month)
        seq[key] = seq.get(key, 0) + 1
        complaint.complaint_id = f"TS{received:%Y%m}{seq[key]:05d}"
        resolve(complaint, rng, SNAPSHOT)
        cells, _ = complaint_cells(complaint, rng, yearless=False)  # a year spans two
        for j, cell in enumerate(cells):
            sh.put(2 + i, j, cell)
    book.close()
    return path


def main(argv: list[str]) -> int:
    if not 1 <= len(argv) <= 2:
        print("用法 / usage: python bench/make_data.py OUT.xlsx [rows]", file=sys.stderr)
        return 2
    rows = int(argv[1]) if len(argv) == 2 else 100_000
    t0 = time.perf_counter()
    out = make_complaints(Path(argv[0]), rows)
    size = out.stat().st_size / 1e6
    print(f"{out}: {rows} 行 / rows, {size:.1f} MB, {time.perf_counter() - t0:.1f} s")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
