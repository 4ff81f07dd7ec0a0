"""validate/pipeline.py: one file is read and checked in the guarded child, which asks the
caller's ledger view what it needs; only the result comes back.

Real sample workbooks, a real child process (read/guard.py); the ledger view is a small class
in this process that records the questions it is asked.
"""

from __future__ import annotations

import gc
import weakref
from collections.abc import Collection
from datetime import date
from pathlib import Path

import pytest

from officekit.model import LazyRecords, Record
from officekit.read import guard
from officekit.read.detect import sha256_file
from officekit.read.guard import AskRefused, ChildLimits, ReaderPool, ask_caller, release_later
from officekit.samples.generate import write_samples
from officekit.settings import Settings
from officekit.validate.pipeline import (
    CheckInChild,
    check_loaded,
    load_file,
    read_file,
    validate_paths,
)
from officekit.validate.view import EmptyView

TODAY = date(2026, 11, 23)


class RecordingView:
    """A ledger view holding ``staff`` and ``complaints``; ``asked`` lists the questions."""

    def __init__(self, staff: list[Record], complaints: dict[str, Record]) -> None:
        self.staff, self.complaints = staff, complaints
        self.asked: list[str] = []

    def staff_all(self) -> list[Record]:
        self.asked.append("staff_all")
        return self.staff

    def complaints_by_id(self, ids: Collection[str]) -> dict[str, Record]:
        self.asked.append("complaints_by_id")
        return {k: v for k, v in self.complaints.items() if k in ids}

    def schedule_between(self, start: date, end: date) -> list[Record]:
        self.asked.append("schedule_between")
        return []


