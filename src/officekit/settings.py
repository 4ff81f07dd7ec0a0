"""Settings from ``officekit.toml`` (SPEC §8). Every key is optional; defaults are built in.

A bad key or value raises :class:`~officekit.errors.SettingsError` naming the key, at start —
never a traceback halfway through a batch.
"""

from __future__ import annotations

import re
import tomllib
from dataclasses import dataclass, field
from datetime import date, time
from pathlib import Path
from typing import Any

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
from officekit.errors import SettingsError
from officekit.kinds import KINDS
from officekit.kpis.metrics import METRICS, TARGET_KEYS, metric_key
from officekit.kpis.schemes import (
    COMPLAINT_WEIGHTS,
    DEFAULT_MIN_CASES,
    Scheme,
    default_schemes,
)


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
            object.__setattr__(self, "shifts", _default_shifts())
        if not self.schemes:
            object.__setattr__(self, "schemes", default_schemes(
                _metric_keys(self.weights), _metric_keys(self.targets)))

    def aliases_for(self, kind: str, field_name: str) -> tuple[str, ...]:
        return self.aliases.get(kind, {}).get(field_name, ())


def _parse_time(key: str, value: Any) -> time | None:
    if value is None or value == "":
        return None
    if not isinstance(value, str) or not re.fullmatch(r"\d{1,2}:\d{2}", value):
        raise SettingsError(key, "time", got=repr(value))
    h, m = (int(x) for x in value.split(":"))
    if h == 24 and m == 0:
        return time(0, 0)
    if not (0 <= h < 24 and 0 <= m < 60):
        raise SettingsError(key, "time-range", got=value)
    return time(h, m)


def _default_shifts() -> dict[str, Shift]:
    return {
        code: Shift(code, name, _parse_time("shifts", s), _parse_time("shifts", e), worked)
        for code, (name, s, e, worked) in DEFAULT_SHIFTS.items()
    }


# --------------------------------------------------------------------------------------------
# Loading

_TOP_KEYS = {
    "language",
    "mask_phones",
    "paths",
    "database",
    "queue",
    "aliases",
    "enums",
    "shifts",
    "coverage",
    "deadlines",
    "kpi",
    "calendar",
    "pdf",
    "watch",
    "limits",
    "smtp",
    "departments",
    "due",
    "output",
    "wecom",
    "dingtalk",
    "document",
}
DOCUMENT_STYLES = {"report": "report", "报告": "report", "公文": "gongwen", "gongwen": "gongwen"}


def _expect(key: str, value: Any, typ: type | tuple[type, ...], what: str) -> Any:
    """``value`` if it is a ``typ``; else an error saying ``what`` was expected: a key of
    the catalogue's ``settings.what.*`` entries (``"bool"``, ``"int"``…) or a text as is."""
    if (isinstance(value, bool) and typ in (int, float, (int, float))) or not isinstance(
        value, typ
    ):
        raise SettingsError(key, "expected", what=what, got=repr(value))
    return value


def _table(key: str, value: Any) -> dict[str, Any]:
    return dict(_expect(key, value, dict, "table"))


def _unknown(key: str, table: dict[str, Any], allowed: set[str]) -> None:
    for k in table:
        if k not in allowed:
            raise SettingsError(
                f"{key}.{k}" if key else k, "unknown-key", allowed=", ".join(sorted(allowed))
            )


def _date_list(key: str, value: Any) -> frozenset[date]:
    out: set[date] = set()
    for i, v in enumerate(_expect(key, value, list, "date-list")):
        if isinstance(v, date):
            out.add(v)
        elif isinstance(v, str):
            try:
                out.add(date.fromisoformat(v))
            except ValueError as exc:
                raise SettingsError(f"{key}[{i}]", "date", got=repr(v)) from exc
        else:
            raise SettingsError(f"{key}[{i}]", "date", got=repr(v))
    return frozenset(out)


