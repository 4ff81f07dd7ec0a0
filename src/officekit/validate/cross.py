"""Rules that look past one record: the staff list, complaints ↔ visits, the duty timeline.

Each rule reads the file's sheets together with what the ledger already holds (through
:class:`~officekit.validate.view.LedgerView`) and yields :class:`~officekit.model.Issue` data.
:func:`officekit.validate.rules.check_sheets` runs them after the record-level rules.

Decisions worth knowing (SPEC §4 leaves them open):

* The staff list is the ledger's staff, updated by the staff sheets of the same file (by 工号).
  A reference is resolved by 工号 when one is given, else by 姓名; a resolved reference gets both
  ``X_id`` and ``X_name`` filled in on the record, so the ledger stores both.
* A 工号 and 姓名 that name different people (``王芳(1003)`` where 1003 is 李强) is the error
  ``staff-mismatch``; it is reported on the 工号 cell when the sheet has one, else on the 姓名 cell.
  A person sharing a name with someone else is ``ambiguous-staff`` even if one of them has left:
  old complaints may name either.
* Shift times: a shift that starts at 00:00 (夜班 00:00–08:00) is worked in the night *after*
  its date — "10月5日夜班" is the night of the 5th into the 6th — which is what makes SPEC's
  "夜班 followed by 早班 the next day" a rest problem. Any other shift starts on its date
  (晚班 16:00–24:00 ends at midnight; a 22:00–06:00 shift ends the next morning).
  ``rest-rule`` is then one rule: fewer than :data:`REST_HOURS` hours between the end of one
  worked shift and the start of the person's next (a double shift, 0 hours, included).
  Overlapping shifts are ``schedule-clash`` instead.
* A schedule sheet replaces the ledger's entries for the (person, date) pairs it has; the ledger's
  other entries still count for clashes, rest and coverage.
"""

from __future__ import annotations

import calendar
import difflib
import re
from collections import defaultdict
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from operator import itemgetter
from typing import Any

from officekit.canonical import OPEN_STATUSES, RESOLVED
from officekit.kinds import KINDS
from officekit.model import Issue, LazyRecords, Record, Severity, SheetResult, cell_ref
from officekit.settings import Settings, Shift
from officekit.validate.view import LedgerView

# Severity of every code validation raises (SPEC §4; staff-mismatch is ours, an error).
SEVERITY: dict[str, Severity] = {
    "duplicate-key": "error",
    "date-order": "error",
    "future-date": "error",
    "status-fields": "error",
    "unknown-staff": "error",
    "staff-mismatch": "error",
    "ambiguous-staff": "error",
    "schedule-clash": "error",
    "no-staff-list": "warning",
    "unknown-complaint": "warning",
    "duplicate-row": "warning",
    "status-regression": "warning",
    "rest-rule": "warning",
    "uncovered-shift": "warning",
    "staff-id-number": "warning",  # issue 15: a 工号 that lost its leading zeros
}

REST_HOURS = 8

# kind → (record key of the 工号, record key of the 姓名, kind field whose one cell holds both)
STAFF_REFS: dict[str, tuple[str, str, str | None]] = {
    k.name: ref for k in KINDS.values() if (ref := k.staff_ref) is not None}

_UNSET: Any = object()


def issue_at(code: str, sheet: SheetResult, record: Record | None = None,
             field: str | None = None, *, col: int | None = None, row: int | None = None,
             value: Any = _UNSET, variant: str | None = None, **params: Any) -> Issue:
    """An issue of ``code`` on ``record``'s cell for ``field`` in ``sheet``.

    The cell's column is ``col`` if given, else the field's column; the column header comes
    from the sheet as written. ``variant`` picks a more specific message in the catalogue.
    """
    if row is None and record is not None:
        row = record.get("_row")
    if col is None and field is not None:
        col = sheet.field_cols.get(field)
    if value is _UNSET:
        value = record.get(field) if record is not None and field is not None else None
    if variant is not None:
        params["variant"] = variant
    return Issue(SEVERITY[code], code, sheet.name, row, col,
                 sheet.columns.get(col) if col is not None else None, field, value, params)


