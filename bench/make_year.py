"""Write a year of a large centre for the growth benchmark (bench/bench_growth.py).

At scale 1: 1,000 staff in 20 departments, a year (2026) of complaints (~100,000), their
follow-up visits (~80,000) and the daily schedule of everyone (365,000 entries), as offices
keep them: a 花名册, then one 排班表 (long layout), one 投诉登记表 and one 回访记录表 a month —
37 workbooks written with xlsxwriter (shared strings, like Excel). ``scale`` shrinks every
count alike, so three scales give three sizes of the same centre. Same seed, same files.

    python bench/make_year.py OUT_DIR [scale]
"""

from __future__ import annotations

import random
import sys
import time
from datetime import date, datetime, timedelta
from pathlib import Path

import xlsxwriter

YEAR = 2026
YEAR_END = datetime(YEAR, 12, 31, 23, 59)  # the ledger is read on the year's last day
STAFF_PER_DEPT = 50
COMPLAINTS_PER_STAFF = 100  # a year, per 1,000 staff: ~100,000
ROTATION = ("早", "中", "晚", "夜", "休", "休")
CHANNELS = ("电话", "电话", "电话", "微信", "网站", "来访", "热线")
CATEGORIES = ("服务态度", "服务质量", "收费问题", "办理时效", "产品质量", "其他")
SEVERITIES = ("一般", "一般", "一般", "较重", "重大")
METHODS = ("电话", "电话", "微信", "短信")
SURNAMES = ("王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢"
            "宋唐许韩冯邓曹彭曾肖田董袁潘于蒋蔡余杜叶程")
GIVEN = ("伟芳娜英敏静丽强磊军洋勇艳杰娟涛明超兰霞平刚华玉萍红"
         "玲芬燕彬鹏辉宇浩凯健俊帆旭宁龙林欣瑶怡晨阳佳琳雪梅")

STAFF_HEADERS = ["工号", "姓名", "部门", "岗位", "上级工号", "手机", "邮箱", "入职日期", "状态"]
SCHEDULE_HEADERS = ["工号", "姓名", "部门", "日期", "班次"]
COMPLAINT_HEADERS = ["投诉编号", "受理时间", "受理渠道", "客户姓名", "联系电话", "投诉类别",
                     "严重程度", "投诉内容", "责任部门", "处理人", "处理状态", "办结时间",
                     "处理结果", "满意度"]
VISIT_HEADERS = ["回访编号", "回访时间", "客户姓名", "联系电话", "回访人", "回访方式",
                 "关联投诉编号", "是否联系成功", "满意度", "客户意见"]


def _book(path: Path, sheet: str, headers: list[str]) -> tuple[object, object, object]:
    book = xlsxwriter.Workbook(str(path))
    ws = book.add_worksheet(sheet)
    ws.write_row(0, 0, headers, book.add_format({"bold": True}))
    return book, ws, book.add_format({"num_format": "yyyy-mm-dd hh:mm"})


def _days(month: int) -> list[date]:
    first = date(YEAR, month, 1)
    nxt = date(YEAR + (month == 12), month % 12 + 1, 1)
    return [first + timedelta(days=i) for i in range((nxt - first).days)]


