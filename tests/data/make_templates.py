"""Write the small test templates in tests/data/templates/, one per renderer feature.

Run: ``.venv/bin/python tests/data/make_templates.py``. Each template is built with python-docx
the way Word saves it: tags are often split over several runs with spell-check marks and
bookmarks between them (``split_runs.docx``), as happens when a tag is typed and corrected.
"""

from __future__ import annotations

import io
import sys
from collections.abc import Callable
from pathlib import Path

import docx
from docx.document import Document
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Mm, Pt
from PIL import Image as PILImage

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT / "src"))

from officekit.render.fonts import set_cjk_font  # noqa: E402

OUT = Path(__file__).resolve().parent / "templates"


def _new() -> Document:
    document = docx.Document()
    set_cjk_font(document, "宋体")
    return document


def _split(paragraph: docx.text.paragraph.Paragraph, pieces: list[str]) -> None:
    """Add ``pieces`` as separate runs with the junk Word leaves between them."""
    mark = str(len(pieces) * 10 + len(paragraph.runs))
    junk = (
        _el("w:proofErr", {"w:type": "spellStart"}),
        _el("w:bookmarkStart", {"w:id": mark, "w:name": f"_Tag{mark}"}),
        _el("w:bookmarkEnd", {"w:id": mark}),
        _el("w:proofErr", {"w:type": "spellEnd"}),
    )
    for i, piece in enumerate(pieces):
        run = paragraph.add_run(piece)
        if i % 2:
            run.bold = True  # a formatting change is what makes Word start a new run
        if i < len(pieces) - 1 and i < len(junk):
            paragraph._p.append(junk[i])


def _el(tag: str, attrs: dict[str, str]) -> OxmlElement:
    element = OxmlElement(tag)
    for key, value in attrs.items():
        element.set(qn(key), value)
    return element


def variables(d: Document) -> None:
    d.add_paragraph("客户：{{ customer }}")
    d.add_paragraph("工号：{{ staff.staff_id }}，姓名：{{ staff.name }}")
    d.add_paragraph("计算：{{ 6 * 7 }}")
    d.add_paragraph("空值：[{{ nothing }}]")


def split_runs(d: Document) -> None:
    _split(d.add_paragraph("客户："), ["{", "{ cust", "omer }", "}"])
    _split(d.add_paragraph(), ["{%p i", "f show ", "%}"])
    d.add_paragraph("显示的段落")
    _split(d.add_paragraph(), ["{%p ", "endif", " %}"])
    _split(d.add_paragraph("金额："), ["{{ “", "甲", "”", " ~ amount }}"])


def tr_loop(d: Document) -> None:
    d.add_paragraph("考核指标")
    table = d.add_table(rows=4, cols=3)
    for cell, text in zip(table.rows[0].cells, ["指标", "目标", "实际"], strict=True):
        cell.text = text
    table.rows[1].cells[0].text = "{%tr for k in kpis %}"
    for cell, text in zip(table.rows[2].cells,
                          ["{{ k.name }}", "{{ k.target }}", "{{ k.actual }}"], strict=True):
        cell.text = text
    table.rows[3].cells[0].text = "{%tr endfor %}"
    d.add_paragraph("共 {{ kpis | length }} 项")


def p_if(d: Document) -> None:
    d.add_paragraph("开头")
    d.add_paragraph("{#p 给编辑模板的人看的说明：这一段不会出现在文档里 #}")
    d.add_paragraph("{%p if late %}")
    d.add_paragraph("逾期投诉：{{ late | join('、') }}")
    d.add_paragraph("{%p else %}")
    d.add_paragraph("本月没有逾期投诉。")
    d.add_paragraph("{%p endif %}")
    d.add_paragraph("结尾")


def tc(d: Document) -> None:
    table = d.add_table(rows=2, cols=4)
    head = ["姓名", "{%tc for m in months %}", "{{ m }}", "{%tc endfor %}"]
    body = ["{{ name }}", "{%tc for v in values %}", "{{ v }}", "{%tc endfor %}"]
    for row, texts in zip(table.rows, [head, body], strict=True):
        for cell, text in zip(row.cells, texts, strict=True):
            cell.text = text


def images(d: Document) -> None:
    d.add_paragraph("趋势图：")
    d.add_paragraph("{{ chart }}")
    d.add_paragraph("{%p for c in charts %}")
    d.add_paragraph("{{ c }}")
    d.add_paragraph("{%p endfor %}")
    d.sections[0].header.paragraphs[0].text = "{{ logo }}"


def template_picture(d: Document) -> None:
    """A picture that is part of the template (a logo), repeated by a paragraph loop."""
    buffer = io.BytesIO()
    PILImage.new("RGB", (60, 20), (20, 60, 160)).save(buffer, format="PNG")
    d.add_paragraph("{%p for name in names %}")
    d.add_paragraph("{{ name }}")
    buffer.seek(0)
    d.add_paragraph().add_run().add_picture(buffer, width=Mm(30))
    d.add_paragraph("{%p endfor %}")


def line_breaks(d: Document) -> None:
    d.add_paragraph("地址：{{ address }}")
    d.add_paragraph("意见：{{ opinion }}")


