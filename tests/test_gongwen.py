"""The 公文 template set (GB/T 9704-2012), chosen by ``[document] style = "公文"``."""

from __future__ import annotations

import io
import zipfile
from pathlib import Path
from typing import Any

import docx
import pytest
from docx.shared import Pt
from lxml import etree

from officekit.render.context_spec import CONTEXT_SPEC, sample_context
from officekit.render.engine import WordTemplate
from officekit.render.reports import REPORT_KINDS, template_for
from officekit.workspace import Workspace, init_workspace, packaged_templates

W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"
GONGWEN = packaged_templates() / "公文"


def east_asian_font(style: Any) -> str | None:
    fonts = style.element.find(f"{W}rPr/{W}rFonts")
    return None if fonts is None else fonts.get(f"{W}eastAsia")


@pytest.mark.parametrize("kind", list(CONTEXT_SPEC))
def test_page_type_and_page_numbers(kind: str) -> None:
    data = WordTemplate.compile(GONGWEN / CONTEXT_SPEC[kind].template).render_bytes(
        sample_context(kind))
    document = docx.Document(io.BytesIO(data))
    section = document.sections[0]
    assert (round(section.page_width / 36000), round(section.page_height / 36000)) == (210, 297)
    margins = [round(m / 36000) for m in (section.top_margin, section.bottom_margin,
                                          section.left_margin, section.right_margin)]
    assert margins == [37, 35, 28, 26]
    grid = section._sectPr.find(f"{W}docGrid")
    assert grid.get(f"{W}linePitch") == "579"  # 22 lines on the 225 mm type area
    normal = document.styles["Normal"]
    assert east_asian_font(normal) == "仿宋_GB2312" and normal.font.size == Pt(16)
    title = document.styles["Title"]
    assert east_asian_font(title) == "方正小标宋简体" and title.font.size == Pt(22)
    assert east_asian_font(document.styles["Heading 1"]) == "黑体"
    assert east_asian_font(document.styles["Heading 2"]) == "楷体_GB2312"
    assert document.settings.odd_and_even_pages_header_footer
    for footer, align in ((section.footer, "right"), (section.even_page_footer, "left")):
        p = footer.paragraphs[0]
        xml = etree.tostring(p._p, encoding="unicode")
        assert " PAGE " in xml and p.text.startswith("— ") and p.text.endswith(" —")
        assert align in str(p.alignment).lower()
    with zipfile.ZipFile(io.BytesIO(data)) as zf:
        body = zf.read("word/document.xml").decode("utf-8")
    assert "{{" not in body and "{%" not in body


def test_the_setting_chooses_the_set(tmp_path: Path) -> None:
    ws = init_workspace(tmp_path / "ws")
    for kind, (name, _) in REPORT_KINDS.items():
        assert template_for(ws, kind) == ws.templates / name
        assert (ws.templates / "公文" / name).is_file()  # init copied the 公文 set too
    toml = ws.root / "officekit.toml"
    toml.write_text(toml.read_text(encoding="utf-8").replace('style = "report"',
                                                            'style = "公文"'),
                    encoding="utf-8")
    gongwen = Workspace.open(ws.root)
    for kind, (name, _) in REPORT_KINDS.items():
        assert template_for(gongwen, kind) == gongwen.templates / "公文" / name
