"""The files of the ledger and their retraction (officekit.retraction), and the due list
(officekit.loop).
"""

from __future__ import annotations

UI: dict[str, tuple[str, str]] = {
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
    # past the deadline: how long ago, not "-28 days left"
    "due.line.open-late": ("期限 {deadline}，已超期 {days} 个工作日",
                           "deadline {deadline}, {days} working day(s) overdue"),
    "due.line.followup-late": ("应回访日 {due}，已超期 {days} 天",
                               "visit due {due}, {days} day(s) overdue"),
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
    "due.send.status.queued": ("已排队", "queued"),
    "due.send.queued": ("已交给任务队列 {count} 封，由工作机（officekit worker）发送",
                        "{count} handed to the job queue; the workers (officekit worker) send "
                        "them"),
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
