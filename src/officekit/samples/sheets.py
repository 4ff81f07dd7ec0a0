"""Sheet layouts shared by the good sample files and the flawed ones: the wide schedule, the
complaint register (two-row header) and the visit log, each written row by row from the month.
"""

from __future__ import annotations

import random
from collections.abc import Sequence
from datetime import date, datetime

from officekit.samples.forms import (
    Cell,
    Sheet,
    datetime_cell,
    phone_cell,
    satisfaction_cell,
    staff_cell,
)
from officekit.samples.month import Complaint, Visit
from officekit.samples.names import Person

WEEKDAYS = "一二三四五六日"
SHIFT_COLOURS = {"早": "#FFF2CC", "中": "#E2EFDA", "晚": "#DDEBF7", "夜": "#D9D2E9",
                 "白": "#FFFFFF", "休": "#EDEDED", "假": "#FCE4D6"}


# --------------------------------------------------------------------------------------------
# 排班表 (wide)

def write_schedule_sheet(sh: Sheet, title: str, days: Sequence[date],
                         rows: Sequence[tuple[Person, str, Sequence[str | None]]],
                         day_header: str = "{day}") -> None:
    """Title, header 工号/姓名/部门/days (``day_header`` formats each day: ``"{day}"`` writes
    the number as a number, ``"{day}日"`` as text), a weekday row under it, then one row per
    (person, department as written, shift codes)."""
    last = 2 + len(days)
    sh.title(title, last)
    sh.header(1, ["工号", "姓名", "部门"])
    head = sh.header_format()
    for j, day in enumerate(days):
        label = day_header.format(day=day.day, month=day.month)
        if label.isdigit():
            sh.ws.write_number(1, 3 + j, int(label), head)
        else:
            sh.ws.write_string(1, 3 + j, label, head)
        sh.ws.write_string(2, 3 + j, WEEKDAYS[day.weekday()], head)
    colours = {code: sh.book.add_format({"bg_color": c, "align": "center", "border": 1})
               for code, c in SHIFT_COLOURS.items()}
    for i, (person, dept, codes) in enumerate(rows):
        r = 3 + i
        sh.ws.write_string(r, 0, person.staff_id)
        sh.ws.write_string(r, 1, person.name)
        sh.ws.write_string(r, 2, dept)
        for j, code in enumerate(codes):
            if code is not None:
                sh.ws.write_string(r, 3 + j, code, colours[code])
    sh.ws.set_column(0, 1, 8)
    sh.ws.set_column(2, 2, 11)
    sh.ws.set_column(3, last, 4)
    sh.ws.freeze_panes(3, 3)


# --------------------------------------------------------------------------------------------
# 投诉登记表

COMPLAINT_UPPER = ["序号", "工单号", "来电时间", "渠道", "客户", "电话", "问题类型", "等级",
                   "投诉内容", "处理部门"]
COMPLAINT_GROUP = ("处理情况", ["经办人", "办理状态", "办结时间"])
COMPLAINT_TAIL = ["处理结果", "客户满意度"]
COMPLAINT_COLUMNS = [*COMPLAINT_UPPER, *COMPLAINT_GROUP[1], *COMPLAINT_TAIL]


def complaint_cells(c: Complaint, rng: random.Random, *, yearless: bool = True
                    ) -> tuple[list[Cell | None], datetime]:
    """The register row of one complaint (from 工单号 on) and its received time as read back.
    ``yearless`` allows dates without the year (a register of one month only)."""
    received, received_read = datetime_cell(c.received_at, rng, yearless=yearless)
    resolved = None
    if c.resolved_at is not None:
        resolved, _ = datetime_cell(c.resolved_at, rng, not_before=received_read,
                                    yearless=yearless)
    dept = Cell(c.department) if rng.random() < 0.93 else None
    cells: list[Cell | None] = [
        Cell(c.complaint_id), received, Cell(c.channel_raw), Cell(c.customer),
        phone_cell(c.phone, rng), Cell(c.category), Cell(c.severity_raw), Cell(c.description),
        dept, staff_cell(c.handler, rng), Cell(c.status_raw), resolved,
        Cell(c.resolution) if c.resolution else None,
        satisfaction_cell(c.satisfaction, rng),
    ]
    return cells, received_read