def header_footer(d: Document) -> None:
    section = d.sections[0]
    section.header.paragraphs[0].text = "{{ company }} 考核报告"
    section.footer.paragraphs[0].text = "期间：{{ period }}"
    d.add_paragraph("正文：{{ name }}")


def nested_loops(d: Document) -> None:
    d.add_paragraph("{%p for dept in departments %}")
    d.add_paragraph("部门：{{ dept.name }}（第 {{ loop.index }} 个）")
    table = d.add_table(rows=3, cols=2)
    table.rows[0].cells[0].text = "{%tr for s in dept.staff %}"
    table.rows[1].cells[0].text = "{{ dept.name }}"
    table.rows[1].cells[1].text = "{{ s }}"
    table.rows[2].cells[0].text = "{%tr endfor %}"
    d.add_paragraph("{%p endfor %}")


def sandbox(d: Document) -> None:
    d.add_paragraph("{{ name.__class__.__mro__ }}")


def undefined(d: Document) -> None:
    d.add_paragraph("开头")
    d.add_paragraph("{% if maybe is defined %}有：{{ maybe }}{% else %}无{% endif %}")
    d.add_paragraph("{{ maybe | default('默认') }}")
    d.add_paragraph("姓名：{{ staff.name }}")


def syntax_errors(d: Document) -> None:
    d.add_paragraph("标题")
    d.add_paragraph("正常：{{ name }}")
    d.add_paragraph("坏表达式：{{ name. }}")  # paragraph 3
    table = d.add_table(rows=4, cols=2)
    table.rows[0].cells[0].text = "表头"
    table.rows[3].cells[1].text = "{{ a b }}"  # table 1 row 4 cell 2
    d.add_paragraph("{%p if flag %}")  # paragraph 4: never closed
    d.add_paragraph("{{ oops")  # paragraph 5: tag not closed


def cross_boundary(d: Document) -> None:
    """A plain {% if %} opened in a paragraph and closed in a table cell: not well-formed."""
    d.add_paragraph("前文 {% if flag %} 条件内")
    table = d.add_table(rows=1, cols=1)
    table.rows[0].cells[0].text = "单元格 {% endif %} 之后"


def rich_text(d: Document) -> None:
    p = d.add_paragraph("状态：")
    p.add_run("{{r status }}").italic = True
    p.add_run("。")


def cjk_pdf(d: Document) -> None:
    d.add_heading("{{ title }}", level=1)
    paragraph = d.add_paragraph("员工：{{ name }}（{{ staff_id }}），部门：{{ department }}")
    paragraph.runs[0].font.size = Pt(12)
    table = d.add_table(rows=3, cols=2)
    table.rows[0].cells[0].text = "指标"
    table.rows[0].cells[1].text = "得分"
    table.rows[1].cells[0].text = "{%tr for k in kpis %}"
    table.rows[2].cells[0].text = "{{ k.name }}"
    table.rows[2].cells[1].text = "{{ k.score }}"
    table.add_row().cells[0].text = "{%tr endfor %}"
    d.sections[0].footer.paragraphs[0].text = "{{ footer }}"


def toc(d: Document) -> None:
    """A table of contents field with no entries yet: the PDF converter must update it.

    The field needs some result text (LibreOffice drops an empty TOC field on import)."""
    d.add_paragraph("目录")
    p = d.add_paragraph()
    for kind, text in (("begin", None), (None, ' TOC \\o "1-3" \\h \\z \\u '),
                       ("separate", None), (None, "（右键“更新域”生成目录）"), ("end", None)):
        run = p.add_run()
        if kind:
            run._r.append(_el("w:fldChar", {"w:fldCharType": kind}))
        elif text.startswith(" TOC"):
            instr = OxmlElement("w:instrText")
            instr.set(qn("xml:space"), "preserve")
            instr.text = text
            run._r.append(instr)
        else:
            run.text = text
    d.add_page_break()
    d.add_heading("{{ first }}", level=1)
    d.add_paragraph("第一章的内容。")
    d.add_heading("第二章 岗位职责", level=1)
    d.add_paragraph("第二章的内容。")


TEMPLATES: dict[str, Callable[[Document], None]] = {
    "variables": variables,
    "split_runs": split_runs,
    "tr_loop": tr_loop,
    "p_if": p_if,
    "tc": tc,
    "images": images,
    "template_picture": template_picture,
    "line_breaks": line_breaks,
    "header_footer": header_footer,
    "nested_loops": nested_loops,
    "sandbox": sandbox,
    "undefined": undefined,
    "syntax_errors": syntax_errors,
    "cross_boundary": cross_boundary,
    "rich_text": rich_text,
    "cjk_pdf": cjk_pdf,
    "toc": toc,
}


def main() -> None:
    OUT.mkdir(parents=True, exist_ok=True)
    for name, build in TEMPLATES.items():
        document = _new()
        build(document)
        document.save(str(OUT / f"{name}.docx"))
    print(f"wrote {len(TEMPLATES)} templates to {OUT}")


if __name__ == "__main__":
    main()
