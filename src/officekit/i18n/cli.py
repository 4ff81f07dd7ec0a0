"""The command line's texts: result lines, status, report and sample messages, the sheet kinds'
names and the scope (department, person) messages.
"""

from __future__ import annotations

from officekit.kinds import KINDS

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
    # each command's --help (officekit.cli: the command classes look them up when help is
    # shown, in the language asked); "command.<group> <command>" for a command of a group
    "command.officekit": (
        "officekit：把办公室手工维护的 Excel 表格变成校验过的数据和 Word 文档。",
        "Turns the Excel workbooks an admin office keeps by hand into checked data and Word "
        "documents.",
    ),
    "command.init": ("新建工作区（DIRECTORY）", "Make a new workspace in DIRECTORY."),
    "command.sample": ("把自带的示例工作簿写到 DIRECTORY",
                       "Write the bundled sample workbooks into DIRECTORY."),
    "command.validate": ("只校验 FILES，不入库", "Check FILES without storing anything."),
    "command.ingest": ("校验 FILES 并把合格的存入账本",
                       "Check FILES and store the good ones in the ledger."),
    "command.status": ("账本里有什么：各状态的文件、期间、数量",
                       "What the ledger holds: files by state, periods, counts."),
    "command.files": ("账本见过的每个文件（状态、行数、期间、归档位置）",
                      "Every file the ledger has seen (state, rows, periods, archive)."),
    "command.retract": ("撤回一个已接收的文件 FILE（文件名、路径或 SHA256 前缀）",
                        "Take one accepted FILE (name, path or SHA256 prefix) back out."),
    "command.kpis": ("计算每个人和每个部门的考核指标",
                     "Compute each person's and department's KPIs (SPEC §6)."),
    "command.report": (
        "生成 Word 文档到 outbox。\n\n"
        "KIND：evaluation 个人考核报告，evaluation-summary 部门考核汇总，complaints 投诉分析报告，"
        "visits 回访总结报告，handbook 岗位职责手册，all 全部。",
        "Render documents into outbox.\n\n"
        "KIND: evaluation (each person's evaluation), evaluation-summary (a department's "
        "evaluation summary), complaints (complaint analysis), visits (visit summary), "
        "handbook (duties handbook), all (every kind).",
    ),
    "command.templates": ("模板工具", "Template tools."),
    "command.templates check": (
        "检查模板的语法和变量。\n\nNAMES：模板文件名（默认检查全部报告模板）。",
        "Check templates for syntax errors and unknown variables.\n\n"
        "NAMES: template files (default: every report template).",
    ),
    "command.send": (
        "把生成的文档发给相关的人。\n\n"
        "邮件（默认）：个人考核报告发给本人；部门考核汇总、岗位职责手册发给部门负责人；投诉分析、"
        "回访总结报告发给各部门负责人。--via wecom：把文档逐个发到企业微信群（个人考核报告除外，"
        "除非用 --kind evaluation），再发一条汇总消息；--via dingtalk：在钉钉群发一条列出新文档的"
        "消息。同一份文档（内容相同）发给同一个人或同一个群只发一次。先用 --dry-run 看看会发什么。",
        "Send the period's documents to the people they are for.\n\n"
        "By e-mail (the default): each person's evaluation to that person; a department's "
        "evaluation summary and duties handbook to its head; the complaint analysis and the "
        "visit summary to every department head. --via wecom: each document to the WeCom group "
        "(evaluations only with --kind evaluation), then a summary message; --via dingtalk: one "
        "DingTalk message listing the new documents. The same document (same content) goes to "
        "the same person or group once only. Try --dry-run first to see what would go.",
    ),
    "command.due": ("督办清单：今天要办、要回访、已超期的投诉",
                    "What is due today, late, to chase."),
    "command.watch": ("监视收件箱：自动校验、入库、归档并更新文档",
                      "Watch the inbox and process files as they land."),
    "command.worker": ("从任务队列取任务（PostgreSQL 账本，多台电脑）",
                       "Take jobs from the queue (a PostgreSQL ledger, several machines)."),
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
    "cli.send.due-by-mail": (
        "督办清单（--kind due）按人发送，只能用邮件（--via mail）",
        "The due list (--kind due) goes to each person, so by e-mail only (--via mail)",
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
    "cli.steps.send": ("发送", "Sending"),
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
    # the options' help (officekit.cli.app.option_help shows it as "zh / en")
    "help.app.workspace": ("工作区文件夹（默认：$OFFICEKIT_WORKSPACE，否则当前文件夹）",
    "workspace folder",
),
    "help.app.lang": ("消息语言", "message language"),
    "help.app.quiet": ("不显示进度", "no progress output"),
    "help.app.debug": ("出错时显示完整的错误堆栈", "show tracebacks"),
    "help.background.once": ("处理收件箱中现有的文件并更新文档后退出（用于计划任务）",
    "process what is in the inbox, render, exit (cron, Task Scheduler)",
),
    "help.background.poll": ("用轮询代替文件事件（网络共享文件夹）",
    "poll for changes (network shares)",
),
    "help.background.task-xml": ("不监视，写出在登录时运行监视的 Windows 计划任务 XML",
    "write the Task Scheduler XML that runs the watcher at logon, and exit",
),
    "help.background.concurrency": ("同时处理的任务数", "jobs at a time"),
    "help.background.stalled-after": ("工作机无心跳多少秒后接手其任务",
    "take over jobs of a worker silent this long",
),
    "help.background.once.2": ("队列为空时退出", "exit when the queue is empty"),
    "help.documents.period": ("考核期：2026-10、2026-Q4 或 2026", "period"),
    "help.documents.department": ("只看这个部门", "one department only"),
    "help.documents.as-of": ("按这一天计算（默认今天），结果可复现", "compute as of this date"),
    "help.documents.format": ("输出格式", "output format"),
    "help.documents.output": ("xlsx 的保存路径（默认 outbox/<期间>/考核指标_<期间>.xlsx）",
    "xlsx path",
),
    "help.documents.period.2": ("期间：2026-10、2026-Q4 或 2026（默认上个月）",
    "period (default: last month)",
),
    "help.documents.department.2": ("只生成这个部门的", "one department only"),
    "help.documents.staff": ("只生成这个人的（工号或姓名）", "one person"),
    "help.documents.as-of.2": ("按这一天计算（默认今天）", "compute as of this date"),
    "help.documents.pdf": ("同时输出 PDF（需要 LibreOffice，或 Windows 上的 Word）",
                           "also write PDFs (LibreOffice, or Word on Windows)"),
    "help.intake.today": ("把这一天当作今天（检查未来日期用）", "treat this date as today"),
    "help.loop.period": ("期间：2026-10、2026-Q4 或 2026（--kind due 不需要）", "period"),
    "help.loop.kind": ("只发这类文档（可重复）；due 发今天的督办清单",
    "only this kind of document (repeatable); due: today's due list",
),
    "help.loop.as-of": ("--kind due：按这一天的督办清单（默认今天）", "the due list of this day"),
    "help.loop.department": ("只发这个部门的", "one department only"),
    "help.loop.via": ("发送方式：邮件、企业微信群机器人或钉钉群机器人", "e-mail or a group robot"),
    "help.loop.dry-run": ("只列出会发给谁，不发送", "list what would go where; send nothing"),
    "help.loop.as-of.2": ("按这一天列出（默认今天）", "list as of this date"),
    "help.loop.staff": ("只看这个人（工号或姓名）", "one person"),
    "help.loop.output": ("xlsx 的保存路径（默认 outbox/督办/<日期>_督办清单.xlsx）", "xlsx path"),
    "help.start.no-flawed": ("不写有问题的样例", "skip the flawed examples"),
    "help.status.kind": ("只列出含这类表的文件", "only files holding this kind"),
    "help.status.period": ("只列出记录落在这个期间的文件",
    "only files with records in this period",
),
    "help.status.state": ("只列出这个状态的文件", "only files in this state"),
    "help.status.dry-run": ("只显示会改变什么", "show what would change"),
    "help.status.force": ("即使有记录引用人员名单中的人也撤回",
    "retract a staff list others depend on",
),
}
