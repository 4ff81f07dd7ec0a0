"""Micro-benchmark: understanding a 100,000-row complaint register vs a bare calamine read.

Run: ``.venv/bin/python bench/bench_understand.py [rows]``. Writes the workbook once into the
system temp folder (xlsxwriter), then times python-calamine reading it and
:func:`officekit.understand.classify.understand_sheet` turning the rows into records.
"""

from __future__ import annotations

import sys
import tempfile
import time
from datetime import datetime, timedelta
from pathlib import Path

import xlsxwriter
from python_calamine import CalamineWorkbook

from officekit.read import RawSheet
from officekit.settings import Settings
from officekit.understand.classify import understand_sheet

HEADERS = ["投诉编号", "受理时间", "受理渠道", "客户姓名", "联系电话", "投诉类别", "严重程度",
           "投诉内容", "责任部门", "处理人", "处理状态", "办结时间", "处理结果", "满意度"]


def write(path: Path, n: int) -> None:
    wb = xlsxwriter.Workbook(str(path), {"constant_memory": True})
    ws = wb.add_worksheet("投诉登记")
    fmt = wb.add_format({"num_format": "yyyy-mm-dd hh:mm"})
    ws.write_row(0, 0, ["2026年10月投诉登记表"])
    ws.write_row(1, 0, HEADERS)
    start = datetime(2026, 10, 1, 8)
    channels = ["电话", "热线", "网站", "微信", "来访"]
    cats = ["服务态度", "收费问题", "办理时效", "服务质量"]
    names = ["张三", "李四", "王五", "赵六"]
    for i in range(n):
        t = start + timedelta(minutes=i)
        r = i + 2
        ws.write_string(r, 0, f"TS2026{i:06d}")
        ws.write_datetime(r, 1, t, fmt)
        ws.write_string(r, 2, channels[i % 5])
        ws.write_string(r, 3, f"客户{i % 997}")
        ws.write_number(r, 4, 13800000000 + i)
        ws.write_string(r, 5, cats[i % 4])
        ws.write_string(r, 6, "一般" if i % 3 else "较重")
        ws.write_string(r, 7, "客户反映营业厅排队时间过长，工作人员解释不清。")
        ws.write_string(r, 8, "客服一部")
        ws.write_string(r, 9, f"{names[i % 4]}({1001 + i % 4})")
        ws.write_string(r, 10, "已办结")
        ws.write_datetime(r, 11, t + timedelta(days=1), fmt)
        ws.write_string(r, 12, "已致电解释并道歉")
        ws.write_string(r, 13, "满意" if i % 2 else "4")
    wb.close()


def main() -> None:
    n = int(sys.argv[1]) if len(sys.argv) > 1 else 100_000
    path = Path(tempfile.gettempdir()) / f"officekit_bench_complaints_{n}.xlsx"
    if not path.exists():
        write(path, n)
    t0 = time.perf_counter()
    rows = CalamineWorkbook.from_path(str(path)).get_sheet_by_index(0).to_python(
        skip_empty_area=False)
    t_read = time.perf_counter() - t0
    sheet = RawSheet("投诉登记", rows)
    settings = Settings()
    t0 = time.perf_counter()
    result, issues = understand_sheet(sheet, settings, path.name)
    t_understand = time.perf_counter() - t0
    cells = n * len(HEADERS)
    print(f"{'step':<22}{'seconds':>10}{'µs/cell':>10}")
    print(f"{'calamine read':<22}{t_read:>10.2f}{t_read / cells * 1e6:>10.2f}")
    print(f"{'understand_sheet':<22}{t_understand:>10.2f}{t_understand / cells * 1e6:>10.2f}")
    print(f"records {len(result.records)}, issues {len(issues)}, "
          f"ratio understand/read {t_understand / t_read:.2f}")


if __name__ == "__main__":
    main()
