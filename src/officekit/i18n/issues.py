"""Issue messages: what the intake (understand/, read/) and the validation (validate/) find in a
workbook, keyed by the issue code (or ``code/variant``), with the params each one uses.
"""

from __future__ import annotations

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
    "corrupt-file": ("file?", "detail?"),  # and "raw" (never in the message: watch log only)
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

# What a file turned out to be ({detected} of the file-level issues, read/workbook.py) and what
# each reading limit is ({what} of over-limit): UI strings of the intake.
UI: dict[str, tuple[str, str]] = {
    "file-kind.folder": ("文件夹", "a folder"),
    "file-kind.fifo": ("命名管道", "a FIFO"),
    "file-kind.socket": ("套接字", "a socket"),
    "file-kind.char-device": ("字符设备", "a device"),
    "file-kind.block-device": ("块设备", "a device"),
    "file-kind.special": ("特殊文件", "a special file"),
    "file-kind.text": ("文本/CSV 文件", "a text/CSV file"),
    "file-kind.html": ("HTML 网页", "a web page (HTML)"),
    "file-kind.xml-2003": ("XML 表格 2003", "an XML Spreadsheet 2003"),
    "file-kind.binary": ("二进制文件", "a binary file"),
    "file-kind.xlsb": ("Excel 二进制工作簿 .xlsb", "an Excel binary workbook .xlsb"),
    "file-kind.docx": ("Word 文档", "a Word document"),
    "file-kind.pptx": ("PowerPoint 演示文稿", "a PowerPoint presentation"),
    "file-kind.zip": ("ZIP 压缩包", "a ZIP archive"),
    "file-kind.encrypted-xlsx": ("加密的 .xlsx", "an encrypted .xlsx"),
    "file-kind.doc": ("Word 97-2003 文档", "a Word 97-2003 document"),
    "file-kind.ppt": ("PowerPoint 97-2003 演示文稿", "a PowerPoint 97-2003 presentation"),
    "file-kind.ole": ("OLE 复合文档", "an OLE compound file"),
    "file-kind.biff": ("Excel 2.x–4.x 旧格式", "the old Excel 2.x–4.x format"),
    # what a value of each field type is ({expected} of ``type``) and its hints ({hint})
    "field-type.text": ("文本", "text"),
    "field-type.int": ("整数", "whole number"),
    "field-type.date": ("日期", "date"),
    "field-type.datetime": ("日期时间", "date and time"),
    "field-type.phone": ("电话号码", "phone number"),
    "field-type.email": ("邮箱地址", "email address"),
    "field-type.bool": ("是/否", "yes/no"),
    "field-type.enum": ("规定的选项", "one of the allowed values"),
    "field-type.staff": ("工号或姓名", "staff number or name"),
    "field-type.scale": ("1–5 分或满意程度", "a score 1–5 or a satisfaction word"),
    "field-type.numbered": ("文本", "text"),
    "hint.no-year": (
        "日期缺少年份，请写成 2026-10-03 的形式", "the date has no year; write it as 2026-10-03"),
    "hint.no-such-day": ("该月没有这一天", "the month has no such day"),
    "skip-reason.empty": ("空工作表", "the sheet is empty"),
    "skip-reason.unknown-header": (
        "前 15 行中没有人员名单、排班表、投诉登记表、回访记录表或岗位职责表的表头",
        "no header of a staff list, schedule, complaint register, visit log or duty "
        "catalogue in the first 15 rows",
    ),
    "limit.memory": ("内存超过 {value} MB", "memory over {value} MB"),
    "limit.cpu": ("CPU 时间超过 {value} 秒", "CPU time over {value} s"),
    "limit.time": ("用时超过 {value} 秒", "time over {value} s"),
    "limit.inflated": ("解压后超过 {value} MB", "over {value} MB once inflated"),
    "limit.ratio": ("压缩比超过 {value} 倍", "compression ratio over {value}"),
    # why a file is corrupt (read.detect.corrupt: the reading library's low-level error)
    "corrupt.no-directory": ("文件末尾的目录缺失，多半是没有复制完整",
                             "the directory at its end is missing; most likely it was not "
                             "copied completely"),
    "corrupt.truncated": ("文件内容不完整，已被截断", "part of the file is cut off"),
    "corrupt.bad-crc": ("CRC 校验不符，数据在复制或保存时已损坏",
                        "a part fails its CRC check: the data was damaged while it was "
                        "copied or saved"),
    "corrupt.bad-data": ("压缩的数据已损坏", "its compressed data is damaged"),
    "corrupt.bad-xml": ("文件内部的 XML 已损坏", "the XML inside it is damaged"),
    "corrupt.doctype": ("文件内含 Office 不会写入的 DOCTYPE 声明",
                        "it holds a DOCTYPE declaration, which Office never writes"),
    "corrupt.dimensions": ("工作表的范围记录自相矛盾", "a sheet's size record contradicts itself"),
    "corrupt.ole": ("Excel 97-2003 文件的内部结构已损坏",
                    "the inner structure of the Excel 97-2003 file is damaged"),
}
