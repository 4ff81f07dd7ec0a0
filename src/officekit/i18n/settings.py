"""Settings errors and what each key should hold.
"""

from __future__ import annotations

# Settings errors (officekit.settings, officekit.errors.SettingsError): ``settings.<problem>``
# with its params; ``settings.what.<name>`` names what a key should hold ({what}).
UI: dict[str, tuple[str, str]] = {
    "settings.expected": ("应为{what}（得到 {got}）", "expected {what} (got {got})"),
    "settings.time": (
        "应为 HH:MM 形式的时间，如 \"08:00\"（得到 {got}）",
        'expected a time as HH:MM, e.g. "08:00" (got {got})',
    ),
    "settings.time-range": (
        "时间超出范围：{got}（应在 00:00 到 24:00 之间）",
        "time out of range: {got} (00:00 to 24:00)",
    ),
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
        '上班的班次需要 start 和 end 时间，如 start = "08:00"、end = "16:00"；'
        "不上班的写 worked = false",
        'a worked shift needs a start and an end time, e.g. start = "08:00", end = "16:00"; '
        "a day off is worked = false",
    ),
    "settings.unknown-shift": (
        "未知的班次代码 {code}；可用：{allowed}",
        "unknown shift code {code}; known: {allowed}",
    ),
    "settings.unknown-metric": ("未知指标；可用：{allowed}", "unknown metric; known: {allowed}"),
    "settings.negative": ("不能为负数[[（得到 {got}）]]", "cannot be negative[[ (got {got})]]"),
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
    "settings.what.workdays": ("工作日数（整数）", "a number of working days (whole)"),
    "settings.what.time-text": ('时间，如 "08:30"', 'a time, e.g. "08:30"'),
    "settings.what.staff-or-mail": ("工号或邮箱", "a staff number or an e-mail address"),
    "settings.what.role-words": (
        '岗位关键词列表，如 ["回访"]', 'a list of words of job titles, e.g. ["回访"]'
    ),
    "settings.what.file-mode": (
        '八进制的文件权限，如 "0644"', 'file permissions in octal, e.g. "0644"'
    ),
    "settings.what.alias-table": (
        "[aliases.<表类型>] 字段 = [表头写法…]", "[aliases.<kind>] field = [header spellings…]"
    ),
    "settings.what.enum-table": (
        "[enums.<枚举>] values / synonyms / default", "[enums.<name>] values / synonyms / default"
    ),
    "settings.what.shift-table": (
        "[shifts.<代码>] name / start / end / worked", "[shifts.<code>] name / start / end / worked"
    ),
    "settings.what.days-table": ("严重程度 = 天数", "severity = days"),
    "settings.what.weight-table": ("指标 = 权重", "metric = weight"),
    "settings.what.number-table": ("指标 = 数字", "metric = number"),
    "settings.what.grade-table": ("等级 = 最低分", "grade = lowest score"),
    "settings.what.head-table": ('[departments."<部门>"] head = 工号',
                                 '[departments."<name>"] head = staff number'),
    "settings.what.scheme-table": (
        "[kpi.schemes.<方案>] roles / weights / targets / min_cases / label",
        "[kpi.schemes.<name>] roles / weights / targets / min_cases / label",
    ),
    "settings.smtp-no-host": (
        "没有设置发信服务器，无法发送邮件", "no mail (SMTP) server is set, so nothing can be sent"
    ),
    "settings.smtp-no-host.hint": (
        "请在 officekit.toml 中加入（按贵单位邮箱的设置修改）：\n{toml}\n"
        "先用 officekit send --dry-run 看看会发给谁",
        "add this to officekit.toml (with your mail server's settings):\n{toml}\n"
        "try officekit send --dry-run first to see who would get what",
    ),
    "settings.smtp-no-password": (
        "已设置 smtp.user = {user}，但环境变量 {env} 没有密码；请先设置，如 export {env}=…"
        "（Windows：set {env}=…）",
        "smtp.user = {user} is set but the environment variable {env} holds no password; set "
        "it first, e.g. export {env}=… (Windows: set {env}=…)",
    ),
    "settings.smtp-sender": (
        '发件人地址无效：{got}；例如 sender = "客服中心 <kefu@example.com>"',
        'not a valid sender address: {got}; e.g. sender = "Service centre <kefu@example.com>"',
    ),
    "settings.at-least": ("应不小于 {low}（得到 {got}）", "must be at least {low} (got {got})"),
    "settings.empty-text": ("应为非空文字（得到 {got}）", "expected a non-empty text (got {got})"),
    "settings.scheme-needs-weights": (
        "新增的考核方案需要 weights（各指标权重），如 weights = {{ closure_rate = 0.5, "
        "on_time_rate = 0.5 }}",
        "a new scheme needs weights (the weight of each metric), e.g. weights = "
        "{{ closure_rate = 0.5, on_time_rate = 0.5 }}",
    ),
    "settings.scheme-needs-roles": (
        '新增的考核方案需要 roles（岗位关键词列表），如 roles = ["话务员"]',
        'a new scheme needs roles (words of the job titles it is for), e.g. roles = ["话务员"]',
    ),
}
