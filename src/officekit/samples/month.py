"""The truth of the sample month (October 2026): who worked when, what was complained about,
who followed up. The workbooks are written from this by :mod:`officekit.samples.generate`,
which picks the messy forms (date styles, synonyms); the facts here are consistent by
construction: every handler is on a worked shift when a complaint arrives, every resolution
comes after its complaint, every visit after its resolution and before the export date.
"""

from __future__ import annotations

import random
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from functools import cache

import chinese_calendar

from officekit.canonical import DEFAULT_DEADLINES
from officekit.samples import texts
from officekit.samples.names import (
    DEPT_GENERAL,
    DEPT_HOTLINE,
    DEPT_ONLINE,
    LEAVER_ID,
    LEAVER_LAST_DAY,
    ON_LEAVE_FROM,
    ON_LEAVE_ID,
    STAFF,
    STAFF_BY_ID,
    Person,
    customer_name,
    customer_phone,
)

YEAR, MONTH = 2026, 10
DAYS = tuple(date(YEAR, MONTH, d) for d in range(1, 32))
SNAPSHOT = datetime(2026, 11, 2, 9, 0)  # when the complaint register was exported
VISITS_MAIN_END = datetime(2026, 11, 5, 23, 59)  # the visit log covers visits up to here
VISITS_END = datetime(2026, 11, 10, 18, 0)  # the .ods supplement covers the rest up to here

DEADLINES = DEFAULT_DEADLINES  # working days, the settings' defaults

# Shift hours used to place a complaint inside its handler's shift: start, length in minutes
SHIFT_HOURS: dict[str, tuple[time, int]] = {
    "早": (time(8, 0), 480), "中": (time(12, 0), 480), "晚": (time(16, 0), 480),
    "夜": (time(0, 0), 480), "白": (time(8, 30), 540),
}
WORKED = frozenset(SHIFT_HOURS)

# Rotations: the hotline covers 24 hours, the online desk 08:00–24:00. Rest after nights.
HOTLINE_CYCLE = ("早", "早", "中", "中", "晚", "晚", "休", "夜", "夜", "休")
ONLINE_CYCLE = ("早", "早", "中", "中", "晚", "晚", "休", "休")


@cache
def is_workday(day: date) -> bool:
    """Chinese working day (weekends, statutory holidays and 调休 make-up days considered).
    Cached: chinese-calendar scans its tables on every call."""
    return bool(chinese_calendar.is_workday(day))


def add_workdays(day: date, n: int) -> date:
    """The n-th working day after ``day`` (``day`` itself not counted); n = 0 gives ``day``."""
    while n > 0:
        day += timedelta(days=1)
        if is_workday(day):
            n -= 1
    return day


# --------------------------------------------------------------------------------------------
# Schedule


def _office_hours(person: Person, duty_days: set[date], leave: set[date]) -> list[str | None]:
    row: list[str | None] = []
    for day in DAYS:
        if day in leave:
            row.append("假")
        elif is_workday(day) or day in duty_days:
            row.append("白")
        else:
            row.append("休")
    return row


def build_schedule() -> dict[str, list[str | None]]:
    """staff_id → 31 shift codes (None: no entry, e.g. after the leaver's last day)."""
    sched: dict[str, list[str | None]] = {}
    crews = {
        DEPT_HOTLINE: (HOTLINE_CYCLE, [p for p in STAFF if p.department == DEPT_HOTLINE
                                       and p.role != "部门经理" and p.joined is None]),
        DEPT_ONLINE: (ONLINE_CYCLE, [p for p in STAFF if p.department == DEPT_ONLINE
                                     and p.role != "部门经理"]),
    }
    for cycle, crew in crews.values():
        n = len(cycle)
        for i, person in enumerate(crew):
            offset = i % n if i < n else (i * 3) % n  # extra hands double up other positions
            sched[person.staff_id] = [cycle[(d + offset) % n] for d in range(len(DAYS))]

    general = [p for p in STAFF if p.department == DEPT_GENERAL and p.role != "部门经理"]
    off_days = [d for d in DAYS if not is_workday(d)]
    duty_roll = [p for p in general if p.role in ("客服主管", "客服专员", "回访专员")]
    duty: dict[str, set[date]] = {p.staff_id: set() for p in general}
    for k, day in enumerate(off_days):  # the counter keeps one person on duty on days off
        duty[duty_roll[k % len(duty_roll)].staff_id].add(day)
    leave = {"0304": {date(2026, 10, 20), date(2026, 10, 21)}, "0307": {date(2026, 10, 27)}}
    for p in general:
        sched[p.staff_id] = _office_hours(p, duty[p.staff_id], leave.get(p.staff_id, set()))
    for p in STAFF:
        if p.role == "部门经理":
            sched[p.staff_id] = _office_hours(p, set(), set())
        if p.joined is not None:  # office hours from the first day, nothing before it
            hours = _office_hours(p, set(), set())
            sched[p.staff_id] = [code if day >= p.joined else None
                                 for day, code in zip(DAYS, hours, strict=True)]

    for i, day in enumerate(DAYS):
        if day > LEAVER_LAST_DAY:
            sched[LEAVER_ID][i] = None
        if day >= ON_LEAVE_FROM:
            sched[ON_LEAVE_ID][i] = "假"
    # One swap written in by hand: a night followed by an early shift (a rest-rule warning).
    row = sched["0109"]
    for i in range(15, len(DAYS) - 1):
        if row[i] == "夜" and row[i + 1] == "休":
            row[i + 1] = "早"
            break
    return sched


