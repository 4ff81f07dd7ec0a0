"""``outbox/index.html``: what it lists and links, that it is self-contained, and how headless
Chromium sees it when opened from the folder (file://)."""

from __future__ import annotations

import shutil
import struct
import subprocess
from datetime import datetime
from pathlib import Path
from typing import Any
from urllib.parse import unquote, urljoin, urlparse
from urllib.request import url2pathname

import lxml.html
import pytest
import xlsxwriter

from deliver_data import (
    DOCUMENTS,
    PERIOD,
    WHEN,
    make_workspace,
    store_staff,
    write_docx,
    write_outbox,
)
from officekit.deliver.index import INDEX, write_index
from officekit.deliver.manifest import ManifestRow, read_manifest, write_manifest_rows
from officekit.ledger.store import FileInfo, Ledger
from officekit.workspace import Workspace

NOW = datetime(2026, 11, 1, 10, 0)
CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")
ODD = "2026-10/客服一部/A&B 100%#1 说明.docx"  # characters a URL must encode


def issue(cell: str, message: str, severity: str = "error") -> dict[str, Any]:
    return {"severity": severity, "code": "required", "sheet": "投诉登记", "cell": cell,
            "row": int(cell[1:]), "column": "处理人", "field": "handler", "value": None,
            "message": message}


def annotated(path: Path) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    book = xlsxwriter.Workbook(str(path))
    book.add_worksheet("校验结果").write(0, 0, "问题")
    book.close()
    return path


def build(ws: Workspace, ledger: Ledger) -> dict[str, Any]:
    """An outbox of two periods, a rejected file in the ledger, one only on disk, one extra."""
    rows = write_outbox(ws)
    write_docx(ws.outbox / ODD, "说明")
    sep = ws.outbox / "2026-09/客服一部/张伟_2026-09_考核报告.docx"
    write_docx(sep, "九月")
    write_manifest_rows(ws.outbox, [
        ManifestRow.for_file(ws.outbox, ws.outbox / ODD, kind="handbook", period=PERIOD,
                             department="客服一部", when=WHEN),
        ManifestRow.for_file(ws.outbox, sep, kind="evaluation", period="2026-09",
                             department="客服一部", staff_id="S001", when=WHEN),
        ManifestRow(path="2026-10/客服二部/陈静_2026-10_考核报告.docx", kind="evaluation",
                    period=PERIOD, department="客服二部", staff_id="S020", time=WHEN),  # gone
    ])
    kpi = ws.outbox / "2026-10" / "考核指标_2026-10.xlsx"
    annotated(kpi)
    copy = annotated(ws.rejected / "投诉登记表_10月.校验结果.xlsx")
    issues = [issue(f"K{n}", f"第 {n} 行“处理人”不能为空，请填写处理人的工号或姓名")
              for n in range(3, 8)] + [issue("C9", "电话号码位数不对", "warning")]
    ledger.store_rejected(FileInfo(sha256="cd" * 32, name="投诉登记表_10月.xlsx",
                                   path="/inbox/投诉登记表_10月.xlsx", size=1, mtime=WHEN),
                          issues, str(copy))
    loose = annotated(ws.rejected / "回访记录<旧>&.校验结果.xlsx")
    return {"rows": read_manifest(ws.outbox), "docs": rows, "kpi": kpi, "copy": copy,
            "loose": loose}


@pytest.fixture
def setup(tmp_path: Path) -> Any:
    ws = make_workspace(tmp_path / "共享 文件夹")
    with Ledger.open(f"sqlite:///{tmp_path}/l.sqlite3") as ledger:
        store_staff(ledger)
        built = build(ws, ledger)
        yield ws, ledger, built


def links(tree: Any, base: Path) -> list[tuple[str, Path]]:
    """(link text, the file its href points to, resolved the way a browser would)."""
    return [(a.text_content(), Path(url2pathname(unquote(urlparse(urljoin(
        base.as_uri(), a.get("href"))).path))))
        for a in tree.iter("a") if not a.get("href").startswith("#")]