def parse_settings(data: dict[str, Any]) -> Settings:
    """Build :class:`Settings` from a parsed TOML document, checking every key."""
    _unknown("", data, _TOP_KEYS)
    kw: dict[str, Any] = {}
    if "language" in data:
        lang = data["language"]
        if lang not in ("zh", "en"):
            raise SettingsError("language", "one-of", allowed="zh, en", got=repr(lang))
        kw["language"] = lang
    if "mask_phones" in data:
        kw["mask_phones"] = _expect("mask_phones", data["mask_phones"], bool, "bool")

    if "paths" in data:
        paths = _table("paths", data["paths"])
        _unknown("paths", paths, {"inbox", "outbox", "archive", "templates", "data"})
        for k, v in paths.items():
            kw[k] = _expect(f"paths.{k}", v, str, "folder")
    if "database" in data:
        db = _table("database", data["database"])
        _unknown("database", db, {"url"})
        if "url" in db:
            kw["database_url"] = _expect("database.url", db["url"], str, "url")

    if "queue" in data:
        q = _table("queue", data["queue"])
        _unknown("queue", q, {"enabled"})
        if "enabled" in q:
            kw["queue_enabled"] = _expect("queue.enabled", q["enabled"], bool, "bool")

    if "aliases" in data:
        aliases: dict[str, dict[str, tuple[str, ...]]] = {}
        for kind, fields in _table("aliases", data["aliases"]).items():
            if kind not in KINDS:
                raise SettingsError(f"aliases.{kind}", "unknown-kind", allowed=", ".join(KINDS))
            names = {f.name for f in KINDS[kind].fields}
            per: dict[str, tuple[str, ...]] = {}
            for fname, al in _table(f"aliases.{kind}", fields).items():
                if fname not in names:
                    raise SettingsError(
                        f"aliases.{kind}.{fname}", "unknown-field", allowed=", ".join(sorted(names))
                    )
                if isinstance(al, str):
                    al = [al]
                lst = _expect(f"aliases.{kind}.{fname}", al, list, "text-list")
                for a in lst:
                    _expect(f"aliases.{kind}.{fname}", a, str, "text")
                per[fname] = tuple(lst)
            aliases[kind] = per
        kw["aliases"] = aliases

    if "enums" in data:
        enums = dict(DEFAULT_ENUMS)
        for name, spec in _table("enums", data["enums"]).items():
            if name not in DEFAULT_ENUMS:
                raise SettingsError(
                    f"enums.{name}", "unknown-enum", allowed=", ".join(sorted(DEFAULT_ENUMS))
                )
            spec = _table(f"enums.{name}", spec)
            _unknown(f"enums.{name}", spec, {"values", "synonyms", "default"})
            base = enums[name]
            values = tuple(
                _expect(
                    f"enums.{name}.values", spec.get("values", list(base.values)), list, "text-list"
                )
            )
            syn = dict(base.synonyms)
            for k, v in _table(f"enums.{name}.synonyms", spec.get("synonyms", {})).items():
                if v not in values:
                    raise SettingsError(
                        f"enums.{name}.synonyms.{k}", "not-in-values", value=repr(v),
                        values=", ".join(values),
                    )
                syn[k] = v
            default = spec.get("default", base.default)
            if default is not None and default not in values:
                raise SettingsError(f"enums.{name}.default", "not-in-values", value=repr(default),
                                    values=", ".join(values))
            enums[name] = EnumSpec(values, syn, default)
        kw["enums"] = enums

    if "shifts" in data:
        shifts = _default_shifts()
        for code, spec in _table("shifts", data["shifts"]).items():
            k = f"shifts.{code}"
            spec = _table(k, spec)
            _unknown(k, spec, {"name", "start", "end", "worked"})
            old = shifts.get(code)
            name = _expect(
                f"{k}.name", spec.get("name", old.name if old else code), str, "text"
            )
            worked = _expect(
                f"{k}.worked",
                spec.get("worked", old.worked if old else True),
                bool,
                "bool",
            )
            start = (
                _parse_time(f"{k}.start", spec["start"])
                if "start" in spec
                else (old.start if old else None)
            )
            end = (
                _parse_time(f"{k}.end", spec["end"])
                if "end" in spec
                else (old.end if old else None)
            )
            if worked and (start is None or end is None):
                raise SettingsError(k, "shift-times")
            shifts[code] = Shift(code, name, start, end, worked)
        kw["shifts"] = shifts
    if "coverage" in data:
        cov = _table("coverage", data["coverage"])
        _unknown("coverage", cov, {"required"})
        req = _expect("coverage.required", cov.get("required", []), list, "text-list")
        known = kw.get("shifts") or _default_shifts()
        for c in req:
            if c not in known:
                raise SettingsError(
                    "coverage.required", "unknown-shift", code=repr(c), allowed=", ".join(known)
                )
        kw["required_shifts"] = tuple(req)

    if "deadlines" in data:
        dl = dict(DEFAULT_DEADLINES)
        for sev, n in _table("deadlines", data["deadlines"]).items():
            if sev not in dl:
                raise SettingsError(f"deadlines.{sev}", "unknown-key", allowed=", ".join(dl))
            n = _expect(f"deadlines.{sev}", n, int, "days")
            if n < 0:
                raise SettingsError(f"deadlines.{sev}", "negative")
            dl[sev] = n
        kw["deadlines"] = dl

    if "kpi" in data:
        kpi = _table("kpi", data["kpi"])
        _unknown("kpi", kpi, {"followup_days", "weights", "targets", "grades", "schemes"})
        if "followup_days" in kpi:
            n = _expect("kpi.followup_days", kpi["followup_days"], int, "days")
            if n < 0:
                raise SettingsError("kpi.followup_days", "negative")
            kw["followup_days"] = n
        if "weights" in kpi:
            w = dict(DEFAULT_WEIGHTS)
            for k, v in _table("kpi.weights", kpi["weights"]).items():
                if k not in DEFAULT_WEIGHTS:
                    raise SettingsError(
                        f"kpi.weights.{k}", "unknown-metric", allowed=", ".join(DEFAULT_WEIGHTS)
                    )
                v = _expect(f"kpi.weights.{k}", v, (int, float), "number")
                if v < 0:
                    raise SettingsError(f"kpi.weights.{k}", "negative")
                w[k] = float(v)
            if sum(w.values()) <= 0:
                raise SettingsError("kpi.weights", "weights-sum")
            kw["weights"] = w
        if "targets" in kpi:
            t = dict(DEFAULT_TARGETS)
            for k, v in _table("kpi.targets", kpi["targets"]).items():
                if k not in DEFAULT_TARGETS:
                    raise SettingsError(
                        f"kpi.targets.{k}", "unknown-metric", allowed=", ".join(DEFAULT_TARGETS)
                    )
                t[k] = float(_expect(f"kpi.targets.{k}", v, (int, float), "number"))
            kw["targets"] = t
        if "grades" in kpi:
            g = _table("kpi.grades", kpi["grades"])
            bands = []
            for name, lo in g.items():
                bands.append(
                    (name, float(_expect(f"kpi.grades.{name}", lo, (int, float), "number")))
                )
            bands.sort(key=lambda b: -b[1])
            if not bands or bands[-1][1] > 0:
                bands.append(("不合格", 0.0))
            kw["grades"] = tuple(bands)
        if "schemes" in kpi:
            defaults = default_schemes(_metric_keys(kw.get("weights", DEFAULT_WEIGHTS)),
                                       _metric_keys(kw.get("targets", DEFAULT_TARGETS)))
            kw["schemes"] = _parse_schemes(_table("kpi.schemes", kpi["schemes"]), defaults)

    if "calendar" in data:
        cal = _table("calendar", data["calendar"])
        _unknown("calendar", cal, {"holidays", "workdays"})
        if "holidays" in cal:
            kw["extra_holidays"] = _date_list("calendar.holidays", cal["holidays"])
        if "workdays" in cal:
            kw["extra_workdays"] = _date_list("calendar.workdays", cal["workdays"])

    if "pdf" in data:
        pdf = data["pdf"]
        if isinstance(pdf, bool):
            kw["pdf"] = pdf
        else:
            pdf = _table("pdf", pdf)
            _unknown("pdf", pdf, {"enabled", "timeout"})
            if "enabled" in pdf:
                kw["pdf"] = _expect("pdf.enabled", pdf["enabled"], bool, "bool")
            if "timeout" in pdf:
                kw["pdf_timeout"] = float(
                    _expect("pdf.timeout", pdf["timeout"], (int, float), "seconds")
                )

    if "document" in data:
        doc = _table("document", data["document"])
        _unknown("document", doc, {"organisation", "author", "style"})
        for k in ("organisation", "author"):
            if k in doc:
                kw[k] = _expect(f"document.{k}", doc[k], str, "text").strip()
        if "style" in doc:
            style = doc["style"]
            if style not in DOCUMENT_STYLES:
                raise SettingsError("document.style", "one-of", allowed='"report" / "公文"',
                                    got=repr(style))
            kw["document_style"] = DOCUMENT_STYLES[style]

    if "watch" in data:
        w = _table("watch", data["watch"])
        _unknown("watch", w, {"settle_seconds", "rescan_seconds", "debounce_seconds", "poll"})
        for k in ("settle_seconds", "rescan_seconds", "debounce_seconds"):
            if k in w:
                v = float(_expect(f"watch.{k}", w[k], (int, float), "seconds"))
                if v < 0:
                    raise SettingsError(f"watch.{k}", "negative")
                kw[k] = v
        if "poll" in w:
            kw["poll"] = _expect("watch.poll", w["poll"], bool, "bool")

    if "limits" in data:
        kw["limits"] = _parse_limits(_table("limits", data["limits"]))

    if "departments" in data:
        heads: dict[str, str] = {}
        for dept, spec in _table("departments", data["departments"]).items():
            spec = _table(f"departments.{dept}", spec)
            _unknown(f"departments.{dept}", spec, {"head"})
            if "head" in spec:
                heads[dept] = str(
                    _expect(f"departments.{dept}.head", spec["head"], (str, int), "staff-id")
                )
        kw["department_heads"] = heads

    if "smtp" in data:
        s = _table("smtp", data["smtp"])
        allowed = {
            "host",
            "port",
            "security",
            "user",
            "password_env",
            "sender",
            "retries",
            "timeout",
        }
        if "password" in s:
            raise SettingsError("smtp.password", "smtp-password")
        _unknown("smtp", s, allowed)
        skw: dict[str, Any] = {}
        for k in ("host", "user", "password_env", "sender"):
            if k in s:
                skw[k] = _expect(f"smtp.{k}", s[k], str, "text")
        for k in ("port", "retries"):
            if k in s:
                skw[k] = _expect(f"smtp.{k}", s[k], int, "int")
        if "timeout" in s:
            skw["timeout"] = float(_expect("smtp.timeout", s["timeout"], (int, float), "seconds"))
        if "security" in s:
            if s["security"] not in ("starttls", "ssl", "none"):
                raise SettingsError("smtp.security", "one-of", allowed="starttls, ssl, none",
                                    got=repr(s["security"]))
            skw["security"] = s["security"]
        kw["smtp"] = SmtpSettings(**skw)

    if "due" in data:
        kw["due"] = _parse_due(_table("due", data["due"]))
    if "output" in data:
        out = _table("output", data["output"])
        _unknown("output", out, {"file_mode"})
        if "file_mode" in out:
            kw["file_mode"] = _file_mode(out["file_mode"])

    for robot in ("wecom", "dingtalk"):
        if robot in data:
            kw[robot] = _webhook(robot, _table(robot, data[robot]))

    return Settings(**kw)


