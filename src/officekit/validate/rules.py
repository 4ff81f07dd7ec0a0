"""Validation of one file's records (SPEC §4): the entry point and the record/file-level rules.

:func:`check_sheets` is what the pipeline calls after the intake has understood a workbook. It
runs the rules below on the records as read, then the rules of :mod:`officekit.validate.cross`
that need the staff list or the ledger, and returns every issue found, ordered by sheet, row and
column. Parse-level issues (missing-column, type, enum…) are the intake's; none is repeated here.

Rules are small generators over the sheets, driven by the constraints on the kinds' fields
(:mod:`officekit.kinds`), so that adding a date field to check or a status rule is a word on
the field.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Collection, Hashable, Iterator, Sequence
from datetime import date, datetime, time, timedelta
from itertools import chain, compress, count, repeat
from operator import and_, eq, ge, is_not, itemgetter
from typing import Any

from officekit.kinds import KINDS
from officekit.model import Issue, Record, SheetResult
from officekit.settings import Settings
from officekit.validate.cross import (
    KeyColumns,
    StaffList,
    as_date,
    as_datetime,
    check_links,
    check_schedule,
    check_staff,
    issue_at,
    when_text,
)
from officekit.validate.view import LedgerView

# The constraints are the kinds' (kinds.py: ``unique``, ``past_only``, ``not_before``,
# ``required_when`` / ``empty_when``); read once into these tables, by kind.
KEYS: dict[str, str] = {k.name: k.unique for k in KINDS.values() if k.unique}
PAST_ONLY: dict[str, tuple[str, ...]] = {k.name: k.past_only for k in KINDS.values()
                                         if k.past_only}
DATE_ORDER: dict[str, tuple[tuple[str, str], ...]] = {
    k.name: k.date_order for k in KINDS.values() if k.date_order}
STATUS_FIELDS: dict[str, tuple[tuple[str, str, bool], ...]] = {
    k.name: k.status_rules for k in KINDS.values() if k.status_rules}

_PROVENANCE = frozenset({"_row", "_sheet"})


def check_sheets(sheets: Sequence[SheetResult], view: LedgerView, settings: Settings,
                 today: date) -> list[Issue]:
    """Every record-, file- and ledger-level issue of one file's understood sheets.

    ``view`` is the ledger as it stands (``EmptyView`` outside a workspace); ``today`` bounds
    the dates that cannot lie in the future. Records naming a person are completed in place
    with the staff list's 工号 and 姓名, so the ledger stores both. Skipped sheets (no kind) are
    ignored.
    """
    known = [s for s in sheets if s.kind is not None]
    keys = KeyColumns()
    keyed = list(check_keys(known, keys))
    repeated = {(i.sheet, i.row) for i in keyed}
    stored_staff = view.staff_all()
    issues = [
        *keyed,
        *check_duplicate_rows(known, skip=repeated, keys=keys),
        *check_dates(known, today),
        *check_status(known),
        *check_staff(known, StaffList.build(stored_staff, known)),
        *check_staff_numbers(known, stored_staff),
        *check_links(known, view, keys),
        *check_schedule(known, view, settings),
    ]
    order = {s.name: n for n, s in enumerate(sheets)}
    return sorted(issues, key=lambda i: (order.get(i.sheet or "", len(order)), i.row or 0,
                                         -1 if i.col is None else i.col))


def _blank(value: Any) -> bool:
    return value is None or (isinstance(value, str) and not value.strip())


def check_keys(sheets: Sequence[SheetResult], keys: KeyColumns | None = None
               ) -> Iterator[Issue]:
    """``duplicate-key``: a 投诉编号 / 工号 / 回访编号 seen earlier in the same file (any sheet of
    the kind), reported on each repeat, naming the first."""
    keys = keys or KeyColumns()
    for kind, key_field in KEYS.items():
        of_kind = [s for s in sheets if s.kind == kind]
        if len(of_kind) == 1 and keys.all_different(of_kind[0], key_field):
            continue  # every key a text, none repeated: the usual file, no loop per row
        # several sheets of the kind: their keys together
        texts = [t for s in of_kind if (t := keys.texts(s, key_field)) is not None]
        if len(texts) == len(of_kind) and _all_different(list(chain.from_iterable(texts))):
            continue
        yield from _repeated_keys(of_kind, key_field)


def _repeated_keys(sheets: list[SheetResult], key_field: str) -> Iterator[Issue]:
    first: dict[str, tuple[SheetResult, Record]] = {}
    for sheet in sheets:
        for r in sheet.records:
            value = r.get(key_field)
            if _blank(value):
                continue
            key = str(value).strip()
            if key not in first:
                first[key] = (sheet, r)
                continue
            first_sheet, first_record = first[key]
            yield issue_at("duplicate-key", sheet, r, key_field, first_sheet=first_sheet.name,
                           first_row=first_record.get("_row"))


def _freeze(value: Any) -> Hashable:
    if isinstance(value, dict):
        return tuple(sorted((str(k), _freeze(v)) for k, v in value.items()
                            if k not in _PROVENANCE))
    if isinstance(value, (list, tuple)):
        return tuple(_freeze(v) for v in value)
    return value if isinstance(value, Hashable) else repr(value)


def _signatures(records: Sequence[Record]) -> list[Hashable]:
    """Each record's values less provenance, in one key order for the sheet. Flat records go
    through ``itemgetter``; records with a missing key or a list value (numbered duties) take
    the slow path."""
    keys = sorted(set().union(*records) - _PROVENANCE)
    if not keys:
        return [() for _ in records]
    get = itemgetter(*keys)
    out: list[Hashable] = []
    for r in records:
        try:
            sig = get(r)
            hash(sig)
        except (KeyError, TypeError):
            sig = tuple(_freeze(r.get(k)) for k in keys)
        out.append(sig)
    return out


def _all_different(values: list[Any]) -> bool:
    try:
        return len(set(values)) == len(values)
    except TypeError:  # an unhashable value: no shortcut
        return False


def check_duplicate_rows(sheets: Sequence[SheetResult],
                         skip: Collection[tuple[str | None, int | None]] = (),
                         keys: KeyColumns | None = None) -> Iterator[Issue]:
    """``duplicate-row``: a sheet row whose every value equals an earlier row's (a wide
    schedule row is compared as a whole). Rows already reported as ``duplicate-key`` are
    left out: that error says it already."""
    keys = keys or KeyColumns()
    for sheet in sheets:
        key_field = KEYS.get(sheet.kind or "")
        if key_field is not None and (keys.all_different(sheet, key_field)
                                      or _all_different(sheet.column(key_field))):
            continue  # no two keys alike, so no two rows alike either
        signatures = _signatures(sheet.records)
        rows: dict[int, list[tuple[Record, Hashable]]] = defaultdict(list)
        for r, sig in zip(sheet.records, signatures, strict=True):
            rows[r.get("_row", 0)].append((r, sig))
        first_col = min(sheet.field_cols.values(), default=None)
        seen: dict[Hashable, int] = {}
        for row, pairs in rows.items():
            records = [r for r, _ in pairs]
            signature = (pairs[0][1] if len(pairs) == 1
                         else frozenset(sig for _, sig in pairs))
            if signature not in seen:
                seen[signature] = row
            elif (sheet.name, row) not in skip:
                yield issue_at("duplicate-row", sheet, records[0], None, col=first_col,
                               value=None, first_row=seen[signature])


def check_staff_numbers(sheets: Sequence[SheetResult], staff: Sequence[Record]
                        ) -> Iterator[Issue]:
    """``staff-id-number`` (warning): a 工号 on a staff list that looks like a number which lost
    its leading zeros — Excel turns 0101 typed into a number cell into 101. Said when the same
    column (or ``staff``, the staff list already in the ledger) has the zero-padded form:
    ``0102`` beside ``101``, or ``0101`` stored while this list says ``101``."""
    stored = {str(r.get("staff_id")) for r in staff if r.get("staff_id")}
    for sheet in sheets:
        if sheet.kind != "staff":
            continue
        ids = [str(r.get("staff_id") or "").strip() for r in sheet.records]
        padded = {i for i in ids if i.isdigit() and i.startswith("0")}
        known = padded | {i for i in stored if i.isdigit() and i.startswith("0")}
        widths = sorted({len(i) for i in known})
        if not widths:
            continue
        present = set(ids)  # a zero-padded twin on this list is another person
        for r, sid in zip(sheet.records, ids, strict=True):
            if not sid.isdigit() or sid.startswith("0") or sid in stored:
                continue
            for width in widths:
                expected = sid.zfill(width)
                if width > len(sid) and (expected in known or sheet_has_width(padded, width)) \
                        and expected not in present:
                    yield issue_at("staff-id-number", sheet, r, "staff_id", value=sid,
                                   expected=expected)
                    break


def sheet_has_width(padded: set[str], width: int) -> bool:
    """Whether the sheet itself writes 工号 zero-padded to ``width`` digits."""
    return any(len(i) == width for i in padded)


def _before(later: Any, earlier: Any) -> bool:
    """Whether ``later`` lies before ``earlier``; a value with no time (midnight) is compared
    by day, so a date-only 办结时间 on the day of a 14:00 受理时间 is fine."""
    a, b = as_datetime(later), as_datetime(earlier)
    if a is None or b is None:
        return False
    if a.time() == time() or b.time() == time():
        return a.date() < b.date()
    return a < b


def check_dates(sheets: Sequence[SheetResult], today: date) -> Iterator[Issue]:
    """``date-order`` (办结时间 before 受理时间) and ``future-date`` (after ``today``).

    Read a field of every row at once (SheetResult.column); issues come row by row, each
    row's date-order before its future-date, as the records go."""
    for sheet in sheets:
        kind = sheet.kind or ""
        orders = DATE_ORDER.get(kind, ())
        past_only = PAST_ONLY.get(kind, ())
        if not orders and not past_only:
            continue
        found: list[tuple[int, int, Issue]] = []
        for n, (later, earlier) in enumerate(orders):
            found.extend((j, n, issue) for j, issue in _out_of_order(sheet, later, earlier))
        for n, name in enumerate(past_only, start=len(orders)):
            found.extend((j, n, issue) for j, issue in _in_future(sheet, name, today))
        found.sort(key=lambda x: (x[0], x[1]))
        for _, _, issue in found:
            yield issue