def as_datetime(value: Any) -> datetime | None:
    """A date or datetime value as a datetime (a date alone → midnight); anything else None."""
    if isinstance(value, datetime):
        return value
    if isinstance(value, date):
        return datetime.combine(value, time())
    return None


def as_date(value: Any) -> date | None:
    """The calendar day of a date or datetime value; anything else None."""
    dt = as_datetime(value)
    return dt.date() if dt is not None else None


def when_text(value: Any) -> str:
    """A date/datetime for a message: ``2026-10-05 14:00``, or ``2026-10-05`` with no time."""
    dt = as_datetime(value)
    if dt is None:
        return "" if value is None else str(value)
    return dt.strftime("%Y-%m-%d") if dt.time() == time() else dt.strftime("%Y-%m-%d %H:%M")


def key_texts(records: Sequence[Record] | SheetResult, field: str) -> list[str] | None:
    """Each record's ``field`` as a key (its stripped text) when every one is a non-blank str,
    as in the usual register: found with no function call per row, since it runs on every
    row of a 100,000-row file. Else None (the caller takes the row by row path). Given a
    sheet, its column as read is used (SheetResult.column)."""
    values: list[Any] = (records.column(field) if isinstance(records, SheetResult)
                         else [r.get(field) for r in records])
    try:
        texts = list(map(str.strip, values))
    except TypeError:  # None, or a number
        return None
    return texts if all(texts) else None


class KeyColumns:
    """Each sheet's key column (投诉编号, 工号…) as texts (:func:`key_texts`) and the set of
    them, worked out once for all the rules of one check: the key, duplicate-row and link
    rules all read them, and each is a pass over 100,000 values."""

    def __init__(self) -> None:
        self._texts: dict[tuple[int, str], list[str] | None] = {}
        self._sets: dict[tuple[int, str], set[str] | None] = {}

    def texts(self, sheet: SheetResult, field: str) -> list[str] | None:
        """:func:`key_texts` of ``sheet``'s ``field``."""
        at = (id(sheet), field)
        if at not in self._texts:
            self._texts[at] = key_texts(sheet, field)
        return self._texts[at]

    def distinct(self, sheet: SheetResult, field: str) -> set[str] | None:
        """The set of :meth:`texts` (None when that is None); not to be changed."""
        at = (id(sheet), field)
        if at not in self._sets:
            texts = self.texts(sheet, field)
            self._sets[at] = None if texts is None else set(texts)
        return self._sets[at]

    def all_different(self, sheet: SheetResult, field: str) -> bool:
        """Whether every key of the sheet is a text and no two are alike."""
        found = self.distinct(sheet, field)
        return found is not None and len(found) == len(self.texts(sheet, field) or ())


def _text(value: Any) -> str | None:
    text = "" if value is None else str(value).strip()
    return text or None


def _norm(name: str) -> str:
    return "".join(name.split())


def staff_label(staff_id: str | None, name: str | None) -> str:
    """How a person is written in messages and suggestions: ``王芳(1003)``, ``王芳`` or ``1003``."""
    if staff_id and name:
        return f"{name}({staff_id})"
    return name or staff_id or ""


# --------------------------------------------------------------------------------------------
# The staff list


@dataclass(slots=True)
class Resolution:
    staff: Record | None
    code: str | None = None  # why it did not resolve
    params: dict[str, Any] = field(default_factory=dict)