def write_year(dest: Path, scale: float = 1.0, seed: int = 2026) -> list[Path]:
    """Write the centre's year into ``dest``; returns the workbooks in ingest order."""
    dest.mkdir(parents=True, exist_ok=True)
    rng = random.Random(seed)
    departments = max(1, round(20 * scale))
    staff: list[tuple[str, str, str, str]] = []  # (id, name, department, role)
    names: set[str] = set()
    for d in range(departments):
        for i in range(STAFF_PER_DEPT):
            while True:
                name = rng.choice(SURNAMES) + "".join(rng.choices(GIVEN, k=2))
                if name not in names:
                    names.add(name)
                    break
            role = "部门经理" if i == 0 else "回访专员" if i < 4 else "客服专员"
            staff.append((f"{d + 1:02d}{i + 1:03d}", name, f"客服{d + 1}部", role))
    paths = [dest / f"{YEAR}年花名册.xlsx"]
    book, ws, _ = _book(paths[0], "花名册", STAFF_HEADERS)
    for r, (sid, name, dept, role) in enumerate(staff, 1):
        manager = "" if role == "部门经理" else sid[:2] + "001"
        ws.write_row(r, 0, [sid, name, dept, role, manager, f"138{r:08d}",
                            f"s{sid}@example.com", "2020-03-01", "在职"])
    book.close()

    handlers = [p for p in staff if p[3] == "客服专员"]
    visitors: dict[str, list[tuple[str, str, str, str]]] = {}
    for p in staff:
        if p[3] == "回访专员":
            visitors.setdefault(p[2], []).append(p)
    per_month = round(len(staff) * COMPLAINTS_PER_STAFF / 12)
    for month in range(1, 13):
        days = _days(month)
        sched = dest / f"{YEAR}年{month:02d}月排班表.xlsx"
        book, ws, _ = _book(sched, "排班表", SCHEDULE_HEADERS)
        r = 1
        for k, (sid, name, dept, role) in enumerate(staff):
            for day in days:
                code = ("白" if day.weekday() < 5 else "休") if role != "客服专员" else \
                    ROTATION[(day.toordinal() + k) % len(ROTATION)]
                ws.write_row(r, 0, [sid, name, dept, day.isoformat(), code])
                r += 1
        book.close()

        register = dest / f"{YEAR}年{month:02d}月投诉登记表.xlsx"
        log = dest / f"{YEAR}年{month:02d}月回访记录表.xlsx"
        cbook, cws, cwhen = _book(register, "投诉登记", COMPLAINT_HEADERS)
        vbook, vws, vwhen = _book(log, "回访记录", VISIT_HEADERS)
        v = 0
        for i in range(per_month):
            sid, name, dept, _ = rng.choice(handlers)
            received = datetime.combine(rng.choice(days), datetime.min.time()) + timedelta(
                minutes=rng.randrange(8 * 60, 20 * 60))
            if received > YEAR_END - timedelta(hours=3):
                received = YEAR_END - timedelta(hours=3)
            cid = f"TS{YEAR}{month:02d}{i + 1:05d}"
            customer = rng.choice(SURNAMES) + "先生"
            phone = f"139{rng.randrange(10**8):08d}"
            done = rng.random() < 0.9
            resolved = min(received + timedelta(hours=rng.randrange(2, 24 * 9)),
                           YEAR_END) if done else None
            cws.write_row(i + 1, 0, [cid, "", rng.choice(CHANNELS), customer, phone,
                                     rng.choice(CATEGORIES), rng.choice(SEVERITIES),
                                     "客户反映问题，要求尽快处理", dept, f"{name}({sid})",
                                     "已办结" if done else "处理中", "",
                                     "已处理并答复客户" if done else "", ""])
            cws.write_datetime(i + 1, 1, received, cwhen)
            if resolved is not None:
                cws.write_datetime(i + 1, 11, resolved, cwhen)
            if resolved is not None and rng.random() < 0.85:
                at = min(resolved + timedelta(days=rng.randrange(0, 5), hours=1), YEAR_END)
                if at.year == YEAR and at.month == month:
                    v += 1
                    vsid, vname, _, _ = rng.choice(visitors[dept])
                    vws.write_row(v, 0, [f"HF{YEAR}{month:02d}{v:05d}", "", customer, phone,
                                         f"{vname}({vsid})", rng.choice(METHODS), cid, "是",
                                         rng.choice((5, 5, 4, 4, 3, 2)), "满意"])
                    vws.write_datetime(v, 1, at, vwhen)
        cbook.close()
        vbook.close()
        paths += [sched, register, log]
    return paths


def main(argv: list[str]) -> int:
    if not 1 <= len(argv) <= 2:
        print("用法 / usage: python bench/make_year.py OUT_DIR [scale]", file=sys.stderr)
        return 2
    t0 = time.perf_counter()
    paths = write_year(Path(argv[0]), float(argv[1]) if len(argv) > 1 else 1.0)
    print(f"{len(paths)} workbooks in {time.perf_counter() - t0:.1f} s")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