def _metric_keys(table: dict[str, float]) -> dict[str, float]:
    """A weights or targets table with the older names (``satisfaction``) as metric keys."""
    return {metric_key(k) or k: v for k, v in table.items()}


_SCHEME_KEYS = {"roles", "weights", "targets", "min_cases", "label"}


def _parse_schemes(table: dict[str, Any], base: tuple[Scheme, ...]) -> tuple[Scheme, ...]:
    """``[kpi.schemes.<name>]``: change a default scheme or add one (before the catch-all)."""
    by_name = {s.name: s for s in base}
    added: list[Scheme] = []
    for name, value in table.items():
        key = f"kpi.schemes.{name}"
        entry = _table(key, value)
        _unknown(key, entry, _SCHEME_KEYS)
        old = by_name.get(name)
        if old is None and "weights" not in entry:
            raise SettingsError(f"{key}.weights", "新增的考核方案需要 weights（各指标权重）")
        if old is None and "roles" not in entry:
            raise SettingsError(f"{key}.roles", "新增的考核方案需要 roles（岗位关键词列表）")
        roles = old.roles if old else ()
        if "roles" in entry:
            words = _expect(f"{key}.roles", entry["roles"], list, '岗位关键词列表，如 ["回访"]')
            for i, w in enumerate(words):
                if not isinstance(w, str) or not w.strip():
                    raise SettingsError(f"{key}.roles[{i}]", f"应为非空文字（得到 {w!r}）")
            roles = tuple(w.strip() for w in words)
        weights = dict(old.weights) if old else {}
        if "weights" in entry:
            weights = {}
            for k, v in _table(f"{key}.weights", entry["weights"]).items():
                metric = metric_key(k)
                if metric is None or metric == "resolution_days":
                    raise SettingsError(f"{key}.weights.{k}", "未知指标；可用：" + ", ".join(
                        m for m in METRICS if m != "resolution_days"))
                w = float(_expect(f"{key}.weights.{k}", v, (int, float), "非负数"))
                if w < 0:
                    raise SettingsError(f"{key}.weights.{k}", "权重不能为负数")
                weights[metric] = w
            if name != "none" and sum(weights.values()) <= 0:
                raise SettingsError(f"{key}.weights", "权重之和必须大于 0")
        targets = dict(old.targets) if old else {}
        for k, v in _table(f"{key}.targets", entry.get("targets", {})).items():
            metric = metric_key(k) or (k if k in TARGET_KEYS else None)
            if metric is None:
                raise SettingsError(f"{key}.targets.{k}", "未知指标；可用：" + ", ".join(
                    [*METRICS, *sorted(TARGET_KEYS)]))
            targets[metric] = float(_expect(f"{key}.targets.{k}", v, (int, float), "数字"))
        min_cases = old.min_cases if old else DEFAULT_MIN_CASES
        if "min_cases" in entry:
            min_cases = _expect(f"{key}.min_cases", entry["min_cases"], int, "整数")
            if min_cases < 0:
                raise SettingsError(f"{key}.min_cases", "不能为负数")
        label = entry.get("label", old.zh if old else name)
        label = _expect(f"{key}.label", label, str, "文字")
        scheme = Scheme(name, label, roles, weights, targets, min_cases,
                        old.scope if old else "person")
        if old is not None:
            by_name[name] = scheme
        else:
            added.append(scheme)
    ordered = [by_name[s.name] for s in base]
    catch_all = [s for s in ordered if not s.roles]
    return (*[s for s in ordered if s.roles], *added, *catch_all)