@dataclass(slots=True)
class StaffList:
    """Staff by 工号 and by 姓名 (names normalised: whitespace removed)."""

    by_id: dict[str, Record]
    by_name: dict[str, list[Record]]

    @classmethod
    def build(cls, stored: Iterable[Record], sheets: Sequence[SheetResult]) -> StaffList:
        """The ledger's staff updated by the file's staff sheets (the file wins; within the
        file the first row of a 工号 wins — a repeat is a duplicate-key error anyway)."""
        by_id = {str(r["staff_id"]): r for r in stored if _text(r.get("staff_id"))}
        from_file: dict[str, Record] = {}
        for sheet in sheets:
            if sheet.kind == "staff":
                for r in sheet.records:
                    sid = _text(r.get("staff_id"))
                    if sid and sid not in from_file:
                        from_file[sid] = r
        by_id.update(from_file)
        by_name: dict[str, list[Record]] = defaultdict(list)
        for r in by_id.values():
            name = _text(r.get("name"))
            if name:
                by_name[_norm(name)].append(r)
        return cls(by_id, dict(by_name))

    def __bool__(self) -> bool:
        return bool(self.by_id)

    def resolve(self, staff_id: str | None, name: str | None) -> Resolution:
        """Find the person a 工号 and/or 姓名 names, or say why not."""
        if staff_id:
            found = self.by_id.get(staff_id)
            if found is None:
                return Resolution(None, "unknown-staff",
                                  {"suggestion": self.suggest(staff_id, name)})
            listed = _text(found.get("name")) or ""
            if name and _norm(name) != _norm(listed):
                return Resolution(None, "staff-mismatch", {
                    "staff_id": staff_id, "listed_name": listed, "given_name": name})
            return Resolution(found)
        if not name:
            return Resolution(None)
        matches = self.by_name.get(_norm(name), [])
        if len(matches) == 1:
            return Resolution(matches[0])
        if matches:
            labels = sorted(staff_label(str(m["staff_id"]), name) for m in matches)
            return Resolution(None, "ambiguous-staff", {"candidates": labels,
                                                        "example": labels[0]})
        return Resolution(None, "unknown-staff", {"suggestion": self.suggest(None, name)})

    def suggest(self, staff_id: str | None, name: str | None) -> str:
        """The nearest person as ``姓名(工号)``, or "" when nobody is near."""
        if name:
            close = difflib.get_close_matches(_norm(name), list(self.by_name), n=1, cutoff=0.5)
            if close:
                person = self.by_name[close[0]][0]
                return staff_label(str(person["staff_id"]), _text(person.get("name")))
        if staff_id:
            close = difflib.get_close_matches(staff_id, list(self.by_id), n=1, cutoff=0.6)
            if close:
                return staff_label(close[0], _text(self.by_id[close[0]].get("name")))
        return ""


def check_staff(sheets: Sequence[SheetResult], staff: StaffList) -> Iterator[Issue]:
    """Resolve every person a record names against the staff list; fill in 工号 and 姓名.

    A wide schedule has one record per cell: its person is reported once per row. Read and
    filled in by column (SheetResult.values): records not yet built are built with them.
    """
    naming = [s for s in sheets if s.kind in STAFF_REFS and s.column("_row")]
    if not naming:
        return
    if not staff:
        yield issue_at("no-staff-list", naming[0])
        return
    # (工号, 姓名) as written → the resolution, and the 工号 and 姓名 to fill in when resolved
    memo: dict[tuple[str | None, str | None], _Found] = {}

    def lookup(sid: Any, name: Any) -> _Found:
        sid = None if sid is None else str(sid).strip() or None
        name = None if name is None else str(name).strip() or None
        found = memo.get((sid, name))
        if found is None:
            res = staff.resolve(sid, name)
            person = res.staff or {}
            found = memo[(sid, name)] = (res, str(person.get("staff_id")),
                                         _text(person.get("name")), sid, name)
        return found

    reported: set[tuple[str, Any]] = set()
    for sheet in naming:
        id_key, name_key, cell_field = STAFF_REFS[sheet.kind or ""]
        ids, names = sheet.column(id_key), sheet.column(name_key)
        founds, distinct = _per_pair(ids, names, lookup)
        if all(f[0].staff is not None for f in distinct):  # everyone found: no issue
            _fill_in(sheet, id_key, ids, list(map(_FOUND_ID, founds)))
            _fill_in(sheet, name_key, names, list(map(_FOUND_NAME, founds)))
            continue
        filled_ids, filled_names = list(ids), list(names)
        for j, (found, row) in enumerate(zip(founds, sheet.column("_row"), strict=True)):
            res = found[0]
            if res.staff is not None:
                filled_ids[j], filled_names[j] = found[1], found[2]
                continue
            if res.code is None or (sheet.name, row) in reported:
                continue
            reported.add((sheet.name, row))
            sid = found[3]
            cell = cell_field
            if cell is None or cell not in sheet.field_cols:
                cell = id_key if sid and id_key in sheet.field_cols else name_key
            yield issue_at(res.code, sheet, None, cell, row=row,
                           value=staff_label(sid, found[4]), **res.params)
        _fill_in(sheet, id_key, ids, filled_ids)
        _fill_in(sheet, name_key, names, filled_names)


