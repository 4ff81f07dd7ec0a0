"""Writing the duty catalogue as a legacy ``.xls`` (BIFF8) with xlwt, as old office PCs save it."""

from __future__ import annotations

from pathlib import Path

import xlwt  # type: ignore[import-untyped]

from officekit.samples.duties_text import DutyRow

DUTY_HEADERS = ("部门", "岗位", "直属上级", "岗位目的", "岗位职责", "任职要求")
_WIDTHS = (12, 10, 10, 30, 60, 40)  # characters


def write_duties_xls(path: Path, rows: tuple[DutyRow, ...]) -> None:
    """The catalogue: a merged title, the header, one row per department and role with the
    numbered duties and requirements as multi-line text in one cell each."""
    book = xlwt.Workbook(encoding="utf-8")
    ws = book.add_sheet("岗位职责")
    title = xlwt.easyxf("font: bold on, height 320; align: horiz center, vert center")
    head = xlwt.easyxf("font: bold on; align: horiz center, vert center, wrap on; "
                       "borders: left thin, right thin, top thin, bottom thin; "
                       "pattern: pattern solid, fore_colour pale_blue")
    body = xlwt.easyxf("align: vert top, wrap on; "
                       "borders: left thin, right thin, top thin, bottom thin")
    ws.write_merge(0, 0, 0, len(DUTY_HEADERS) - 1, "客户服务中心岗位职责表（2026年修订）", title)
    ws.row(0).height_mismatch = True
    ws.row(0).height = 600
    for j, name in enumerate(DUTY_HEADERS):
        ws.write(1, j, name, head)
        ws.col(j).width = 256 * _WIDTHS[j]
    for i, r in enumerate(rows, start=2):
        values = (r.department, r.role, r.reports_to, r.purpose, r.duties, r.requirements)
        for j, value in enumerate(values):
            ws.write(i, j, value, body)
    book.save(str(path))