def _parse_due(d: dict[str, Any]) -> DueSettings:
    _unknown("due", d, {"warn_days", "escalate_days", "daily_at", "escalate_to"})
    dkw: dict[str, Any] = {}
    for k, low in (("warn_days", 0), ("escalate_days", 1)):
        if k in d:
            v = _expect(f"due.{k}", d[k], int, "整数（工作日数）")
            if v < low:
                raise SettingsError(f"due.{k}", f"应不小于 {low}（得到 {v}）")
            dkw[k] = v
    if "daily_at" in d:
        at = _parse_time("due.daily_at", _expect("due.daily_at", d["daily_at"], str,
                                                 '时间，如 "08:30"'))
        if at is not None:
            dkw["daily_at"] = at
    if "escalate_to" in d:
        dkw["escalate_to"] = _expect("due.escalate_to", d["escalate_to"], (str, int),
                                     "中心负责人的工号或邮箱")
        dkw["escalate_to"] = str(dkw["escalate_to"]).strip()
    return DueSettings(**dkw)
def _file_mode(value: Any) -> int:
    """``"0664"`` (octal, as chmod writes it) or the number itself."""
    if isinstance(value, str) and re.fullmatch(r"0?[0-7]{3}", value):
        return int(value, 8)
    if isinstance(value, int) and not isinstance(value, bool) and 0 <= value <= 0o777:
        return value
    raise SettingsError("output.file_mode", "file-mode", got=repr(value))