def _out_of_order(sheet: SheetResult, later: str, earlier: str) -> Iterator[tuple[int, Issue]]:
    later_values, earlier_values = sheet.column(later), sheet.column(earlier)
    if _all_in_order(later_values, earlier_values):
        return
    rows = sheet.column("_row")
    for j, (a, b) in enumerate(zip(later_values, earlier_values, strict=True)):
        if a is None or b is None:
            continue
        if type(a) is datetime and type(b) is datetime and a >= b:
            continue  # in order whether compared by day or by time
        if _before(a, b):
            yield j, issue_at("date-order", sheet, None, later, row=rows[j], value=a,
                              this_value=when_text(a), other_column=_header(sheet, earlier),
                              other_value=when_text(b))


def _all_in_order(later: list[Any], earlier: list[Any]) -> bool:
    """Whether every row with both values has them as datetimes, the later one not before the
    earlier (C loops over the columns); False when that is not so or not sure."""
    both = list(map(and_, map(is_not, later, repeat(None)), map(is_not, earlier, repeat(None))))
    a, b = list(compress(later, both)), list(compress(earlier, both))
    return (set(map(type, a)) <= {datetime} and set(map(type, b)) <= {datetime}
            and all(map(ge, a, b)))


def _none_after(values: list[Any], today: date) -> bool:
    """Whether no value is a date or datetime after ``today`` as far as C loops can tell:
    the latest of the values is on or before it (False when they cannot be compared)."""
    try:
        latest = max(filter(None, values), default=None)
    except TypeError:  # dates beside datetimes, or text: row by row
        return False
    if latest is None:
        return True
    day = as_date(latest) if type(latest) in (date, datetime) else None
    return day is not None and day <= today


