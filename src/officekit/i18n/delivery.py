"""Sending: the group robots (officekit.deliver.robot, .wecom, .dingtalk, .chat).
"""

from __future__ import annotations

UI: dict[str, tuple[str, str]] = {
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
}
