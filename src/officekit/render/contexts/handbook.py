"""岗位职责手册: a department's roles, directory, complaint procedure and duty calendar."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Mapping, Sequence
from datetime import date, datetime
from typing import Any

from officekit.kpis.compute import natural_key
from officekit.kpis.periods import Period
from officekit.model import Record
from officekit.render.contexts.formatting import DASH, long_date, mask_phone, no_sources
from officekit.settings import Settings

HANDBOOK_KINDS = ("duties", "staff", "schedule")
WEEKDAYS = "一二三四五六日"

# The complaint procedure of the handbook, in our own words; {followup} comes from settings.
PROCEDURE: tuple[tuple[str, str], ...] = (
    ("受理", "通过电话、网站、邮件、微信、来访、信函等任何渠道收到投诉，首位接待人员即为受理人："
             "当场登记投诉编号、客户姓名与联系方式、投诉内容，确定投诉类别和严重程度，"
             "告知客户受理编号及答复时限，并于当日转交责任部门。"),
    ("处理", "责任部门指定处理人，核实情况、与客户沟通并提出解决办法，在规定时限内办结（见下表）。"
             "预计不能按时办结的，处理人应在时限届满前报告部门负责人，并主动向客户说明进展。"
             "办结时在登记表中填写办结时间和处理结果。"),
    ("回访", "投诉办结后{followup}日内，由回访人员联系客户，核实处理结果是否落实，"
             "记录满意度和客户意见；客户仍不满意的，重新转交责任部门处理，直至问题解决。"),
    ("归档", "回访结束后，将投诉登记、处理过程、回访记录整理归档。归档资料是月度投诉分析、"
             "个人考核和服务改进的依据，任何人不得擅自修改或删除。"),
)
SEVERITY_SCOPE = {
    "一般": "咨询、服务态度、一般性差错等影响较小、可以较快解决的问题",
    "较重": "影响客户正常办理业务、多次投诉未解决或造成一定经济损失的问题",
    "重大": "涉及人身财产安全、群体性诉求，或可能引起媒体关注、上级督办的事件",
}





def _items(items: Sequence[Mapping[str, Any]] | None, level: int = 1) -> list[dict[str, Any]]:
    """Numbered text (``{text, children}``) with labels: ``1.`` then ``(1)`` then ``①``."""
    out = []
    for i, item in enumerate(items or (), start=1):
        if level == 1:
            label = f"{i}."
        elif level == 2:
            label = f"({i})"
        else:
            label = chr(0x2460 + i - 1) if i <= 20 else f"{i})"
        out.append({"number": label, "text": str(item.get("text") or "").strip(),
                    "children": _items(item.get("children"), level + 1)})
    return out


def _role_order(duties: Sequence[Record]) -> list[Record]:
    """Roles top-down: those reporting outside the department first, then their reports."""
    by_role = {r["role"]: r for r in duties}
    order: list[Record] = []
    placed: set[str] = set()
    frontier = [r for r in duties if r.get("reports_to") not in by_role]
    while frontier:
        order.extend(frontier)
        placed.update(r["role"] for r in frontier)
        frontier = [r for r in duties if r["role"] not in placed
                    and r.get("reports_to") in placed]
    order.extend(r for r in duties if r["role"] not in placed)  # a cycle: keep what is left
    return order


def handbook_context(department: str, duties: Sequence[Record], staff: Sequence[Record],
                     schedule: Sequence[Record], settings: Settings, *, month: Period,
                     edition: date, printed: date | None = None,
                     sources: Mapping[str, Any] | None = None) -> dict[str, Any]:
    """The context of a department's 岗位职责手册, with the duty calendar of ``month``.

    ``duties`` are the department's duty records (one per role, items parsed), ``staff`` the
    staff list (any department: the directory keeps this one's, less those who left),
    ``schedule`` the entries of ``month``.
    """
    roles = []
    for n, record in enumerate(_role_order([d for d in duties
                                             if d.get("department") == department]), start=1):
        roles.append({
            "number": n, "role": record["role"],
            "reports_to": record.get("reports_to") or DASH,
            "purpose": (record.get("purpose") or "").strip() or DASH,
            "duties": _items(record.get("duties")),
            "requirements": _items(record.get("requirements")),
            "anchor": f"role{n}",
        })
    role_rank = {r["role"]: i for i, r in enumerate(roles)}
    people = [s for s in staff if s.get("department") == department and s.get("status") != "离职"]
    people.sort(key=lambda s: (role_rank.get(s.get("role"), len(roles)),
                               natural_key(str(s.get("staff_id") or ""))))
    directory = [{
        "index": i, "name": s.get("name") or DASH, "staff_id": s.get("staff_id") or DASH,
        "role": s.get("role") or DASH, "phone": mask_phone(s.get("phone"), settings.mask_phones),
        "email": s.get("email") or DASH, "status": s.get("status") or "在职",
    } for i, s in enumerate(people, start=1)]

    calendar = _duty_calendar(department, people, schedule, settings, month)
    toc = [{"level": 1, "title": "一、岗位设置与职责", "page": ""}]
    toc += [{"level": 2, "title": f"{r['number']}. {r['role']}", "page": ""} for r in roles]
    toc += [{"level": 1, "title": t, "page": ""} for t in
            ("二、人员名录", "三、投诉处理流程", f"四、{month.label_zh}值班安排",
             "五、数据来源")]
    deadlines = [{"severity": sev, "days": settings.deadlines.get(sev, 0),
                  "scope": SEVERITY_SCOPE.get(sev, DASH)}
                 for sev in settings.enums["severity"].values if sev in settings.deadlines]
    return {
        "department": department,
        "edition": f"{edition.year}年{edition.month}月版",
        "edition_date": long_date(printed or edition),
        "month_label": month.label_zh,
        "toc": toc,
        "roles": roles,
        "has_roles": bool(roles),
        "directory": directory,
        "calendar": calendar,
        "procedure": [{"step": step, "text": text.format(followup=settings.followup_days)}
                      for step, text in PROCEDURE],
        "flow": " → ".join(step for step, _ in PROCEDURE),
        "deadlines": deadlines,
        "followup_days": settings.followup_days,
        **(sources if sources is not None else no_sources()),
    }


def shift_legend(settings: Settings) -> str:
    """``早＝早班（08:00–16:00）；…；休＝休息`` — the key printed under the duty calendar.

    It tells the story validation tells (validate/cross.py): a shift starting at 00:00 on the
    day shown is the night *after* that day (夜 on the 22nd = the night into the 23rd), and a
    shift ending after midnight ends the next day.
    """
    parts = []
    for code, shift in settings.shifts.items():
        text = f"{code}＝{shift.name}"
        if shift.start is not None and shift.end is not None:
            midnight_end = shift.end.hour == shift.end.minute == 0
            if shift.start.hour == shift.start.minute == 0:
                text += f"（当日夜间，次日00:00–{shift.end:%H:%M}）"
            elif shift.ends_next_day and not midnight_end:
                text += f"（{shift.start:%H:%M}–次日{shift.end:%H:%M}）"
            else:
                end = "24:00" if midnight_end else f"{shift.end:%H:%M}"
                text += f"（{shift.start:%H:%M}–{end}）"
        parts.append(text)
    return "；".join(parts)


def _duty_calendar(department: str, people: Sequence[Record], schedule: Sequence[Record],
                   settings: Settings, month: Period) -> dict[str, Any]:
    """A person × day grid of shift codes for ``month`` (31 columns, blank past month end)."""
    start, end = month.start, month.end
    ids = {str(p["staff_id"]) for p in people if p.get("staff_id")}
    names = {str(p["staff_id"]): p.get("name") or p["staff_id"] for p in people}
    by_name = {p.get("name"): str(p["staff_id"]) for p in people if p.get("name")}
    grid: dict[str, dict[int, list[str]]] = defaultdict(lambda: defaultdict(list))
    for e in schedule:
        day = _day(e.get("date"))
        if day is None or not start <= day <= end:
            continue
        key = str(e.get("staff_id") or by_name.get(e.get("staff_name")) or e.get("staff_name"))
        if key not in ids and e.get("department") != department:
            continue
        names.setdefault(key, e.get("staff_name") or key)
        if e.get("shift") and e["shift"] not in grid[key][day.day]:
            grid[key][day.day].append(str(e["shift"]))
    order = [str(p["staff_id"]) for p in people if str(p.get("staff_id")) in grid]
    order += sorted((k for k in grid if k not in order), key=natural_key)
    last = end.day
    days = []
    for d in range(1, 32):
        if d <= last:
            weekday = date(month.year, start.month, d).weekday()
            days.append({"day": str(d), "weekday": WEEKDAYS[weekday], "weekend": weekday >= 5})
        else:
            days.append({"day": "", "weekday": "", "weekend": False})
    rows = []
    for key in order:
        cells = ["/".join(grid[key].get(d, [])) if d <= last else "" for d in range(1, 32)]
        codes = [c for d in range(1, last + 1) for c in grid[key].get(d, [])]
        worked = sum(1 for c in codes if (s := settings.shifts.get(c)) is not None and s.worked)
        rows.append({"name": names.get(key, key), "cells": cells, "worked": worked})
    return {"month_label": month.label_zh, "days": days, "rows": rows,
            "legend": shift_legend(settings),
            "has_rows": bool(rows)}


def _day(value: date | datetime | None) -> date | None:
    return value.date() if isinstance(value, datetime) else value


def toc_with_pages(context: Mapping[str, Any], pages: Sequence[int | None]) -> dict[str, Any]:
    """The handbook context with each TOC entry's page number (``pages`` in entry order, as
    laid out by :func:`officekit.render.tocpages.heading_pages`; None leaves it blank)."""
    toc = [{**entry, "page": str(page) if page else ""}
           for entry, page in zip(context["toc"], pages, strict=True)]
    return {**context, "toc": toc}