@pytest.fixture(scope="module")
def samples(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("samples")
    write_samples(folder, flawed=False)
    return folder


def records(path: Path, kind: str) -> list[Record]:
    loaded = read_file(path, Settings())
    return [r for s in loaded.sheets if s.kind == kind for r in s.records]


def test_the_child_asks_the_callers_view_and_sends_back_no_records(samples: Path) -> None:
    register = next(samples.glob("*投诉登记*"))
    staff = records(next(samples.glob("*花名册*")), "staff")
    handlers = {r["handler_name"] for r in records(register, "complaints") if r["handler_name"]}
    gone = sorted(handlers)[0]
    view = RecordingView([r for r in staff if r["name"] != gone], {})
    [result] = validate_paths([register], Settings(), view, today=TODAY)
    assert "staff_all" in view.asked  # asked across the pipe, answered here
    unknown = [i for i in result.issues if i.code == "unknown-staff"]
    assert unknown and all(str(i.value).startswith(gone) for i in unknown)
    assert result.status == "rejected"
    assert result.sheets and all(not s.records for s in result.sheets)
    assert sum(s.rows for s in result.sheets) > 0

    everyone = RecordingView(staff, {})
    [clean] = validate_paths([register], Settings(), everyone, today=TODAY)
    assert not [i for i in clean.issues if i.code == "unknown-staff"]


def test_a_visit_is_checked_against_the_complaints_the_view_holds(samples: Path) -> None:
    visits = next(samples.glob("*回访记录*"))
    staff = records(next(samples.glob("*花名册*")), "staff")
    held = {str(r["complaint_id"]): r
            for r in records(next(samples.glob("*投诉登记*")), "complaints")}
    [without] = validate_paths([visits], Settings(), RecordingView(staff, {}), today=TODAY)
    assert [i for i in without.issues if i.code == "unknown-complaint"]
    view = RecordingView(staff, held)
    [known] = validate_paths([visits], Settings(), view, today=TODAY)
    assert "complaints_by_id" in view.asked
    assert not [i for i in known.issues if i.code == "unknown-complaint"]


class ListingView(RecordingView):
    """A RecordingView that can list the complaint ids it holds (as the ledger can), up to
    ``limit`` (and ``most``: a stand-in for a large ledger); ``wanted`` collects the ids it
    was asked for."""

    def __init__(self, staff: list[Record], complaints: dict[str, Record],
                 most: int | None = None) -> None:
        super().__init__(staff, complaints)
        self.wanted: set[str] = set()
        self.most = most

    def complaint_ids(self, limit: int) -> list[str] | None:
        self.asked.append("complaint_ids")
        limit = min(limit, self.most) if self.most is not None else limit
        return list(self.complaints) if len(self.complaints) <= limit else None

    def complaints_by_id(self, ids: Collection[str]) -> dict[str, Record]:
        self.wanted |= set(ids)
        return super().complaints_by_id(ids)


def test_the_child_matches_a_registers_ids_against_the_few_held(samples: Path) -> None:
    """A view that lists the complaints it holds is asked for them while calamine reads; the
    file's ids are matched in the child and only those held are asked for (none held: not
    asked at all). Too many held, or a view that cannot list them: every id is asked, as
    before. The issues are the same every way."""
    visits = next(samples.glob("*回访记录*"))
    staff = records(next(samples.glob("*花名册*")), "staff")
    held = {str(r["complaint_id"]): r
            for r in records(next(samples.glob("*投诉登记*")), "complaints")}
    few = dict(list(held.items())[:3])
    file_ids = {str(r["complaint_id"]) for r in records(visits, "visits") if r["complaint_id"]}

    def check(view: RecordingView) -> list[tuple[object, ...]]:
        result = CheckInChild(visits, Settings(), TODAY).finish(view)
        return [(i.code, i.row, i.col) for i in result.issues]

    expected = check(RecordingView(staff, few))  # cannot list: every id asked
    listing = ListingView(staff, few)
    assert check(listing) == expected
    assert listing.asked[:2] == ["staff_all", "complaint_ids"]
    assert listing.wanted == set(few) & file_ids and listing.wanted
    nothing = ListingView(staff, {})
    assert check(nothing) == check(RecordingView(staff, {}))
    assert "complaints_by_id" not in nothing.asked
    many = ListingView(staff, few, most=2)  # more held than it lists
    assert check(many) == expected and many.wanted == file_ids


def _ask(question: str) -> object:
    return ask_caller(question, 2)


def test_a_question_the_caller_does_not_take_is_refused_in_the_child() -> None:
    pool = ReaderPool(1)
    try:
        limits = ChildLimits(None, None, 60.0)
        assert pool.run(_ask, "double", limits=limits,
                        answer=lambda q, n: n * 2 if q == "double" else None) == 4

        def only_double(question: str, n: int) -> int:
            if question != "double":
                raise AskRefused(question)
            return n * 2

        with pytest.raises(AskRefused, match="secret"):
            pool.run(_ask, "secret", limits=limits, answer=only_double)
        with pytest.raises(AskRefused):
            pool.run(_ask, "double", limits=limits)  # no answer given: nothing is answered
        assert pool.run(_ask, "double", limits=limits, answer=only_double) == 4  # still alive
    finally:
        pool.close()


def test_a_check_started_early_is_finished_with_the_view_given_later(samples: Path) -> None:
    register = next(samples.glob("*投诉登记*"))
    staff = records(next(samples.glob("*花名册*")), "staff")
    check = CheckInChild(register, Settings(), TODAY)  # the child reads meanwhile
    view = RecordingView(staff, {})
    result = check.finish(view)
    check.cancel()  # after finish: nothing to stop
    assert "staff_all" in view.asked and result.status == "accepted"
    assert [i.code for i in result.issues] == [
        i.code for i in validate_paths([register], Settings(), view, today=TODAY)[0].issues]

    abandoned = CheckInChild(register, Settings(), TODAY)
    abandoned.cancel()  # the caller failed before finishing: the child is stopped
    assert abandoned._running is not None
    with pytest.raises(RuntimeError, match="taken already"):
        abandoned._running.result()
    # and the pool still serves the next file
    assert validate_paths([register], Settings(), view, today=TODAY)[0].status == "accepted"


def test_the_staff_list_is_asked_once_and_each_check_gets_its_own_copy(samples: Path
                                                                        ) -> None:
    """The child asks for the staff list while calamine reads (every check of a readable
    file wants it, two of them): one question, and the issues are what asking each time
    gave."""
    register = next(samples.glob("*投诉登记*"))
    staff = records(next(samples.glob("*花名册*")), "staff")
    view = RecordingView(staff, {})
    result = CheckInChild(register, Settings(), TODAY).finish(view)
    assert view.asked.count("staff_all") == 1
    in_process = check_loaded(read_file(register, Settings()), RecordingView(staff, {}),
                              Settings(), TODAY)
    assert [(i.code, i.row, i.col) for i in result.issues] == [
        (i.code, i.row, i.col) for i in in_process.issues]
    assert result.sha256 == in_process.sha256 == sha256_file(register)
    assert staff == records(next(samples.glob("*花名册*")), "staff")  # never changed here


def test_the_hash_is_of_the_file_whatever_became_of_it(samples: Path, tmp_path: Path
                                                       ) -> None:
    """read_file hashes while calamine reads, or after: the same digest as hashing first,
    for a file read whole, refused by the scan, or no workbook at all."""
    register = next(samples.glob("*投诉登记*"))
    broken = tmp_path / "broken.xlsx"
    broken.write_bytes(register.read_bytes()[:5000])
    text = tmp_path / "notes.xlsx"
    text.write_text("not a workbook", encoding="utf-8")
    for path in (register, broken, text):
        loaded = read_file(path, Settings())
        assert loaded.sha256 == sha256_file(path), path.name
        in_child = load_file(path, Settings(), keep_workbook=False)
        assert in_child.sha256 == sha256_file(path), path.name
        assert [i.code for i in in_child.issues] == [i.code for i in loaded.issues]
    assert read_file(text, Settings()).issues  # (not a workbook: refused, hashed still)
    with pytest.raises(FileNotFoundError):
        read_file(tmp_path / "gone.xlsx", Settings())


class _Leftover:
    """A task's large leftover, stood in for by an object whose freeing can be seen."""


_LEFT: list[tuple[weakref.ref[_Leftover], str]] = []


def _leave_something(tag: str) -> tuple[bool, list[str]]:
    """In the child: leave an object for later (release_later), report whether the cyclic
    collector runs during a task, and which earlier leftovers are still alive."""
    alive = [t for ref, t in _LEFT if ref() is not None]
    left = _Leftover()
    _LEFT.append((weakref.ref(left), tag))
    release_later(left)
    return gc.isenabled(), alive


def test_a_childs_leftovers_are_freed_before_its_next_task() -> None:
    pool = ReaderPool(1)
    limits = ChildLimits(None, None, 60.0)
    try:
        collecting, alive = pool.run(_leave_something, "first", limits=limits)
        assert (collecting, alive) == (False, [])  # no collector pass over a task's objects
        # the next task comes at once: the first one's leftover was freed before it started
        assert pool.run(_leave_something, "second", limits=limits) == (False, [])
    finally:
        pool.close()
    # outside a child, release_later keeps nothing
    keep = _Leftover()
    guard.release_later(keep)
    assert guard._LATER is None


def test_the_columns_kept_for_the_checks_are_what_the_records_hold(
        tmp_path_factory: pytest.TempPathFactory) -> None:
    """SheetResult.values, which the rules read instead of the records, agree with the
    records cell for cell (defaults filled in, blanks, typed and bad cells of the flawed
    samples), and checking from them finds the same issues."""
    folder = tmp_path_factory.mktemp("flawed")
    write_samples(folder, flawed=True)
    seen = 0
    for path in sorted(folder.glob("*.xls*")) + sorted(folder.glob("*.ods")):
        loaded = read_file(path, Settings())
        for sheet in loaded.sheets:
            for key, column in sheet.values.items():
                assert column == [r.get(key) for r in sheet.records], (path.name, key)
                seen += 1
        bare = read_file(path, Settings())
        for sheet in bare.sheets:
            sheet.values = {}
        view = EmptyView()
        assert check_loaded(loaded, view, Settings(), TODAY).issues == \
            check_loaded(bare, view, Settings(), TODAY).issues
    assert seen > 50


def test_validate_checks_a_register_without_building_its_records(samples: Path) -> None:
    """As the guarded child checks a file: the complaint register is checked from its columns
    and its 100,000 dicts (here a month's) are never built — with the issues, and the records
    when something does look at them, those of the eager read."""
    register = next(samples.glob("*投诉登记*"))
    staff = records(next(samples.glob("*花名册*")), "staff")
    view = RecordingView(staff, {})
    lazy = read_file(register, Settings(), keep_workbook=False, lazy_records=True)
    eager = read_file(register, Settings(), keep_workbook=False)
    checked = check_loaded(lazy, view, Settings(), TODAY)
    [sheet] = [s for s in lazy.sheets if s.kind == "complaints"]
    assert isinstance(sheet.records, LazyRecords) and not sheet.records.built
    assert checked.issues == check_loaded(eager, view, Settings(), TODAY).issues
    [eager_sheet] = [s for s in eager.sheets if s.kind == "complaints"]
    assert len(sheet.records) == sheet.rows > 100
    assert sheet.records == eager_sheet.records  # 工号 filled in from the staff list


@pytest.mark.parametrize("ids", [[], [""], ["", ""], ["TS1"], ["TS1", " TS2 ", "投诉3"],
                                 ["a\x00b", "c"], ["\x00"]])
def test_ids_asked_of_the_caller_arrive_as_they_were_sent(ids: list[str]) -> None:
    from officekit.validate.pipeline import _pack_ids, _unpack_ids

    assert _unpack_ids(_pack_ids(ids)) == ids