def on_duty(schedule: dict[str, list[str | None]], day: date) -> list[tuple[Person, str]]:
    """Who works a shift on ``day`` of the month, with the shift code (a late joiner's cases
    are written in by :func:`joiner_complaints`, not drawn)."""
    i = (day - DAYS[0]).days
    out = []
    for p in STAFF:
        if p.joined is not None:
            continue
        code = schedule[p.staff_id][i]
        if code in WORKED:
            out.append((p, code))
    return out


# --------------------------------------------------------------------------------------------
# Complaints

# written channel, canonical channel, weight
CHANNELS: tuple[tuple[str, str, int], ...] = (
    ("热线", "电话", 28), ("95598", "电话", 20), ("电话", "电话", 10), ("APP", "网站", 10),
    ("网站", "网站", 4), ("在线", "网站", 3), ("微信", "微信", 10), ("微博", "微博", 2),
    ("邮件", "邮件", 2), ("来访", "来访", 4), ("现场", "来访", 2), ("上门", "来访", 1),
    ("信函", "信函", 2), ("来信", "信函", 1),
)
DEPT_BY_CHANNEL = {"电话": DEPT_HOTLINE, "网站": DEPT_ONLINE, "微信": DEPT_ONLINE,
                   "微博": DEPT_ONLINE, "邮件": DEPT_ONLINE, "来访": DEPT_GENERAL,
                   "信函": DEPT_GENERAL}
CATEGORIES = (("收费问题", 25), ("服务质量", 22), ("办理时效", 18), ("服务态度", 15),
              ("产品质量", 13), ("其他", 7))
# canonical severity, weight, written forms
SEVERITIES = (("一般", 72, ("一般", "一般", "普通")), ("较重", 22, ("较重", "严重")),
              ("重大", 6, ("重大", "紧急")))
HANDLER_ROLES = {
    DEPT_HOTLINE: ("客服专员", "客服主管", "值班经理"),
    DEPT_ONLINE: ("客服专员", "客服主管"),
    DEPT_GENERAL: ("客服专员", "客服主管"),
}
DONE_FORMS = ("已办结",) * 14 + ("已解决",) * 3 + ("已完成", "结案")


@dataclass(slots=True)
class Complaint:
    """One complaint as it really happened; ``*_raw`` are the words the register uses."""

    complaint_id: str
    received_at: datetime
    channel_raw: str
    channel: str
    customer: str
    phone: str
    category: str
    severity: str
    severity_raw: str
    description: str
    issue: int
    department: str
    handler: Person
    status: str = "待处理"
    status_raw: str = "待处理"
    resolved_at: datetime | None = None
    resolution: str | None = None
    satisfaction: int | None = None

    @property
    def deadline(self) -> date:
        return add_workdays(self.received_at.date(), DEADLINES[self.severity])


def _pick(rng: random.Random, table: tuple[tuple[str, int], ...]) -> str:
    return rng.choices([v for v, _ in table], weights=[w for _, w in table])[0]


@dataclass(frozen=True, slots=True)
class Content:
    """What a complaint is about, drawn independently of who handles it."""

    channel_raw: str
    channel: str
    category: str
    severity: str
    severity_raw: str
    description: str
    issue: int  # index into texts.ISSUES[category], so the resolution fits


def draw_content(rng: random.Random) -> Content:
    """Channel (as written and canonical), category, severity and description."""
    raw, canon, _ = rng.choices(CHANNELS, weights=[w for *_, w in CHANNELS])[0]
    category = _pick(rng, CATEGORIES)
    severity, _, forms = rng.choices(SEVERITIES, weights=[w for _, w, _ in SEVERITIES])[0]
    text, issue = texts.description(canon, category, rng)
    return Content(raw, canon, category, severity, rng.choice(forms), text, issue)


def draw_satisfaction(rng: random.Random, late: bool) -> int:
    """A 1–5 score, mostly content; a late resolution drags it down."""
    score = rng.choices((5, 4, 3, 2, 1), weights=(45, 35, 12, 6, 2))[0]
    if late and rng.random() < 0.5:
        score = max(1, score - 1)
    return score


