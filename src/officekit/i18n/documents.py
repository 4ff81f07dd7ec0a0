"""Texts about the documents: the notes of a report run (officekit.render.reports), the
annotated copy of a rejected file (officekit.annotate), and the errors of rendering: templates,
pictures, charts and PDF (``error.template.…``, ``error.pdf.…``).
"""

from __future__ import annotations

UI: dict[str, tuple[str, str]] = {
    "report.skipped": (
        "{period_zh}没有{register_zh}，未生成{what_zh}（没有数据不按零计）",
        "no {register_en} for {period}: {what_en} not rendered (no data is not zero)",
    ),
    # the annotated copy of a rejected file (officekit.annotate)
    "annotate.sheet": ("校验结果", "Validation results"),
    "annotate.title": ("校验结果：{file}", "Validation results: {file}"),
    "annotate.counts": (
        "共发现 {errors} 个错误、{warnings} 个警告。",
        "{errors} error(s) and {warnings} warning(s) found.",
    ),
    "annotate.todo": (
        "请按下表逐条修改标红的单元格（黄色为警告，请核对），"
        "保存后把文件重新放入 inbox 文件夹。点击“单元格”一列可跳到该单元格。",
        "Fix the cells marked red (yellow ones are warnings worth checking), save, and drop "
        "the file into the inbox folder again. Click a cell reference to jump to it.",
    ),
    "annotate.none": ("未发现问题。", "No problems found."),
    "annotate.error": ("错误", "Error"),
    "annotate.warning": ("警告", "Warning"),
    "annotate.info": ("提示", "Note"),
    "annotate.no": ("序号", "No."),
    "annotate.level": ("级别", "Level"),
    "annotate.code": ("代码", "Code"),
    "annotate.where_sheet": ("工作表", "Sheet"),
    "annotate.cell": ("单元格", "Cell"),
    "annotate.column": ("列", "Column"),
    "annotate.value": ("值", "Value"),
    "annotate.message": ("说明", "Message"),
    # errors of the documents (officekit.render): templates, pictures, charts, PDF
    "error.report.unknown-kind": (
        "未知的报告类型“{kind}”；可用：{kinds}", 'Unknown report kind "{kind}"; use {kinds}'),
    "error.report.unknown-staff": (
        "{period} 没有工号或姓名为“{staff}”的人员",
        'No staff member "{staff}" in {period}',
    ),
    "error.report.unknown-department": (
        "{period} 没有部门“{department}”的数据；已有：{known}",
        'No data for department "{department}" in {period}; the departments are: {known}',
    ),
    "error.report.handbook-month": (
        "岗位职责手册按月生成（含当月排班），请用 --period 2026-10 这样的月份",
        "The handbook is made per month (it holds the month's duty calendar): use a month "
        "such as --period 2026-10",
    ),
    "error.report.handbook-department": (
        "岗位职责表里没有部门“{department}”；已有：{known}",
        'The duty catalogue has no department "{department}"; the departments are: {known}',
    ),
    "error.report.no-duties": ("—（请先导入岗位职责表）", "— (store a duty catalogue first)"),
    "error.template.not-found": ("模板文件不存在：{path}", "Template not found: {path}"),
    "error.template.not-docx": (
        "无法读取模板 {name}：不是有效的 Word 文档（.docx）",
        "Cannot read the template {name}: not a valid Word document (.docx)",
    ),
    "error.template.no-main-part": (
        "{name} 不是 Word 文档（找不到正文）", "{name} is not a Word document (no main part)"),
    "error.template.bad-xml": (
        "模板 {file} 的 {part} 不是有效的 XML：{detail}",
        "{part} in the template {file} is not valid XML: {detail}",
    ),
    "error.template.render-failed": (
        "渲染 {path} 失败：\n{detail}", "Rendering {path} failed:\n{detail}"),
    "error.render.helper-ended": (
        "一个帮助生成文档的进程意外结束（退出状态 {status}），{path} 等 {count} 份文档没有生成",
        "A process helping to render the documents ended unexpectedly (exit status {status}); "
        "{count} document(s), {path} first, were not rendered",
    ),
    "error.template.problems": (
        "模板 {name} 有 {count} 处错误：\n{listed}[[\n  ……另有 {more} 处]]",
        "Template {name} has {count} problem(s):\n{listed}[[\n  … and {more} more]]",
    ),
    "error.template.unsupported": (
        "不支持的对象 {name}：officekit 不支持 {what}",
        "{name} is not supported: officekit does not support {what}",
    ),
    "error.template.unsupported.Subdoc": ("子文档（Subdoc）", "sub-documents (Subdoc)"),
    "error.template.unsupported.InlineImage": (
        "docxtpl 的图片对象（InlineImage，请用 officekit 的 Image）",
        "docxtpl's InlineImage (use officekit's Image)",
    ),
    "error.template.unsupported.DocxTemplate": ("docxtpl 模板对象", "a DocxTemplate"),
    "error.template.unsupported.Document": ("python-docx 文档对象", "a python-docx Document"),
    "error.template.not-word-content": (
        "对象 {name} 无法输出为 Word 内容（不支持）：{detail}",
        "{name} cannot be written into Word (not supported): {detail}",
    ),
    "error.template.invalid-word-xml": (
        "对象 {name} 的内容不是有效的 Word XML（不支持）：{detail}",
        "{name} does not give valid Word XML (not supported): {detail}",
    ),
    "error.template.foreign-relationship": (
        "对象 {name} 引用了本文档中不存在的关系 {ref}（不支持来自其他库的图片或链接）",
        "{name} refers to relationship {ref}, which this document does not have (objects of "
        "other libraries are not supported)",
    ),
    "error.template.not-text": (
        "对象 {name} 的内容不是文字、文字块或段落（不支持）",
        "{name} gives neither text, runs nor paragraphs (not supported)",
    ),
    "error.template.paragraph-needs-p": (
        "多段文字（RichTextParagraph）须用 {{{{p 变量 }}}} 单独占一段",
        "a RichTextParagraph needs its own paragraph: {{{{p x }}}}",
    ),
    "error.template.paragraph-needs-p/run": (
        "多段文字（RichTextParagraph）须用 {{{{p 变量 }}}}",
        "a RichTextParagraph needs {{{{p x }}}}",
    ),
    "error.template.blocks-need-p": (
        "对象 {name} 是整段内容，须用 {{{{p 变量 }}}} 单独占一段",
        "{name} gives paragraphs: use {{{{p x }}}}",
    ),
    "error.template.bad-colour": (
        "[[{what}]]颜色应为 RRGGBB 十六进制：{value}",
        "[[{what_en} ]]colour must be RRGGBB hex: {value}",
    ),
    "error.template.bad-font-region": (
        "字体区域应为 ascii/hAnsi/eastAsia/cs：{region}",
        "font region must be ascii, hAnsi, eastAsia or cs: {region}",
    ),
    "error.picture.size": (
        "图片尺寸必须大于 0（宽 {width} mm，高 {height} mm）",
        "picture size must be positive (width {width} mm, height {height} mm)",
    ),
    "error.picture.unreadable": (
        "图片文件无法读取：{path}", "cannot read the picture file {path}"),
    "error.picture.bad-data": (
        "图片数据应为 bytes 或文件路径，而不是 {type}",
        "picture data must be bytes or a path, not {type}",
    ),
    "error.picture.format": (
        "图片格式无法识别（请用 PNG 或 JPEG）", "unrecognised picture format (use PNG or JPEG)"),
    "error.picture.no-session": (
        "图片和链接只能在文档渲染时插入", "pictures and links need a document render session"),
    "error.chart.size": (
        "图表尺寸必须大于 0（宽 {width} mm，高 {height} mm）",
        "chart size must be positive (width {width} mm, height {height} mm)",
    ),
    "error.chart.series-length": (
        "图表数据长度不符：{name} 有 {values} 个值，类别有 {categories} 个",
        "series {name} has {values} values for {categories} categories",
    ),
    "error.chart.trend-length": (
        "趋势图数据长度不符：{name} 有 {values} 个值，期间有 {periods} 个",
        "trend series {name} has {values} values for {periods} periods",
    ),
    "error.chart.not-png": ("不是 PNG 图片", "not a PNG image"),
    "error.chart.no-cjk-font": (
        "找不到中文字体，图表中的汉字无法显示。请安装 fonts-noto-cjk（Debian/Ubuntu："
        "apt install fonts-noto-cjk）或文泉驿微米黑（fonts-wqy-microhei）后重试。",
        "No CJK font found for the chart labels; install fonts-noto-cjk (Debian/Ubuntu: apt "
        "install fonts-noto-cjk) or WenQuanYi Micro Hei (fonts-wqy-microhei) and try again.",
    ),
    "error.chart.no-cjk-font.hint": (
        "安装字体后如仍无效，请删除 matplotlib 字体缓存（~/.cache/matplotlib）。",
        "If it still fails after installing, delete matplotlib's font cache "
        "(~/.cache/matplotlib).",
    ),
    "error.document.write-folder": (
        "无法在 {path} 写入文档：{detail}", "Cannot write documents in {path}: {detail}"),
    "error.document.write": (
        "无法写入 {path}（文件可能正在 Word 中打开）：{detail}",
        "Cannot write {path} (is it open in Word?): {detail}",
    ),
    # PDF (officekit.render.pdf, .wordpdf); ``.install`` is the hint of the LibreOffice ones
    "error.pdf.install": (
        "请安装 LibreOffice：apt-get install libreoffice-writer（Windows 请从 "
        "https://zh-cn.libreoffice.org 下载安装）",
        "Install LibreOffice: apt-get install libreoffice-writer (Windows: download it from "
        "libreoffice.org)",
    ),
    "error.pdf.no-libreoffice": (
        "未找到 LibreOffice，无法生成 PDF", "LibreOffice not found, cannot make PDF files"),
    "error.pdf.no-converter": (
        "未找到 LibreOffice 或 Word，无法生成 PDF",
        "Neither LibreOffice nor Word was found, cannot make PDF files",
    ),
    "error.pdf.no-converter.hint": (
        "请安装 LibreOffice：apt-get install libreoffice-writer（Windows 请从 "
        "https://zh-cn.libreoffice.org 下载安装）；或安装 Microsoft Word",
        "Install LibreOffice: apt-get install libreoffice-writer (Windows: download it from "
        "libreoffice.org), or install Microsoft Word",
    ),
    "error.pdf.not-in-with": (
        "PdfConverter 须在 with 语句中使用", "use PdfConverter in a with block"),
    "error.pdf.cannot-start": (
        "无法启动 LibreOffice（{program}）：{detail}",
        "Cannot start LibreOffice ({program}): {detail}",
    ),
    "error.pdf.start-timeout": (
        "LibreOffice 初始化超时", "LibreOffice did not finish starting"),
    "error.pdf.did-not-start": (
        "LibreOffice 启动失败：{detail}", "LibreOffice did not start: {detail}"),
    "error.pdf.no-document": (
        "找不到要转换的文档：{path}", "Document not found: {path}"),
    "error.pdf.failed": (
        "{name} 转换为 PDF 失败：{detail}", "Converting {name} to PDF failed: {detail}"),
    "error.pdf.batch": (
        "{count} 个文档未能转换为 PDF：\n{listed}",
        "{count} document(s) could not be converted:\n{listed}",
    ),
    "error.pdf.word-start": ("无法启动 Word：{detail}", "Cannot start Word: {detail}"),
    "error.pdf.word-timeout": (
        "{name} 转换为 PDF 超时（{seconds} 秒）：Word 已结束，其余文档照常转换",
        "Converting {name} to PDF with Word timed out after {seconds} s: Word was ended, the "
        "other documents go on"),
    "error.pdf.word-failed": (
        "{name} 转换为 PDF 失败（Word）：{detail}",
        "Converting {name} to PDF with Word failed: {detail}",
    ),
    "error.template.docxtpl-api": (
        "不支持 {method}：officekit 只按模板和上下文生成文档，不提供 docxtpl 的这一接口；"
        "图片请在上下文中给出 Image",
        "{method} is not supported: officekit renders from the template and the context only; "
        "give pictures as Image values in the context",
    ),
    # what is wrong with a Word template (officekit.render.wordlocation.problem): located in
    # Word terms by the caller; ``template-problem.<code or key>``
    "template-problem.unclosed-tag": (
        "标签没有结束：缺少“{closer}”（标签须写在同一段内）",
        "tag is not closed: '{closer}' is missing (a tag must stay in one paragraph)",
    ),
    "template-problem.cell-tag": (
        "{{% {keyword} %}} 标签必须写在表格单元格里",
        "a {{% {keyword} %}} tag must be inside a table cell",
    ),
    "template-problem.needs-argument": (
        "{{% {keyword} %}} 缺少参数", "{{% {keyword} %}} needs an argument"),
    "template-problem.misplaced-tag": (
        "{{%{level} %}} 标签必须写在{where}里", "a {{%{level} %}} tag must be inside {where}"),
    "template-problem.level.tr": ("表格行", "a table row"),
    "template-problem.level.tc": ("表格单元格", "a table cell"),
    "template-problem.level.r": ("文字", "a run"),
    "template-problem.level.p": ("段落", "a paragraph"),
    "template-problem.missing-path": (
        "上下文没有提供 {path}", "the context does not provide {path}"),
    "template-problem.missing-variable": (
        "上下文没有提供变量 {name}", "the context does not provide variable {name}"),
    "template-problem.bad-template": (
        "无法作为 Word 模板读取：{detail}", "cannot be read as a Word template: {detail}"),
    "template-problem.undefined-variable": (
        "模板变量 {name} 没有提供（未定义）", "template variable {name} is undefined"),
    "template-problem.sandbox": (
        "模板访问了不允许访问的内容：{detail}",
        "the template accessed something the sandbox forbids: {detail}",
    ),
    "template-problem.render-error": ("渲染出错：{detail}", "rendering failed: {detail}"),
    "template-problem.broken-xml": (
        "渲染结果不是有效的 XML：多半是普通的 {{% if %}}/{{% for %}} 跨越了段落或表格的边界；"
        "整段的条件请用 {{%p if %}}，表格行的循环请用 {{%tr for %}}",
        "the rendered XML is not well-formed: most likely a plain {{% if %}}/{{% for %}} "
        "crosses a paragraph or table boundary; use {{%p if %}} for paragraphs and "
        "{{%tr for %}} for table rows ({detail})",
    ),
    "template-problem.tag-syntax": ("标签语法错误：{detail}", "syntax error in tag: {detail}"),
    "template-problem.no-matching-if": (
        "“{keyword}”前面没有对应的 {{% if %}}", "'{keyword}' has no matching {{% if %}} before it"),
    "template-problem.no-matching-open": (
        "“{keyword}”前面没有对应的 {{% {opened} %}}",
        "'{keyword}' has no matching {{% {opened} %}} before it",
    ),
    "template-problem.unclosed-block": ("缺少结束标签 {end}", "block is never closed: add {end}"),
    "template-problem.unknown-filter": (
        "没有名为 {name} 的过滤器", "there is no filter named {name}"),
    "template-problem.unknown-test": (
        "没有名为 {name} 的判断（is {name}）", "there is no test named {name}"),
    "template-problem.template-syntax": (
        "模板语法错误：{detail}", "template syntax error: {detail}"),
    "error.pdf.timed-out": (
        "{name} 转换为 PDF 超时（{seconds} 秒）",
        "Converting {name} to PDF timed out after {seconds} s",
    ),
    "report.skipped.evaluations": ("{count} 份个人考核报告", "{count} evaluation(s)"),
    # a year the holiday calendar does not know (officekit.kpis.calendar), in reports and the CLI
    "calendar.uncovered-year": (
        "chinese-calendar 未收录 {year} 年的法定节假日安排，{year} 年的工作日按周一至周五计算"
        "（未扣除节假日、未计调休）；可在 officekit.toml 的 [calendar] 中补充 "
        "holidays / workdays。",
        "chinese-calendar has no statutory holidays for {year}; working days in {year} are "
        "Monday–Friday only (no holidays or make-up days). Add them under [calendar] holidays / "
        "workdays in officekit.toml.",
    ),
    # where something is in a Word document (officekit.render.wordlocation)
    "location.paragraph": ("第 {paragraph} 段", "paragraph {paragraph}"),
    "location.cell": (
        "表格 {table} 第 {row} 行第 {cell} 列[[第 {paragraph} 段]]",
        "table {table} row {row} cell {cell}[[ paragraph {paragraph}]]",
    ),
    "location.nested": ("（嵌套表格内）", " (nested table)"),
    "location.property": ("文档属性 {name}", "document property {name}"),
    "location.part.header": ("页眉 {n}", "header {n}"),
    "location.part.footer": ("页脚 {n}", "footer {n}"),
    "location.part.footnotes": ("脚注", "footnotes"),
    "location.part.endnotes": ("尾注", "endnotes"),
    "location.property.title": ("标题", "title"),
    "location.property.subject": ("主题", "subject"),
    "location.property.creator": ("作者", "creator"),
    "location.property.keywords": ("关键词", "keywords"),
    "location.property.description": ("备注", "description"),
    "location.property.category": ("类别", "category"),
    "location.property.lastModifiedBy": ("最后修改者", "lastModifiedBy"),
    "template-problem.line": (
        "[[{where}：]]{text}[[（标签：{tag}）]]", "[[{where}: ]]{text}[[ (tag: {tag})]]"),
}
