"""The messy ways a hand-kept workbook writes a value, and how to write them with xlsxwriter.

A :class:`Cell` is what goes into one spreadsheet cell: a string, a number, or a real date cell
with its display format. The choosers here pick a form at random (seeded) but never one that
would change the meaning: a date written without its time reads back as midnight, so such a
form is only used when midnight still comes after the value it must follow.
"""

from __future__ import annotations

import io
import random
import zipfile
from dataclasses import dataclass
from datetime import date, datetime
from pathlib import Path
from typing import Any

import xlsxwriter

from officekit.samples.names import Person

FIXED_CREATED = datetime(2026, 11, 2, 9, 0, 0)  # document properties, for reproducible bytes
_FULL_WIDTH = str.maketrans("0123456789/:", "０１２３４５６７８９／：")

SATISFACTION_WORDS = {5: "非常满意", 4: "满意", 3: "基本满意", 2: "不满意", 1: "非常不满意"}


@dataclass(frozen=True, slots=True)
class Cell:
    """One cell as written: ``value`` is str, int, float, date or datetime; ``num_format``
    is the Excel display format of a date or number cell (None: general)."""

    value: Any
    num_format: str | None = None


# --------------------------------------------------------------------------------------------
# Dates

def _dt_forms(dt: datetime, yearless: bool) -> list[tuple[int, Cell, bool]]:
    """(weight, cell, keeps_time) for every way the registers write a moment; ``yearless``
    allows ``10月3日 9:15`` (only where the sheet's period gives the year)."""
    hm = f"{dt.hour}:{dt.minute:02d}"
    return [
        (40, Cell(dt, "yyyy-mm-dd hh:mm"), True),
        (14, Cell(dt, "yyyy/m/d h:mm"), True),
        (14, Cell(f"{dt.year}/{dt.month}/{dt.day} {hm}"), True),
        (9, Cell(dt.strftime("%Y-%m-%d %H:%M")), True),
        (5, Cell(f"{dt.year}.{dt.month}.{dt.day} {hm}"), True),
        (4 if yearless else 0, Cell(f"{dt.month}月{dt.day}日 {hm}"), True),
        (2, Cell(f"{dt.year}/{dt.month}/{dt.day} {hm}".translate(_FULL_WIDTH)), True),
        (8, Cell(f"{dt.year}年{dt.month}月{dt.day}日"), False),
        (4, Cell(datetime.combine(dt.date(), datetime.min.time()), "yyyy-mm-dd"), False),
    ]


def as_read(dt: datetime, keeps_time: bool) -> datetime:
    """The value a reader gets back from a form: without the time it is midnight."""
    return dt if keeps_time else datetime.combine(dt.date(), datetime.min.time())


def datetime_cell(dt: datetime, rng: random.Random, not_before: datetime | None = None,
                  *, yearless: bool = True) -> tuple[Cell, datetime]:
    """A random written form of ``dt`` and the value it reads back as, which is never earlier
    than ``not_before`` (the received time a resolution or visit must follow)."""
    forms = _dt_forms(dt, yearless)
    _, cell, keeps = rng.choices(forms, weights=[w for w, _, _ in forms])[0]
    if not_before is not None and as_read(dt, keeps) < not_before:
        cell, keeps = forms[0][1], True
    return cell, as_read(dt, keeps)


def date_cell(day: date, rng: random.Random) -> Cell:
    """A date (no time) in one of the forms a roster uses for 入职日期."""
    forms = [
        (35, Cell(day, "yyyy-mm-dd")),
        (10, Cell(day, "yyyy年m月d日")),
        (20, Cell(f"{day.year}/{day.month}/{day.day}")),
        (15, Cell(f"{day.year}年{day.month}月{day.day}日")),
        (10, Cell(f"{day.year}.{day.month:02d}.{day.day:02d}")),
        (10, Cell(day.isoformat())),
    ]
    return rng.choices([c for _, c in forms], weights=[w for w, _ in forms])[0]


# --------------------------------------------------------------------------------------------
# People, phones, scores

def staff_cell(person: Person, rng: random.Random) -> Cell:
    """A person as a register names them: 姓名, 姓名(工号), rarely 工号 alone. A shared
    name always carries its 工号 (the validator cannot tell the two apart otherwise)."""
    roll = rng.random()
    if roll < 0.03:
        return Cell(person.staff_id)
    if person.label != person.name or roll < 0.22:
        paren = ("（", "）") if roll > 0.19 else ("(", ")")
        return Cell(f"{person.name}{paren[0]}{person.staff_id}{paren[1]}")
    return Cell(person.name)