def test_index_lists_and_links_every_document_and_rejected_file(setup: Any) -> None:
    ws, ledger, built = setup
    index = write_index(ws, ledger, now=NOW)
    assert index == ws.outbox / INDEX
    html = index.read_text(encoding="utf-8")
    tree = lxml.html.fromstring(html)
    found = dict(links(tree, index))
    for row in built["rows"]:
        name = Path(row.path).name
        if row.file(ws.outbox).exists():
            assert found[name] == row.file(ws.outbox), name
        else:
            assert f"{name}（文件不存在 / missing）" in tree.text_content()
    assert f'href="{"2026-10/%E5%AE%A2%E6%9C%8D%E4%B8%80%E9%83%A8/A%26B%20100%25%231%20"}' in html
    pdfs = [a for a in tree.iter("a") if a.text_content() == "PDF"]
    assert [Path(unquote(a.get("href"))).name for a in pdfs] == ["张伟_2026-10_考核报告.pdf"]
    # rejected: the ledger's file with reasons (3 shown, the rest folded), and the loose copy
    section = tree.get_element_by_id("rejected")
    text = section.text_content()
    assert "投诉登记表_10月.xlsx" in text and "错误 5 · 警告 1" in text
    assert "投诉登记!K3第 3 行“处理人”不能为空" in text
    assert "另有 2 条 / 2 more" in text and "电话号码位数不对" not in text
    assert "回访记录<旧>&" in text and "原因见批注副本" in text
    copies = {p for t, p in links(section, index) if t == "打开 / open"}
    assert copies == {built["copy"], built["loose"]}
    # other files, people's names, period order, counts
    assert found["2026-10/考核指标_2026-10.xlsx"] == built["kpi"]
    persons = [td.text_content() for td in tree.find_class("person")]
    assert "张伟S001" in persons and "杨洋S021" in persons
    sections = [s.get("id") for s in tree.iter("section")]
    assert sections == ["p-2026-10", "p-2026-09", "rejected", "other"]
    stats = [s.text_content() for s in tree.find_class("stat")]
    assert stats == ["10份文档 / documents", "2个期间 / periods", "2个部门 / departments",
                     "2个退回文件 / rejected files"]
    assert "生成时间 / generated 2026-11-01 10:00" in tree.text_content()


def test_index_is_self_contained(setup: Any) -> None:
    ws, ledger, _ = setup
    html = write_index(ws, ledger, now=NOW).read_text(encoding="utf-8")
    tree = lxml.html.fromstring(html)
    assert not list(tree.iter("script", "link", "img", "iframe", "object"))
    assert "url(" not in html and "@import" not in html and "@font-face" not in html
    for a in tree.iter("a"):
        assert "//" not in a.get("href") and ":" not in a.get("href")  # relative only
    style = "".join(s.text_content() for s in tree.iter("style"))
    assert '"Microsoft YaHei","PingFang SC","Noto Sans CJK SC"' in style
    assert tree.get("lang") == "zh-CN"
    assert not [p for p in ws.outbox.iterdir() if p.name.endswith(".tmp")]


def test_index_without_a_ledger_and_with_an_empty_outbox(tmp_path: Path) -> None:
    ws = make_workspace(tmp_path / "ws")
    empty = lxml.html.fromstring(write_index(ws, now=NOW).read_text(encoding="utf-8"))
    assert "发件箱中还没有生成的文档" in empty.text_content()
    assert "没有被退回的文件" in empty.text_content()
    write_outbox(ws, DOCUMENTS[:2])
    annotated(ws.rejected / "排班表.校验结果.xlsx")
    tree = lxml.html.fromstring(write_index(ws, now=NOW).read_text(encoding="utf-8"))
    assert [td.text_content() for td in tree.find_class("person")] == ["S001", "S002"]
    assert "排班表" in tree.get_element_by_id("rejected").text_content()


@pytest.mark.skipif(CHROMIUM is None, reason="Chromium is not installed (apt-get install "
                    "chromium; scripts/setup.sh --test does it)")
def test_index_in_headless_chromium(setup: Any, tmp_path: Path) -> None:
    ws, ledger, built = setup
    index = write_index(ws, ledger, now=NOW)
    flags = [str(CHROMIUM), "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic",
             "--no-first-run", "--disable-background-networking", "--disable-component-update",
             "--disable-sync", f"--user-data-dir={tmp_path / 'chromium'}"]
    dom = subprocess.run([*flags, "--dump-dom", index.as_uri()], capture_output=True,
                         text=True, timeout=120, check=True).stdout
    tree = lxml.html.fromstring(dom)
    pairs = links(tree, index)
    found = dict(pairs)
    for row in built["rows"]:
        if row.file(ws.outbox).exists():
            assert found[Path(row.path).name] == row.file(ws.outbox)
    assert {built["copy"], built["loose"]} <= {p for _, p in pairs}
    assert all(p.is_file() for _, p in pairs)  # every link opens a file that is there
    shot = tmp_path / "index.png"
    subprocess.run([*flags, f"--screenshot={shot}", "--window-size=1366,900", "--hide-scrollbars",
                    index.as_uri()], capture_output=True, timeout=120, check=True)
    png = shot.read_bytes()
    assert png[:8] == b"\x89PNG\r\n\x1a\n"
    assert struct.unpack(">II", png[16:24]) == (1366, 900)
    assert len(png) > 20_000  # a rendered page, not a blank one


