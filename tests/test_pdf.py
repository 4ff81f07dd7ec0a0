"""PDF through a real headless LibreOffice: CJK text, table of contents, timeouts, failures."""

from __future__ import annotations

import os
import subprocess
from collections.abc import Iterator
from pathlib import Path

import pytest

from officekit.errors import PdfError
from officekit.render.engine import WordTemplate
from officekit.render.pdf import PdfBatchError, PdfConverter, find_soffice, libreoffice_available

TEMPLATES = Path(__file__).parent / "data" / "templates"

pytestmark = [
    pytest.mark.pdf,
    pytest.mark.skipif(not libreoffice_available(), reason="LibreOffice is not installed"),
]


def pdf_text(path: Path, *, layout: bool = False) -> str:
    args = ["pdftotext", *(["-layout"] if layout else []), str(path), "-"]
    return subprocess.run(args, capture_output=True, text=True, check=True).stdout


@pytest.fixture(scope="module")
def converter() -> Iterator[PdfConverter]:
    with PdfConverter(timeout=60) as pdf:
        yield pdf


@pytest.fixture
def cjk_docx(tmp_path: Path) -> Path:
    context = {"title": "个人考核报告", "name": "张三", "staff_id": "0012",
               "department": "客服一部",
               "kpis": [{"name": "办结率", "score": 95}, {"name": "满意度", "score": 88}],
               "footer": "某市客户服务中心 A&B"}
    return WordTemplate.compile(TEMPLATES / "cjk_pdf.docx").render(context, tmp_path / "报告.docx")


def test_converts_a_rendered_chinese_document(converter: PdfConverter, cjk_docx: Path) -> None:
    pdf = converter.convert(cjk_docx)
    assert pdf == cjk_docx.with_suffix(".pdf") and pdf.read_bytes()[:5] == b"%PDF-"
    text = pdf_text(pdf)
    for expected in ("个人考核报告", "员工：张三（0012），部门：客服一部", "办结率", "满意度", "88",
                     "某市客户服务中心 A&B"):
        assert expected in text


def test_table_of_contents_is_updated(converter: PdfConverter, tmp_path: Path) -> None:
    docx = WordTemplate.compile(TEMPLATES / "toc.docx").render({"first": "第一章 概述"},
                                                              tmp_path / "手册.docx")
    text = pdf_text(converter.convert(docx, tmp_path / "out" / "手册.pdf"), layout=True)
    toc_lines = [line for line in text.splitlines() if "...." in line]
    assert [line.split(".")[0].strip() for line in toc_lines] == ["第一章 概述", "第二章 岗位职责"]
    assert text.count("第二章 岗位职责") == 2  # the entry and the heading


def test_one_failure_does_not_stop_the_batch(converter: PdfConverter, cjk_docx: Path,
                                             tmp_path: Path) -> None:
    broken = tmp_path / "坏文件.docx"
    broken.write_bytes(b"PK\x03\x04 this is not really a zip")
    with pytest.raises(PdfBatchError) as info:
        converter.convert_many([broken, cjk_docx])
    assert info.value.converted == [cjk_docx.with_suffix(".pdf")]
    assert list(info.value.failed) == [broken]
    assert "坏文件.docx" in str(info.value)
    # each language on its own: the reasons are worded where they are shown
    zh, en = info.value.text("zh"), info.value.text("en")
    assert "未能转换" in zh and "坏文件.docx" in zh
    assert "could not be converted" in en and "坏文件.docx: " in en
    assert not any("\u4e00" <= c <= "\u9fff" for c in en.replace("坏文件", ""))
    assert info.value.failed[broken].text("en") in en
    assert info.value.failed[broken].text("zh") in zh


def test_a_hung_conversion_is_killed_and_libreoffice_restarted(cjk_docx: Path) -> None:
    with PdfConverter(timeout=0.001) as pdf:
        with pytest.raises(PdfError, match="超时"):
            pdf.convert(cjk_docx)
        assert pdf.restarts == 1
        pdf.timeout = 60
        assert "张三" in pdf_text(pdf.convert(cjk_docx))
        proc = pdf._proc
        assert proc is not None
    assert proc.poll() is not None  # stopped with the context


def test_missing_libreoffice_says_how_to_install(monkeypatch: pytest.MonkeyPatch) -> None:
    with pytest.raises(PdfError) as info:
        PdfConverter(soffice="/nonexistent/soffice")
    assert "apt-get install libreoffice-writer" in str(info.value)
    assert "LibreOffice" in info.value.message
    monkeypatch.setenv("OFFICEKIT_SOFFICE", "/nonexistent/soffice")
    assert not libreoffice_available() and find_soffice() is None
    monkeypatch.delenv("OFFICEKIT_SOFFICE")
    assert find_soffice() is not None and os.path.exists(str(find_soffice()))
