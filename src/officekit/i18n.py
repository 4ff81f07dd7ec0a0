"""The message catalogue: every text a user reads, Chinese first, English second.

Issue messages are keyed by the issue code; UI strings by a dotted key. Templates are
``str.format`` strings over the issue's fields (``column``, ``value``, ``field``, ``row``,
``sheet``, ``cell``) and its ``params``, with two additions:

* ``[[ … ]]`` marks an optional part, left out when any placeholder inside it is empty — so a
  message reads well without a suggestion, a detail or a file name;
* ``params["variant"]`` picks the entry ``"code/variant"`` when there is one (``date-order/visit``),
  else the code's own entry;
* a param may come in both languages as ``x_zh`` / ``x_en`` (or ``x`` / ``x_en``): ``{x}`` shows
  the one of the message's language, so ``expected_zh``/``expected_en`` and
  ``expected``/``expected_en`` both fill ``{expected}``.

Values are shown the user's way: dates as ``2026-10-05``, datetimes as ``2026-10-05 14:00``,
lists joined with ``、`` (zh) or ``, `` (en), booleans as 是/否; the params ``kind`` and ``kinds``
holding sheet-kind names (``complaints``) are shown as the kinds' titles (投诉登记表).

:data:`PARAMS` documents, per entry, the params its message uses (``name?``: may be empty);
tests/test_i18n.py holds every entry to it. UI keys are documented above :data:`UI`.
"""

from __future__ import annotations

import re
import string
from datetime import date, datetime, time
from typing import Any, Protocol

from officekit.kinds import KINDS


class IssueLike(Protocol):
    """What the catalogue reads of an issue (:class:`officekit.model.Issue` has it); the
    catalogue sits below the model, so it names the shape, not the class."""

    @property
    def code(self) -> str: ...
    @property
    def params(self) -> dict[str, Any]: ...
    @property
    def column(self) -> str | None: ...
    @property
    def value(self) -> Any: ...
    @property
    def field(self) -> str | None: ...
    @property
    def row(self) -> int | None: ...
    @property
    def sheet(self) -> str | None: ...
    @property
    def cell(self) -> str | None: ...

# Params each entry uses, besides the issue's own fields. "name?" may be empty (its part of
# the message is then left out). The intake's codes first, then validation's, then file-level.
PARAMS: dict[str, tuple[str, ...]] = {
    # parse level (understand/)
    "missing-column": ("expected", "aliases?", "nearest?", "kind?"),
    "duplicate-column": ("first_column?", "first?", "first_cell?"),  # the earlier column
    "required": (),
    "type": ("expected", "example?", "hint?"),
    "enum": ("allowed", "suggestion?"),
    "extra-column": (),
    "phone-format": (),
    "hidden-rows": ("rows", "count?"),
    "formula-no-cache": (),
    "formula-no-rows": ("count",),
    "skipped-sheet": ("reason?",),
    "no-known-sheet": ("sheets?", "kinds?"),  # the file's sheets; the kinds known
    "schedule-month": ("missing",),  # 年份 / 月份 (missing_en: year / month)
    # validation (validate/rules.py, validate/cross.py)
    "duplicate-key": ("first_sheet", "first_row"),
    "date-order": ("this_value", "other_column", "other_value"),
    "date-order/visit": ("complaint_id", "this_value", "other_value"),
    "future-date": ("today",),
    "status-fields": ("status", "missing"),
    "status-fields/unexpected": ("status",),
    "unknown-staff": ("suggestion?",),
    "staff-mismatch": ("staff_id", "listed_name", "given_name"),
    "ambiguous-staff": ("candidates", "example"),
    "schedule-clash": (
        "person",
        "date",
        "shift_name",
        "hours",
        "other_date",
        "other_shift",
        "other_hours",
        "other_sheet",
        "other_cell",
    ),
    "schedule-clash/ledger": (
        "person",
        "date",
        "shift_name",
        "hours",
        "other_date",
        "other_shift",
        "other_hours",
    ),
    "rest-rule": (
        "person",
        "first_date",
        "first_shift",
        "second_date",
        "second_shift",
        "gap",
        "min_hours",
        "other_sheet",
        "other_cell",
    ),
    "rest-rule/ledger": (
        "person",
        "first_date",
        "first_shift",
        "second_date",
        "second_shift",
        "gap",
        "min_hours",
    ),
    "uncovered-shift": ("date", "shift_name", "hours?"),
    "no-staff-list": (),
    "unknown-complaint": (),
    "duplicate-row": ("first_row",),
    "staff-id-number": ("expected",),
    "status-regression": ("complaint_id", "ledger_status"),
    # file level (read/, the pipeline); ``file`` is the file's name where the reader gives it
    "corrupt-file": ("file?", "detail?"),
    "encrypted-file": ("file?",),
    "empty-file": ("file?",),
    "not-a-workbook": ("file?", "detected?"),
    "unsupported-format": ("file?", "ext?", "detected?"),
    "too-large": ("file?", "sheet", "rows", "cols"),
    "too-large/rows": ("file?", "sheet", "rows", "cols", "limit"),
    "over-limit": ("file?", "what", "key"),  # limit: memory|cpu|time|inflated|ratio
    "reader-died": ("file?", "detail?"),
    "not-a-regular-file": ("file?", "detected"),
    "duplicate-file": ("first_name", "first_time?"),
    "duplicate-file/rejected": ("first_name", "first_time?", "annotated?"),
}

