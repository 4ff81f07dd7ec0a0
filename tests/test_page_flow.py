"""Page flow of the documents as printed: header rows, rows, headings and signature blocks.

The XML tests read the rendered templates (every template in every style); the PDF test lays a
long evaluation out with LibreOffice and reads which page each thing landed on.
"""

from __future__ import annotations

import copy
import io
import subprocess
import zipfile
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from lxml import etree

from officekit.render.context_spec import CONTEXT_SPEC, sample_context
from officekit.render.engine import WordTemplate
from officekit.render.pdf import PdfConverter, libreoffice_available
from officekit.workspace import packaged_templates

W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"
STYLE_SETS = [p for p in (packaged_templates(), packaged_templates() / "公文") if p.is_dir()]


def rendered(folder: Path, kind: str, context: dict[str, Any] | None = None) -> bytes:
    template = WordTemplate.compile(folder / CONTEXT_SPEC[kind].template)
    return template.render_bytes(context or sample_context(kind))


def body(data: bytes) -> Any:
    with zipfile.ZipFile(io.BytesIO(data)) as zf:
        return etree.fromstring(zf.read("word/document.xml"))


def keeps_with_next(p: Any, styles: dict[str, bool]) -> bool:
    own = p.find(f"{W}pPr/{W}keepNext")
    if own is not None:
        return own.get(f"{W}val", "true") not in ("0", "false")
    style = p.find(f"{W}pPr/{W}pStyle")
    return styles.get(style.get(f"{W}val") if style is not None else "Normal", False)


def style_keeps(data: bytes) -> dict[str, bool]:
    """Paragraph style id → keep with next (following ``basedOn``)."""
    with zipfile.ZipFile(io.BytesIO(data)) as zf:
        root = etree.fromstring(zf.read("word/styles.xml"))
    own: dict[str, bool | None] = {}
    base: dict[str, str] = {}
    for style in root.iter(f"{W}style"):
        sid = style.get(f"{W}styleId")
        keep = style.find(f"{W}pPr/{W}keepNext")
        own[sid] = None if keep is None else keep.get(f"{W}val", "true") not in ("0", "false")
        based = style.find(f"{W}basedOn")
        if based is not None:
            base[sid] = based.get(f"{W}val")

    def resolve(sid: str, depth: int = 0) -> bool:
        value = own.get(sid)
        if value is not None or depth > 10:
            return bool(value)
        return resolve(base[sid], depth + 1) if sid in base else False

    return {sid: resolve(sid) for sid in own}


@pytest.mark.parametrize("folder", STYLE_SETS, ids=lambda p: p.name)
@pytest.mark.parametrize("kind", list(CONTEXT_SPEC))
def test_tables_keep_their_header_with_rows_and_rows_whole(folder: Path, kind: str) -> None:
    data = rendered(folder, kind)
    root = body(data)
    styles = style_keeps(data)
    checked = 0
    for tbl in root.iter(f"{W}tbl"):
        rows = tbl.findall(f"{W}tr")
        headers = [r for r in rows if r.find(f"{W}trPr/{W}tblHeader") is not None]
        if not headers or len(rows) < 2:
            continue
        checked += 1
        assert rows[0] in headers  # a repeated header is the table's top row(s)
        for row in headers:
            for p in row.iter(f"{W}p"):
                assert keeps_with_next(p, styles), "header row not kept with the next row"
        first = rows.index(headers[-1]) + 1
        for i, row in enumerate(rows):
            whole = row.find(f"{W}trPr/{W}cantSplit") is not None
            # the first row under the header may split: LibreOffice drops the rest of the
            # table when that row cannot split and ends a page (see test_no_row_is_lost)
            if i != first:
                assert whole, f"row {i + 1} may split"
            elif i + 1 < len(rows):
                assert not whole, f"row {i + 1}, the first under the header, cannot split"
    assert checked, "no table with a header row"


@pytest.mark.parametrize("folder", STYLE_SETS, ids=lambda p: p.name)
@pytest.mark.parametrize("kind", list(CONTEXT_SPEC))
def test_headings_keep_with_next(folder: Path, kind: str) -> None:
    data = rendered(folder, kind)
    styles = style_keeps(data)
    headings = [p for p in body(data).iter(f"{W}p")
                if (s := p.find(f"{W}pPr/{W}pStyle")) is not None
                and s.get(f"{W}val", "").startswith("Heading")]
    assert headings
    assert all(keeps_with_next(p, styles) for p in headings)


