"""Write a big office's month for the report benchmark: 10 departments × 30 staff, October 2026.

The workbooks look like the sample month's (officekit.samples): a 花名册 with a title row, a
wide 排班表, a complaint register with its two-row header, a visit log — written by the
sample's own sheet writers, so dates, synonyms and phones come in the same mixed forms. The
facts are drawn like the sample's too, scaled up: every department runs the hotline rotation,
~3,000 complaints are each received by someone on a worked shift, most resolved ones are
followed up by one of the department's 回访专员 within days. Same seed, same files.

    python bench/make_staff.py OUT_DIR [departments] [staff_per_department] [complaints]
"""

from __future__ import annotations

import random
import sys
import time
from datetime import datetime, timedelta
from datetime import time as clock
from pathlib import Path

from officekit.samples.generate import write_complaints, write_schedule, write_staff, write_visits
from officekit.samples.month import (
    DAYS,
    HOTLINE_CYCLE,
    SHIFT_HOURS,
    SNAPSHOT,
    VISITS_MAIN_END,
    WORKED,
    Complaint,
    Month,
    Visit,
    draw_content,
    is_workday,
    new_complaint,
    resolve,
)
from officekit.samples.names import Person
from officekit.samples.texts import FEEDBACK

DIGITS = "一二三四五六七八九十"
SURNAMES = ("王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢"
            "宋唐许韩冯邓曹彭曾肖田董袁潘于蒋蔡余杜叶程")
GIVEN = ("伟芳娜英敏静丽强磊军洋勇艳杰娟涛明超兰霞平刚华玉萍红"
         "玲芬燕彬鹏辉宇浩凯健俊帆旭宁龙林欣瑶怡晨阳佳琳雪梅")
# role and how many per department (the rest are 客服专员)
ROLES = (("部门经理", 1), ("值班经理", 2), ("客服主管", 3), ("回访专员", 3))
HANDLERS = ("客服专员", "客服主管", "值班经理")
FILES = ("2026年10月花名册.xlsx", "2026年10月排班表.xlsx", "2026年10月投诉登记表.xlsx",
         "2026年10月回访记录表.xlsx")


def department_name(i: int) -> str:
    """客服一部 … 客服十部, then 客服11部 and so on."""
    return f"客服{DIGITS[i]}部" if i < len(DIGITS) else f"客服{i + 1}部"


def make_staff(departments: int, per_department: int, rng: random.Random) -> list[Person]:
    """``departments`` × ``per_department`` people with unique names and 工号 ``DDNN``."""
    names: set[str] = set()
    people: list[Person] = []
    for d in range(departments):
        dept = department_name(d)
        roles = [role for role, n in ROLES for _ in range(n)]
        roles += ["客服专员"] * (per_department - len(roles))
        for i, role in enumerate(roles[:per_department]):
            while True:
                name = rng.choice(SURNAMES) + "".join(rng.choices(GIVEN, k=rng.choice((1, 2, 2))))
                if name not in names:
                    names.add(name)
                    break
            sid = f"{d + 1:02d}{i + 1:02d}"
            manager = None if i == 0 else f"{d + 1:02d}01"
            people.append(Person(sid, name, f"staff{sid}", dept, role, manager))
    return people


def make_schedule(staff: list[Person]) -> dict[str, list[str | None]]:
    """Managers and 回访专员 work office hours; everyone else the 24-hour hotline rotation."""
    cycle = len(HOTLINE_CYCLE)
    out: dict[str, list[str | None]] = {}
    for i, p in enumerate(staff):
        if p.role in ("部门经理", "回访专员"):
            out[p.staff_id] = ["白" if is_workday(d) else "休" for d in DAYS]
        else:
            out[p.staff_id] = [HOTLINE_CYCLE[(k + i) % cycle] for k in range(len(DAYS))]
    return out