# code (or code/variant) → (zh, en)
ISSUES: dict[str, tuple[str, str]] = {
    # ---- parse level -------------------------------------------------------------------
    "missing-column": (
        "[[第 {row} 行的]]表头中缺少必填列“{expected}”[[（{kind}）]]。请在表头行加上这一列"
        "[[，表头也可写作：{aliases}]]。"
        "[[表中最接近的表头是“{nearest}”，如果就是这一列，请把它改为“{expected}”。]]",
        'The header row[[ (row {row})]] lacks the required column "{expected}"[[ of the '
        "{kind}]]. Add it to the header row[[ (also accepted as: {aliases})]].[[ The closest "
        'header found is "{nearest}": if that is this column, rename it to "{expected}".]]',
    ),
    "duplicate-column": (
        "表头“{column}”所在的列与前面的[[“{first_column}”]][[“{first}”]]列[[（{first_cell}）]]"
        "是同一列，出现了两次，无法确定用哪一列。请删除多余的一列，或把它改成别的表头。",
        'The column headed "{column}" is the same column as the earlier one[[ '
        '"{first_column}"]][[ "{first}"]][[ ({first_cell})]], so it appears twice and it is '
        "unclear which to use. Delete the extra column or give it another header.",
    ),
    "required": (
        "第 {row} 行“{column}”是必填项，但没有填写。请补上后重新提交。",
        'Row {row}: "{column}" is required but empty. Fill it in and submit the file again.',
    ),
    "type": (
        "第 {row} 行“{column}”的值“{value}”无法识别，应为{expected}[[（{hint}）]]"
        "[[，如“{example}”]]。请改正后重新提交。",
        'Row {row}: the value "{value}" in "{column}" cannot be read; expected: '
        '{expected}[[ ({hint})]][[, e.g. "{example}"]]. Correct it and submit the file again.',
    ),
    "enum": (
        "第 {row} 行“{column}”的值“{value}”不是可选的值。[[是否应为“{suggestion}”？]]"
        "可选的值有：{allowed}。",
        'Row {row}: "{value}" is not an allowed value for "{column}".[[ Did you mean '
        '"{suggestion}"?]] Allowed values: {allowed}.',
    ),
    "extra-column": (
        "表头“{column}”不是可识别的列，已作为附加列保留，不参与校验和统计。如果它是某个标准列，"
        "请改用标准表头，或在 officekit.toml 的 [aliases] 中为它添加别名。",
        'The column "{column}" is not one officekit knows: it is kept as an extra column and '
        "not checked or counted. If it is a standard column, use the standard header or add an "
        "alias for it under [aliases] in officekit.toml.",
    ),
    "phone-format": (
        "第 {row} 行“{column}”的号码“{value}”格式不对：手机号应为以 1 开头的 11 位数字，"
        "固定电话应带区号（如 010-12345678）。请核对号码。",
        'Row {row}: "{value}" in "{column}" does not look like a phone number: a mobile '
        "number has 11 digits starting with 1, a landline needs its area code "
        "(e.g. 010-12345678). Check the number.",
    ),
    "hidden-rows": (
        "工作表“{sheet}”中有隐藏的行（第 {rows} 行[[，共 {count} 行]]），这些行同样会被读取和校验。"
        "请取消隐藏后核对内容，不需要的行请删除。",
        'Sheet "{sheet}" has hidden rows (rows {rows}[[; {count} in all]]); they are read and '
        "checked like the others. Unhide them and check their content; delete the rows that are "
        "not needed.",
    ),
    "formula-no-cache": (
        "第 {row} 行“{column}”是公式，但文件中没有保存它的计算结果，无法读取数值。"
        "请用 Excel 或 WPS 打开文件，重新计算（F9）后保存；或把公式复制后“粘贴为数值”。",
        'Row {row}: "{column}" holds a formula whose result was not saved in the file, so '
        "its value cannot be read. Open the file in Excel or WPS, recalculate (F9) and save "
        "it, or paste the formula as values.",
    ),
    "formula-no-rows": (
        "工作表“{sheet}”的数据全是没有保存计算结果的公式（{count} 个单元格），"
        "读不到任何一行数据。请用 Excel 或 WPS 打开文件，重新计算（F9）后保存；"
        "或把公式复制后“粘贴为数值”，再重新放入。",
        'Sheet "{sheet}" holds only formulas whose results were not saved ({count} cells), so '
        "no data row can be read. Open the file in Excel or WPS, recalculate (F9) and save it, "
        "or paste the formulas as values, then put it back.",
    ),
    "skipped-sheet": (
        "工作表“{sheet}”不是可识别的表格，已跳过[[（{reason}）]]。"
        "如果它需要导入，请检查表头是否使用了标准列名。",
        'Sheet "{sheet}" is not a known kind of table and was skipped[[ ({reason})]]. '
        "If it should be imported, check that its header row uses the standard column names.",
    ),
    "no-known-sheet": (
        "文件中没有可识别的表格[[（工作表：{sheets}）]][[，可识别的有：{kinds}]]。"
        "请检查表头行是否使用了标准列名，如“投诉编号”“受理时间”“处理人”。",
        "No sheet in this file is a known kind of table[[ (sheets: {sheets})]][[; known kinds: "
        "{kinds}]]. Check that the header row uses the standard column names, such as 投诉编号, "
        "受理时间, 处理人.",
    ),
    "schedule-month": (
        "第 {row} 行的日期列“{column}”看不出{missing}，无法确定排班日期。请在标题行写明年月"
        "（如“2026年10月排班表”），或在工作表名、文件名中写明，"
        "或在表头写完整日期（如 2026-10-01）。",
        'Row {row}: the day column "{column}" does not tell the {missing}, so the schedule\'s '
        "dates are unknown. Put the month in the title row (e.g. 2026年10月排班表), in the "
        "sheet or file name, or write full dates in the header (e.g. 2026-10-01).",
    ),
    # ---- validation --------------------------------------------------------------------
    "duplicate-key": (
        "第 {row} 行的{column}“{value}”与工作表“{first_sheet}”第 {first_row} 行重复。"
        "同一文件中每个{column}只能出现一次：如是同一条记录，请删除重复的行；如是不同记录，请改正编号。",
        'Row {row}: {column} "{value}" already appears in row {first_row} of sheet '
        '"{first_sheet}". Each {column} may appear only once in a file: delete the repeated '
        "row if it is the same record, or correct the number if it is a different one.",
    ),
    "date-order": (
        "第 {row} 行“{column}”早于“{other_column}”（{this_value} 早于 {other_value}）。"
        "请核对两处时间，“{column}”应不早于“{other_column}”。",
        'Row {row}: "{column}" is earlier than "{other_column}" ({this_value} is before '
        '{other_value}). Check both times: "{column}" cannot be earlier than '
        '"{other_column}".',
    ),
    "date-order/visit": (
        "第 {row} 行“{column}”早于关联投诉“{complaint_id}”的受理时间（{this_value} 早于 "
        "{other_value}），回访不能在投诉受理之前。请核对回访时间和关联投诉编号。",
        'Row {row}: "{column}" is before complaint "{complaint_id}" was received '
        "({this_value} is before {other_value}); a follow-up visit cannot precede the "
        "complaint. Check the visit date and the complaint number.",
    ),
    "future-date": (
        "第 {row} 行“{column}”（{value}）晚于今天（{today}），不能是将来的日期。"
        "请核对年份和月份是否写错。",
        'Row {row}: "{column}" ({value}) is after today ({today}); it cannot be in the '
        "future. Check the year and the month.",
    ),
    "status-fields": (
        "第 {row} 行处理状态为“{status}”，但“{missing}”没有填写。请补填“{missing}”；"
        "如果尚未办结，请把处理状态改为“处理中”。",
        'Row {row}: the status is "{status}" but "{missing}" is empty. Fill in '
        '"{missing}", or if the complaint is not closed yet, change the status to "处理中".',
    ),
    "status-fields/unexpected": (
        "第 {row} 行处理状态为“{status}”，却填写了“{column}”（{value}）。如果已经办结，"
        "请把处理状态改为“已办结”；否则请清空“{column}”。",
        'Row {row}: the status is "{status}" yet "{column}" is filled in ({value}). If the '
        'complaint is closed, change the status to "已办结"; otherwise clear "{column}".',
    ),
    "unknown-staff": (
        "第 {row} 行“{column}”中的“{value}”不在人员名单中。[[是否应为“{suggestion}”？]]"
        "请核对姓名或工号；如果是新同事，请先在人员名单（花名册）中登记。",
        'Row {row}: "{value}" in "{column}" is not in the staff list.[[ Did you mean '
        '"{suggestion}"?]] Check the name or the staff number; a new colleague must first '
        "be added to the staff list (花名册).",
    ),
    "staff-mismatch": (
        "第 {row} 行“{column}”：工号 {staff_id} 在人员名单中是“{listed_name}”，不是“{given_name}”。"
        "请改正工号或姓名，可写成“姓名(工号)”，如“{listed_name}({staff_id})”。",
        'Row {row}: in "{column}", staff number {staff_id} belongs to "{listed_name}", not '
        '"{given_name}". Correct the number or the name; write it as 姓名(工号), e.g. '
        '"{listed_name}({staff_id})".',
    ),
    "ambiguous-staff": (
        "第 {row} 行“{column}”：人员名单中有不止一人叫“{value}”（{candidates}），无法确定是哪一位。"
        "请写明工号，如“{example}”。",
        'Row {row}: more than one person in the staff list is called "{value}" '
        '({candidates}), so "{column}" is ambiguous. Add the staff number, e.g. "{example}".',
    ),
    "schedule-clash": (
        "{person} {date} 的“{shift_name}”（{hours}）与 {other_date} 的“{other_shift}”"
        "（{other_hours}）时间重叠，同一人不能同时上两个班。请调整其中一个班次"
        "（另一个在工作表“{other_sheet}”的 {other_cell} 单元格）。",
        "{person}: shift {shift_name} on {date} ({hours}) overlaps shift {other_shift} on "
        "{other_date} ({other_hours}); one person cannot work two shifts at once. Change one "
        'of them (the other is in cell {other_cell} of sheet "{other_sheet}").',
    ),
    "schedule-clash/ledger": (
        "{person} {date} 的“{shift_name}”（{hours}）与台账中已入库的 {other_date}“{other_shift}”"
        "（{other_hours}）时间重叠，同一人不能同时上两个班。请调整本表的班次；如需改动已入库的排班，"
        "请在本文件中一并给出此人 {other_date} 的排班。",
        "{person}: shift {shift_name} on {date} ({hours}) overlaps shift {other_shift} on "
        "{other_date} ({other_hours}) already stored in the ledger; one person cannot work two "
        "shifts at once. Change this shift, or to change the stored one, include this "
        "person's {other_date} in this file.",
    ),
    "rest-rule": (
        "{person} {first_date}“{first_shift}”下班后，到 {second_date}“{second_shift}”上班只隔 "
        "{gap} 小时，少于 {min_hours} 小时的休息时间。请调整排班，让两个班次之间有足够休息"
        "（另一个班次在工作表“{other_sheet}”的 {other_cell} 单元格）。",
        "{person}: only {gap} hours between the end of {first_shift} on {first_date} and the "
        "start of {second_shift} on {second_date}, less than the {min_hours} hours of rest "
        "required. Rearrange the schedule (the other shift is in cell {other_cell} of sheet "
        '"{other_sheet}").',
    ),
    "rest-rule/ledger": (
        "{person} {first_date}“{first_shift}”下班后，到 {second_date}“{second_shift}”上班只隔 "
        "{gap} 小时，少于 {min_hours} 小时的休息时间（另一个班次是台账中已入库的排班）。"
        "请调整排班，让两个班次之间有足够休息。",
        "{person}: only {gap} hours between the end of {first_shift} on {first_date} and the "
        "start of {second_shift} on {second_date} (the other shift is already stored in the "
        "ledger), less than the {min_hours} hours of rest required. Rearrange the schedule.",
    ),
    "uncovered-shift": (
        "{date} 的“{shift_name}”[[（{hours}）]]没有安排任何人，按设置每天都必须有人值这个班。"
        "请安排值班人员。",
        "Nobody is on shift {shift_name}[[ ({hours})]] on {date}, which the settings require "
        "to be covered every day. Assign someone to it.",
    ),
    "no-staff-list": (
        "还没有人员名单，无法核对处理人、回访人和值班人员是否在册。数据照常保存；"
        "请尽快导入人员名单（花名册），也可以把人员名单放在同一个文件中一起提交。",
        "No staff list has been loaded yet, so handlers, visit staff and people on duty cannot "
        "be checked. The data is still stored; load the staff list (花名册) soon, or include "
        "it in the same file.",
    ),
    "unknown-complaint": (
        "第 {row} 行“{column}”中的投诉“{value}”在投诉登记中还没有记录。回访照常保存，"
        "待该投诉导入后会自动关联；如果编号写错，请改正。",
        'Row {row}: complaint "{value}" in "{column}" is not in the complaint register '
        "yet. The visit is stored and will be linked when the complaint arrives; if the number "
        "is wrong, correct it.",
    ),
    "duplicate-row": (
        "第 {row} 行与第 {first_row} 行内容完全相同，可能是重复录入。如确属重复，请删除其中一行。",
        "Row {row} is identical to row {first_row}; it may have been entered twice. If so, "
        "delete one of them.",
    ),
    "staff-id-number": (
        "第 {row} 行的工号“{value}”像是丢了开头的 0（应为“{expected}”？）："
        "Excel 会把数字格式单元格里输入的 {expected} 变成 {value}。"
        "请把“{column}”这一列设为“文本”格式后重新输入"
        "（或输入时先打英文单引号，如 '{expected}），再重新提交；否则这个人会与其他表中的"
        "“{expected}”对不上。",
        'Row {row}: the staff number "{value}" looks like it lost its leading zero (should it '
        'be "{expected}"?): Excel turns {expected} typed into a number cell into {value}. '
        'Format the "{column}" column as Text and type it again (or type an apostrophe first, '
        "'{expected}), then submit the file again; otherwise this person will not match "
        '"{expected}" in the other registers.',
    ),
    "status-regression": (
        "第 {row} 行投诉“{complaint_id}”在台账中已是“{ledger_status}”，本表却写作“{value}”。"
        "如果确实重新处理，可忽略此提示；否则请把处理状态改回“{ledger_status}”。",
        'Row {row}: complaint "{complaint_id}" is "{ledger_status}" in the ledger, but this '
        'file says "{value}". If it really was reopened, ignore this; otherwise change the '
        'status back to "{ledger_status}".',
    ),
    # ---- file level --------------------------------------------------------------------
    "corrupt-file": (
        "文件[[“{file}”]]已损坏或不完整，无法打开[[（{detail}）]]。"
        "请重新复制原文件，或用 Excel/WPS 打开后另存为 .xlsx，再重新放入。",
        'The file[[ "{file}"]] is damaged or incomplete and cannot be opened[[ ({detail})]]. '
        "Copy the original again, or open it in Excel/WPS and save it as .xlsx, then put it "
        "back.",
    ),
    "encrypted-file": (
        "文件[[“{file}”]]设有打开密码，无法读取。请在 Excel/WPS 中取消密码"
        "（文件 → 信息 → 保护工作簿 → 用密码进行加密，清空密码）后重新放入。",
        'The file[[ "{file}"]] is password-protected and cannot be read. Remove the password '
        "in Excel/WPS (File → Info → Protect Workbook → Encrypt with Password, clear it) and "
        "put the file back.",
    ),
    "empty-file": (
        "文件[[“{file}”]]是空的，没有任何数据。请确认保存了正确、完整的文件后重新放入。",
        'The file[[ "{file}"]] is empty. Make sure the right file was saved completely and '
        "put it back.",
    ),
    "not-a-workbook": (
        "文件[[“{file}”]]不是表格文件[[（看起来是 {detected}）]]，无法读取。"
        "请放入 Excel 或 WPS 表格（.xlsx、.xlsm、.xls 或 .ods）。",
        'The file[[ "{file}"]] is not a spreadsheet[[ (it looks like {detected})]] and '
        "cannot be read. Put an Excel or WPS workbook (.xlsx, .xlsm, .xls or .ods) in the "
        "inbox.",
    ),
    "unsupported-format": (
        "文件[[“{file}”]]的格式[[（{ext}）]][[（{detected}）]]不受支持。"
        "请在 Excel 或 WPS 中另存为 .xlsx（或 .xlsm、.xls、.ods）后重新放入。",
        'The format of the file[[ "{file}"]][[ ({ext})]][[ ({detected})]] is not supported. '
        "Save it as .xlsx (or .xlsm, .xls, .ods) in Excel or WPS and put it back.",
    ),
    "too-large": (
        "文件[[“{file}”]]的工作表“{sheet}”使用范围过大（到第 {rows} 行、第 {cols} 列），"
        "多半是远处有误输入的单元格。请删除数据以外的多余行和列后保存，再重新放入。",
        'Sheet "{sheet}" of the file[[ "{file}"]] uses a huge range (down to row {rows}, '
        "column {cols}), most likely from a stray entry far from the data. Delete the rows and "
        "columns beyond the data, save, and put the file back.",
    ),
    "too-large/rows": (
        "文件[[“{file}”]]的工作表“{sheet}”太大（{rows} 行 × {cols} 列），超过了一次能读取的 "
        "{limit} 个单元格。请把它拆成几个较小的文件分别放入（或请管理员调高 officekit.toml 中 "
        "[limits] 的 max_cells）。",
        'Sheet "{sheet}" of the file[[ "{file}"]] is too large ({rows} rows × {cols} '
        "columns), more than the {limit} cells one read may hold. Split it into smaller files "
        "and put them in one by one (or ask the administrator to raise max_cells under "
        "[limits] in officekit.toml).",
    ),
    "over-limit": (
        "文件[[“{file}”]]读取时超出了限制（{what}），已停止读取。这样的文件多半已损坏或是"
        "“压缩炸弹”；如果确是正常的大文件，请拆成几个较小的文件分别放入（或请管理员调高 "
        "officekit.toml 中 [limits] 的 {key}）。",
        'Reading the file[[ "{file}"]] went over a limit ({what}) and was stopped. Such a '
        "file is most likely damaged or a zip bomb; if it really is a large workbook, split "
        "it into smaller files (or ask the administrator to raise {key} under [limits] in "
        "officekit.toml).",
    ),
    "reader-died": (
        "读取文件[[“{file}”]]时读取进程意外终止[[（{detail}）]]。文件多半已损坏或是被恶意构造"
        "的；请用 Excel/WPS 打开并另存为 .xlsx 后重新放入。",
        'The process reading the file[[ "{file}"]] died[[ ({detail})]]. The file is most '
        "likely damaged or built to break readers; open it in Excel/WPS, save it as .xlsx and "
        "put it back.",
    ),
    "not-a-regular-file": (
        "[[“{file}”]]不是普通文件（是{detected}），不会被打开。请放入工作簿文件本身。",
        'This[[ ("{file}")]] is not a regular file (it is {detected}) and is never opened. '
        "Put the workbook file itself in.",
    ),
    "duplicate-file": (
        "这个文件与已处理过的“{first_name}”[[（{first_time}）]]内容完全相同，不再重复导入。"
        "如果修改过文件，请确认修改已保存后再放入。",
        'This file has the same content as "{first_name}", already processed[[ on '
        "{first_time}]]; it is not imported again. If you changed the file, make sure the "
        "changes were saved and put it back.",
    ),
    "duplicate-file/rejected": (
        "这个文件与[[{first_time} ]]已拒收的“{first_name}”内容完全相同：上次的问题都还没有改，"
        "本次仍未导入。请按下列问题[[和标注副本 {annotated} ]]修改、保存后再放入收件箱。",
        'This file has the same content as "{first_name}", rejected[[ on {first_time}]]: '
        "none of its problems has been fixed, so it is still not imported. Fix the problems "
        "below[[ (marked in the annotated copy {annotated})]], save, and drop it in again.",
    ),
}

