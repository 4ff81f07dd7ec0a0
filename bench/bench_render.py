"""Renderer benchmark: docxtpl (one process) vs officekit's render_many, same template and data.

Run: ``.venv/bin/python bench/bench_render.py [--docs 300] [--workers N]``

The template is evaluation-like (~2 pages): a header block, a KPI table filled by a
``{%tr for %}`` loop of 10 rows, complaints by category, a list of late complaints in a
``{%p for %}`` loop, visits and shifts, one chart picture, comments and signature lines, and
header/footer tags. Each engine renders ``--docs`` documents from the same contexts into its
own folder; the table shows documents per second, the ratio, and peak RSS (the benchmark
process plus, for render_many, its worker processes, summed).
"""

from __future__ import annotations

import argparse
import io
import os
import sys
import tempfile
import threading
import time
from pathlib import Path
from typing import Any

import docx
from docx.shared import Mm, Pt

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "src"))

from officekit.render.batch import render_many  # noqa: E402
from officekit.render.engine import Image  # noqa: E402
from officekit.render.fonts import set_cjk_font  # noqa: E402


def chart_png() -> bytes:
    """A 6-period trend chart like the evaluation report's (matplotlib, Agg, ~40 KB)."""
    from matplotlib.backends.backend_agg import FigureCanvasAgg
    from matplotlib.figure import Figure

    figure = Figure(figsize=(6.4, 3.0), dpi=150)
    FigureCanvasAgg(figure)
    axes = figure.add_subplot()
    axes.plot(["5", "6", "7", "8", "9", "10"], [78, 82, 80, 86, 88, 91], marker="o")
    axes.set_ylim(60, 100)
    axes.grid(alpha=0.3)
    buffer = io.BytesIO()
    figure.savefig(buffer, format="png")
    return buffer.getvalue()


def make_template(path: Path) -> None:
    """The evaluation-like template, written with python-docx (as the template builder does)."""
    d = docx.Document()
    set_cjk_font(d, "宋体")
    section = d.sections[0]
    section.header.paragraphs[0].text = "{{ org }} · 个人考核报告 · {{ period }}"
    section.footer.paragraphs[0].text = "{{ name }}（{{ staff_id }}）  生成于 {{ generated }}"
    d.add_heading("{{ period }} 个人考核报告", level=1)
    info = d.add_table(rows=2, cols=4)
    info.style = "Table Grid"
    for cell, text in zip(info.rows[0].cells, ["姓名", "{{ name }}", "工号", "{{ staff_id }}"],
                          strict=True):
        cell.text = text
    for cell, text in zip(info.rows[1].cells,
                          ["部门", "{{ department }}", "岗位", "{{ role }}"], strict=True):
        cell.text = text
    d.add_heading("一、考核指标", level=2)
    kpi = d.add_table(rows=4, cols=5)
    kpi.style = "Table Grid"
    for cell, text in zip(kpi.rows[0].cells, ["指标", "目标", "实际", "权重", "得分"], strict=True):
        cell.text = text
    kpi.rows[1].cells[0].text = "{%tr for k in kpis %}"
    for cell, text in zip(kpi.rows[2].cells, ["{{ k.name }}", "{{ k.target }}", "{{ k.actual }}",
                                              "{{ k.weight }}", "{{ k.points }}"], strict=True):
        cell.text = text
    kpi.rows[3].cells[0].text = "{%tr endfor %}"
    d.add_paragraph("综合得分：{{ score }}　等级：{{ grade }}　部门排名：第 {{ rank }} 名")
    d.add_heading("二、投诉处理", level=2)
    d.add_paragraph("本期受理投诉 {{ received }} 件，办结 {{ resolved }} 件。按类别：")
    d.add_paragraph("{%p for c in categories %}")
    d.add_paragraph("{{ c.name }}：{{ c.count }} 件", style="List Bullet")
    d.add_paragraph("{%p endfor %}")
    d.add_paragraph("{%p if late %}")
    d.add_paragraph("逾期办结的投诉：")
    late = d.add_table(rows=4, cols=4)
    late.style = "Table Grid"
    for cell, text in zip(late.rows[0].cells, ["投诉编号", "客户", "受理时间", "逾期天数"],
                          strict=True):
        cell.text = text
    late.rows[1].cells[0].text = "{%tr for c in late %}"
    for cell, text in zip(late.rows[2].cells, ["{{ c.id }}", "{{ c.customer }}",
                                               "{{ c.received }}", "{{ c.days }}"], strict=True):
        cell.text = text
    late.rows[3].cells[0].text = "{%tr endfor %}"
    d.add_paragraph("{%p else %}")
    d.add_paragraph("本期没有逾期投诉。")
    d.add_paragraph("{%p endif %}")
    d.add_heading("三、回访与排班", level=2)
    d.add_paragraph("回访 {{ visits }} 次，成功率 {{ visit_rate }}；值班 {{ shifts }} 班，其中夜班 "
                    "{{ nights }} 班。")
    d.add_heading("四、近六期趋势", level=2)
    d.add_paragraph("{{ chart }}")
    for _ in range(3):
        d.add_paragraph("说明：本报告依据投诉登记表、回访记录表和排班表自动生成，数据截至 "
                        "{{ as_of }}。如对数据有异议，请在收到报告后五个工作日内向部门负责人"
                        "反映，由综合办核实后更正。")
    d.add_heading("五、考核意见", level=2)
    d.add_paragraph("{{ opinion }}")
    d.add_paragraph("")
    p = d.add_paragraph("被考核人签字：________　　考核人签字：________　　日期：________")
    p.runs[0].font.size = Pt(11)
    section.left_margin = section.right_margin = Mm(25)
    d.save(str(path))