def _webhook(name: str, table: dict[str, Any]) -> WebhookSettings:
    _unknown(name, table, {"webhook", "secret", "secret_env", "retries", "timeout",
                           "rate_limit_wait"})
    if "secret" in table:
        raise SettingsError(f"{name}.secret", "webhook-secret")
    kw: dict[str, Any] = {}
    if "webhook" in table:
        url = _expect(f"{name}.webhook", table["webhook"], str, "url")
        if not re.match(r"https?://", url):
            raise SettingsError(f"{name}.webhook", "webhook-url", got=repr(url))
        kw["webhook"] = url
    if "secret_env" in table:
        kw["secret_env"] = _expect(f"{name}.secret_env", table["secret_env"], str, "text")
    if "retries" in table:
        n = _expect(f"{name}.retries", table["retries"], int, "int")
        if n < 0:
            raise SettingsError(f"{name}.retries", "negative")
        kw["retries"] = n
    for k in ("timeout", "rate_limit_wait"):
        if k in table:
            v = float(_expect(f"{name}.{k}", table[k], (int, float), "seconds"))
            if v < 0:
                raise SettingsError(f"{name}.{k}", "negative")
            kw[k] = v
    base = WebhookSettings(secret_env="OFFICEKIT_DINGTALK_SECRET" if name == "dingtalk" else "")
    return WebhookSettings(**{**{f: getattr(base, f) for f in base.__slots__}, **kw})


def _parse_limits(table: dict[str, Any]) -> Limits:
    ints = ("memory_mb", "inflated_mb", "max_ratio", "max_cells", "attempts")
    floats = ("cpu_seconds", "wall_seconds")
    _unknown("limits", table, set(ints) | set(floats))
    kw: dict[str, Any] = {}
    for k in ints:
        if k in table:
            kw[k] = _expect(f"limits.{k}", table[k], int, "int")
    for k in floats:
        if k in table:
            kw[k] = float(_expect(f"limits.{k}", table[k], (int, float), "seconds"))
    for k, v in kw.items():
        if v <= 0:
            raise SettingsError(f"limits.{k}", "not-positive", got=repr(v))
    return Limits(**kw)


def load_settings(path: Path) -> Settings:
    """Read ``officekit.toml``; a missing file gives the defaults."""
    if not path.exists():
        return Settings()
    try:
        with path.open("rb") as fh:
            data = tomllib.load(fh)
    except tomllib.TOMLDecodeError as exc:
        raise SettingsError(path.name, "toml", detail=str(exc)) from exc
    except OSError as exc:
        raise SettingsError(path.name, "unreadable", detail=str(exc)) from exc
    return parse_settings(data)