# UI strings: key → (zh, en). Keys and their params:
#   kind.<kind>, kind.none                 the sheet kinds' names (人员名单 … / unrecognised)
#   cli.severity.error|warning|info        labels in issue lines
#   cli.file.accepted|rejected|duplicate   {name, kinds, errors, warnings}: one line per file
#   cli.counts                             {errors, warnings}
#   cli.summary                            {total, accepted, rejected, duplicate}
#   cli.more-issues                        {count}: issues not listed
#   cli.annotated                          {path}: the annotated copy of a rejected file
#   cli.no-sheets                          a file with no recognised sheet
#   cli.init.done {path}; cli.sample.done {count, path}; cli.status.title; cli.status.recent
#   cli.status.processing|limited {count}; cli.status.unrecorded   files in .processing, limits
#   annotate.sheet                         name of the issue-list sheet of the annotated copy
#   annotate.col.<severity|code|sheet|cell|row|column|field|value|message>  its headers
#   annotate.link                          {cell}: text of the link to a cell
UI: dict[str, tuple[str, str]] = {
    **{f"kind.{k.name}": (k.title_zh, k.title_en) for k in KINDS.values()},
    "kind.none": ("未识别", "unrecognised"),
    "cli.severity.error": ("错误", "error"),
    "cli.severity.warning": ("警告", "warning"),
    "cli.severity.info": ("提示", "note"),
    "cli.file.accepted": (
        "✓ 已接收  {name}（{kinds}）：{warnings} 个警告",
        "✓ accepted  {name} ({kinds}): {warnings} warning(s)",
    ),
    "cli.file.valid": (
        "✓ 通过校验  {name}（{kinds}）：{warnings} 个警告（仅校验，未入库）",
        "✓ valid  {name} ({kinds}): {warnings} warning(s) (checked only; nothing stored)",
    ),
    "cli.file.rejected": (
        "✗ 已拒收  {name}（{kinds}）：{errors} 个错误，{warnings} 个警告；本文件的数据均未入库",
        "✗ rejected  {name} ({kinds}): {errors} error(s), {warnings} "
        "warning(s); nothing from this file was stored",
    ),
    "cli.file.duplicate": (
        "= 重复文件  {name}：内容与已处理过的文件相同，未再次导入",
        "= duplicate  {name}: same content as a file already processed; not imported again",
    ),
    "cli.counts": (
        "{errors} 个错误，{warnings} 个警告",
        "{errors} error(s), {warnings} warning(s)",
    ),
    "cli.summary": (
        "共 {total} 个文件：接收 {accepted}，拒收 {rejected}，重复 {duplicate}",
        "{total} file(s): {accepted} accepted, {rejected} rejected, {duplicate} duplicate",
    ),
    "cli.summary.valid": (
        "共 {total} 个文件：通过校验 {accepted}，未通过 {rejected}，重复 {duplicate}",
        "{total} file(s): {accepted} valid, {rejected} invalid, {duplicate} duplicate",
    ),
    "cli.more-issues": (
        "……另有 {count} 个问题未列出，详见标注副本或 --format json 的输出",
        "… and {count} more issue(s); see the annotated copy or --format json",
    ),
    "cli.annotated": ("已生成标注副本：{path}", "annotated copy written to {path}"),
    "cli.no-sheets": ("没有可识别的工作表", "no recognised sheet"),
    "cli.init.done": ("已创建工作区：{path}", "workspace created at {path}"),
    "cli.init.next": (
        "下一步：把 Excel 表格（花名册、排班表、投诉登记表、回访记录表）放进 {inbox}，然后运行\n"
        "  officekit ingest -w \"{path}\" \"{inbox}\"\n"
        "或让 officekit 自动处理放进来的文件：\n"
        "  officekit watch -w \"{path}\"\n"
        "想先看看效果：officekit sample 示例 生成一套示例表格。",
        "Next: put the Excel workbooks (staff list, schedule, complaint and visit registers) "
        "in {inbox}, then run\n"
        "  officekit ingest -w \"{path}\" \"{inbox}\"\n"
        "or let officekit take each file as it lands:\n"
        "  officekit watch -w \"{path}\"\n"
        "To try it first: officekit sample samples writes a set of sample workbooks.",
    ),
    "cli.error": ("错误：{message}", "error: {message}"),
    "cli.period.empty": (
        "注意：{period} 没有任何数据（投诉、回访、排班都没有），结果和文档都是空的。"
        "有数据的月份：{months}",
        "Note: {period} holds no data at all (no complaints, visits or shifts), so the "
        "figures and documents are empty. Months with data: {months}",
    ),
    # group robots (officekit.deliver.robot, .wecom, .dingtalk, .chat)
    "robot.retry": (
        "{robot}机器人暂时无法访问（{detail}），{delay} 秒后第 {attempt} 次尝试",
        "The {robot} robot cannot be reached ({detail}); try {attempt} in {delay} s",
    ),
    "robot.rate-limited": (
        "{robot}机器人提示发送太频繁（{code}），等待 {delay} 秒后继续",
        "The {robot} robot says too many messages ({code}); waiting {delay} s",
    ),
    "robot.unreachable": (
        "{robot}机器人试了 {tries} 次仍然失败（{detail}），其余文档本次未发送，稍后重新运行即可",
        "The {robot} robot still failed after {tries} tries ({detail}); the rest was not "
        "sent: run the command again later",
    ),
    "robot.setup": (
        "{robot}机器人拒绝了请求（错误码 {code}：{detail}）",
        "The {robot} robot refused the request (error {code}: {detail})",
    ),
    "robot.setup.hint": (
        "请核对 officekit.toml 中的 webhook 地址（以及钉钉的加签密钥），"
        "或在群设置里确认机器人仍然存在。",
        "Check the webhook address in officekit.toml (and DingTalk's signing secret), or that "
        "the robot still exists in the group's settings.",
    ),
    "robot.refused": (
        "{robot}机器人没有接受这条消息（错误码 {code}：{detail}）",
        "The {robot} robot did not take this message (error {code}: {detail})",
    ),
    "robot.file-size": (
        "{name} 的大小（{size} 字节）不在企业微信允许的范围内（5 字节以上、20 MB 以内）",
        "{name} ({size} bytes) is outside what WeCom takes (over 5 bytes, up to 20 MB)",
    ),
    "cli.send.due-by-mail": (
        "督办清单（--kind due）按人发送，只能用邮件（--via mail）",
        "The due list (--kind due) goes to each person, so by e-mail only (--via mail)",
    ),
    "chat.unknown-via": (
        "不认识的发送方式“{via}”；可用：mail、wecom、dingtalk",
        'Unknown way of sending "{via}"; use mail, wecom or dingtalk',
    ),
    "chat.via.wecom": ("企业微信群", "the WeCom group"),
    "chat.via.dingtalk": ("钉钉群", "the DingTalk group"),
    "chat.dingtalk.title": ("{period}的文档", "Documents of {period}"),
    "chat.summary.head": ("{period}的文档已发到群里，共 {count} 份：",
                          "The documents of {period} are in the group, {count} in all:"),
    "chat.summary.where": ("全部文档也在共享文件夹：{path}（打开 index.html 可浏览）",
                           "All documents are also in the shared folder {path} (open "
                           "index.html to browse them)"),
    "chat.dry-run": ("演练：只列出将发到{robot}的文档，不实际发送。",
                     "Dry run: what would go to {robot}; nothing is sent."),
    "chat.nothing": ("发件箱清单中没有 {period} 的文档（先运行 officekit report）。",
                     "No documents for {period} in outbox/manifest.csv (run officekit "
                     "report first)."),
    "chat.would-send": ("将发送", "would send"),
    "chat.missing": ("清单中有、但文件不存在：{path}",
                     "Listed in the manifest but missing: {path}"),
    "chat.waited": ("机器人提示发送太频繁，已等待 {count} 次后继续",
                    "The robot asked to slow down {count} time(s); waited and went on"),
    "chat.summary.sent": ("已在群里发送汇总消息", "Summary message posted in the group"),
    "chat.summary.failed": ("汇总消息未能发送，重新运行时会再发",
                            "The summary message failed; a re-run posts it"),
    "chat.total": (
        "合计：已发送 {sent}，待发送 {pending}，此前已发 {before}，失败 {failed}，"
        "未发送 {skipped}，文件缺失 {missing}。",
        "Total: {sent} sent, {pending} to send, {before} sent before, {failed} failed, "
        "{skipped} not attempted, {missing} missing.",
    ),
    "scope.unknown-department": (
        "没有部门“{department}”：人员名单和岗位职责表里都没有这个部门。已有的部门：{known}",
        'There is no department "{department}" on the staff list or the duty catalogue. '
        "The departments are: {known}",
    ),
    "scope.unknown-staff": (
        "人员名单里没有工号或姓名为“{who}”的人。名单中有：{known}",
        'Nobody on the staff list has the number or name "{who}". The list holds: {known}',
    ),
    "cli.not-a-workspace": (
        "这里不是 officekit 工作区：{path}（没有 officekit.toml、inbox 或 .officekit）。",
        "This is not an officekit workspace: {path} (no officekit.toml, inbox or .officekit).",
    ),
    "cli.not-a-workspace.hint": (
        "用 `officekit init 文件夹` 新建一个工作区，或用 -w 指定已有的工作区"
        "（也可设置环境变量 OFFICEKIT_WORKSPACE）。",
        "Make one with `officekit init FOLDER`, or name an existing one with -w (or the "
        "OFFICEKIT_WORKSPACE environment variable).",
    ),
    "cli.status.queue": (
        "任务队列  等待 {waiting}，进行中 {running}，失败 {failed}",
        "Job queue  waiting {waiting}, running {running}, failed {failed}",
    ),
    "cli.report.monthly-only.handbook": (
        "岗位职责手册按月生成（含当月排班），{period} 不生成；"
        "需要时请用 --period 2026-10 这样的月份",
        "The handbook is made per month (it holds the month's duty calendar): none for {period}; "
        "use a month such as --period 2026-10",
    ),
    "cli.watch.task-xml": (
        "已写出计划任务：{path}\n在 Windows 上运行下面这条命令注册（登录后自动开始监视）：\n"
        '  schtasks /Create /TN "{name}" /XML "{path}"',
        "Task written to {path}\nRegister it on Windows with (the watcher then starts at "
        'logon):\n  schtasks /Create /TN "{name}" /XML "{path}"',
    ),
    "cli.steps.validate": ("校验", "Checking"),
    "cli.steps.ingest": ("入库", "Storing"),
    "cli.steps.report": ("生成文档", "Rendering"),
    "cli.report.pdf-failed": (
        "✗ {name} 的 PDF 未能生成：{error}",
        "✗ no PDF for {name}: {error}",
    ),
    "cli.report.pdf-summary": (
        "{failed} 份文档的 PDF 未能生成（Word 文档已生成），其余 {done} 份 PDF 已生成；"
        "稍后重新运行即可，只会重做缺少 PDF 的文档。",
        "{failed} document(s) got no PDF (their Word files are fine); {done} PDF(s) were "
        "made. Run it again later: only the documents without a PDF are redone.",
    ),
    "cli.report.done": (
        "已生成 {count} 份文档，位于 {path}",
        "{count} document(s) written to {path}",
    ),
    "report.skipped": (
        "{period_zh}没有{register_zh}，未生成{what_zh}（没有数据不按零计）",
        "no {register_en} for {period}: {what_en} not rendered (no data is not zero)",
    ),
    "cli.sample.done": (
        "已生成 {count} 个示例文件：{path}",
        "{count} sample file(s) written to {path}",
    ),
    "cli.status.title": ("工作区状态", "Workspace status"),
    "cli.status.records": ("台账记录：", "Records:"),
    "cli.status.files": ("已处理文件：", "Files:"),
    "cli.status.periods": ("有数据的月份：", "Months with data:"),
    "cli.status.sends": ("已发送邮件：", "E-mails sent:"),
    "cli.status.database": ("台账数据库：", "Ledger:"),
    "cli.state.accepted": ("已接收", "accepted"),
    "cli.state.rejected": ("已拒收", "rejected"),
    "cli.state.duplicate": ("重复", "duplicate"),
    "cli.state.claimed": ("处理中", "claimed"),
    "cli.state.settled": ("待处理", "waiting"),
    "cli.state.seen": ("待处理", "waiting"),
    "cli.state.failed": ("失败", "failed"),
    "cli.state.retracted": ("已撤回", "retracted"),
    "cli.status.stuck": ("需要处理的文件（{count} 个）：", "Files needing attention ({count}):"),
    "cli.status.stuck.claimed": ("处理中超过10分钟", "claimed for over 10 minutes"),
    "cli.status.stuck.failed": ("处理失败", "processing failed"),
    "cli.status.processing": ("处理文件夹中的文件（{count} 个）：",
                              "Files in the processing folder ({count}):"),
    "cli.status.unrecorded": ("未登记（下次启动的 watcher 接手）",
                              "unrecorded (the next watcher to start takes it over)"),
    "cli.status.limited": ("因读取限制被拒收或搁置的文件（{count} 个）：",
                           "Files stopped by the reading limits ({count}):"),
    "cli.status.coverage": ("各月数据覆盖（登记表）：", "Registers per month:"),
    "cli.status.coverage.complete": ("完整（{files} 个文件）", "complete ({files} file(s))"),
    "cli.status.coverage.partial": ("部分：{start} 至 {end}", "partial: {start} to {end}"),
    "cli.status.coverage.missing": ("缺", "missing"),
    "cli.status.rejected": ("待修改的拒收文件（{count} 个，同名文件重新入库即销账）：",
                            "Rejected files still to fix ({count}; settled when a file of "
                            "the same name is accepted):"),
    "cli.status.annotated": ("标注副本：{path}", "annotated copy: {path}"),
    "cli.status.recent": ("最近处理的文件", "Recently processed files"),
    "cli.status.col.time": ("时间", "Time"),
    "cli.status.col.state": ("状态", "State"),
    "cli.status.col.file": ("文件", "File"),
    "cli.status.col.why": ("原因", "Why"),
    "cli.status.col.detail": ("说明", "Detail"),
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
    # the watcher's log lines (officekit.watch.log)
    "watch.queued": (
        "→ 已交给任务队列  {name}（由 officekit worker 处理）",
        "→ handed to the job queue  {name} (an officekit worker takes it)",
    ),
    "watch.start": (
        "开始监视收件箱 {inbox}（{mode}；文件稳定 {settle} 秒后处理，每 {rescan} 秒全量扫描）",
        "Watching the inbox {inbox} ({mode}; files are taken after {settle} s unchanged, "
        "full rescan every {rescan} s)",
    ),
    "watch.mode.events": ("文件事件", "file events"),
    "watch.mode.poll": ("轮询，适用于网络共享文件夹", "polling, for network shares"),
    "watch.once": ("处理收件箱 {inbox} 中现有的文件", "Processing the files in the inbox {inbox}"),
    "watch.stop": (
        "已停止。本次处理 {total} 个文件：接收 {accepted}，拒收 {rejected}，"
        "重复 {duplicate}，失败 {failed}",
        "Stopped. {total} file(s) this run: {accepted} accepted, {rejected} rejected, "
        "{duplicate} duplicate, {failed} failed",
    ),
    "watch.stopping": (
        "收到停止信号，处理完当前文件后退出",
        "Stop requested: finishing the current file, then exiting",
    ),
    "watch.reasons": ("原因：{reasons}", "why: {reasons}"),
    "watch.annotated": ("标注副本：{path}", "annotated copy: {path}"),
    "watch.failed.retry": (
        "✗ 处理失败  {name}：{error}（第 {attempt} 次，稍后重试）",
        "✗ failed  {name}: {error} (attempt {attempt}; will try again)",
    ),
    "watch.failed.final": (
        "✗ 处理失败  {name}：{error}（已试 {attempt} 次，原文件已移到 {dest}，"
        "请把此文件和 watch.log 交给系统管理员）",
        "✗ failed  {name}: {error} (tried {attempt} times; the file was moved to "
        "{dest}; give it and watch.log to your administrator)",
    ),
    "watch.failed.died": (
        "读取此文件的进程已 {attempts} 次意外终止（文件多半已损坏或是被恶意构造的），不再读取",
        "the process reading this file died {attempts} time(s) (the file is most likely "
        "damaged or built to break readers); it is not read again",
    ),
    "watch.reader-died": (
        "读取进程意外终止（{detail}）",
        "the reading process died ({detail})",
    ),
    "watch.not-regular": (
        "{name} 不是普通文件（命名管道、设备或链接），不会打开，留在原处",
        "{name} is not a regular file (a FIFO, a device or a link); it is never opened and "
        "stays where it is",
    ),
    "watch.lost": (
        "✗ 账本记录正在处理的文件 {name} 已不在处理文件夹中，记为失败",
        "✗ {name} was being processed but is no longer in the processing folder; "
        "recorded as failed",
    ),
    "watch.adopted": (
        "接手中断的处理（{owner}）：{count} 个文件",
        "Taking over the unfinished work of {owner}: {count} file(s)",
    ),
    "watch.waiting": (
        "{name} 与另一个正在处理的文件内容相同，稍后再处理",
        "{name} has the same content as a file being processed; it waits for that one",
    ),
    "watch.left": (
        "{name} 仍在写入或不完整，留待下次处理",
        "{name} is still being written or is incomplete; left for the next run",
    ),
    "watch.busy": (
        "{name} 暂时无法移动（{error}），稍后重试",
        "{name} cannot be moved now ({error}); will try again",
    ),
    "watch.rendered": (
        "已更新文档 {count} 份（{periods}）：{names}",
        "{count} document(s) updated ({periods}): {names}",
    ),
    "watch.rendered.none": ("{periods} 没有需要更新的文档", "No documents to update for {periods}"),
    "watch.render.failed": (
        "生成 {periods} 的文档失败：{error}",
        "Rendering the documents of {periods} failed: {error}",
    ),
    "watch.observer.restart": (
        "文件监视线程已停止，已重新启动",
        "The file-event thread had stopped; restarted it",
    ),
    "watch.inbox.unreachable": (
        "收件箱无法访问：{inbox}（{error}），稍后重试",
        "The inbox cannot be reached: {inbox} ({error}); will try again",
    ),
    "watch.due.written": ("已更新督办清单：{path}", "Due list updated: {path}"),
    "watch.due.failed": ("生成督办清单失败：{error}", "Writing the due list failed: {error}"),
    "watch.inbox.back": ("收件箱已恢复访问：{inbox}", "The inbox can be reached again: {inbox}"),
    # officekit files / retract (officekit.retraction)
    "files.none": ("账本中还没有文件", "The ledger has no files yet"),
    "files.rows": (
        "新增 {inserted} 条，更新 {updated} 条", "{inserted} inserted, {updated} updated"),
    "files.retracted": ("已于 {at} 由 {by} 撤回", "retracted {at} by {by}"),
    "files.retract.dry": (
        "试运行：撤回 {name}（{sha}）将会：", "Dry run: retracting {name} ({sha}) would:"),
    "files.retract.done": ("已撤回 {name}（{sha}）：", "Retracted {name} ({sha}):"),
    "files.retract.removed": ("删除{kind} {count} 条（由此文件新增）",
                              "remove {count} {kind} record(s) it inserted"),
    "files.retract.restored": ("恢复{kind} {count} 条到此文件之前的版本",
                               "return {count} {kind} record(s) to the version before it"),
    "files.retract.reinserted": ("找回{kind} {count} 条（此文件曾删去）",
                                 "bring back {count} {kind} record(s) it had dropped"),
    "files.retract.kept": ("保留{kind} {count} 条（之后的文件已再次修改）",
                           "keep {count} {kind} record(s) a later file changed again"),
    "files.retract.periods": ("涉及月份：{periods}", "months touched: {periods}"),
    "files.retract.dependants": ("有 {count} 条其他记录引用其中的人员（已用 --force）",
                                 "{count} other record(s) name its people (--force given)"),
    "files.retract.rendered": ("已重新生成文档 {count} 份", "{count} document(s) rendered again"),
    # the due list (officekit.loop)
    "due.title": ("督办清单（截至 {as_of}）", "Due list as of {as_of}"),
    "due.heading.open": ("待办结投诉 {count} 件", "Open complaints: {count}"),
    "due.heading.followup": ("待回访 {count} 件（已办结、尚无回访）",
                             "To visit: {count} (resolved, no visit yet)"),
    "due.heading.retry": ("需再次回访 {count} 件（回访均未联系上）",
                          "To call again: {count} (no visit reached the customer)"),
    "due.line.open": ("期限 {deadline}，剩余 {days} 个工作日",
                      "deadline {deadline}, {days} working day(s) left"),
    "due.line.followup": ("应回访日 {due}，剩余 {days} 天", "visit due {due}, {days} day(s) left"),
    "due.counts": (
        "合计：待办结 {open}，待回访 {followup}，再次回访 {retry}；"
        "提级 {escalate}，超期 {overdue}，临期 {warn}，正常 {ok}",
        "Total: {open} open, {followup} to visit, {retry} to call again; "
        "{escalate} escalated, {overdue} overdue, {warn} due soon, {ok} on track",
    ),
    "due.level.escalate": ("提级督办", "escalate"),
    "due.level.overdue": ("已超期", "overdue"),
    "due.level.warn": ("临近期限", "due soon"),
    "due.level.ok": ("正常", "on track"),
    "due.section.open": ("待办结", "open"),
    "due.section.followup": ("待回访", "to visit"),
    "due.section.retry": ("再次回访", "call again"),
    "due.sheet.summary": ("汇总", "Summary"),
    "due.col.department": ("部门", "Department"),
    "due.col.section": ("事项", "Item"),
    "due.col.level": ("级别", "Level"),
    "due.col.complaint_id": ("投诉编号", "Complaint"),
    "due.col.received_at": ("受理时间", "Received"),
    "due.col.severity": ("严重程度", "Severity"),
    "due.col.handler_name": ("承办人", "Handler"),
    "due.col.handler_id": ("工号", "Staff ID"),
    "due.col.due_date": ("期限/应回访日", "Deadline / visit due"),
    "due.col.days_left": ("剩余天数（待办结为工作日）", "Days left (working days if open)"),
    "due.col.status": ("处理状态", "Status"),
    "due.col.customer": ("客户", "Customer"),
    "due.col.category": ("投诉类别", "Category"),
    "due.col.resolved_at": ("办结时间", "Resolved"),
    "due.col.last_attempt_at": ("最近一次回访", "Last attempt"),
    "due.col.head_id": ("部门负责人工号", "Head's staff ID"),
    "due.mail.subject.handler": (
        "【督办】{name}：截至 {as_of} 待办 {count} 件，其中超期 {late} 件",
        "[Due] {name}: {count} item(s) as of {as_of}, {late} late"),
    "due.mail.subject.head": (
        "【督办】{department}：截至 {as_of} 待办 {count} 件，超期 {late} 件，提级 {escalate} 件",
        "[Due] {department}: {count} item(s) as of {as_of}, {late} late, {escalate} escalated"),
    "due.mail.subject.escalate": (
        "【提级督办】截至 {as_of} 严重超期的投诉 {count} 件",
        "[Escalation] {count} badly late complaint(s) as of {as_of}"),
    "due.mail.greeting": ("{name}，您好！", "Dear {name},"),
    "due.mail.intro.handler": (
        "以下是您名下今天需要跟进的投诉：待办结的请在期限内答复，待回访、需再次回访的请尽快联系客户。",
        "These are the complaints in your name to follow up today: reply to the open ones "
        "within their deadline, and call the customers still to be visited."),
    "due.mail.intro.head": (
        "以下是{department}今天的督办清单（附件为本部门的工作表），请督促相关同事按期办理。",
        "This is today's due list of {department} (its sheet is attached); please chase "
        "what is late."),
    "due.mail.intro.escalate": (
        "以下投诉已严重超期或为重大投诉且已超期，按规定提级督办（附件为全中心今天的督办清单）。",
        "These complaints are badly late, or grave and late, and are raised to you (the "
        "centre's whole list for today is attached)."),
    "due.mail.footer": (
        "此邮件由 officekit 根据台账自动生成；如数据有误，请更正登记表后重新放入收件箱。",
        "Sent by officekit from the ledger; if something is wrong, correct the register and "
        "drop it into the inbox again."),
    "due.mail.no-escalate-to": (
        "未设置提级督办的收件人：请在 officekit.toml 的 [due] 中设置 escalate_to = \"工号或邮箱\"",
        "no recipient for escalations: set [due] escalate_to = \"<staff id or address>\" in "
        "officekit.toml"),
    "due.mail.no-handler": ("投诉没有承办人工号", "the complaint names no handler's staff id"),
    "due.send.dry": ("演练：只列出将发送的内容，不实际发送。", "Dry run: nothing is sent."),
    "due.send.status.pending": ("待发送", "to send"),
    "due.send.status.already-sent": ("今天已发过", "sent already"),
    "due.send.status.sent": ("已发送", "sent"),
    "due.send.status.failed": ("失败", "failed"),
    "due.send.status.not-attempted": ("未发送", "not attempted"),
    "due.send.role.handler": ("承办人", "handler"),
    "due.send.role.head": ("部门负责人", "department head"),
    "due.send.role.escalate": ("中心负责人（提级）", "centre head (escalations)"),
    "due.send.unaddressed": ("无法发送（{role}）：{who}：{reason}",
                             "Not deliverable ({role}): {who}: {reason}"),
    "due.send.total": (
        "合计：已发送 {sent}，待发送 {pending}，今天已发过 {already}，失败 {failed}，"
        "无法发送 {unaddressed}",
        "Total: {sent} sent, {pending} to send, {already} sent already, {failed} failed, "
        "{unaddressed} not deliverable"),
    "due.written": ("督办清单已写入 {path}", "Due list written to {path}"),
}