def resolve(c: Complaint, rng: random.Random, snapshot: datetime) -> None:
    """Decide how the complaint went, as the register shows it at ``snapshot``."""
    if rng.random() < 0.03:
        c.status, c.status_raw = "已撤销", rng.choice(("已撤销", "撤诉", "取消"))
        c.resolution = rng.choice(texts.WITHDRAWN)
        return
    n = DEADLINES[c.severity]
    late = rng.random() < 0.16
    k = n + rng.randint(1, 4) if late else rng.choices(range(n + 1),
                                                      weights=range(n + 1, 0, -1))[0]
    day = add_workdays(c.received_at.date(), k)
    if k == 0:
        resolved = c.received_at + timedelta(minutes=rng.randint(30, 240))
    else:
        resolved = datetime.combine(day, time(8, 30)) + timedelta(minutes=rng.randint(0, 540))
    if resolved > snapshot:
        recent = c.received_at >= snapshot - timedelta(days=3)
        if recent and rng.random() < 0.5:
            c.status, c.status_raw = "待处理", rng.choice(("待处理", "待处理", "未处理"))
        else:
            c.status, c.status_raw = "处理中", rng.choice(("处理中", "处理中", "跟进中"))
            c.resolution = rng.choice(texts.IN_PROGRESS) if rng.random() < 0.6 else None
        return
    c.status, c.status_raw = "已办结", rng.choice(DONE_FORMS)
    c.resolved_at = resolved
    c.resolution = texts.resolution(c.category, c.issue, rng)
    if rng.random() < 0.65:
        c.satisfaction = draw_satisfaction(rng, resolved.date() > c.deadline)


def new_complaint(rng: random.Random, content: Content, received_at: datetime,
                  handler: Person) -> Complaint:
    """A complaint (not yet numbered nor resolved) from drawn content and its handler."""
    return Complaint(
        complaint_id="", received_at=received_at, channel_raw=content.channel_raw,
        channel=content.channel, customer=customer_name(rng), phone=customer_phone(rng),
        category=content.category, severity=content.severity,
        severity_raw=content.severity_raw, description=content.description,
        issue=content.issue, department=handler.department, handler=handler,
    )


def _received_in_shift(rng: random.Random, day: date, code: str) -> datetime:
    start, minutes = SHIFT_HOURS[code]
    return datetime.combine(day, start) + timedelta(minutes=rng.randint(5, minutes - 20))


def build_complaints(rng: random.Random, schedule: dict[str, list[str | None]],
                     count: int = 320) -> list[Complaint]:
    """``count`` complaints received in October, each handled by someone on shift."""
    weights = [0.8 if not is_workday(d) else 1.2 for d in DAYS]
    drafts: list[Complaint] = []
    while len(drafts) < count:
        day = rng.choices(DAYS, weights=weights)[0]
        content = draw_content(rng)
        dept = DEPT_BY_CHANNEL.get(content.channel, DEPT_HOTLINE)
        roles = HANDLER_ROLES[dept]
        if content.severity != "重大":
            roles = roles[:1] if rng.random() < 0.8 else roles
        crew = [(p, code) for p, code in on_duty(schedule, day)
                if p.department == dept and p.role in roles]
        if not crew:  # the walk-in counter is closed that day: this caller came another day
            continue
        person, code = rng.choice(crew)
        drafts.append(new_complaint(rng, content, _received_in_shift(rng, day, code), person))
    drafts.sort(key=lambda c: c.received_at)
    for i, c in enumerate(drafts, 1):
        c.complaint_id = f"TS{YEAR}{MONTH:02d}{i:04d}"
        resolve(c, rng, SNAPSHOT)
    return drafts


# --------------------------------------------------------------------------------------------
# Visits

VISITORS = ("0305", "0306", "0307")
METHODS = (("电话", 64), ("微信", 12), ("短信", 6), ("上门", 4), ("面访", 3), ("走访", 2))


@dataclass(slots=True)
class Visit:
    """One follow-up contact; ``complaint`` is None for survey and care visits."""

    visit_id: str
    visited_at: datetime
    customer: str
    phone: str
    staff: Person
    method_raw: str
    purpose: str
    complaint: Complaint | None
    reached: bool
    satisfaction: int | None
    feedback: str


def _visitor_on(day: date, schedule: dict[str, list[str | None]], rng: random.Random
                ) -> Person | None:
    if day.month == MONTH:
        crew = [p for p, code in on_duty(schedule, day) if p.staff_id in VISITORS]
    else:
        crew = [STAFF_BY_ID[s] for s in VISITORS] if is_workday(day) else []
    return rng.choice(crew) if crew else None