# a person reference looked up: (resolution, 工号 and 姓名 to fill in, 工号 and 姓名 as written)
_Found = tuple[Resolution, str, str | None, str | None, str | None]
_FOUND_ID, _FOUND_NAME = itemgetter(1), itemgetter(2)


def _per_pair(ids: list[Any], names: list[Any],
              lookup: Callable[[Any, Any], _Found]
              ) -> tuple[list[_Found], Iterable[_Found]]:
    """``lookup(id, name)`` of every row, and the distinct answers: looked up once per
    distinct pair (a register names a few dozen people on 100,000 rows), then handed out to
    the rows at C speed."""
    pairs = list(zip(ids, names, strict=True))
    try:
        distinct: dict[tuple[Any, Any], Any] = dict.fromkeys(pairs)
    except TypeError:  # an unhashable value: row by row
        found = [lookup(sid, name) for sid, name in pairs]
        return found, found
    for pair in distinct:
        distinct[pair] = lookup(*pair)
    return list(map(distinct.__getitem__, pairs)), distinct.values()


def _fill_in(sheet: SheetResult, key: str, was: list[Any], column: list[Any]) -> None:
    """``key`` of the records set from ``column`` where it differs from what they held
    (``was``): in the built records, and in the sheet's columns (which records not yet built
    are built from)."""
    records = sheet.records
    if not isinstance(records, LazyRecords) or records.built:
        for record, old, value in zip(records, was, column, strict=True):
            if value is not old:
                record[key] = value
    if sheet.values or isinstance(records, LazyRecords):
        sheet.values[key] = column


# --------------------------------------------------------------------------------------------
# Complaints and the visits that follow them up


def check_links(sheets: Sequence[SheetResult], view: LedgerView,
                keys: KeyColumns | None = None) -> Iterator[Issue]:
    """Visits against their complaints (this file's, else the ledger's) and status changes
    against the ledger. The complaints are read by column (SheetResult.column)."""
    keys = keys or KeyColumns()
    visits = [(s, r) for s in sheets if s.kind == "visits" for r in s.records
              if _text(r.get("complaint_id"))]
    # the 受理时间 of the first complaint of each id in the file (what the visits need), and
    # the ids of the file's complaints
    here: dict[str, Any] = {}
    ids_here: list[set[str]] = []
    for sheet in sheets:
        if sheet.kind != "complaints":
            continue
        ids = keys.texts(sheet, "complaint_id")
        if ids is not None:  # at C speed
            if visits:  # reversed, so that the first of an id wins
                received = sheet.column("received_at")
                here = dict(zip(reversed(ids), reversed(received), strict=True)) | here
            else:
                ids_here.append(keys.distinct(sheet, "complaint_id") or set())
            continue
        for raw, when in zip(sheet.column("complaint_id"), sheet.column("received_at"),
                             strict=True):
            cid = _text(raw)
            if cid:
                here.setdefault(cid, when)
    if here or visits or len(ids_here) != 1:
        wanted = set(here).union(*ids_here, (str(r["complaint_id"]).strip()
                                             for _, r in visits))
    else:  # one register alone: its own set of ids, as it is
        wanted = ids_here[0]
    stored = view.complaints_by_id(wanted) if wanted else {}

    closed = {cid for cid, old in stored.items() if old.get("status") == RESOLVED}
    for sheet in sheets:
        if sheet.kind != "complaints" or not closed:
            continue
        for cid, status, row in zip(sheet.column("complaint_id"), sheet.column("status"),
                                    sheet.column("_row"), strict=True):
            if (_text(cid) or "") in closed and status in OPEN_STATUSES:
                yield issue_at("status-regression", sheet, None, "status", row=row,
                               value=status, complaint_id=cid, ledger_status=RESOLVED)

    for sheet, r in visits:
        cid = str(r["complaint_id"]).strip()
        if cid in here:
            when = here[cid]
        elif cid in stored:
            when = stored[cid].get("received_at")
        else:
            yield issue_at("unknown-complaint", sheet, r, "complaint_id")
            continue
        visited, received_on = as_date(r.get("visited_at")), as_date(when)
        if visited is not None and received_on is not None and visited < received_on:
            yield issue_at("date-order", sheet, r, "visited_at", variant="visit",
                           complaint_id=cid, this_value=when_text(visited),
                           other_value=when_text(when))


