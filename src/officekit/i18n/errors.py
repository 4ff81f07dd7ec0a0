"""Errors that stop a command (officekit.errors): the command line's usage errors, the
workspace's, the ledger's and the periods'. ``error.<area>.<what>``; an entry ``<key>.hint``
is shown under its message. ``detail`` is the operating system's or the library's own text."""

from __future__ import annotations

UI: dict[str, tuple[str, str]] = {
    # why processing a file failed (the ledger's files.message): the exception's type and text
    "error.failed-with": ("处理出错（{type}）：{detail}", "{type}: {detail}"),
    # the reading process died on the file (its issue code leads: officekit status lists it)
    "error.reader-died": ("reader-died 读取失败：{detail}", "reader-died: {detail}"),
    "error.lost-from-processing": (
        "处理中丢失：文件已不在处理文件夹中", "lost from processing: the file is no longer in "
        "the processing folder"),
    # the command line (officekit.cli)
    "error.cli.no-such-file": ("文件不存在：{path}", "no such file: {path}"),
    "error.cli.no-workbooks": (
        "[[{notes}\n]]没有要处理的工作簿文件（.xlsx/.xlsm/.xls/.ods）",
        "[[{notes}\n]]no workbook files given"),
    "error.cli.folder-without-workbooks": (
        "{path}：是文件夹，其中没有工作簿文件（.xlsx/.xlsm/.xls/.ods）",
        "{path}: a folder with no workbook files in it",
    ),
    "error.cli.not-a-regular-file": (
        "{path}：不是普通文件（如命名管道、设备或断开的链接），不会打开",
        "{path}: not a regular file (a FIFO, a device, a broken link); not opened",
    ),
    "error.cli.staff-only-evaluation": (
        "--staff 只能用于 evaluation（个人考核报告）", "--staff is for evaluation only"),
    "error.cli.no-such-template": ("找不到模板：{name}", "no such template: {name}"),
    "error.cli.period-required": (
        "请用 --period 指定期间（--kind due 除外）",
        "--period is required (except for --kind due)",
    ),
    "error.cli.due-alone": (
        "--kind due 单独使用，不与其他文档类型、--period 或 --department 同用",
        "--kind due goes alone, without other kinds, --period or --department",
    ),
    "error.jobs.not-installed": (
        "账本在 PostgreSQL 上，要用任务队列（多台电脑）需先安装：.venv/bin/pip install -e "
        "\".[distributed]\"；只用这一台电脑则在 officekit.toml 中设 [queue] enabled = false",
        "The ledger is on PostgreSQL and the job queue (several machines) needs: .venv/bin/pip "
        "install -e \".[distributed]\"; on one machine set [queue] enabled = false instead",
    ),
    "error.jobs.needs-postgresql": (
        "任务队列需要 PostgreSQL 账本：请在 officekit.toml 的 [database] url 中设置 "
        "postgresql+psycopg://…",
        "The job queue needs a PostgreSQL ledger: set [database] url in officekit.toml to "
        "postgresql+psycopg://…",
    ),
    # periods (officekit.kpis.periods)
    "error.period.invalid": (
        "无效的期间：{kind} {year} {index}", "invalid period: {kind} {year} {index}"),
    "error.period.unrecognised": (
        "无法识别的期间：“{text}”。可用的写法：{accepted}",
        'Unrecognised period "{text}"; use a month (2026-10), a quarter (2026-Q4) or a year '
        "(2026).",
    ),
    "error.unknown-department": (
        "没有部门“{department}”；已有：{known}",
        'There is no department "{department}"; the departments are: {known}',
    ),
    # the workspace's folders and files
    "error.workspace.missing": ("工作区文件夹不存在：{path}",
    "The workspace folder does not exist: {path}",
),
    "error.workspace.missing.hint": (
        "用 `officekit init 文件夹` 新建一个工作区，或用 -w 指定已有的工作区。",
        "Make one with `officekit init FOLDER`, or name an existing one with -w.",
    ),
    "error.workspace.processing-folder": (
        "无法在收件箱中建立处理文件夹：{path}（{detail}）",
        "Cannot create the processing folder in the inbox: {path} ({detail})",
    ),
    "error.workspace.processing-folder.hint": (
        "请检查收件箱的写入权限。", "Check that the inbox is writable."),
    "error.workspace.file-gone": (
        "文件不见了：{path}（目标 {dest} 也不存在）",
        "The file is gone: {path} (and {dest} does not exist)",
    ),
    "error.workspace.mkdir": (
        "无法创建文件夹 {path}：{detail}", "Cannot create the folder {path}: {detail}"),
    "error.workspace.write-annotated": (
        "无法写入校验结果文件 {path}：{detail}",
        "Cannot write the annotated copy {path}: {detail}",
    ),
    "error.workspace.write-xlsx": ("无法写入 {path}：{detail}", "Cannot write {path}: {detail}"),
    "error.workspace.write-xlsx.hint": (
        "请确认文件夹存在，且文件没有在 Excel 中打开。",
        "Check that the folder exists and the file is not open in Excel.",
    ),
    "error.workspace.write-samples": (
        "无法把示例文件写到 {path}：{detail}",
        "Cannot write the sample files into {path}: {detail}",
    ),
    # the ledger (officekit.ledger)
    "error.ledger.open": ("无法打开账本 {url}：{detail}", "Cannot open the ledger {url}: {detail}"),
    "error.ledger.open.hint": (
        "检查 officekit.toml 中的 database_url 与 .officekit 目录",
        "Check database_url in officekit.toml and the .officekit folder.",
    ),
    "error.ledger.failed": ("账本操作失败：{detail}", "Ledger operation failed: {detail}"),
    "error.ledger.failed.hint": ("账本：{url}", "ledger: {url}"),
    "error.ledger.schema-version": (
        "账本结构版本为 {found}，本程序需要 {needed}",
        "The ledger has schema version {found}; this officekit needs {needed}",
    ),
    "error.ledger.schema-version.hint": ("账本：{url}", "ledger: {url}"),
    "error.ledger.no-row-id": (
        "数据库没有返回新记录编号", "The database returned no new row id"),
    "error.ledger.unknown-kind": ("未知的记录类型 {kind}", "Unknown record kind {kind}"),
    "error.ledger.bad-value": (
        "无法入账：“{sheet}”第{row}行字段 {name} 的值 {value} 不是{type}类型",
        'Cannot store: sheet "{sheet}" row {row}: field {name} value {value} is not of type '
        "{type}",
    ),
    "error.ledger.bad-value.hint": (
        "这是程序内部的记录格式错误，请报告。",
        "This is an internal record-format bug; please report it.",
    ),
    "error.ledger.no-key": (
        "无法入账：“{sheet}”第{row}行缺少关键字段，无法确定是哪条{kind}记录",
        'Cannot store: sheet "{sheet}" row {row}: a {kind} record lacks its key field(s)',
    ),
    "error.ledger.stored-meanwhile": (
        "此文件内容刚被另一进程入账", "This content was just stored by another process"),
    "error.ledger.no-file": ("账本中没有文件 {file}", "No file {file} in the ledger"),
    "error.ledger.unknown-state": ("未知的文件状态 {state}", "Unknown file state {state}"),
    "error.ledger.unknown-columns": (
        "文件记录没有这些字段：{columns}", "No such file columns: {columns}"),
    "error.ledger.final-state": (
        "文件 {file} 已是终态 {found}，不能改为 {state}",
        "File {file} is {found} (final); cannot become {state}",
    ),
    "error.ledger.unknown-send-status": (
        "未知的发送状态 {status}", "Unknown send status {status}"),
    "error.ledger.no-such-file": (
        "账本中没有这个文件：{ref}（可用 officekit files 查看）",
        "No such file in the ledger: {ref} (see officekit files)",
    ),
    "error.ledger.ambiguous-file": (
        "有多个文件符合“{ref}”，请给出更长的 SHA256 前缀：{listed}",
        'Several files match "{ref}"; give a longer SHA256 prefix: {listed}',
    ),
    "error.ledger.not-accepted-any-more": (
        "文件 {name} 已不是“已接收”状态，未撤回", "{name} is no longer accepted; not retracted"),
    "error.ledger.retract-only-accepted": (
        "只能撤回已接收的文件；{name} 的状态是 {state}",
        "Only accepted files can be retracted; {name} is {state}",
    ),
    "error.ledger.unknown-listed-state": (
        "未知的文件状态 {state}；可用：{states}", "Unknown file state {state}; use {states}"),
    "error.ledger.retract-refused": (
        "不能撤回人员名单 {name}：仍有 {count} 条记录引用其中的人员：{shown}[[……等共 {more} 条]]",
        "Cannot retract the staff list {name}: {count} record(s) name its people: {shown}"
        "[[ … {more} in all]]",
    ),
    "error.ledger.retract-refused.hint": (
        "先撤回这些文件，或加 --force 强制撤回。", "Retract those files first, or use --force."),
    "error.ledger.already-stored": (
        "此文件内容已入账（文件编号 {file_id}，状态 {state}），不再重复处理",
        "This content is already in the ledger (file {file_id}, {state}); not stored again",
    ),
}