@pytest.mark.parametrize("folder", STYLE_SETS, ids=lambda p: p.name)
def test_signature_block_is_kept_whole(folder: Path) -> None:
    data = rendered(folder, "evaluation")
    styles = style_keeps(data)
    root = body(data)
    box = next(t for t in root.iter(f"{W}tbl") if "被考核人签字" in "".join(t.itertext()))
    rows = box.findall(f"{W}tr")
    assert all(r.find(f"{W}trPr/{W}cantSplit") is not None for r in rows)
    for row in rows[:-1]:
        assert all(keeps_with_next(p, styles) for p in row.iter(f"{W}p"))
    heading = box.getprevious()
    while heading is not None and not "".join(heading.itertext()).strip():
        heading = heading.getprevious()
    assert heading is not None and "考核意见" in "".join(heading.itertext())
    assert keeps_with_next(heading, styles)


# ---------------------------------------------------------------------------------------------
# laid out by LibreOffice


@pytest.fixture(scope="module")
def converter() -> Iterator[PdfConverter]:
    with PdfConverter(timeout=90) as pdf:
        yield pdf


def pages(pdf: Path) -> list[str]:
    text = subprocess.run(["pdftotext", "-layout", str(pdf), "-"], capture_output=True,
                          text=True, check=True).stdout
    return text.split("\f")


@pytest.mark.pdf
@pytest.mark.skipif(not libreoffice_available(), reason="LibreOffice is not installed")
@pytest.mark.parametrize("late_count", [18, 40])
def test_long_evaluation_pages(converter: PdfConverter, tmp_path: Path,
                               late_count: int) -> None:
    """Many late complaints push the signature block down: it stays whole on one page, and
    the late list's header row is printed on every page the list runs over."""
    context = copy.deepcopy(sample_context("evaluation"))
    row = context["late"][0]
    context["late"] = [{**row, "complaint_id": f"TS202610-{i:03d}"} for i in range(late_count)]
    context["has_late"] = True
    template = WordTemplate.compile(packaged_templates() / "evaluation.docx")
    docx = template.render(context, tmp_path / "长报告.docx")
    text = pages(converter.convert(docx))
    where = {needle: [i for i, page in enumerate(text) if needle in page]
             for needle in ("七、考核意见", "部门负责人签字", "被考核人签字")}
    assert all(len(found) == 1 for found in where.values()), where
    assert len({found[0] for found in where.values()}) == 1, where
    listed = [i for i, page in enumerate(text) if "TS202610-" in page]
    assert len(listed) >= 1
    for i in listed:
        assert "投诉编号" in text[i], f"page {i + 1} continues the list without its header"
        before, _, _ = text[i].partition("TS202610-")
        assert "投诉编号" in before


def _five_of_each(context: dict[str, Any]) -> dict[str, Any]:
    """The sample context with five distinct rows in every table (the sample has one)."""
    out = dict(context)
    for key, value in context.items():
        if isinstance(value, list) and value and isinstance(value[0], dict):
            rows = []
            for i in range(5):
                row = dict(value[0])
                first = next(f for f, v in row.items() if isinstance(v, str) and v)
                row[first] = f"{row[first]}{i}"
                rows.append(row)
            out[key] = rows
    return out


def _table_rows(data: bytes) -> list[str]:
    """Each table row's text (spaces removed), from the document itself."""
    rows = []
    for tr in body(data).iter(f"{W}tr"):
        text = "".join("".join(tc.itertext()) for tc in tr.iterfind(f"{W}tc"))
        rows.append("".join(text.split()))
    return [r for r in rows if r]


def _pushed_down(data: bytes, steps: int) -> bytes:
    """The document with ``steps`` × 10 pt of empty space at its top (moves every table)."""
    space = b'<w:p><w:pPr><w:spacing w:before="0" w:after="0" w:line="200" ' \
            b'w:lineRule="exact"/></w:pPr></w:p>'
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(data)) as zin, zipfile.ZipFile(out, "w") as zout:
        for item in zin.infolist():
            part = zin.read(item.filename)
            if item.filename == "word/document.xml":
                part = part.replace(b"<w:body>", b"<w:body>" + space * steps, 1)
            zout.writestr(item, part)
    return out.getvalue()


@pytest.mark.pdf
@pytest.mark.skipif(not libreoffice_available(), reason="LibreOffice is not installed")
@pytest.mark.parametrize("folder", STYLE_SETS, ids=lambda p: p.name)
def test_no_row_is_lost_wherever_a_table_meets_the_page_foot(
        converter: PdfConverter, tmp_path: Path, folder: Path) -> None:
    """Every table row of an evaluation is printed, with the tables moved down 10 pt at a time
    (LibreOffice 7.4 dropped the rows after a table's first row when the page ended there and
    that row could not split — 谢婷婷's report of the sample month lost four of its five
    indicator rows)."""
    data = rendered(folder, "evaluation", _five_of_each(sample_context("evaluation")))
    rows = _table_rows(data)
    for steps in range(12):
        docx = tmp_path / f"下移{steps}.docx"
        docx.write_bytes(_pushed_down(data, steps))
        printed = "".join("".join(pages(converter.convert(docx))).split())
        lost = [row for row in rows if row not in printed]
        assert not lost, f"{steps * 10} pt down: not printed {lost}"