# --------------------------------------------------------------------------------------------
# The duty timeline: clashes, rest between shifts, coverage


def shift_span(day: date, shift: Shift) -> tuple[datetime, datetime] | None:
    """When a shift on ``day`` is worked; None for a shift not worked (休, 假)."""
    if not shift.worked or shift.start is None or shift.end is None:
        return None
    if shift.start == time():  # 夜班 00:00–08:00: the night after its date
        day += timedelta(days=1)
    end_day = day + timedelta(days=1) if shift.ends_next_day else day
    return datetime.combine(day, shift.start), datetime.combine(end_day, shift.end)


def shift_hours(shift: Shift) -> str:
    """``16:00–24:00``; "" for a shift without times."""
    if shift.start is None or shift.end is None:
        return ""
    end = "24:00" if shift.end == time() else shift.end.strftime("%H:%M")
    return f"{shift.start.strftime('%H:%M')}–{end}"


def find_shift(settings: Settings, value: Any) -> Shift | None:
    """The shift a record names, by code (``早``) or by name (``早班``)."""
    text = _text(value)
    if text is None:
        return None
    if text in settings.shifts:
        return settings.shifts[text]
    return next((s for s in settings.shifts.values() if s.name == text), None)


@dataclass(slots=True)
class _Duty:
    person: str
    label: str
    day: date
    shift: Shift
    start: datetime
    end: datetime
    sheet: SheetResult | None = None  # None: held in the ledger
    record: Record | None = None

    @property
    def col(self) -> int | None:
        if self.sheet is None or self.record is None:
            return None
        return self.record.get("_col", self.sheet.field_cols.get("shift"))


def _person(record: Record) -> tuple[str, str] | None:
    sid, name = _text(record.get("staff_id")), _text(record.get("staff_name"))
    if not sid and not name:
        return None
    return (f"id:{sid}" if sid else f"name:{_norm(name or '')}"), staff_label(sid, name)


def _entries(records: Iterable[Record], settings: Settings
             ) -> Iterator[tuple[str, str, date, Shift, Record]]:
    for r in records:
        who, day, shift = _person(r), as_date(r.get("date")), find_shift(settings, r.get("shift"))
        if who is not None and day is not None and shift is not None:
            yield who[0], who[1], day, shift, r


def _pair_issue(code: str, first: _Duty, second: _Duty, **params: Any) -> Iterator[Issue]:
    """One issue for two duties of one person, on the later one when the file holds it."""
    here, other = (second, first) if second.sheet is not None else (first, second)
    if here.sheet is None or here.record is None:
        return  # both in the ledger: not this file's problem
    if other.sheet is not None and other.record is not None and other.col is not None:
        params.update(other_sheet=other.sheet.name,
                      other_cell=cell_ref(other.record["_row"], other.col))
    else:
        params["variant"] = "ledger"
    yield issue_at(code, here.sheet, here.record, "shift", col=here.col,
                   value=here.record.get("shift"), person=here.label,
                   date=here.day.isoformat(), shift_name=here.shift.name,
                   hours=shift_hours(here.shift), other_date=other.day.isoformat(),
                   other_shift=other.shift.name, other_hours=shift_hours(other.shift),
                   **params)


def _timeline(duties: list[_Duty]) -> Iterator[Issue]:
    by_person: dict[str, list[_Duty]] = defaultdict(list)
    for d in duties:
        by_person[d.person].append(d)
    rest = timedelta(hours=REST_HOURS)
    for items in by_person.values():
        items.sort(key=lambda d: (d.start, d.end))
        for i, a in enumerate(items):
            for b in items[i + 1:]:
                if b.start >= a.end:
                    break
                if a.day == b.day and a.shift.code == b.shift.code:
                    continue  # the same duty written twice: one natural key, not a clash
                yield from _pair_issue("schedule-clash", a, b)
        last: _Duty | None = None
        for b in items:
            if last is not None and b.start >= last.end and b.start - last.end < rest:
                gap = (b.start - last.end).total_seconds() / 3600
                yield from _pair_issue(
                    "rest-rule", last, b, first_date=last.day.isoformat(),
                    first_shift=last.shift.name, second_date=b.day.isoformat(),
                    second_shift=b.shift.name, gap=f"{gap:g}", min_hours=REST_HOURS)
            if last is None or b.end > last.end:
                last = b


