"""The flawed sample files: each is a realistic workbook (or not-a-workbook) that the intake
must reject for one kind of reason; :func:`readme_text` (printed by ``officekit sample``) says
which. It is not written into the folder: a note left in the inbox would itself be bounced as
not-a-workbook.

Most are a few rows of the good month with one thing broken, so the expected issue is the only
error. Some problems can only be seen against the ledger: ``needs`` says what must have been
ingested first (the good samples, staff list first).
"""

from __future__ import annotations

import io
import os
import random
import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import timedelta
from pathlib import Path

from msoffcrypto.format.ooxml import OOXMLFile

from officekit.samples.forms import Cell, Sheet, new_workbook
from officekit.samples.month import DAYS, Month
from officekit.samples.names import DEPT_HOTLINE, DEPT_ONLINE, SHARED_NAME, STAFF_BY_ID
from officekit.samples.sheets import (
    COMPLAINT_COLUMNS,
    complaint_cells,
    visit_cells,
    write_complaint_sheet,
    write_schedule_sheet,
    write_visit_sheet,
)

PASSWORD = "1234"
UNKNOWN_HANDLER = "李明"  # nobody of that name is on the roster
UNKNOWN_CHANNEL = "抖音"


@dataclass(frozen=True, slots=True)
class FlawedCase:
    """One flawed file: its name, the issue codes it must raise, what is wrong (zh, en) and
    what the ledger must already hold for the problem to show."""

    file: str
    codes: tuple[str, ...]
    zh: str
    en: str
    needs: str = ""


CASES: tuple[FlawedCase, ...] = (
    FlawedCase("投诉登记表_缺少经办人列.xlsx", ("missing-column",),
               "必填列“处理人”（经办人）整列缺失。",
               "The required column 处理人 (handler, here 经办人) is missing."),
    FlawedCase("投诉登记表_日期和渠道错误.xlsx", ("type", "enum"),
               f"来电时间写成“2026/10/35 10:00”“十月五号上午”等无法识别的日期；"
               f"渠道填了不在允许范围内的“{UNKNOWN_CHANNEL}”。",
               "Unreadable dates in 来电时间 and an unknown channel."),
    FlawedCase("投诉登记表_已办结缺办结时间.xlsx", ("status-fields",),
               "一条“已办结”的投诉没有填写办结时间。",
               "A complaint marked 已办结 has no 办结时间."),
    FlawedCase("投诉登记表_工单号重复.xlsx", ("duplicate-key",),
               "同一个工单号在表中出现了两次。",
               "The same 工单号 appears twice."),
    FlawedCase("投诉登记表_经办人不在花名册.xlsx", ("unknown-staff",),
               f"经办人“{UNKNOWN_HANDLER}”不在人员名单中。",
               f"Handler {UNKNOWN_HANDLER} is not in the staff list.",
               "先导入花名册 / ingest the staff list first"),
    FlawedCase("投诉登记表_同名经办人未写工号.xlsx", ("ambiguous-staff",),
               f"经办人只写了“{SHARED_NAME}”，而名单里有两位{SHARED_NAME}，应写成“姓名(工号)”。",
               f"Handler written as {SHARED_NAME}, a name two people share, without 工号.",
               "先导入花名册 / ingest the staff list first"),
    FlawedCase("回访记录表_回访早于投诉.xlsx", ("date-order",),
               "一条回访的日期早于其关联投诉的受理时间。",
               "A visit is dated before its complaint was received.",
               "先导入正常样例的投诉登记表 / ingest the good complaint register first"),
    FlawedCase("排班表_排班冲突.xlsx", ("schedule-clash",),
               "同一人被排在两行里，10月20日同时上早班和中班（12:00-16:00重叠）。",
               "One person is listed twice and has two overlapping shifts on 20 Oct."),
    FlawedCase("投诉登记表_文件损坏.xlsx", ("corrupt-file",),
               "文件只传了一半（被截断），无法打开。",
               "The file is truncated and cannot be opened."),
    FlawedCase("投诉登记表_已加密.xlsx", ("encrypted-file",),
               f"文件设置了打开密码（{PASSWORD}），程序无法读取；请另存为不加密的文件。",
               f"The file is password-protected (password {PASSWORD})."),
    FlawedCase("投诉登记表_其实是文本.xlsx", ("not-a-workbook",),
               "这是一个改了扩展名的文本（CSV）文件，不是Excel工作簿。",
               "A text (CSV) file renamed to .xlsx, not a workbook."),
)