def make_complaints(staff: list[Person], schedule: dict[str, list[str | None]], count: int,
                    rng: random.Random) -> list[Complaint]:
    """``count`` complaints received in October, each by a handler on a worked shift."""
    handlers = [p for p in staff if p.role in HANDLERS]
    out: list[Complaint] = []
    while len(out) < count:
        k = rng.randrange(len(DAYS))
        person = rng.choice(handlers)
        code = schedule[person.staff_id][k]
        if code not in WORKED:
            continue
        start, minutes = SHIFT_HOURS[code]
        received = datetime.combine(DAYS[k], start) + timedelta(
            minutes=rng.randint(5, minutes - 20))
        out.append(new_complaint(rng, draw_content(rng), received, person))
    out.sort(key=lambda c: c.received_at)
    for i, c in enumerate(out, 1):
        c.complaint_id = f"TS202610{i:05d}"
        resolve(c, rng, SNAPSHOT)
    return out


def make_visits(staff: list[Person], complaints: list[Complaint],
                rng: random.Random) -> list[Visit]:
    """A reached follow-up of ~85% of resolved complaints by a 回访专员 of the department,
    0–9 days after the resolution, in office hours on a working day, up to the log's end."""
    visitors: dict[str, list[Person]] = {}
    for p in staff:
        if p.role == "回访专员":
            visitors.setdefault(p.department, []).append(p)
    out: list[Visit] = []
    for c in complaints:
        if c.resolved_at is None or rng.random() > 0.85:
            continue
        day = c.resolved_at.date() + timedelta(days=rng.choice((0, 1, 1, 2, 2, 3, 4, 6, 9)))
        while not is_workday(day):
            day += timedelta(days=1)
        at = max(datetime.combine(day, clock(9, 0)), c.resolved_at + timedelta(minutes=30))
        at += timedelta(minutes=rng.randint(0, 300))
        if at > VISITS_MAIN_END:
            continue
        score = c.satisfaction or rng.choices((5, 4, 3, 2, 1), weights=(45, 35, 12, 6, 2))[0]
        mood = "good" if score >= 4 else "fair" if score == 3 else "poor"
        out.append(Visit("", at, c.customer, c.phone, rng.choice(visitors[c.department]),
                         rng.choice(("电话", "电话", "电话", "微信", "短信")), "投诉回访", c, True,
                         score, rng.choice(FEEDBACK[mood])))
    out.sort(key=lambda v: v.visited_at)
    for i, v in enumerate(out, 1):
        v.visit_id = f"HF{v.visited_at:%Y%m}{i:05d}"
    return out


def write_office(dest: Path, departments: int = 10, per_department: int = 30,
                 complaints: int = 3000, seed: int = 2026) -> list[Path]:
    """Write the four workbooks into ``dest``; returns them in ingest order (staff first)."""
    dest.mkdir(parents=True, exist_ok=True)
    rng = random.Random(seed)
    staff = make_staff(departments, per_department, rng)
    schedule = make_schedule(staff)
    registered = make_complaints(staff, schedule, complaints, rng)
    visits = make_visits(staff, registered, rng)
    month = Month(tuple(staff), schedule, registered, visits)
    forms = random.Random(f"{seed}:forms")
    paths = [dest / name for name in FILES]
    write_staff(paths[0], month, forms)
    write_schedule(paths[1], month)
    received = write_complaints(paths[2], month, forms)
    write_visits(paths[3], visits, received, forms)
    return paths


def main(argv: list[str]) -> int:
    if not 1 <= len(argv) <= 4:
        print("用法 / usage: python bench/make_staff.py OUT_DIR [departments] "
              "[staff_per_department] [complaints]", file=sys.stderr)
        return 2
    sizes = [int(a) for a in argv[1:]]
    t0 = time.perf_counter()
    paths = write_office(Path(argv[0]), *sizes)
    for p in paths:
        print(p)
    print(f"{time.perf_counter() - t0:.1f} s", file=sys.stderr)
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))