# Settings errors (officekit.settings, officekit.errors.SettingsError): ``settings.<problem>``
# with its params; ``settings.what.<name>`` names what a key should hold ({what}).
UI |= {
    "settings.expected": ("应为{what}（得到 {got}）", "expected {what} (got {got})"),
    "settings.time": (
        "应为 HH:MM 形式的时间，如 \"08:00\"（得到 {got}）",
        'expected a time as HH:MM, e.g. "08:00" (got {got})',
    ),
    "settings.time-range": ("时间超出范围：{got}", "time out of range: {got}"),
    "settings.unknown-key": (
        "未知的设置项；可用的有：{allowed}",
        "unknown setting; the known ones are: {allowed}",
    ),
    "settings.date": (
        "不是有效日期（YYYY-MM-DD）：{got}",
        "not a valid date (YYYY-MM-DD): {got}",
    ),
    "settings.one-of": ("只能是 {allowed}（得到 {got}）", "must be one of {allowed} (got {got})"),
    "settings.unknown-kind": (
        "未知的表类型；可用：{allowed}", "unknown sheet kind; known: {allowed}"
    ),
    "settings.unknown-field": ("未知的字段；可用：{allowed}", "unknown field; known: {allowed}"),
    "settings.unknown-enum": ("未知的枚举；可用：{allowed}", "unknown enum; known: {allowed}"),
    "settings.not-in-values": (
        "{value} 不在 values 中：{values}",
        "{value} is not one of the values: {values}",
    ),
    "settings.shift-times": (
        "上班的班次需要 start 和 end 时间",
        "a worked shift needs a start and an end time",
    ),
    "settings.unknown-shift": (
        "未知的班次代码 {code}；可用：{allowed}",
        "unknown shift code {code}; known: {allowed}",
    ),
    "settings.unknown-metric": ("未知指标；可用：{allowed}", "unknown metric; known: {allowed}"),
    "settings.negative": ("不能为负数", "cannot be negative"),
    "settings.not-positive": ("应为正数（得到 {got}）", "must be positive (got {got})"),
    "settings.weights-sum": ("权重之和必须大于 0", "the weights must add up to more than 0"),
    "settings.smtp-password": (
        "密码不能写在设置文件里：请删除这一行，把密码放进环境变量 "
        "OFFICEKIT_SMTP_PASSWORD（或 password_env 指定的变量）",
        "the password cannot be written in the settings file: delete this line and put the "
        "password in the environment variable OFFICEKIT_SMTP_PASSWORD (or the one password_env "
        "names)",
    ),
    "settings.toml": (
        "不是有效的 TOML：{detail}。请改正这一处（用记事本等纯文本编辑器打开，另存为 UTF-8）",
        "not valid TOML: {detail}. Correct it (edit it in a plain-text editor, save as UTF-8)",
    ),
    "settings.unreadable": ("无法读取：{detail}", "cannot be read: {detail}"),
    "settings.webhook-missing": (
        "没有设置机器人的 webhook 地址：在群设置 → 群机器人里复制它，写进这一项",
        "the robot's webhook address is not set: copy it from the group's robot settings "
        "into this key",
    ),
    "settings.dingtalk-secret": (
        "环境变量 {env} 里的加签密钥应以 SEC 开头（钉钉机器人安全设置 → 加签）",
        "the signing secret in the environment variable {env} should start with SEC "
        "(the DingTalk robot's security settings → signing)",
    ),
    "settings.file-mode": (
        '应为八进制的文件权限，如 "0644" 或 "0664"（得到 {got}）',
        'expected file permissions in octal, e.g. "0644" or "0664" (got {got})',
    ),
    "settings.webhook-url": (
        "应为机器人的 webhook 地址（以 https:// 开头，得到 {got}）",
        "expected the robot's webhook address (starting with https://; got {got})",
    ),
    "settings.webhook-secret": (
        "加签密钥不能写在设置文件里：请删除这一行，把密钥放进环境变量（secret_env 指定的变量，"
        "钉钉默认 OFFICEKIT_DINGTALK_SECRET）",
        "the signing secret cannot be written in the settings file: delete this line and put "
        "it in the environment variable secret_env names (for DingTalk by default "
        "OFFICEKIT_DINGTALK_SECRET)",
    ),
    "settings.what.table": ("一个表（[section]）", "a table ([section])"),
    "settings.what.bool": ("true 或 false", "true or false"),
    "settings.what.int": ("整数", "a whole number"),
    "settings.what.number": ("数字", "a number"),
    "settings.what.days": ("天数（整数）", "a number of days (whole)"),
    "settings.what.seconds": ("秒数", "a number of seconds"),
    "settings.what.text": ("文字（字符串）", "a text (string)"),
    "settings.what.text-list": ('文字列表，如 ["甲", "乙"]', 'a list of texts, e.g. ["a", "b"]'),
    "settings.what.date-list": (
        '日期列表，如 ["2026-10-09"]', 'a list of dates, e.g. ["2026-10-09"]'
    ),
    "settings.what.folder": ("文件夹路径（字符串）", "a folder path (string)"),
    "settings.what.url": ("地址（字符串）", "an address (string)"),
    "settings.what.staff-id": ("工号", "a staff number"),
}