def _visit_slot(after: datetime, delay: int, schedule: dict[str, list[str | None]],
                rng: random.Random) -> tuple[datetime, Person]:
    """A time in office hours (09:00–17:00) ``delay`` days after ``after``, or the first day
    after that with a visitor at work, and never within 20 minutes of ``after``."""
    day = after.date() + timedelta(days=delay)
    while True:
        who = _visitor_on(day, schedule, rng)
        start = max(datetime.combine(day, time(9, 0)), after + timedelta(minutes=20))
        span = int((datetime.combine(day, time(17, 0)) - start).total_seconds() // 60)
        if who is not None and span >= 0:
            return start + timedelta(minutes=rng.randint(0, span)), who
        day += timedelta(days=1)


def _feedback(rng: random.Random, score: int | None) -> str:
    mood = "good" if score is None or score >= 4 else "fair" if score == 3 else "poor"
    return rng.choice(texts.FEEDBACK[mood])


def build_visits(rng: random.Random, schedule: dict[str, list[str | None]],
                 complaints: list[Complaint]) -> list[Visit]:
    """Follow-ups of most resolved complaints, plus survey and care visits without one."""
    out: list[Visit] = []
    for c in complaints:
        if c.status != "已办结" or c.resolved_at is None or rng.random() > 0.88:
            continue
        delay = rng.choices((0, 1, 2, 3, 4, 5, 6, 7, 9, 12),
                            weights=(12, 20, 18, 14, 9, 7, 5, 4, 6, 5))[0]
        at, who = _visit_slot(c.resolved_at, delay, schedule, rng)
        method = _pick(rng, METHODS)
        if method == "电话" and rng.random() < 0.12:
            out.append(Visit("", at, c.customer, c.phone, who, method, "投诉回访", c, False,
                             None, rng.choice(texts.FEEDBACK["unreached"])))
            if rng.random() > 0.75:
                continue
            at, who = _visit_slot(at, rng.randint(1, 2), schedule, rng)
        score = None
        if rng.random() < 0.85:
            base = c.satisfaction or draw_satisfaction(rng, False)
            score = max(1, min(5, base + rng.choice((-1, 0, 0, 0, 1))))
        out.append(Visit("", at, c.customer, c.phone, who, method, "投诉回访", c, True, score,
                         _feedback(rng, score)))
    for purpose, n, mood in (("满意度回访", 30, "survey"), ("关怀回访", 10, "care")):
        for _ in range(n):
            day = DAYS[7] + timedelta(days=rng.randint(0, 33))
            at, who = _visit_slot(datetime.combine(day, time(0, 0)), 0, schedule, rng)
            method = "上门" if purpose == "关怀回访" and rng.random() < 0.7 else "电话"
            score = rng.choices((5, 4, 3), weights=(55, 35, 10))[0]
            out.append(Visit("", at, customer_name(rng), customer_phone(rng), who, method,
                             purpose, None, True, score, rng.choice(texts.FEEDBACK[mood])))
    out = [v for v in out if v.visited_at <= VISITS_END]
    out.sort(key=lambda v: v.visited_at)
    seq: dict[int, int] = {}
    for v in out:
        m = v.visited_at.month
        seq[m] = seq.get(m, 0) + 1
        v.visit_id = f"HF{v.visited_at.year}{m:02d}{seq[m]:04d}"
    return out


@dataclass(slots=True)
class Month:
    """Everything the sample workbooks are written from."""

    staff: tuple[Person, ...]
    schedule: dict[str, list[str | None]]
    complaints: list[Complaint]
    visits: list[Visit]


def joiner_complaints(rng: random.Random, first_number: int) -> list[Complaint]:
    """Two complaints for the late joiner, numbered after the month's drawn ones (their own
    random stream, so adding them changes nothing else of the month)."""
    joiner = next(p for p in STAFF if p.joined is not None)
    out = []
    for n, day in enumerate((date(YEAR, MONTH, 27), date(YEAR, MONTH, 29))):
        content = draw_content(rng)
        c = new_complaint(rng, content, datetime.combine(day, time(9 + n, 40)), joiner)
        c.complaint_id = f"TS{YEAR}{MONTH:02d}{first_number + n:04d}"
        resolve(c, rng, SNAPSHOT)
        out.append(c)
    return out


def build_month(seed: int = 2026) -> Month:
    """The whole sample month, the same for the same seed."""
    rng = random.Random(seed)
    schedule = build_schedule()
    complaints = build_complaints(rng, schedule)
    visits = build_visits(rng, schedule, complaints)
    complaints += joiner_complaints(random.Random(f"{seed}:joiner"), len(complaints) + 1)
    return Month(STAFF, schedule, complaints, visits)