_MEASURE = """<script>
window.addEventListener("load", () => {
  const docs = [...document.querySelectorAll("tbody tr:not(.group)")]
    .filter(tr => tr.querySelector("a[href$='.docx']"));
  const cells = docs.map(tr => tr.querySelector("a[href$='.docx']").closest("td")
                                 .getBoundingClientRect());
  parent.postMessage(JSON.stringify({
    inner: window.innerWidth,
    scroll: document.documentElement.scrollWidth,
    rows: docs.length,
    tallest: Math.max(...docs.map(tr => tr.getBoundingClientRect().height)),
    narrowest_cell: Math.min(...cells.map(r => r.width)),
    rightmost: Math.max(...cells.map(r => r.right)),
  }), "*");
});
</script>"""
# The page in an iframe of the width under test (headless Chromium's window is at least 500
# px wide); the iframe reports its layout to the host page, which --dump-dom prints.
_HOST = """<!doctype html><html><body style="margin:0">
<iframe src="probe.html" style="border:0;width:{width}px;height:900px;display:block"></iframe>
<script>window.addEventListener("message", e =>
  document.body.setAttribute("data-layout", e.data));</script></body></html>"""


@pytest.mark.skipif(CHROMIUM is None, reason="Chromium is not installed")
@pytest.mark.parametrize(("width", "tallest"), [(390, 170), (1366, 60)])
def test_index_reads_on_a_phone_and_a_desktop(setup: Any, tmp_path: Path, width: int,
                                              tallest: int) -> None:
    """At 390 px (a phone) the document list turns into cards: nothing wider than the
    screen, each document a few lines tall, its name in a wide cell; at 1366 px a table."""
    import json

    from PIL import Image as PILImage

    ws, ledger, _ = setup
    index = write_index(ws, ledger, now=NOW)
    probe = index.with_name("probe.html")
    probe.write_text(index.read_text(encoding="utf-8").replace("</body>", _MEASURE + "</body>"),
                     encoding="utf-8")
    host = index.with_name("host.html")
    host.write_text(_HOST.replace("{width}", str(width)), encoding="utf-8")
    flags = [str(CHROMIUM), "--headless", "--no-sandbox", "--disable-gpu",
             "--disable-background-networking", "--no-first-run", "--hide-scrollbars",
             f"--user-data-dir={tmp_path / 'chromium'}", f"--window-size={max(width, 500)},900"]
    dom = subprocess.run([*flags, "--virtual-time-budget=5000", "--dump-dom", host.as_uri()],
                         capture_output=True, text=True, timeout=120, check=True).stdout
    layout = json.loads(lxml.html.fromstring(dom).body.get("data-layout"))
    assert layout["inner"] == width
    assert layout["rows"] >= 3
    assert layout["scroll"] <= width, layout  # no sideways scrolling
    assert layout["rightmost"] <= width, layout
    assert layout["tallest"] <= tallest, layout  # not 450-px-tall rows of one word per line
    assert layout["narrowest_cell"] >= min(300, width * 0.8), layout
    shot = tmp_path / f"index-{width}.png"
    subprocess.run([*flags, f"--screenshot={shot}", host.as_uri()], capture_output=True,
                   timeout=120, check=True)
    with PILImage.open(shot) as image:
        page = image.crop((0, 0, width, 900))
        page.save(tmp_path / f"index-{width}-page.png")
        assert page.size == (width, 900)
        colours = page.convert("RGB").getcolors(maxcolors=1 << 20) or []
        assert len(colours) > 50  # drawn text and colours, not a blank frame


def test_attachment_links_are_the_documents_own_lists_taken_literally(tmp_path: Path) -> None:
    """The .xlsx lists linked beside a document are ``<its stem>_*.xlsx`` in its folder, the
    stem taken as written (brackets, stars and question marks in a name are not patterns)
    and another document's lists (a longer stem with the same beginning) left out."""
    from officekit.deliver.index import _attachments

    folder = tmp_path / "2026-10" / "客服一部"
    folder.mkdir(parents=True)
    names = ["王五[1]_2026-10_考核报告_超时投诉清单.xlsx", "王五[1]_2026-10_考核报告_.xlsx",
             "王五1_2026-10_考核报告_超时投诉清单.xlsx", "王五[1]_2026-10_考核报告.xlsx",
             "王五[1]_2026-10_考核报告_清单.xls", "王五[1]_2026-10_考核报告_清单.xlsx.tmp",
             "王五[1]_2026-10_考核报告_二_超时投诉清单.xlsx", "王五[1]_2026-10_考核报告.docx",
             "a*b?_清单.xlsx", "a*b?.docx", "axxb!_清单.xlsx"]
    for name in names:
        (folder / name).write_bytes(b"")
    folders: dict[Path, list[str]] = {}
    html = _attachments(tmp_path, "2026-10/客服一部/王五[1]_2026-10_考核报告.docx", folders)
    assert html.count("附表") == 3
    for label in ("附表：超时投诉清单<", "附表：<", "附表：二_超时投诉清单<"):
        assert label in html
    assert "王五1_" not in html and "清单.xls\"" not in html
    assert _attachments(tmp_path, "2026-10/客服一部/a*b?.docx", folders).count("附表") == 1