# The command-line library's own texts (click's gettext message ids) in Chinese; English is
# click's original. officekit.console hands them to click; a message not listed stays English.
CLICK_ZH: dict[str, str] = {
    "Usage:": "用法:",
    "Options": "选项",
    "Commands": "命令",
    "Positional arguments": "参数",
    "Show this message and exit.": "显示本帮助并退出。",
    "Show the version and exit.": "显示版本并退出。",
    "%(prog)s, version %(version)s": "%(prog)s，版本 %(version)s",
    "Aborted!": "已中止！",
    "Error: {message}": "错误：{message}",
    "Try '{command} {option}' for help.": "运行 '{command} {option}' 查看用法。",
    "No such option {name!r}.": "没有选项 {name!r}。",
    "No such command {name!r}.": "没有命令 {name!r}。",
    "Did you mean {possibility}?": "是否应为 {possibility}？",
    "(Did you mean one of: {possibilities}?)": "（是否应为其中之一：{possibilities}？）",
    "Missing command.": "缺少命令。",
    "Missing argument": "缺少参数",
    "Missing option": "缺少选项",
    "Missing parameter": "缺少参数",
    "Missing parameter: {param_name}": "缺少参数：{param_name}",
    "Missing {param_type}": "缺少{param_type}",
    "Invalid value: {message}": "值无效：{message}",
    "Invalid value for {param_hint}: {message}": "{param_hint} 的值无效：{message}",
    "Option {name!r} does not take a value.": "选项 {name!r} 不带值。",
    "Option {name!r} requires an argument.": "选项 {name!r} 需要一个值。",
    "Option {name!r} requires {nargs} arguments.": "选项 {name!r} 需要 {nargs} 个值。",
    "Argument {name!r} takes {nargs} values.": "参数 {name!r} 需要 {nargs} 个值。",
    "Got unexpected extra argument ({args})": "多出了参数（{args}）",
    "Got unexpected extra arguments ({args})": "多出了参数（{args}）",
    "{value!r} is not {choice}.": "{value!r} 不是 {choice}。",
    "{value!r} is not one of {choices}.": "{value!r} 不是可选的值，可选：{choices}。",
    "{value!r} does not match the format {format}.": "{value!r} 不符合格式 {format}。",
    "{value!r} does not match the formats {formats}.": "{value!r} 不符合格式 {formats}。",
    "{value!r} is not a valid {number_type}.": "{value!r} 不是有效的{number_type}。",
    "{value} is not in the range {range}.": "{value} 不在范围 {range} 内。",
    "{name} {filename!r} does not exist.": "{name} {filename!r} 不存在。",
    "{name} {filename!r} is a directory.": "{name} {filename!r} 是文件夹。",
    "{name} {filename!r} is a file.": "{name} {filename!r} 是文件。",
    "{name} {filename!r} is not readable.": "{name} {filename!r} 无法读取。",
    "{name} {filename!r} is not writable.": "{name} {filename!r} 无法写入。",
    "Could not open file {filename!r}: {message}": "无法打开文件 {filename!r}：{message}",
    "file": "文件",
    "directory": "文件夹",
    "path": "路径",
    "default: {default}": "默认：{default}",
    "env var: {var}": "环境变量：{var}",
    "unknown error": "未知错误",
    "Choose from:\n\t{choices}": "可选：\n\t{choices}",
}

