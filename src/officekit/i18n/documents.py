"""Texts about the documents: the notes of a report run (officekit.render.reports) and the
annotated copy of a rejected file (officekit.annotate).
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
}
