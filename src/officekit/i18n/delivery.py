"""Sending: the group robots (officekit.deliver.robot, .wecom, .dingtalk, .chat) and queued
e-mail (officekit.deliver.outgoing).
"""

from __future__ import annotations

UI: dict[str, tuple[str, str]] = {
    "mail.queued-changed": (
        "文档在排队后已改变或不存在，请重新运行 officekit send",
        "the document changed or vanished after it was queued; run officekit send again",
    ),
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
    # errors of sending (officekit.deliver): the SMTP server, the mail templates, the manifest
    "error.smtp.no-starttls": (
        "服务器 {host}:{port} 不支持 STARTTLS", "The server {host}:{port} does not offer STARTTLS"),
    "error.smtp.check-port": (
        "检查 smtp.port 与 smtp.security（STARTTLS 常用 587，SSL 常用 465）",
        "Check smtp.port and smtp.security (STARTTLS is usually 587, SSL 465)",
    ),
    "error.smtp.login": (
        "登录发信服务器失败（{detail}）", "Login to the SMTP server failed ({detail})"),
    "error.smtp.login.hint": (
        "检查 smtp.user 与环境变量 {env} 中的密码（有的邮箱要用授权码）",
        "Check smtp.user and the password in the environment variable {env} (some mail "
        "services want an app password)",
    ),
    "error.smtp.tls": (
        "与 {host}:{port} 建立加密连接失败：{detail}",
        "TLS with the SMTP server {host}:{port} failed: {detail}",
    ),
    "error.mail.template-unreadable": (
        "无法读取邮件模板 {path}：{detail}", "Cannot read the mail template {path}: {detail}"),
    "error.mail.template-syntax": (
        "邮件模板 {path} 第 {line} 行有语法错误：{detail}",
        "Syntax error in the mail template {path}, line {line}: {detail}",
    ),
    "error.mail.template-failed": (
        "邮件模板 {path} 无法生成：{detail}", "The mail template {path} failed: {detail}"),
    "error.mail.template-failed.hint": ("可用的变量：{variables}", "Variables: {variables}"),
    "error.mail.no-subject": (
        "邮件模板 {path} 的第一行应是邮件主题，现在为空",
        "The first line of the mail template {path} must be the subject; it is empty",
    ),
    "error.mail.unknown-kind": (
        "未知的文档类型：{unknown}；可用：{kinds}",
        "Unknown document kind: {unknown}; use {kinds}",
    ),
    "error.manifest.outside-outbox": (
        "文档不在发件箱中：{path}（发件箱 {outbox}）",
        "The document is not inside the outbox: {path} (outbox {outbox})",
    ),
    "error.manifest.bad-time": (
        "{file} 第 {line} 行：时间 {text} 无法识别",
        "{file} line {line}: unreadable time {text}",
    ),
    "error.manifest.columns": (
        "{file} 缺少列：{missing}（应有：{columns}）",
        "{file} lacks the columns {missing} (it should have {columns})",
    ),
    "error.manifest.unreadable": ("无法读取 {path}：{detail}", "Cannot read {path}: {detail}"),
    "error.manifest.absolute-path": (
        "清单中的路径必须相对于发件箱：{path}",
        "Manifest paths must be relative to the outbox: {path}",
    ),
    "error.manifest.unknown-kind": (
        "未知的文档类型 {kind}；可用：{kinds}", "Unknown document kind {kind}; use {kinds}"),
    "error.manifest.incomplete-row": (
        "清单行缺少 path 或 period：{row}", "A manifest row lacks path or period: {row}"),
    "error.manifest.locked": (
        "{file} 正被另一个进程写入（锁文件 {lock}）；请稍后再试",
        "{file} is being written by another process (lock {lock}); try again later",
    ),
    "error.manifest.replace": (
        "无法更新 {path}：文件可能正在 Excel 中打开，请关闭后重试",
        "Cannot update {path}: it may be open in Excel; close it and retry",
    ),
    # the send report of e-mail (officekit.deliver.mail.format_send_report)
    "mail.dry-run": ("演练：只列出将发送的内容，不实际发送。", "Dry run: nothing is sent."),
    "mail.nothing": (
        "发件箱清单中没有 {period} 的文档（先运行 officekit report）。",
        "No documents for {period} in outbox/manifest.csv.",
    ),
    "mail.would-send": ("将发送", "would send"),
    "mail.subject": ("主题: {subject}", "subject: {subject}"),
    "mail.undeliverable": ("无法发送（请补充后重新运行）：", "Not deliverable:"),
    "mail.missing": ("清单中有、但文件不存在：", "Listed in the manifest but missing:"),
    "mail.total": (
        "合计：已发送 {sent}，[[已排队（由工作机发送）{queued}，]]待发送 {pending}，"
        "此前已发 {before}，失败 {failed}，未发送 {skipped}，无收件人 {unaddressed}，"
        "文件缺失 {missing}。",
        "Total: {sent} sent, [[{queued} queued for the workers, ]]{pending} to send, {before} "
        "sent before, {failed} failed, {skipped} not attempted, {unaddressed} without "
        "recipient, {missing} missing.",
    ),
    "mail.not-attempted": ("连接失败，本次未发送", "not attempted after the connection failed"),
    # why someone cannot receive a document (officekit.deliver.recipients), shown "zh / en"
    "recipient.unknown-head": (
        "设置的负责人工号 {staff_id} 不在人员名单中",
        "the configured head {staff_id} is not in the staff list",
    ),
    "recipient.no-staff": (
        "人员名单中没有这个部门的在职人员", "no current staff in this department"),
    "recipient.which-head": (
        "无法确定部门负责人（候选：{names}）；可在 officekit.toml 中指定："
        '[departments.{department}] head = "工号"',
        "cannot tell who heads the department (candidates: {names}); set it in officekit.toml: "
        '[departments.{department}] head = "<staff id>"',
    ),
    "recipient.left": ("已离职，不发送", "has left; not sent"),
    "recipient.no-email": (
        "人员名单中没有邮箱；请在花名册“邮箱”列填写后重新导入",
        "no e-mail in the staff list; fill in 邮箱 and ingest it again",
    ),
    "recipient.unknown-person": (
        "不在人员名单中，也没有邮箱", "not in the staff list and no address"),
    "recipient.not-sent": ("不发送这种文档", "this kind is not sent"),
    # a queued send job whose message failed (officekit.jobs.queue.SendNotDone; retried)
    "queue.send-not-done": ("未能发给 {to}：{error}", "not sent to {to}: {error}"),
    # what happened on the SMTP connection (officekit.deliver.smtp), noted "zh / en"
    "smtp.replied": ("服务器回复 {code} {text}", "server replied {code} {text}"),
    "smtp.disconnected": (
        "服务器断开了连接（{detail}）", "the server closed the connection ({detail})"),
    "smtp.refused": ("连接被拒绝", "connection refused"),
    "smtp.timed-out": ("连接超时", "timed out"),
    "smtp.retrying": (
        "{detail}；{delay} 秒后重试（第 {attempt} 次）", "{detail}; retrying in {delay}s"),
    "smtp.exhausted": ("{detail}（已重试 {retries} 次）", "{detail} (after {retries} retries)"),
    # the states of a delivery (officekit.deliver.mail.STATUS_LABELS)
    "delivery.status.pending": ("待发送", "to send"),
    "delivery.status.already-sent": ("已发过", "sent before"),
    "delivery.status.queued": ("已排队", "queued"),
    "delivery.status.sent": ("已发送", "sent"),
    "delivery.status.failed": ("失败", "failed"),
    "delivery.status.not-attempted": ("未发送", "not attempted"),
}
