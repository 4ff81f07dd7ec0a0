"""A small, deterministic office for the context and template tests (records as in
docs/architecture.md): two departments, October 2026 with a few earlier months, and a
department duty catalogue. Every number the tests assert follows from the tables below.
"""

from __future__ import annotations

from datetime import date, datetime, timedelta
from typing import Any

Record = dict[str, Any]

AS_OF = date(2026, 11, 5)

STAFF: list[Record] = [
    {"staff_id": "E001", "name": "张丽华", "department": "客服一部", "role": "客服主管",
     "phone": "13812345678", "email": "zhanglh@example.com", "status": "在职"},
    {"staff_id": "E002", "name": "王晓梅", "department": "客服一部", "role": "客服专员",
     "phone": "13900001111", "email": "wangxm@example.com", "status": "在职"},
    {"staff_id": "E003", "name": "李明", "department": "客服一部", "role": "客服专员",
     "phone": "010-62345678", "email": None, "status": "在职"},
    {"staff_id": "E004", "name": "赵强", "department": "客服一部", "role": "回访专员",
     "phone": None, "email": "zhaoq@example.com", "status": "休假"},
    {"staff_id": "E005", "name": "钱进", "department": "客服一部", "role": "客服专员",
     "phone": "13700002222", "email": None, "status": "离职"},
    {"staff_id": "E101", "name": "刘洋", "department": "客服二部", "role": "客服主管",
     "phone": "13600003333", "email": None, "status": "在职"},
    {"staff_id": "E102", "name": "孙婷", "department": "客服二部", "role": "客服专员",
     "phone": "13500004444", "email": None, "status": "在职"},
]
NAMES = {s["staff_id"]: s["name"] for s in STAFF}


def complaint(cid: str, received: datetime, handler: str, category: str, *,
              status: str = "已办结", resolved: datetime | None = None, channel: str = "电话",
              severity: str = "一般", satisfaction: int | None = None,
              department: str | None = None, customer: str = "客户",
              phone: str | None = "13811112222") -> Record:
    return {
        "complaint_id": cid, "received_at": received, "channel": channel, "customer": customer,
        "customer_phone": phone, "category": category, "severity": severity,
        "description": "投诉内容", "department": department, "handler_id": handler,
        "handler_name": NAMES.get(handler), "status": status,
        "resolved_at": resolved if status == "已办结" else None,
        "resolution": "已处理" if status == "已办结" else None, "satisfaction": satisfaction,
    }


D = datetime
# October 2026. 2026-10-01..07 are the National Day holiday; 10-10 (Sat) is a make-up workday.
OCTOBER: list[Record] = [
    # E002 王晓梅: four complaints; one resolved late (一般: deadline 7 working days)
    complaint("TS-1001", D(2026, 10, 8, 9), "E002", "收费问题", resolved=D(2026, 10, 8, 16),
              department="客服一部"),
    complaint("TS-1002", D(2026, 10, 9, 10), "E002", "收费问题", resolved=D(2026, 10, 12, 11),
              channel="微信", department="客服一部"),
    complaint("TS-1003", D(2026, 10, 12, 14), "E002", "服务态度", resolved=D(2026, 10, 26, 9),
              department="客服一部", customer="A&B <C>"),
    complaint("TS-1004", D(2026, 10, 20, 8), "E002", "办理时效", severity="较重",
              resolved=D(2026, 10, 22, 15), department="客服一部"),
    # E003 李明: three, one still open past its deadline, one withdrawn
    complaint("TS-1005", D(2026, 10, 13, 9), "E003", "收费问题", status="处理中",
              department="客服一部", severity="重大"),
    complaint("TS-1006", D(2026, 10, 14, 9), "E003", "服务质量", resolved=D(2026, 10, 15, 9),
              channel="网站", department="客服一部", satisfaction=3),
    complaint("TS-1007", D(2026, 10, 15, 9), "E003", "其他", status="已撤销",
              department="客服一部"),
    # E101 刘洋 (客服二部): two, no 责任部门 given (department comes from the staff list)
    complaint("TS-2001", D(2026, 10, 16, 9), "E101", "收费问题", resolved=D(2026, 10, 16, 17)),
    complaint("TS-2002", D(2026, 10, 19, 9), "E101", "产品质量", resolved=D(2026, 10, 30, 9),
              channel="来访"),
]
SEPTEMBER: list[Record] = [
    complaint("TS-0901", D(2026, 9, 7, 9), "E002", "收费问题", resolved=D(2026, 9, 8, 9),
              department="客服一部", satisfaction=5),
    complaint("TS-0902", D(2026, 9, 8, 9), "E003", "服务态度", resolved=D(2026, 9, 9, 9),
              department="客服一部", satisfaction=4),
]
ALL_COMPLAINTS = SEPTEMBER + OCTOBER


