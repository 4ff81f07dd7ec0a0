"""``officekit sample DIR``: a realistic month of a fictional customer-service centre.

:func:`write_samples` writes October 2026 of 云泽市供电公司客户服务中心 as the workbooks an
office really keeps — a roster (花名册), a wide duty schedule (排班表), a complaint register
with a two-row header and a notes sheet, a visit log, a duty catalogue saved as ``.xls`` and a
supplementary visit log as ``.ods`` — plus, under ``有问题的样例/``, files that each show one
kind of rejection (see :mod:`officekit.samples.flawed`).

The facts come from :mod:`officekit.samples.month` and are consistent (so the good files pass
validation with warnings at most); the forms — dates typed five ways, synonyms for channels
and statuses, phones stored as numbers — come from :mod:`officekit.samples.forms`. The same
seed gives the same bytes for every file but the encrypted sample (its cipher salts itself).
"""

from __future__ import annotations

import random
from datetime import date, datetime
from pathlib import Path
from typing import Any

from xlsxwriter.exceptions import FileCreateError

from officekit.errors import UsageError
from officekit.samples.duties_text import DUTIES
from officekit.samples.flawed import write_flawed
from officekit.samples.forms import Cell, Sheet, date_cell, new_workbook
from officekit.samples.month import DAYS, VISITS_MAIN_END, Month, Visit, build_month
from officekit.samples.names import (
    CENTRE,
    LEAVER_ID,
    LEAVER_LAST_DAY,
    MAIL_DOMAIN,
    ON_LEAVE_FROM,
    ON_LEAVE_ID,
    mobile,
)
from officekit.samples.ods import write_ods
from officekit.samples.sheets import (
    VISIT_ODS_HEADERS,
    complaint_cells,
    visit_cells,
    write_complaint_sheet,
    write_schedule_sheet,
    write_visit_sheet,
)
from officekit.samples.xls import write_duties_xls

STAFF_FILE = "2026年10月花名册.xlsx"
SCHEDULE_FILE = "2026年10月排班表.xlsx"
COMPLAINTS_FILE = "2026年10月投诉登记表.xlsx"
VISITS_FILE = "2026年10月回访记录表.xlsx"
DUTIES_FILE = "岗位职责表.xls"
VISITS_ODS_FILE = "2026年11月上旬回访补充记录.ods"
FLAWED_DIR = "有问题的样例"
COMPLAINTS_SHEET = "投诉登记"


# --------------------------------------------------------------------------------------------
# 花名册

STAFF_HEADERS = ["序号", "工号", "姓名", "部门", "岗位", "上级工号", "手机", "邮箱", "入职日期",
                 "状态", "备注"]


def write_staff(path: Path, month: Month, rng: random.Random) -> None:
    """The roster: title row, a blank row, the header, one row per person."""
    book = new_workbook(path)
    sh = Sheet(book, "花名册")
    sh.title(f"{CENTRE}人员花名册（2026年10月）", len(STAFF_HEADERS) - 1)
    sh.header(2, STAFF_HEADERS)
    notes = {LEAVER_ID: f"{LEAVER_LAST_DAY.month}月{LEAVER_LAST_DAY.day}日离职",
             ON_LEAVE_ID: f"{ON_LEAVE_FROM.month}月{ON_LEAVE_FROM.day}日起休假"}
    seen_mail: set[str] = set()
    main_rng = rng
    for i, p in enumerate(month.staff):
        r = 3 + i
        senior = p.role == "部门经理"
        # a late joiner's row draws from its own stream: the other rows stay as they were
        rng = random.Random(f"roster:{p.staff_id}") if p.joined else main_rng
        hired = p.joined or date(rng.randint(2010, 2016) if senior else rng.randint(2015, 2025),
                                 rng.randint(1, 12), rng.randint(1, 28))
        mail = f"{p.pinyin}@{MAIL_DOMAIN}"
        if mail in seen_mail:
            mail = f"{p.pinyin}{p.staff_id[-1]}@{MAIL_DOMAIN}"
        seen_mail.add(mail)
        phone = mobile(rng)
        row: list[Cell | str | None] = [
            Cell(i + 1), p.staff_id, p.name, p.department, p.role, p.manager_id,
            Cell(int(phone), "0") if rng.random() < 0.4 else phone,
            mail if rng.random() < 0.8 else None,
            date_cell(hired, rng), p.status, notes.get(p.staff_id),
        ]
        for j, cell in enumerate(row):
            sh.put(r, j, cell)
    for col, width in enumerate((6, 8, 10, 12, 10, 10, 14, 28, 14, 8, 18)):
        sh.ws.set_column(col, col, width)
    sh.ws.freeze_panes(3, 0)
    book.close()


# --------------------------------------------------------------------------------------------
# 排班表 (wide)

SHIFT_LEGEND = (("早", "早班", "08:00-16:00"), ("中", "中班", "12:00-20:00"),
                ("晚", "晚班", "16:00-24:00"), ("夜", "夜班", "00:00-08:00"),
                ("白", "白班", "08:30-17:30"), ("休", "休息", ""), ("假", "请假", ""))


def write_schedule(path: Path, month: Month) -> None:
    """The wide schedule of everyone, day numbers as the header, and a legend sheet."""
    book = new_workbook(path)
    rows = [(p, p.department, month.schedule[p.staff_id]) for p in month.staff]
    write_schedule_sheet(Sheet(book, "10月排班"), "2026年10月客服中心排班表", DAYS, rows)
    legend = Sheet(book, "班次说明")  # headers chosen to match no sheet kind: it is skipped
    legend.header(0, ["代码", "名称", "起止时间"])
    for i, values in enumerate(SHIFT_LEGEND):
        for j, v in enumerate(values):
            legend.put(1 + i, j, v or None)
    legend.put(9, 0, "注：10月1日至7日为国庆节假期，10月10日（星期六）正常上班。")
    legend.ws.set_column(0, 2, 12)
    book.close()


