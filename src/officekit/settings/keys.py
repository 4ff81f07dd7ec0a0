"""The key table: every setting of ``officekit.toml`` declared once (SPEC §8).

A row says the key's TOML name, what it holds (a :class:`~.values.Kind`), the condition on it,
the :class:`~.model.Settings` attribute it sets, and what it means in Chinese and English; its
default is that attribute's default on :class:`~.model.Settings`. From this table come the
parser (:mod:`.parse`), its errors, the commented ``officekit.toml`` that ``init`` writes and
docs/settings.md (:mod:`.reference`). The help texts here are data, like the tables of
:mod:`officekit.kinds`.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Literal

from officekit.settings.model import Settings
from officekit.settings.schemes import SCHEMES
from officekit.settings.tables import (
    ALIASES,
    DEADLINES,
    ENUMS,
    GRADES,
    HEADS,
    SHIFT_CODES,
    SHIFTS,
    TARGETS,
    WEIGHTS,
)
from officekit.settings.values import (
    BOOL,
    DATE_LIST,
    DAYS,
    FILE_MODE,
    FOLDER,
    INT,
    NON_NEGATIVE,
    POSITIVE,
    SECONDS,
    STAFF_OR_MAIL,
    STRIPPED_TEXT,
    TEXT,
    TIME,
    URL,
    WEBHOOK_URL,
    WORKDAYS,
    Check,
    Kind,
    at_least,
    choice,
)

# on: init writes the key with its default; off: written commented out; doc: in the docs only
Shown = Literal["on", "off", "doc"]


@dataclass(frozen=True, slots=True)
class Key:
    name: str  # dotted TOML name: "smtp.port"
    kind: Kind
    target: str  # the Settings attribute it sets, dotted into a part: "smtp.port"
    zh: str
    en: str
    check: Check | None = None
    init: Shown = "on"
    # what init's file shows instead of the default: a TOML value, or whole lines (a table)
    example: str | tuple[str, ...] | None = None

    @property
    def section(self) -> str:
        return self.name.rpartition(".")[0]

    @property
    def leaf(self) -> str:
        return self.name.rpartition(".")[2]

    @property
    def default(self) -> Any:
        return self.value_in(DEFAULTS)

    def value_in(self, settings: Settings) -> Any:
        """What ``settings`` hold for this key."""
        value: Any = settings
        for part in self.target.split("."):
            value = getattr(value, part)
        return value


@dataclass(frozen=True, slots=True)
class Section:
    """A ``[table]`` of fixed keys. ``init="off"``: init writes it commented out.
    ``shorthand``: a bare true/false stands for this key (``pdf = true``). ``secrets``: keys
    that must never be written in the file, with the error that says where they go instead."""

    name: str
    zh: str
    en: str
    init: Shown = "on"
    shorthand: str | None = None
    secrets: dict[str, str] = field(default_factory=dict)


DEFAULTS = Settings()

LANGUAGES = choice({"zh": "zh", "en": "en"}, "zh, en")
SECURITY = choice({"starttls": "starttls", "ssl": "ssl", "none": "none"}, "starttls, ssl, none")
DOCUMENT_STYLES = {"report": "report", "报告": "report", "公文": "gongwen", "gongwen": "gongwen"}
STYLE = choice(DOCUMENT_STYLES, '"report" / "公文"')

SECTIONS: dict[str, Section] = {s.name: s for s in (
    Section("paths", "文件夹（相对于工作区，或绝对路径）",
            "folders (relative to the workspace, or absolute)"),
    Section("database",
            "账本数据库：空则用工作区里的 SQLite 文件；多台电脑共用时填 PostgreSQL 地址",
            "the ledger database: empty for the SQLite file in the workspace; a PostgreSQL "
            "address when several machines share it", init="off"),
    Section("queue", "任务队列（仅 PostgreSQL 账本）", "the job queue (PostgreSQL ledger only)",
            init="off"),
    Section("coverage", "每天必须有人值的班次", "the shifts someone must be on every day",
            init="off"),
    Section("kpi", "考核指标", "performance figures"),
    Section("calendar", "在法定节假日之外另加的休息日 / 工作日",
            "days off / working days in addition to the public holidays", init="off"),
    Section("document", "生成的文档", "the documents made"),
    Section("pdf", "PDF（需要 LibreOffice，或 Windows 上的 Word）",
            "PDF (needs LibreOffice, or Word on Windows)", shorthand="enabled"),
    Section("watch", "监视程序（officekit watch）", "the watcher (officekit watch)"),
    Section("limits", "读取限制：每个文件都在单独的进程中读取；超出限制的文件被拒收（over-limit）"
            "并说明原因，监视程序不受影响。一般不必修改",
            "reading limits: every file is read in a process of its own; a file over a limit is "
            "rejected (over-limit) with the reason and the watcher goes on. Rarely changed",
            init="off"),
    Section("due", "督办清单（officekit due / send --kind due）",
            "the due list (officekit due / send --kind due)"),
    Section("smtp", "发信服务器（officekit send）", "the mail server (officekit send)",
            init="off", secrets={"password": "smtp-password"}),
    Section("output", "写入 outbox 的文件", "files written into outbox", init="off"),
    Section("wecom", "企业微信群机器人（send --via wecom）",
            "a WeCom group robot (send --via wecom)",
            init="off", secrets={"secret": "webhook-secret"}),
    Section("dingtalk", "钉钉群机器人（send --via dingtalk）",
            "a DingTalk group robot (send --via dingtalk)", init="off",
            secrets={"secret": "webhook-secret"}),
)}


def _robot(name: str, address: str) -> tuple[Key, ...]:
    return (
        Key(f"{name}.webhook", URL, f"{name}.webhook",
            "群机器人的 webhook 地址（群设置 → 群机器人）",
            "the group robot's webhook address (group settings → robots)",
            WEBHOOK_URL, "off", f'"{address}"'),
        Key(f"{name}.secret_env", TEXT, f"{name}.secret_env",
            "放“加签”密钥（SEC…）的环境变量；密钥本身不写在这里",
            "the environment variable holding the signing secret (SEC…); never the secret here",
            init="off" if name == "dingtalk" else "doc"),
        Key(f"{name}.retries", INT, f"{name}.retries", "失败后重试几次", "retries after a failure",
            NON_NEGATIVE, "doc"),
        Key(f"{name}.timeout", SECONDS, f"{name}.timeout", "每次请求的超时（秒）",
            "timeout of each request (seconds)", NON_NEGATIVE, "doc"),
        Key(f"{name}.rate_limit_wait", SECONDS, f"{name}.rate_limit_wait",
            "机器人答“发送太频繁”时等待几秒", 'seconds to wait when the robot says "too many"',
            NON_NEGATIVE, "doc"),
    )


def _limit(leaf: str, kind: Kind, zh: str, en: str) -> Key:
    return Key(f"limits.{leaf}", kind, f"limits.{leaf}", zh, en, POSITIVE, "off")


KEYS: tuple[Key, ...] = (
    Key("language", LANGUAGES, "language", "消息语言：zh 或 en", "message language: zh or en"),
    Key("mask_phones", BOOL, "mask_phones", "文档中手机号打码，如 138****5678",
        "mask phone numbers in documents, e.g. 138****5678"),
    Key("paths.inbox", FOLDER, "inbox", "收件箱：放入待处理的工作簿",
        "inbox: drop workbooks here"),
    Key("paths.outbox", FOLDER, "outbox", "发件箱：生成的文档", "outbox: the documents made"),
    Key("paths.archive", FOLDER, "archive", "已处理的工作簿", "workbooks done with"),
    Key("paths.templates", FOLDER, "templates", "文档模板", "document templates"),
    Key("paths.data", FOLDER, "data", "账本和日志", "the ledger and logs", init="off"),
    Key("database.url", URL, "database_url", "数据库地址，如 PostgreSQL",
        "database address, e.g. PostgreSQL", init="off",
        example='"postgresql+psycopg://officekit:…@db.example.cn:5432/officekit"'),
    Key("queue.enabled", BOOL, "queue_enabled",
        "true：watch 把文件交给任务队列，由 officekit worker 处理；false：在本进程处理",
        "true: watch hands files to the job queue for officekit worker; false: in-process",
        init="off"),
    Key("aliases", ALIASES, "aliases", "表头别名：在标准表头和内置别名之外再认这些写法",
        "header aliases: more spellings of a field's header, per sheet kind", init="off",
        example=("[aliases.complaints]", 'category = ["问题分类"]')),
    Key("enums", ENUMS, "enums", "枚举的取值（values）、同义词（synonyms）和默认值（default）",
        "an enum's values, synonyms and default", init="off",
        example=("[enums.channel]", 'synonyms = { "抖音" = "其他" }')),
    Key("shifts", SHIFTS, "shifts", "班次代码：名称、上下班时间、是否上班",
        "shift codes: name, start, end, whether worked", init="off",
        example=('[shifts."长"]', 'name = "长白班"', 'start = "08:00"', 'end = "20:00"')),
    Key("coverage.required", SHIFT_CODES, "required_shifts", "班次代码",
        "shift codes", init="off", example='["早", "中", "晚", "夜"]'),
    Key("deadlines", DEADLINES, "deadlines", "各严重程度的办结时限（工作日）",
        "working days to resolve a complaint, per severity"),
    Key("kpi.followup_days", DAYS, "followup_days", "办结后几天内回访算作及时回访",
        "a follow-up within this many days of resolution is timely", NON_NEGATIVE),
    Key("kpi.weights", WEIGHTS, "weights", "投诉处理的各指标权重",
        "the weights of the complaint metrics"),
    Key("kpi.targets", TARGETS, "targets", "各指标的目标值（满意度为 1–5 分）",
        "the metrics' targets (satisfaction on the 1–5 scale)", init="off"),
    Key("kpi.grades", GRADES, "grades", "等级及其最低分", "grades and their lowest score"),
    Key("kpi.schemes", SCHEMES, "schemes",
        "考核方案：按岗位名称中的关键词确定每人的考核方案（依次匹配 none、lead、visitor，其余为 "
        "handler）；样本少于 min_cases 件（次）的指标只显示、不计分（“样本不足”）",
        "evaluation schemes: each person's by words of their role (none, lead, visitor in that "
        "order, else handler); a metric with fewer than min_cases cases is shown, not scored",
        init="off", example=(
            "[kpi.schemes.visitor]", 'roles = ["回访"]', "targets = { visits_per_month = 60 }",
            "min_cases = 3", "[kpi.schemes.visitor.weights]", "visit_success_rate = 0.30",
            "visit_timeliness = 0.30", "visit_target_rate = 0.20", "visit_scored_rate = 0.20",
            "[kpi.schemes.none]", 'roles = ["质检", "内勤"]')),
    Key("calendar.holidays", DATE_LIST, "extra_holidays", "另加的休息日", "extra days off",
        init="off", example='["2026-12-31"]'),
    Key("calendar.workdays", DATE_LIST, "extra_workdays", "另加的工作日（调休上班）",
        "extra working days", init="off"),
    Key("document.organisation", STRIPPED_TEXT, "organisation",
        "单位名称：写入文档属性（公司）", "organisation: written into File → Properties"),
    Key("document.author", STRIPPED_TEXT, "author", "作者（空：用单位名称）",
        "author (empty: the organisation)"),
    Key("document.style", STYLE, "document_style",
        "文档样式：\"report\" 报告样式，或 \"公文\"（GB/T 9704 公文格式）",
        'document style: "report", or "公文" (GB/T 9704 official documents)'),
    Key("pdf.enabled", BOOL, "pdf", "生成文档时同时输出 PDF", "make a PDF of each document too"),
    Key("pdf.timeout", SECONDS, "pdf_timeout", "每份 PDF 最多用时（秒）",
        "seconds one PDF may take"),
    Key("watch.settle_seconds", SECONDS, "settle_seconds", "文件大小和修改时间保持不变多久才处理",
        "how long a file must stay unchanged before it is read", NON_NEGATIVE),
    Key("watch.rescan_seconds", SECONDS, "rescan_seconds", "定期全量扫描收件箱的间隔",
        "how often the whole inbox is scanned", NON_NEGATIVE),
    Key("watch.debounce_seconds", SECONDS, "debounce_seconds", "收到文件后等待多久再统一生成报告",
        "how long to wait after a file before the documents are made", NON_NEGATIVE),
    Key("watch.poll", BOOL, "poll", "网络共享目录请设为 true", "true for a network share"),
    _limit("memory_mb", INT, "读取一个文件可用的内存（MB）", "memory for reading one file (MB)"),
    _limit("cpu_seconds", SECONDS, "CPU 时间（秒）", "CPU time (seconds)"),
    _limit("wall_seconds", SECONDS, "总用时（秒）", "time in all (seconds)"),
    _limit("inflated_mb", INT, "工作簿解压后的总大小（MB），在解压之前检查",
           "the workbook's size unpacked (MB), checked before unpacking"),
    _limit("max_ratio", INT, "大于 16 MB 的部件的最大压缩比（“压缩炸弹”）",
           "the largest compression ratio of a part over 16 MB (a zip bomb)"),
    _limit("max_cells", INT, "一个工作表的 行数 × 所用列数", "rows × used columns of one sheet"),
    _limit("attempts", INT,
           "一个文件最多尝试几次（读取进程崩溃也算一次），之后放入 archive/failed/",
           "tries of one file (a crash counts) before it goes to archive/failed/"),
    Key("departments", HEADS, "department_heads", "部门负责人（工号），收本部门的督办清单",
        "department heads (staff ids): they get their department's due list", init="off",
        example=('[departments."客服一部"]', 'head = "0101"')),
    Key("smtp.host", TEXT, "smtp.host", "发信服务器", "the mail server", init="off",
        example='"smtp.example.com"'),
    Key("smtp.port", INT, "smtp.port", "端口：STARTTLS 常用 587，SSL 常用 465",
        "port: 587 for STARTTLS, 465 for SSL", init="off"),
    Key("smtp.security", SECURITY, "smtp.security", "加密方式", "encryption", init="off"),
    Key("smtp.user", TEXT, "smtp.user", "登录用户名", "login user", init="off",
        example='"kefu@example.com"'),
    Key("smtp.sender", TEXT, "smtp.sender", "发件人", "sender", init="off",
        example='"客服中心 <kefu@example.com>"'),
    Key("smtp.password_env", TEXT, "smtp.password_env", "密码只从这个环境变量读取",
        "the password is read from this environment variable only", init="off"),
    Key("smtp.retries", INT, "smtp.retries", "失败后重试几次", "retries after a failure",
        init="doc"),
    Key("smtp.timeout", SECONDS, "smtp.timeout", "连接超时（秒）", "connection timeout (seconds)",
        init="doc"),
    Key("due.warn_days", WORKDAYS, "due.warn_days", "剩余几个工作日时标为“临近期限”",
        "working days ahead when a complaint is flagged as due soon", at_least(0)),
    Key("due.escalate_days", WORKDAYS, "due.escalate_days",
        "超期几个工作日提级督办（重大投诉一超期即提级）",
        "working days late when it is escalated (a 重大 complaint at once)", at_least(1)),
    Key("due.daily_at", TIME, "due.daily_at",
        "监视程序每天写出 outbox/督办/<日期>_督办清单.xlsx 的时间",
        "when the watcher writes the day's due list into outbox/督办/"),
    Key("due.escalate_to", STAFF_OR_MAIL, "due.escalate_to",
        "提级督办发给谁：中心负责人的工号或邮箱",
        "who hears of escalations: the centre head's staff id or address", init="off",
        example='"0001"'),
    Key("output.file_mode", FILE_MODE, "file_mode", "文档的文件权限（八进制）",
        "the documents' file permissions (octal)", init="off"),
    *_robot("wecom", "https://qyapi.weixin.qq.com/cgi-bin/webhook/send?key=…"),
    *_robot("dingtalk", "https://oapi.dingtalk.com/robot/send?access_token=…"),
)

KEY_BY_NAME = {k.name: k for k in KEYS}
# the keys of each section in the table's order: "smtp" → smtp.host, smtp.port, …
SECTION_KEYS: dict[str, list[Key]] = {}
for _key in KEYS:
    if _key.section:
        SECTION_KEYS.setdefault(_key.section, []).append(_key)
# the top-level names in the table's order: a key (language) or a section ([paths])
TOP_NAMES = list(dict.fromkeys(k.name.partition(".")[0] for k in KEYS))
