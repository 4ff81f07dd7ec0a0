"""What the settings hold: :class:`Settings` and its parts, with the built-in defaults.

Each field's default here is the one home of that default: the key table (:mod:`.keys`) reads
it for the commented ``officekit.toml`` of ``init`` and for docs/settings.md.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, time

from officekit.canonical import (
    COMPLAINT_STATUSES,
    DEFAULT_DEADLINES,
    DEFAULT_FOLLOWUP_DAYS,
    DEFAULT_SEVERITY,
    IN_PROGRESS,
    MAJOR,
    NORMAL,
    PENDING,
    RESOLVED,
    SERIOUS,
    SEVERITIES,
    WITHDRAWN,
)
from officekit.kpis.metrics import METRICS, metric_key
from officekit.kpis.schemes import COMPLAINT_WEIGHTS, Scheme, default_schemes
from officekit.settings.values import parse_time


@dataclass(frozen=True, slots=True)
class Shift:
    code: str
    name: str
    start: time | None
    end: time | None  # 24:00 is stored as time(0, 0) with ``ends_next_day``
    worked: bool

    @property
    def ends_next_day(self) -> bool:
        return self.start is not None and self.end is not None and self.end <= self.start


@dataclass(frozen=True, slots=True)
class EnumSpec:
    values: tuple[str, ...]
    synonyms: dict[str, str]
    default: str | None = None


DEFAULT_ENUMS: dict[str, EnumSpec] = {
    "staff_status": EnumSpec(("在职", "离职", "休假"), {"正常": "在职", "已离职": "离职"}, "在职"),
    "channel": EnumSpec(
        ("电话", "网站", "邮件", "微信", "微博", "来访", "信函", "其他"),
        {
            "热线": "电话",
            "95598": "电话",
            "400": "电话",
            "来电": "电话",
            "在线": "网站",
            "APP": "网站",
            "app": "网站",
            "网上": "网站",
            "电子邮件": "邮件",
            "Email": "邮件",
            "现场": "来访",
            "上门": "来访",
            "来信": "信函",
        },
    ),
    "category": EnumSpec(
        ("服务态度", "服务质量", "收费问题", "办理时效", "产品质量", "其他"),
        {"态度": "服务态度", "收费": "收费问题", "时效": "办理时效", "质量": "服务质量"},
    ),
    "severity": EnumSpec(
        SEVERITIES, {"普通": NORMAL, "严重": SERIOUS, "紧急": MAJOR}, DEFAULT_SEVERITY
    ),
    "complaint_status": EnumSpec(
        COMPLAINT_STATUSES,
        {
            "未处理": PENDING,
            "跟进中": IN_PROGRESS,
            "办理中": IN_PROGRESS,
            "已解决": RESOLVED,
            "已完成": RESOLVED,
            "已关闭": RESOLVED,
            "已归档": RESOLVED,
            "结案": RESOLVED,
            "已结案": RESOLVED,
            "撤诉": WITHDRAWN,
            "取消": WITHDRAWN,
            "已取消": WITHDRAWN,
        },
    ),
    "visit_method": EnumSpec(
        ("电话", "短信", "邮件", "微信", "上门"),
        {"面访": "上门", "走访": "上门", "现场": "上门", "电邮": "邮件", "电子邮件": "邮件"},
    ),
    "visit_purpose": EnumSpec(
        ("投诉回访", "满意度回访", "日常回访", "关怀回访", "其他"),
        {
            "投诉": "投诉回访",
            "满意度": "满意度回访",
            "满意度调查": "满意度回访",
            "日常": "日常回访",
            "关怀": "关怀回访",
        },
    ),
}

DEFAULT_SHIFTS: dict[str, tuple[str, str | None, str | None, bool]] = {
    "早": ("早班", "08:00", "16:00", True),
    "中": ("中班", "12:00", "20:00", True),
    "晚": ("晚班", "16:00", "24:00", True),
    "夜": ("夜班", "00:00", "08:00", True),
    "白": ("白班", "08:30", "17:30", True),
    "休": ("休息", None, None, False),
    "假": ("请假", None, None, False),
}

# ``[kpi.weights]``: the complaint schemes' weights (kpis/schemes.py), under the older names
DEFAULT_WEIGHTS = {"satisfaction" if key == "satisfaction_100" else key: weight
                   for key, weight in COMPLAINT_WEIGHTS.items()}
# ``[kpi.targets]`` of the complaint metrics (satisfaction on the 1–5 scale); from the metric table
DEFAULT_TARGETS = {
    "satisfaction" if key == "satisfaction_100" else key: METRICS[key].target or 0.0
    for key in ("closure_rate", "on_time_rate", "followup_rate", "satisfaction_100",
                "resolution_days")
}
DEFAULT_GRADES = (("优秀", 90.0), ("良好", 80.0), ("合格", 60.0), ("不合格", 0.0))


@dataclass(frozen=True, slots=True)
class SmtpSettings:
    host: str = ""
    port: int = 587
    security: str = "starttls"  # starttls | ssl | none
    user: str = ""
    password_env: str = "OFFICEKIT_SMTP_PASSWORD"
    sender: str = ""
    retries: int = 3
    timeout: float = 30.0


@dataclass(frozen=True, slots=True)
class DueSettings:
    """``[due]`` (SPEC §11): when a complaint is flagged, when the daily list is written, and
    who hears of escalations (a 工号 from the staff list or an e-mail address)."""

    warn_days: int = 1
    escalate_days: int = 3
    daily_at: time = time(8, 30)
    escalate_to: str = ""


@dataclass(frozen=True, slots=True)
class WebhookSettings:
    """A group robot of WeCom (企业微信) or DingTalk (钉钉): its webhook address (with the key
    or access token), DingTalk's signing secret (from an environment variable, like the SMTP
    password), retries and the timeout of each request."""

    webhook: str = ""
    secret_env: str = ""
    retries: int = 3
    timeout: float = 30.0
    rate_limit_wait: float = 60.0  # seconds to wait when the robot says "too many messages"


@dataclass(frozen=True, slots=True)
class Limits:
    """``[limits]``: what reading one file may cost (SPEC §9). Every file is read in a child
    process under the first three; the next three are checked before anything is inflated
    or held; ``attempts`` is how often a file may be tried (a death counts) before it is set
    aside in ``archive/failed/``."""

    memory_mb: int = 4096  # address space of the reading process
    cpu_seconds: float = 300.0
    wall_seconds: float = 600.0
    inflated_mb: int = 2048  # all parts of a package together, as their zip entries declare
    max_ratio: int = 200  # inflated/compressed, for parts that inflate past 16 MB
    max_cells: int = 25_000_000  # rows × used columns of one sheet
    attempts: int = 3


@dataclass(frozen=True, slots=True)
class Settings:
    language: str = "zh"
    inbox: str = "inbox"
    outbox: str = "outbox"
    archive: str = "archive"
    templates: str = "templates"
    data: str = ".officekit"
    database_url: str = ""  # empty: SQLite file in ``data``
    # with a PostgreSQL ledger, `watch` hands files to the job queue (`officekit worker` does
    # the work, SPEC §12); false: it works in-process as with SQLite
    queue_enabled: bool = True
    aliases: dict[str, dict[str, tuple[str, ...]]] = field(default_factory=dict)
    enums: dict[str, EnumSpec] = field(default_factory=lambda: dict(DEFAULT_ENUMS))
    shifts: dict[str, Shift] = field(default_factory=dict)
    required_shifts: tuple[str, ...] = ()
    deadlines: dict[str, int] = field(default_factory=lambda: dict(DEFAULT_DEADLINES))
    followup_days: int = DEFAULT_FOLLOWUP_DAYS
    weights: dict[str, float] = field(default_factory=lambda: dict(DEFAULT_WEIGHTS))
    targets: dict[str, float] = field(default_factory=lambda: dict(DEFAULT_TARGETS))
    grades: tuple[tuple[str, float], ...] = DEFAULT_GRADES
    extra_holidays: frozenset[date] = frozenset()
    extra_workdays: frozenset[date] = frozenset()
    mask_phones: bool = True
    pdf: bool = False
    pdf_timeout: float = 120.0
    settle_seconds: float = 2.0
    rescan_seconds: float = 5.0
    debounce_seconds: float = 1.0
    poll: bool = False
    limits: Limits = field(default_factory=Limits)
    department_heads: dict[str, str] = field(default_factory=dict)  # department -> staff_id
    smtp: SmtpSettings = field(default_factory=SmtpSettings)
    # [document]: what File → Properties says, and the template set (report or 公文)
    organisation: str = ""
    author: str = ""
    document_style: str = "report"
    # evaluation schemes in matching order (SPEC §6); empty: the defaults, from weights/targets
    schemes: tuple[Scheme, ...] = ()
    due: DueSettings = field(default_factory=DueSettings)
    wecom: WebhookSettings = field(default_factory=WebhookSettings)
    dingtalk: WebhookSettings = field(
        default_factory=lambda: WebhookSettings(secret_env="OFFICEKIT_DINGTALK_SECRET")
    )
    file_mode: int = 0o644  # documents written into outbox (POSIX permission bits)

    def __post_init__(self) -> None:
        if not self.shifts:
            object.__setattr__(self, "shifts", default_shifts())
        if not self.schemes:
            object.__setattr__(self, "schemes", default_schemes(
                metric_keys(self.weights), metric_keys(self.targets)))

    def aliases_for(self, kind: str, field_name: str) -> tuple[str, ...]:
        return self.aliases.get(kind, {}).get(field_name, ())




def metric_keys(table: dict[str, float]) -> dict[str, float]:
    """A weights or targets table with the older names (``satisfaction``) as metric keys."""
    return {metric_key(k) or k: v for k, v in table.items()}


def default_shifts() -> dict[str, Shift]:
    return {
        code: Shift(code, name, parse_time("shifts", s), parse_time("shifts", e), worked)
        for code, (name, s, e, worked) in DEFAULT_SHIFTS.items()
    }