CaseWriter = Callable[[Path, Month, random.Random], None]
_HANDLER_COL = COMPLAINT_COLUMNS.index("经办人") - 1  # cells start at 工单号 (序号 is added)
_RECEIVED_COL = COMPLAINT_COLUMNS.index("来电时间") - 1
_CHANNEL_COL = COMPLAINT_COLUMNS.index("渠道") - 1
_RESOLVED_COL = COMPLAINT_COLUMNS.index("办结时间") - 1
_ID_COL = COMPLAINT_COLUMNS.index("工单号") - 1
_TITLE = "2026年10月客服中心投诉登记表"


def _rows(month: Month, rng: random.Random, n: int = 12) -> list[list[Cell | None]]:
    return [complaint_cells(c, rng)[0] for c in month.complaints[:n]]


def _register(path: Path, rows: list[list[Cell | None]]) -> None:
    book = new_workbook(path)
    write_complaint_sheet(Sheet(book, "投诉登记"), _TITLE, rows)
    book.close()


def _missing_column(path: Path, month: Month, rng: random.Random) -> None:
    """Write the register by hand with the 经办人 column left out (single-row header)."""
    book = new_workbook(path)
    sh = Sheet(book, "投诉登记")
    keep = [j for j in range(len(COMPLAINT_COLUMNS) - 1) if j != _HANDLER_COL]
    names = COMPLAINT_COLUMNS[1:]
    sh.title(_TITLE, len(keep) - 1)
    sh.header(1, [names[j] for j in keep])
    for i, cells in enumerate(_rows(month, rng)):
        for k, j in enumerate(keep):
            sh.put(2 + i, k, cells[j])
    book.close()


def _bad_dates_and_channel(path: Path, month: Month, rng: random.Random) -> None:
    rows = _rows(month, rng)
    rows[2][_RECEIVED_COL] = Cell("2026/10/35 10:00")
    rows[6][_RECEIVED_COL] = Cell("十月五号上午")
    rows[4][_CHANNEL_COL] = Cell(UNKNOWN_CHANNEL)
    _register(path, rows)