def write_complaint_sheet(sh: Sheet, title: str, rows: Sequence[Sequence[Cell | None]]) -> None:
    """Title, the two-row header (处理情况 over 经办人/办理状态/办结时间, the other headers
    merged down both rows), then a 序号 and the rows."""
    head = sh.header_format()
    sh.title(title, len(COMPLAINT_COLUMNS) - 1)
    for j, name in enumerate(COMPLAINT_UPPER):
        sh.ws.merge_range(1, j, 2, j, name, head)
    g0 = len(COMPLAINT_UPPER)
    sh.ws.merge_range(1, g0, 1, g0 + len(COMPLAINT_GROUP[1]) - 1, COMPLAINT_GROUP[0], head)
    for j, name in enumerate(COMPLAINT_GROUP[1]):
        sh.ws.write_string(2, g0 + j, name, head)
    t0 = g0 + len(COMPLAINT_GROUP[1])
    for j, name in enumerate(COMPLAINT_TAIL):
        sh.ws.merge_range(1, t0 + j, 2, t0 + j, name, head)
    wrap = {COMPLAINT_COLUMNS.index("投诉内容"), COMPLAINT_COLUMNS.index("处理结果")}
    for i, cells in enumerate(rows):
        sh.put(3 + i, 0, Cell(i + 1))
        for j, cell in enumerate(cells, start=1):
            sh.put(3 + i, j, cell, wrap=j in wrap)
    for col, width in enumerate((5, 14, 17, 7, 10, 14, 9, 6, 48, 10, 12, 9, 17, 40, 10)):
        sh.ws.set_column(col, col, width)
    sh.ws.freeze_panes(3, 2)
    sh.ws.autofilter(2, 0, 2 + len(rows), len(COMPLAINT_COLUMNS) - 1)


# --------------------------------------------------------------------------------------------
# 回访记录表

VISIT_HEADERS = ["回访编号", "回访日期", "客户姓名", "联系电话", "回访人", "回访方式", "回访类型",
                 "关联投诉编号", "是否接通", "满意度", "回访内容"]
# the .ods supplement was kept by someone else, with other words for the same columns
VISIT_ODS_HEADERS = ["记录编号", "回访时间", "客户", "客户电话", "回访人员", "方式", "回访目的",
                     "工单号", "联系结果", "客户满意度", "反馈内容"]
REACHED_FORMS = ("是",) * 10 + ("成功",) * 3 + ("√",) * 2 + ("Y",) + (None,) * 4
UNREACHED_FORMS = ("否", "未接通", "未接通", "失败", "×")


def visit_cells(v: Visit, rng: random.Random, received: dict[str, datetime]
                ) -> list[Cell | None]:
    """The log row of one visit; never reads back earlier than its complaint was received."""
    floor = received.get(v.complaint.complaint_id) if v.complaint else None
    when, _ = datetime_cell(v.visited_at, rng, not_before=floor)
    purpose = v.purpose if v.complaint is None or rng.random() < 0.7 else None
    reached = rng.choice(REACHED_FORMS) if v.reached else rng.choice(UNREACHED_FORMS)
    return [
        Cell(v.visit_id), when, Cell(v.customer), phone_cell(v.phone, rng),
        staff_cell(v.staff, rng), Cell(v.method_raw), Cell(purpose) if purpose else None,
        Cell(v.complaint.complaint_id) if v.complaint else None,
        Cell(reached) if reached else None, satisfaction_cell(v.satisfaction, rng),
        Cell(v.feedback),
    ]


def write_visit_sheet(sh: Sheet, title: str, rows: Sequence[Sequence[Cell | None]]) -> None:
    """A title row, the header, one row per contact attempt."""
    sh.title(title, len(VISIT_HEADERS) - 1)
    sh.header(1, VISIT_HEADERS)
    for i, cells in enumerate(rows):
        for j, cell in enumerate(cells):
            sh.put(2 + i, j, cell, wrap=j == len(VISIT_HEADERS) - 1)
    for col, width in enumerate((14, 17, 12, 14, 12, 9, 10, 14, 9, 10, 44)):
        sh.ws.set_column(col, col, width)
    sh.ws.freeze_panes(2, 0)