def _month(period: str | None) -> tuple[date, date] | None:
    m = re.fullmatch(r"(\d{4})-(\d{1,2})", period or "")
    if m is None or not 1 <= int(m.group(2)) <= 12:
        return None
    year, month = int(m.group(1)), int(m.group(2))
    return date(year, month, 1), date(year, month, calendar.monthrange(year, month)[1])


def _days(first: date, last: date) -> Iterator[date]:
    for n in range((last - first).days + 1):
        yield first + timedelta(days=n)


def sheet_days(sheet: SheetResult) -> dict[date, int | None]:
    """The days a schedule sheet covers → the column of the day's header (wide layout) or None.

    The sheet's month when it names one, else the span of its dates. In the wide layout a day
    counts only if it has a column: day columns run consecutively, so an all-empty day's column
    is found from its neighbours, and taken when its header names the day.
    """
    dated = [(d, r) for r in sheet.records if (d := as_date(r.get("date"))) is not None]
    if not dated:
        return {}
    first, last = _month(sheet.period) or (min(d for d, _ in dated), max(d for d, _ in dated))
    if sheet.layout != "wide":
        return dict.fromkeys(_days(first, last))
    seen = {d: r["_col"] for d, r in dated if isinstance(r.get("_col"), int)}
    offsets = {col - d.toordinal() for d, col in seen.items()}
    if len(offsets) != 1:
        return {d: seen.get(d) for d in _days(min(seen, default=first), max(seen, default=last))}
    offset = offsets.pop()
    field_cols = set(sheet.field_cols.values())
    out: dict[date, int | None] = {}
    for d in _days(first, last):
        col = d.toordinal() + offset
        header = sheet.columns.get(col, "")
        if d in seen or (col not in field_cols and str(d.day) in header):
            out[d] = col
    return out


def check_schedule(sheets: Sequence[SheetResult], view: LedgerView, settings: Settings
                   ) -> Iterator[Issue]:
    """Clashes and rest between shifts per person, and days whose required shifts nobody
    works — over this file's schedule plus the ledger's entries it does not replace."""
    schedules = [s for s in sheets if s.kind == "schedule"]
    covered_days: dict[date, tuple[SheetResult, int | None]] = {}
    for s in schedules:
        for d, col in sheet_days(s).items():
            covered_days.setdefault(d, (s, col))
    file_entries = [(s, e) for s in schedules for e in _entries(s.records, settings)]
    days = set(covered_days) | {e[2] for _, e in file_entries}
    if not days:
        return
    replaced = {(e[0], e[2]) for _, e in file_entries}
    stored = [e for e in _entries(view.schedule_between(min(days) - timedelta(days=1),
                                                        max(days) + timedelta(days=1)),
                                  settings)
              if (e[0], e[2]) not in replaced]

    duties: list[_Duty] = []
    for sheet, (person, label, day, shift, record) in [*file_entries, *((None, e) for e in stored)]:
        span = shift_span(day, shift)
        if span is not None:
            duties.append(_Duty(person, label, day, shift, span[0], span[1], sheet,
                                record if sheet is not None else None))
    yield from _timeline(duties)

    if not settings.required_shifts:
        return
    worked = {(e[2], e[3].code) for _, e in file_entries} | {(e[2], e[3].code) for e in stored}
    for day in sorted(covered_days):
        sheet, col = covered_days[day]
        for code in settings.required_shifts:
            if (day, code) in worked:
                continue
            shift = settings.shifts[code]
            yield issue_at("uncovered-shift", sheet, None, None, col=col,
                           row=sheet.header_row if col is not None else None, value=None,
                           date=day.isoformat(), shift=code, shift_name=shift.name,
                           hours=shift_hours(shift))