def phone_cell(phone: str, rng: random.Random) -> Cell:
    """Mobiles are sometimes typed into a number cell, or spaced for reading."""
    roll = rng.random()
    if phone.isdigit() and roll < 0.2:
        return Cell(int(phone), "0")
    if phone.isdigit() and roll < 0.25:
        return Cell(f"{phone[:3]} {phone[3:7]} {phone[7:]}")
    return Cell(phone)


def satisfaction_cell(score: int | None, rng: random.Random) -> Cell | None:
    """A 1–5 score as a number or in words."""
    if score is None:
        return None
    return Cell(score) if rng.random() < 0.5 else Cell(SATISFACTION_WORDS[score])


# --------------------------------------------------------------------------------------------
# Writing

class Sheet:
    """An xlsxwriter worksheet with a cache of formats, so callers write :class:`Cell` s."""

    def __init__(self, workbook: Any, name: str) -> None:
        self.book = workbook
        self.ws = workbook.add_worksheet(name)
        self._formats: dict[tuple[str | None, bool], Any] = {}

    def fmt(self, num_format: str | None = None, wrap: bool = False) -> Any:
        key = (num_format, wrap)
        if key not in self._formats:
            props: dict[str, Any] = {"valign": "vcenter"}
            if num_format:
                props["num_format"] = num_format
            if wrap:
                props["text_wrap"] = True
            self._formats[key] = self.book.add_format(props)
        return self._formats[key]

    def put(self, row: int, col: int, cell: Cell | str | float | None, wrap: bool = False
            ) -> None:
        """Write one cell (0-based row and column); None leaves it empty."""
        if cell is None:
            return
        if not isinstance(cell, Cell):
            cell = Cell(cell)
        value, fmt = cell.value, self.fmt(cell.num_format, wrap)
        if isinstance(value, datetime | date):
            self.ws.write_datetime(row, col, value, fmt)
        elif isinstance(value, bool):
            self.ws.write_boolean(row, col, value, fmt)
        elif isinstance(value, int | float):
            self.ws.write_number(row, col, value, fmt)
        else:
            self.ws.write_string(row, col, str(value), fmt)

    def title(self, text: str, last_col: int, row: int = 0) -> None:
        """A merged, bold, centred title across the top, the way offices head a sheet."""
        fmt = self.book.add_format({"bold": True, "font_size": 16, "align": "center",
                                    "valign": "vcenter"})
        self.ws.merge_range(row, 0, row, last_col, text, fmt)
        self.ws.set_row(row, 30)

    def header(self, row: int, names: list[str], col: int = 0) -> None:
        """A bold, bordered header row."""
        fmt = self.header_format()
        for j, name in enumerate(names):
            self.ws.write_string(row, col + j, name, fmt)

    def header_format(self) -> Any:
        if ("__header__", False) not in self._formats:
            self._formats[("__header__", False)] = self.book.add_format(
                {"bold": True, "border": 1, "align": "center", "valign": "vcenter",
                 "bg_color": "#DDEBF7", "text_wrap": True})
        return self._formats[("__header__", False)]


def new_workbook(target: Path | io.BytesIO, *, title: str | None = None, **options: Any) -> Any:
    """An xlsxwriter workbook (to a file or a buffer) with fixed document properties, so the
    bytes are reproducible."""
    if isinstance(target, Path):
        workbook = xlsxwriter.Workbook(str(target), options)
        title = title or target.stem
    else:
        workbook = xlsxwriter.Workbook(target, {"in_memory": True, **options})
    workbook.set_properties({"title": title or "", "author": "客户服务中心",
                             "company": "云泽市供电公司", "created": FIXED_CREATED})
    return workbook


def normalise_zip(path: Path) -> None:
    """Rewrite a zip container with fixed timestamps (odfpy stamps the current time)."""
    with zipfile.ZipFile(path) as src:
        entries = [(info, src.read(info)) for info in src.infolist()]
    with zipfile.ZipFile(path, "w") as dst:
        for info, data in entries:
            fixed = zipfile.ZipInfo(info.filename, date_time=(2026, 11, 2, 9, 0, 0))
            fixed.compress_type = info.compress_type
            fixed.external_attr = info.external_attr
            dst.writestr(fixed, data)