def _resolved_without_time(path: Path, month: Month, rng: random.Random) -> None:
    rows = _rows(month, rng)
    done = [i for i, c in enumerate(month.complaints[:len(rows)]) if c.status == "已办结"]
    rows[done[len(done) // 2]][_RESOLVED_COL] = None
    _register(path, rows)


def _duplicate_id(path: Path, month: Month, rng: random.Random) -> None:
    rows = _rows(month, rng)
    rows[8][_ID_COL] = rows[3][_ID_COL]
    _register(path, rows)


def _unknown_handler(path: Path, month: Month, rng: random.Random) -> None:
    rows = _rows(month, rng)
    rows[5][_HANDLER_COL] = Cell(UNKNOWN_HANDLER)
    _register(path, rows)


def _ambiguous_handler(path: Path, month: Month, rng: random.Random) -> None:
    shared = [c for c in month.complaints if c.handler.name == SHARED_NAME][:6]
    others = [c for c in month.complaints if c.handler.name != SHARED_NAME][:6]
    picked = sorted(shared + others, key=lambda c: c.received_at)
    rows = [complaint_cells(c, rng)[0] for c in picked]
    first = next(i for i, c in enumerate(picked) if c.handler.name == SHARED_NAME)
    rows[first][_HANDLER_COL] = Cell(SHARED_NAME)
    _register(path, rows)


def _visit_before_complaint(path: Path, month: Month, rng: random.Random) -> None:
    """Ten follow-ups of the good register; one is dated two days before its complaint."""
    linked = [(v, v.complaint) for v in month.visits if v.complaint is not None][:10]
    bad = next(i for i, (_, c) in enumerate(linked) if c.received_at.day >= 3)
    early = linked[bad][1].received_at.replace(hour=10, minute=0) - timedelta(days=2)
    received = {c.complaint_id: c.received_at for _, c in linked}
    rows = [visit_cells(v, rng, received) for v, _ in linked]
    rows[bad][1] = Cell(early, "yyyy-mm-dd hh:mm")
    book = new_workbook(path)
    write_visit_sheet(Sheet(book, "回访记录"), "2026年10月客户回访记录表（补录）", rows)
    book.close()


def _schedule_clash(path: Path, month: Month, rng: random.Random) -> None:
    """The hotline crew, plus one of them copied into a support row with a 中 on a day they
    already work 早 (12:00–16:00 overlaps)."""
    crew = [p for p in month.staff if p.department == DEPT_HOTLINE]
    rows = [(p, p.department, month.schedule[p.staff_id]) for p in crew]
    day = 19  # 20 October
    person = next(p for p in crew if month.schedule[p.staff_id][day] == "早")
    support: list[str | None] = [None] * len(DAYS)
    support[day] = "中"
    rows.append((STAFF_BY_ID[person.staff_id], f"{DEPT_ONLINE}(支援)", support))
    book = new_workbook(path)
    write_schedule_sheet(Sheet(book, "客服一部"), "2026年10月客服一部排班表", DAYS, rows,
                         day_header="{day}日")
    book.close()


def _good_register_bytes(month: Month, rng: random.Random) -> bytes:
    buf = io.BytesIO()
    book = new_workbook(buf, title="投诉登记表")
    write_complaint_sheet(Sheet(book, "投诉登记"), _TITLE, _rows(month, rng))
    book.close()
    return buf.getvalue()


# How long ago the truncated sample's copy broke off: a cut-off file still being written is
# waited for (the watcher's grace time), one left cut off since yesterday is taken at once.
_BROKEN_OFF_SECONDS = 24 * 3600


def _truncated(path: Path, month: Month, rng: random.Random) -> None:
    data = _good_register_bytes(month, rng)
    path.write_bytes(data[: len(data) * 3 // 5])
    then = time.time() - _BROKEN_OFF_SECONDS
    os.utime(path, (then, then))


def _encrypted(path: Path, month: Month, rng: random.Random) -> None:
    plain = OOXMLFile(io.BytesIO(_good_register_bytes(month, rng)))
    with path.open("wb") as out:
        plain.encrypt(PASSWORD, out)


def _text_renamed(path: Path, month: Month, rng: random.Random) -> None:
    lines = ["工单号,来电时间,渠道,客户,问题类型,投诉内容,经办人,办理状态"]
    for c in month.complaints[:8]:
        lines.append(",".join((c.complaint_id, c.received_at.strftime("%Y-%m-%d %H:%M"),
                               c.channel_raw, c.customer, c.category,
                               c.description.replace("，", " "), c.handler.label,
                               c.status_raw)))
    path.write_text("\r\n".join(lines) + "\r\n", encoding="utf-8-sig")


_WRITERS: dict[str, CaseWriter] = {
    "missing-column": _missing_column,
    "type": _bad_dates_and_channel,
    "status-fields": _resolved_without_time,
    "duplicate-key": _duplicate_id,
    "unknown-staff": _unknown_handler,
    "ambiguous-staff": _ambiguous_handler,
    "date-order": _visit_before_complaint,
    "schedule-clash": _schedule_clash,
    "corrupt-file": _truncated,
    "encrypted-file": _encrypted,
    "not-a-workbook": _text_renamed,
}


def readme_text() -> str:
    """Which flawed file shows which problem, Chinese then English."""
    lines = ["有问题的样例 —— 每个文件演示一种会被拒收的问题", "",
             "建议先导入上一级文件夹中的正常样例（花名册最先），再校验这里的文件；",
             "标有“前提”的问题需要台账中已有相应数据才能发现。", ""]
    for case in CASES:
        lines.append(f"{case.file}")
        lines.append(f"    问题代码：{', '.join(case.codes)}")
        lines.append(f"    说明：{case.zh}")
        if case.needs:
            lines.append(f"    前提：{case.needs.split(' / ')[0]}")
    lines += ["", "Flawed samples — each file shows one kind of rejection.",
              "Ingest the good samples one folder up first (staff list first).", ""]
    for case in CASES:
        needs = f" (needs: {case.needs.split(' / ')[1]})" if case.needs else ""
        lines.append(f"{case.file}: {', '.join(case.codes)} — {case.en}{needs}")
    return "\r\n".join(lines) + "\r\n"


def write_flawed(folder: Path, month: Month, rng: random.Random) -> list[Path]:
    """Write every case of :data:`CASES` into ``folder``; returns the paths."""
    folder.mkdir(parents=True, exist_ok=True)
    paths = []
    for case in CASES:
        path = folder / case.file
        _WRITERS[case.codes[0]](path, month, rng)
        paths.append(path)
    return paths


def expected_codes() -> dict[str, tuple[str, ...]]:
    """File name → the error codes its validation must report (for tests and the CLI)."""
    return {case.file: case.codes for case in CASES}