def _in_future(sheet: SheetResult, name: str, today: date) -> Iterator[tuple[int, Issue]]:
    values = sheet.column(name)
    if _none_after(values, today):
        return
    rows = sheet.column("_row")
    # the day after today at midnight: a datetime on or after it lies on a later day
    after = datetime.combine(today + timedelta(days=1), time()) if today < date.max else None
    for j, value in enumerate(values):
        if value is None:
            continue
        if type(value) is datetime:
            if after is None or value < after:
                continue
            day: date | None = value.date()
        else:
            day = as_date(value)
        if day is not None and day > today:
            yield j, issue_at("future-date", sheet, None, name, row=rows[j], value=value,
                              today=today.isoformat())


def _header(sheet: SheetResult, field_name: str) -> str:
    """The field's header as written in the sheet, else its canonical header."""
    col = sheet.field_cols.get(field_name)
    if col is not None and col in sheet.columns:
        return sheet.columns[col]
    kind = KINDS.get(sheet.kind or "")
    return kind.field(field_name).header if kind is not None else field_name


def check_status(sheets: Sequence[SheetResult]) -> Iterator[Issue]:
    """``status-fields``: what a record's status requires of other fields (a complaint's
    处理状态 of 办结时间 and 处理结果).

    A missing value is reported on its empty cell (on the 处理状态 cell when the sheet has no
    such column at all); an unexpected one on the cell that holds it. The rows of each status
    are found at C speed; issues come row by row, each row's in the order of the rules.
    """
    for sheet in sheets:
        by_status: dict[str, list[tuple[int, str, bool]]] = defaultdict(list)
        for n, (state, name, filled) in enumerate(STATUS_FIELDS.get(sheet.kind or "", ())):
            by_status[state].append((n, name, filled))
        if not by_status:
            continue
        statuses = sheet.column("status")
        rows = sheet.column("_row")
        found: list[tuple[int, int, Issue]] = []
        for status, rules in by_status.items():
            at = list(compress(count(), map(eq, statuses, repeat(status))))
            if not at:
                continue
            for n, name, filled in rules:
                column = sheet.column(name)
                if filled:  # required: the blank ones
                    missing = [j for j in at if _blank(column[j])]
                    cell = name if name in sheet.field_cols else "status"
                    found.extend((j, n, issue_at(
                        "status-fields", sheet, None, cell, row=rows[j],
                        value=column[j] if cell == name else status, status=status,
                        missing=_header(sheet, name))) for j in missing)
                else:  # to be left empty: the filled ones
                    unexpected = [j for j in at if not _blank(column[j])]
                    found.extend((j, n, issue_at(
                        "status-fields", sheet, None, name, row=rows[j], value=column[j],
                        variant="unexpected", status=status)) for j in unexpected)
        found.sort(key=itemgetter(0, 1))
        for _, _, issue in found:
            yield issue