def visit(vid: str, when: datetime, staff: str, cid: str | None, *, reached: bool = True,
          satisfaction: int | None = None, feedback: str | None = None,
          method: str = "电话", phone: str | None = "13811112222",
          customer: str = "客户") -> Record:
    return {
        "visit_id": vid, "visited_at": when, "customer": customer, "customer_phone": phone,
        "staff_id": staff, "staff_name": NAMES.get(staff), "method": method,
        "purpose": "投诉回访" if cid else "日常回访", "complaint_id": cid, "reached": reached,
        "satisfaction": satisfaction, "feedback": feedback,
    }


VISITS: list[Record] = [
    visit("V01", D(2026, 10, 9, 10), "E004", "TS-1001", satisfaction=5),
    visit("V02", D(2026, 10, 13, 10), "E004", "TS-1002", satisfaction=4, method="微信"),
    visit("V03", D(2026, 10, 27, 10), "E004", "TS-1003", satisfaction=2,
          feedback="处理太慢，等了两周", customer="A&B <C>"),
    visit("V04", D(2026, 10, 23, 10), "E004", "TS-1004", reached=False),
    visit("V05", D(2026, 10, 28, 10), "E004", "TS-1004", satisfaction=4),  # 6 days: in window
    visit("V06", D(2026, 10, 17, 10), "E101", "TS-2001", satisfaction=5, feedback="态度很好"),
    # TS-2002 resolved 10-30; visited 11-09: 10 days later, outside the 7-day window
    visit("V07", D(2026, 11, 9, 10), "E101", "TS-2002", satisfaction=3),
    visit("V08", D(2026, 10, 21, 15), "E002", None, satisfaction=1, method="上门",
          feedback="营业厅排队时间太长", phone="021-55556666"),
    visit("V09", D(2026, 9, 9, 10), "E004", "TS-0901", satisfaction=5),
]

SCHEDULE: list[Record] = []
_CYCLE = ("早", "早", "中", "中", "晚", "夜", "休")
for _offset, _sid in enumerate(("E001", "E002", "E003")):
    for _day in range(1, 32):
        _code = _CYCLE[(_day + _offset) % len(_CYCLE)]
        SCHEDULE.append({"date": date(2026, 10, _day), "shift": _code, "staff_id": _sid,
                         "staff_name": NAMES[_sid], "department": "客服一部", "post": None})
# someone of another department on duty: not in 客服一部's calendar
SCHEDULE.append({"date": date(2026, 10, 5), "shift": "白", "staff_id": "E101",
                 "staff_name": "刘洋", "department": "客服二部", "post": None})
# a second shift the same day (early and late): shown as 早/晚
SCHEDULE.append({"date": date(2026, 10, 31), "shift": "晚", "staff_id": "E001",
                 "staff_name": "张丽华", "department": "客服一部", "post": None})


def _items(*items: Any) -> list[Record]:
    out = []
    for item in items:
        if isinstance(item, tuple):
            text, children = item
            out.append({"text": text, "children": _items(*children)})
        else:
            out.append({"text": item, "children": []})
    return out


DUTIES: list[Record] = [
    {"department": "客服一部", "role": "客服专员", "reports_to": "客服主管",
     "purpose": "受理并办结客户投诉，维护客户关系。",
     "duties": _items("接听客户来电，登记投诉信息。",
                      ("按时限处理投诉：", ("核实情况", "提出解决办法", "答复客户")),
                      "参加班组培训。"),
     "requirements": _items("熟悉本单位业务流程。", "普通话标准，表达清楚。")},
    {"department": "客服一部", "role": "客服主管", "reports_to": "客户服务中心主任",
     "purpose": "组织本部门客户服务工作，保证服务质量。",
     "duties": _items("安排排班和值班。", "督办超期投诉。"), "requirements": []},
    {"department": "客服一部", "role": "回访专员", "reports_to": "客服主管", "purpose": None,
     "duties": _items("办结后七日内回访客户。"), "requirements": None},
    {"department": "客服二部", "role": "客服专员", "reports_to": "客服主管", "purpose": None,
     "duties": _items("受理网上投诉。"), "requirements": None},
]


def october_visits_with_links() -> list[Record]:
    """What the report command hands the visit report: visits of October plus linked ones."""
    return [v for v in VISITS if v["visited_at"].month in (10, 11)]


def days(n: int) -> timedelta:
    return timedelta(days=n)