# --------------------------------------------------------------------------------------------
# 投诉登记表

def write_complaints(path: Path, month: Month, rng: random.Random) -> dict[str, datetime]:
    """The complaint register with a 汇总 and a 说明 sheet; returns complaint_id → received
    time as a reader will see it (visits must not come before it)."""
    book = new_workbook(path)
    sh = Sheet(book, COMPLAINTS_SHEET)
    rows, received = [], {}
    for c in month.complaints:
        own = random.Random(c.complaint_id) if c.handler.joined else rng  # see write_staff
        cells, read = complaint_cells(c, own)
        rows.append(cells)
        received[c.complaint_id] = read
    write_complaint_sheet(sh, "2026年10月客服中心投诉登记表", rows)
    _summary_sheet(book, month, len(rows))
    notes = Sheet(book, "说明")
    for i, line in enumerate((
        "填表说明",
        "1. 工单号由工单系统生成，一单一号，不得重复。",
        "2. 来电时间精确到分钟；来信、来访以登记时间为准。",
        "3. 办理状态填写：待处理、处理中、已办结、已撤销。已办结的须填写办结时间和处理结果。",
        "4. 办结时限：一般投诉7个工作日，较重投诉3个工作日，重大投诉1个工作日。",
        "5. 客户满意度可填1-5分或文字（非常满意、满意、基本满意、不满意、非常不满意）。",
        "6. 经办人与他人同名的，请写成“姓名(工号)”。",
    )):
        notes.put(i, 0, line)
    notes.ws.set_column(0, 0, 90)
    book.close()
    return received


def _summary_sheet(book: Any, month: Month, n: int) -> None:
    """Counts by category as COUNTIF formulas over the register, with cached values."""
    sh = Sheet(book, "汇总")
    sh.header(0, ["项目", "件数", "已办结", "占比"])
    last = 3 + n
    cats = sorted({c.category for c in month.complaints})
    done = ("已办结", "已解决", "已完成", "结案")
    for i, cat in enumerate(cats, start=1):
        total = sum(c.category == cat for c in month.complaints)
        closed = sum(c.category == cat and c.status_raw in done for c in month.complaints)
        sh.put(i, 0, cat)
        sh.ws.write_formula(i, 1, f"=COUNTIF('{COMPLAINTS_SHEET}'!G4:G{last},A{i + 1})", None,
                            total)
        sh.ws.write_formula(
            i, 2, "=" + "+".join(f"COUNTIFS('{COMPLAINTS_SHEET}'!G4:G{last},A{i + 1},"
                                 f"'{COMPLAINTS_SHEET}'!L4:L{last},\"{d}\")" for d in done),
            None, closed)
        sh.ws.write_formula(i, 3, f"=B{i + 1}/{n}", sh.fmt("0.0%"), total / n)
    row = len(cats) + 1
    sh.put(row, 0, "合计")
    sh.ws.write_formula(row, 1, f"=SUM(B2:B{row})", None, n)
    sh.ws.set_column(0, 3, 12)


# --------------------------------------------------------------------------------------------
# 回访记录表

def write_visits(path: Path, visits: list[Visit], received: dict[str, datetime],
                 rng: random.Random) -> None:
    """The visit log of October (and the first days of November)."""
    book = new_workbook(path)
    rows = [visit_cells(v, rng, received) for v in visits]
    write_visit_sheet(Sheet(book, "回访记录"), "2026年10月客户回访记录表", rows)
    book.close()


# --------------------------------------------------------------------------------------------

def write_samples(dest: Path, *, seed: int = 2026, flawed: bool = True) -> list[Path]:
    """Write the sample month into ``dest`` (created if needed) and return the paths written,
    good files first (in the order they should be ingested: staff, schedule, duties,
    complaints, visits), then the flawed files."""
    try:
        return _write_all(dest, seed, flawed)
    except (OSError, FileCreateError) as exc:
        raise UsageError(key="error.workspace.write-samples", path=str(dest),
                         detail=str(exc)) from exc


def _write_all(dest: Path, seed: int, flawed: bool) -> list[Path]:
    dest.mkdir(parents=True, exist_ok=True)
    month = build_month(seed)
    rng = random.Random(f"{seed}:forms")
    paths = [dest / STAFF_FILE, dest / SCHEDULE_FILE, dest / DUTIES_FILE,
             dest / COMPLAINTS_FILE, dest / VISITS_FILE, dest / VISITS_ODS_FILE]
    write_staff(paths[0], month, rng)
    write_schedule(paths[1], month)
    write_duties_xls(paths[2], DUTIES)
    received = write_complaints(paths[3], month, rng)
    main = [v for v in month.visits if v.visited_at <= VISITS_MAIN_END]
    late = [v for v in month.visits if v.visited_at > VISITS_MAIN_END]
    write_visits(paths[4], main, received, rng)
    write_ods(paths[5], "回访记录", "2026年11月上旬回访补充记录（11月6日至10日）",
              VISIT_ODS_HEADERS, [visit_cells(v, rng, received) for v in late])
    if flawed:
        paths += write_flawed(dest / FLAWED_DIR, month, random.Random(f"{seed}:flawed"))
    return paths