_OPTIONAL = re.compile(r"\[\[(.*?)\]\]", re.DOTALL)
_KIND_PARAMS = frozenset({"kind", "kinds"})
_FORMATTER = string.Formatter()


class _Default(dict[str, Any]):
    def __missing__(self, key: str) -> str:
        return "{" + key + "}"


def _pick(pair: tuple[str, str], lang: str) -> str:
    return pair[1] if lang == "en" else pair[0]


def display(value: Any, lang: str = "zh") -> str:
    """A value as a message shows it: dates ISO, a datetime without seconds (without its time
    at midnight), lists joined, booleans 是/否 (yes/no), None as ""."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return ("yes" if value else "no") if lang == "en" else ("是" if value else "否")
    if isinstance(value, datetime):
        return value.strftime("%Y-%m-%d" if value.time() == time() else "%Y-%m-%d %H:%M")
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, time):
        return value.strftime("%H:%M")
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, (list, tuple, set, frozenset)):
        items = sorted(value, key=str) if isinstance(value, (set, frozenset)) else value
        return (", " if lang == "en" else "、").join(display(v, lang) for v in items)
    return str(value)


def _kind_title(value: Any, lang: str) -> Any:
    if isinstance(value, (list, tuple, set, frozenset)):
        return [_kind_title(v, lang) for v in value]
    kind = KINDS.get(value) if isinstance(value, str) else None
    if kind is None:
        return value
    return kind.title_en if lang == "en" else kind.title_zh


def _render(template: str, values: dict[str, Any]) -> str:
    """Drop the ``[[ … ]]`` parts whose placeholders are empty, then format."""

    def keep(match: re.Match[str]) -> str:
        part = match.group(1)
        names = [f for _, f, _, _ in _FORMATTER.parse(part) if f]
        return part if all(str(values.get(n, "")) != "" for n in names) else ""

    return _OPTIONAL.sub(keep, template).format_map(values)


def issue_message(issue: IssueLike, lang: str = "zh") -> str:
    """The issue's message in ``lang`` ("zh" or "en")."""
    variant = issue.params.get("variant")
    pair = ISSUES.get(f"{issue.code}/{variant}") if variant else None
    pair = pair or ISSUES.get(issue.code)
    if pair is None:
        return issue.code
    values = _Default(
        column=issue.column or "",
        value=display(issue.value, lang),
        field=issue.field or "",
        row=issue.row or "",
        sheet=issue.sheet or "",
        cell=issue.cell or "",
    )
    for key, value in issue.params.items():
        values[key] = display(_kind_title(value, lang) if key in _KIND_PARAMS else value, lang)
    suffix = "_en" if lang == "en" else "_zh"
    for key, value in issue.params.items():
        if key.endswith(suffix):  # x_en / x_zh fill {x} in their language
            values[key[:-3]] = display(value, lang)
    return _render(_pick(pair, lang), values)


def t(key: str, lang: str = "zh", **params: Any) -> str:
    """A UI string in ``lang``; unknown keys come back as the key itself."""
    pair = UI.get(key)
    if pair is None:
        return key
    values = _Default({k: display(v, lang) for k, v in params.items()})
    suffix = "_en" if lang == "en" else "_zh"
    for k, v in params.items():
        if k.endswith(suffix):  # x_en / x_zh fill {x} in their language
            values[k[:-3]] = display(v, lang)
    return _render(_pick(pair, lang), values)