def make_context(i: int, chart: bytes) -> dict[str, Any]:
    """A plausible context for staff member ``i`` (varies by i so documents differ)."""
    kpis = [{"name": f"指标{j + 1}", "target": f"{80 + j}%", "actual": f"{75 + (i + j) % 20}%",
             "weight": "10%", "points": 8 + (i + j) % 3} for j in range(10)]
    late = [{"id": f"TS2026{i:03d}{j}", "customer": f"客户{j}&{i} <VIP>", "received": "2026-10-08",
             "days": j + 1} for j in range(i % 4)]
    return {
        "org": "某市客户服务中心", "period": "2026年10月", "name": f"员工{i:03d}",
        "staff_id": f"{i:04d}", "department": "客服一部" if i % 2 else "客服二部",
        "role": "客服专员", "generated": "2026-11-01 08:00", "kpis": kpis,
        "score": 80 + i % 20, "grade": "良好", "rank": i % 12 + 1, "received": 20 + i % 7,
        "resolved": 18 + i % 5,
        "categories": [{"name": n, "count": (i + k) % 6} for k, n in
                       enumerate(["服务态度", "服务质量", "收费问题", "办理时效"])],
        "late": late, "visits": 30 + i % 9, "visit_rate": "93.3%", "shifts": 22, "nights": 4,
        "chart": Image(chart, 150), "as_of": "2026-10-31",
        "opinion": "工作认真负责。\n建议加强回访及时性。",
    }


def docxtpl_render(template: Path, contexts: list[dict[str, Any]], out: Path) -> None:
    """The baseline: docxtpl in one process, its usual way (a DocxTemplate per document)."""
    from docxtpl import DocxTemplate, InlineImage

    for i, context in enumerate(contexts):
        tpl = DocxTemplate(str(template))
        data = dict(context)
        chart: Image = data["chart"]
        assert isinstance(chart.data, bytes)
        data["chart"] = InlineImage(tpl, io.BytesIO(chart.data), width=Mm(chart.width_mm))
        tpl.render(data, autoescape=True)
        tpl.save(str(out / f"{i:04d}.docx"))


class TreeRss:
    """Samples the summed RSS of this process and all its descendants (Linux /proc)."""

    def __init__(self) -> None:
        self.peak_kb = 0
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)

    def __enter__(self) -> TreeRss:
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._stop.set()
        self._thread.join()

    @property
    def peak_mb(self) -> float:
        return self.peak_kb / 1024

    def _run(self) -> None:
        while not self._stop.is_set():
            self.peak_kb = max(self.peak_kb, tree_rss_kb(os.getpid()))
            self._stop.wait(0.05)


def tree_rss_kb(root: int) -> int:
    parents: dict[int, int] = {}
    rss: dict[int, int] = {}
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            status = (entry / "status").read_text()
        except OSError:
            continue  # the process ended while we looked
        fields = dict(line.split(":", 1) for line in status.splitlines() if ":" in line)
        parents[int(entry.name)] = int(fields.get("PPid", "0"))
        rss[int(entry.name)] = int(fields.get("VmRSS", "0 kB").split()[0])
    total = 0
    for pid in rss:
        node = pid
        while node and node != root:
            node = parents.get(node, 0)
        if node == root:
            total += rss[pid]
    return total


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--docs", type=int, default=300)
    parser.add_argument("--workers", type=int, default=None)
    args = parser.parse_args()
    workers = args.workers or os.cpu_count() or 1
    chart = chart_png()
    with tempfile.TemporaryDirectory(prefix="officekit-bench-") as tmp:
        root = Path(tmp)
        template = root / "evaluation.docx"
        make_template(template)
        contexts = [make_context(i, chart) for i in range(args.docs)]
        (root / "docxtpl").mkdir()
        with TreeRss() as base_mem:
            start = time.perf_counter()
            docxtpl_render(template, contexts, root / "docxtpl")
            base_s = time.perf_counter() - start

        rows: list[tuple[str, float, float]] = []
        variants: list[tuple[str, int, bool | None]] = [
            ("officekit, 1 process", 1, False),
            (f"officekit render_many (auto, {workers} CPUs)", workers, None),
            (f"officekit render_many ({workers} worker procs)", workers, True),
        ]
        for index, (label, count, parallel) in enumerate(variants):
            out = root / f"officekit{index}"
            jobs = [(c, out / f"{i:04d}.docx") for i, c in enumerate(contexts)]
            with TreeRss() as mem:
                start = time.perf_counter()
                render_many(template, jobs, workers=count, parallel=parallel)
                seconds = time.perf_counter() - start
            rows.append((label, seconds, mem.peak_mb))
        size = sum(p.stat().st_size for _, p in jobs) / len(jobs) / 1024

    base_rate = args.docs / base_s
    print(f"{args.docs} evaluation-like documents, {os.cpu_count()} CPUs, "
          f"chart {len(chart) // 1024} KB, officekit output ≈ {size:.0f} KB each\n")
    print(f"{'engine':<42}{'seconds':>9}{'docs/s':>9}{'ratio':>8}{'peak RSS MB':>13}")
    print(f"{'docxtpl 0.20 (1 process)':<42}{base_s:>9.2f}{base_rate:>9.1f}{1:>8.2f}"
          f"{base_mem.peak_mb:>13.0f}")
    for label, seconds, peak in rows:
        rate = args.docs / seconds
        print(f"{label:<42}{seconds:>9.2f}{rate:>9.1f}{rate / base_rate:>8.2f}{peak:>13.0f}")
    print("\npeak RSS: this process plus its worker processes, summed, sampled every 50 ms;"
          "\n'auto' renders in-process when the batch is too cheap for worker start-up to pay.")


if __name__ == "__main__":
    main()
