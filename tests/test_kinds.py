"""kinds.py: the constraints on the fields name what exists, and the natural keys they give."""

from __future__ import annotations

from datetime import date, datetime

import pytest

from officekit.canonical import COMPLAINT_STATUSES
from officekit.kinds import DERIVED, KINDS, PERIOD_FIELDS, FieldType, Kind, key_parts
from officekit.settings import DEFAULT_ENUMS

DATES = (FieldType.DATE, FieldType.DATETIME)


@pytest.mark.parametrize("kind", KINDS.values(), ids=lambda k: k.name)
def test_constraints_name_fields_of_their_kind(kind: Kind) -> None:
    names = {f.name for f in kind.fields}
    for later, earlier in kind.date_order:
        assert kind.field(later).type in DATES and kind.field(earlier).type in DATES
    for name in kind.past_only + kind.period_fields:
        assert kind.field(name).type in DATES
    for status, name, _ in kind.status_rules:
        assert name in names
        assert status in DEFAULT_ENUMS[kind.field("status").enum or ""].values
    for part in kind.key + kind.fallback_key:
        assert part.rstrip("?") in names | set(DERIVED)
    assert sum(f.unique for f in kind.fields) <= 1


def test_the_complaint_statuses_are_the_canonical_ones() -> None:
    assert DEFAULT_ENUMS["complaint_status"].values == COMPLAINT_STATUSES


def test_period_fields_come_from_the_fields() -> None:
    assert PERIOD_FIELDS == {"complaints": ("received_at", "resolved_at"),
                             "visits": ("visited_at",), "schedule": ("date",)}


def test_key_parts() -> None:
    day = date(2026, 10, 5)
    # a schedule entry is keyed by its person: the 工号, else (unresolved) the 姓名
    assert key_parts(KINDS["schedule"], {"date": day, "staff_name": "张敏", "shift": "早"}) == (
        (day, "张敏", "早"), frozenset())
    # a visit with its 回访编号 is keyed by it; without, by day, customer, person, complaint
    visit = {"visit_id": "HF-1", "visited_at": datetime(2026, 10, 5, 14, 0), "customer": "刘",
             "staff_id": "1001"}
    assert key_parts(KINDS["visits"], visit) == (("HF-1",), frozenset())
    assert key_parts(KINDS["visits"], {**visit, "visit_id": None}) == (
        (day, "刘", "1001", None), frozenset({3}))
    assert key_parts(KINDS["duties"], {"department": "客服一部", "role": "坐席"}) == (
        ("客服一部", "坐席"), frozenset())
