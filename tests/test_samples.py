"""The sample month (officekit.samples): every file is written, opens, and is consistent.

The files are read back with python-calamine and checked with a small reader of the forms the
generator writes, independent of officekit.understand; when the validation pipeline is
importable, the good files must pass it and each flawed file must fail with its codes.
"""

from __future__ import annotations

import importlib.util
import re
import zipfile
from collections import Counter
from datetime import date, datetime, timedelta
from pathlib import Path
from typing import Any

import chinese_calendar
import pytest
from python_calamine import CalamineWorkbook

from officekit.errors import UsageError
from officekit.samples.flawed import CASES, expected_codes, readme_text
from officekit.samples.generate import (
    COMPLAINTS_FILE,
    DUTIES_FILE,
    FLAWED_DIR,
    SCHEDULE_FILE,
    STAFF_FILE,
    VISITS_FILE,
    VISITS_ODS_FILE,
    write_samples,
)

GOOD = [STAFF_FILE, SCHEDULE_FILE, DUTIES_FILE, COMPLAINTS_FILE, VISITS_FILE, VISITS_ODS_FILE]
EXPORTED = datetime(2026, 11, 10, 18, 0)  # nothing in the samples is later than this
DONE = {"已办结", "已解决", "已完成", "已关闭", "已归档", "结案"}
STATUSES = DONE | {"待处理", "未处理", "处理中", "跟进中", "已撤销", "撤诉", "取消"}
DEADLINES = {"一般": 7, "普通": 7, "较重": 3, "严重": 3, "重大": 1, "紧急": 1}
_HALF = str.maketrans("０１２３４５６７８９／：", "0123456789/:")


@pytest.fixture(scope="module")
def sample_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    dest = tmp_path_factory.mktemp("samples")
    write_samples(dest)
    return dest


def rows_of(path: Path, sheet: int | str = 0) -> list[list[Any]]:
    wb = CalamineWorkbook.from_path(str(path))
    name = wb.sheet_names[sheet] if isinstance(sheet, int) else sheet
    return wb.get_sheet_by_name(name).to_python()


def when(value: Any) -> datetime:
    """A moment in any form the generator writes (cells, or the text forms)."""
    if isinstance(value, datetime):
        return value
    if isinstance(value, date):
        return datetime(value.year, value.month, value.day)
    text = str(value).translate(_HALF).strip()
    for fmt in ("%Y-%m-%d %H:%M", "%Y/%m/%d %H:%M", "%Y.%m.%d %H:%M", "%Y年%m月%d日",
                "%Y-%m-%d", "%Y/%m/%d", "%Y.%m.%d"):
        try:
            return datetime.strptime(text, fmt)
        except ValueError:
            pass
    m = re.fullmatch(r"(\d+)月(\d+)日 (\d+):(\d+)", text)
    assert m, f"unexpected date form {value!r}"
    mo, d, h, mi = (int(x) for x in m.groups())
    return datetime(2026, mo, d, h, mi)


@pytest.fixture(scope="module")
def roster(sample_dir: Path) -> list[dict[str, Any]]:
    rows = rows_of(sample_dir / STAFF_FILE)
    header = rows[2]
    return [dict(zip(header, r, strict=True)) for r in rows[3:]]


def resolve_staff(value: Any, roster: list[dict[str, Any]]) -> str:
    """工号 of the one person a cell names (姓名, 姓名(工号) or 工号); fails if not exactly one."""
    text = str(value).strip()
    m = re.fullmatch(r"(.+?)[(（](\d{4})[)）]", text)
    if m:
        hit = [p["工号"] for p in roster if p["工号"] == m[2] and p["姓名"] == m[1]]
    elif text.isdigit():
        hit = [p["工号"] for p in roster if p["工号"] == text]
    else:
        hit = [p["工号"] for p in roster if p["姓名"] == text]
    assert len(hit) == 1, f"{value!r} names {len(hit)} people"
    return str(hit[0])


def workdays_after(day: date, n: int) -> date:
    while n:
        day += timedelta(days=1)
        n -= chinese_calendar.is_workday(day)
    return day


# --------------------------------------------------------------------------------------------

def test_every_file_is_written_and_opens(sample_dir: Path) -> None:
    for name in GOOD:
        wb = CalamineWorkbook.from_path(str(sample_dir / name))
        assert len(wb.get_sheet_by_index(0).to_python()) > 10, name
    assert {p.suffix for p in sample_dir.iterdir()} >= {".xlsx", ".xls", ".ods"}
    with zipfile.ZipFile(sample_dir / COMPLAINTS_FILE) as z:  # shared strings, like Excel
        assert "xl/sharedStrings.xml" in z.namelist()
    flawed = {p.name for p in (sample_dir / FLAWED_DIR).iterdir()}
    assert flawed == {c.file for c in CASES}


def test_roster(roster: list[dict[str, Any]], sample_dir: Path) -> None:
    rows = rows_of(sample_dir / STAFF_FILE)
    assert "花名册" in rows[0][0] and not any(rows[1]) and rows[2][1] == "工号"
    assert len(roster) == 31
    assert len({p["部门"] for p in roster}) == 3
    ids = [p["工号"] for p in roster]
    assert len(set(ids)) == 31 and all(isinstance(i, str) and re.fullmatch(r"0\d{3}", i)
                                       for i in ids)
    by_name = Counter(p["姓名"] for p in roster)
    shared = [n for n, k in by_name.items() if k > 1]
    assert len(shared) == 1 and by_name[shared[0]] == 2
    assert len({p["部门"] for p in roster if p["姓名"] == shared[0]}) == 2
    assert Counter(p["状态"] for p in roster) == Counter({"在职": 29, "离职": 1, "休假": 1})
    # the people the evaluation schemes need: a 质检 (not assessed), visitors, department
    # heads, and a late joiner (0113, from 26 Oct) with too few complaints to be scored
    roles = Counter(p["岗位"] for p in roster)
    assert roles["质检专员"] == 1 and roles["回访专员"] >= 2 and roles["部门经理"] == 3
    assert by_name["卢思琪"] == 1
    by_id = {p["工号"]: p for p in roster}
    for p in roster:  # every chain ends at the manager of the person's own department
        seen, cur = 0, p
        while cur["上级工号"]:
            cur = by_id[cur["上级工号"]]
            seen += 1
            assert seen < 5
        assert cur["岗位"] == "部门经理" and cur["部门"] == p["部门"]
    kinds = Counter(type(p["手机"]).__name__ for p in roster)
    assert kinds["float"] > 3 and kinds["str"] > 3
    assert 0 < sum(not p["邮箱"] for p in roster) < 15
    hired = [p["入职日期"] for p in roster]
    assert any(isinstance(h, date) for h in hired) and any(isinstance(h, str) for h in hired)
    # everyone was hired before October but the late joiner, who came on 26 October
    assert [p["工号"] for p, h in zip(roster, hired, strict=True)
            if when(h) >= datetime(2026, 10, 1)] == ["0113"]


def test_schedule(sample_dir: Path, roster: list[dict[str, Any]]) -> None:
    rows = rows_of(sample_dir / SCHEDULE_FILE)
    assert rows[0][0] == "2026年10月客服中心排班表"
    assert rows[1][:3] == ["工号", "姓名", "部门"] and rows[1][3:34] == list(range(1, 32))
    assert rows[2][3:10] == ["四", "五", "六", "日", "一", "二", "三"]
    sched = {r[0]: r[3:34] for r in rows[3:]}
    dept = {r[0]: r[2] for r in rows[3:]}
    assert set(sched) == {p["工号"] for p in roster}
    assert {c for codes in sched.values() for c in codes} <= set("早中晚夜白休假") | {""}
    for day in range(31):
        hotline = {sched[s][day] for s in sched if dept[s] == "客服一部"}
        online = {sched[s][day] for s in sched if dept[s] == "客服二部"}
        assert hotline >= set("早中晚夜") and online >= set("早中晚"), day + 1
    night_then_early = sum(codes[d] == "夜" and codes[d + 1] == "早"
                           for codes in sched.values() for d in range(30))
    assert night_then_early == 1
    managers = [p["工号"] for p in roster if p["岗位"] == "部门经理"]
    for m in managers:  # National Day off, Saturday 10 October a make-up working day
        assert sched[m][:7] == ["休"] * 7 and sched[m][9] == "白" and sched[m][10] == "休"
    leaver = next(p["工号"] for p in roster if p["状态"] == "离职")
    on_leave = next(p["工号"] for p in roster if p["状态"] == "休假")
    assert sched[leaver][11:] == [""] * 20 and sched[on_leave][-1] == "假"


@pytest.fixture(scope="module")
def complaints(sample_dir: Path) -> list[list[Any]]:
    return rows_of(sample_dir / COMPLAINTS_FILE, "投诉登记")[3:]


def test_complaint_register_layout(sample_dir: Path) -> None:
    wb = CalamineWorkbook.from_path(str(sample_dir / COMPLAINTS_FILE))
    assert wb.sheet_names == ["投诉登记", "汇总", "说明"]
    rows = rows_of(sample_dir / COMPLAINTS_FILE)
    assert rows[0][0] == "2026年10月客服中心投诉登记表"
    assert rows[1][1] == "工单号" and rows[1][10] == "处理情况" and rows[2][1] == ""
    assert rows[2][10:13] == ["经办人", "办理状态", "办结时间"]


def test_complaints_are_consistent(complaints: list[list[Any]],
                                   roster: list[dict[str, Any]]) -> None:
    assert len(complaints) == 322  # 320 drawn, 2 of the late joiner's
    ids = [r[1] for r in complaints]
    assert len(set(ids)) == 322
    late = 0
    for r in complaints:
        received, status = when(r[2]), r[11]
        assert datetime(2026, 10, 1) <= received < datetime(2026, 11, 1)
        assert status in STATUSES
        resolve_staff(r[10], roster)
        if status in DONE:
            assert r[12] != "" and r[13] != "", r[1]
            resolved = when(r[12])
            assert received <= resolved <= min(EXPORTED, datetime.now()), r[1]
            late += resolved.date() > workdays_after(received.date(), DEADLINES[r[7]])
        elif status in ("待处理", "未处理"):
            assert r[12] == "" and received >= datetime(2026, 10, 25)
        else:
            assert r[12] == ""
    assert 0.05 < late / 320 < 0.3


def test_complaints_use_the_messy_forms(complaints: list[list[Any]]) -> None:
    channels = Counter(r[3] for r in complaints)
    assert {"热线", "95598", "APP", "微信", "来访"} <= set(channels)
    assert {"普通", "严重"} <= {r[7] for r in complaints}
    statuses = Counter(r[11] for r in complaints)
    assert statuses["已办结"] > 160 and {"已解决", "跟进中", "处理中"} <= set(statuses)
    assert 0 < sum(statuses[s] for s in ("已撤销", "撤诉", "取消")) < 20
    forms = Counter(type(r[2]).__name__ for r in complaints)
    assert forms["datetime"] > 100 and forms["str"] > 50
    assert any("年" in str(r[2]) for r in complaints)
    assert any(re.fullmatch(r".+\(\d{4}\)", str(r[10])) for r in complaints)
    sat = [r[14] for r in complaints if r[14] != ""]
    assert any(isinstance(s, float) for s in sat) and any(isinstance(s, str) for s in sat)


def test_visits_follow_their_complaints(sample_dir: Path, complaints: list[list[Any]],
                                        roster: list[dict[str, Any]]) -> None:
    received = {r[1]: when(r[2]) for r in complaints}
    resolved = {r[1]: when(r[12]) for r in complaints if r[11] in DONE}
    main = rows_of(sample_dir / VISITS_FILE)[2:]
    extra = rows_of(sample_dir / VISITS_ODS_FILE)[2:]
    assert len(main) > 200 and 5 <= len(extra) <= 40
    visits = main + extra
    assert len({v[0] for v in visits}) == len(visits)
    followed = set()
    for v in visits:
        at = when(v[1])
        assert at <= EXPORTED
        resolve_staff(v[4], roster)
        if v[7]:
            assert at >= received[v[7]], v[0]
            reached = v[8] not in ("否", "未接通", "失败", "×")
            if reached and (at.date() - resolved[v[7]].date()).days <= 7:
                followed.add(v[7])
        else:
            assert v[6] in ("满意度回访", "关怀回访")
    assert 0.6 < len(followed) / len(resolved) < 0.95
    assert any(when(v[1]).month == 11 for v in main)
    assert all(when(v[1]) > datetime(2026, 11, 5, 23, 59) for v in extra)
    assert {"电话", "微信"} <= {v[5] for v in visits}
    assert {"上门", "面访", "走访"} & {v[5] for v in visits}
    assert any(v[8] == "未接通" for v in visits)


def test_duty_catalogue(sample_dir: Path, roster: list[dict[str, Any]]) -> None:
    rows = rows_of(sample_dir / DUTIES_FILE)
    assert rows[1] == ["部门", "岗位", "直属上级", "岗位目的", "岗位职责", "任职要求"]
    body = rows[2:]
    assert {(r[0], r[1]) for r in body} == {(p["部门"], p["岗位"]) for p in roster}
    text = "\n".join(r[4] + "\n" + r[5] for r in body)
    for marker in ("1、", "(1)", "一、", "1. ", "（一）", "①", "（1）"):
        assert marker in text, marker
    lines = [ln for r in body for ln in r[4].split("\n")]
    assert any(not re.match(r"[\d一二三四五六七八九十(（①-⑩]", ln) for ln in lines)  # continuation
    for word in ("年龄", "岁", "性别", "男性", "女性", "形象", "相貌", "身高", "五官"):
        assert word not in text


def test_same_seed_same_files_other_seed_other_data(sample_dir: Path, tmp_path: Path) -> None:
    again = tmp_path / "again"
    write_samples(again)
    for name in GOOD:
        assert (again / name).read_bytes() == (sample_dir / name).read_bytes(), name
    for case in CASES:
        if case.codes != ("encrypted-file",):  # the cipher salts itself at random
            assert (again / FLAWED_DIR / case.file).read_bytes() == \
                (sample_dir / FLAWED_DIR / case.file).read_bytes(), case.file
    other = tmp_path / "other"
    paths = write_samples(other, seed=7, flawed=False)
    assert not (other / FLAWED_DIR).exists() and [p.name for p in paths] == GOOD
    assert rows_of(other / COMPLAINTS_FILE)[3:] != rows_of(sample_dir / COMPLAINTS_FILE)[3:]
    assert rows_of(other / STAFF_FILE)[3][1:6] == rows_of(sample_dir / STAFF_FILE)[3][1:6]


def test_flawed_files_show_their_flaw(sample_dir: Path) -> None:
    folder = sample_dir / FLAWED_DIR
    readme = readme_text()
    for case in CASES:
        assert case.file in readme and ", ".join(case.codes) in readme
    assert set(expected_codes()) == {c.file for c in CASES}
    for code in ("corrupt-file", "encrypted-file", "not-a-workbook"):
        case = next(c for c in CASES if c.codes == (code,))
        with pytest.raises(Exception):  # noqa: B017 - each library error differs
            CalamineWorkbook.from_path(str(folder / case.file))
    missing = rows_of(folder / "投诉登记表_缺少经办人列.xlsx")
    assert "工单号" in missing[1] and not {"经办人", "处理人"} & set(missing[1])
    dup = rows_of(folder / "投诉登记表_工单号重复.xlsx")[3:]
    assert len({r[1] for r in dup}) == len(dup) - 1
    clash = rows_of(folder / "排班表_排班冲突.xlsx")
    assert clash[1][3] == "1日" and Counter(r[0] for r in clash[3:]).most_common(1)[0][1] == 2


def test_truncated_sample_is_taken_after_the_settle_time(sample_dir: Path) -> None:
    """The cut-off sample was left so long ago that the watcher takes it once settled, not
    after the grace time it gives a file that may still be being copied (README's first
    command would otherwise wait ~15 s for it)."""
    from officekit.watch.settle import Settler

    case = next(c for c in CASES if c.codes == ("corrupt-file",))
    path = sample_dir / FLAWED_DIR / case.file
    clock = [0.0]
    settler = Settler(1.0, 3600.0, is_complete=lambda p: False, clock=lambda: clock[0])
    settler.observe(path, path.stat())
    clock[0] += 1.0
    assert settler.ready() == [path]


def test_validation_accepts_good_rejects_flawed(sample_dir: Path) -> None:
    pipeline = pytest.importorskip("officekit.validate.pipeline")
    from officekit.settings import Settings

    folder = sample_dir / FLAWED_DIR
    flawed = [folder / c.file for c in CASES]
    good = [sample_dir / n for n in GOOD]
    results = pipeline.validate_paths(good + flawed, Settings(), today=date(2026, 11, 23))
    for res in results[:len(good)]:
        errors = [i.to_dict() for i in res.issues if i.severity == "error"]
        assert res.status == "accepted" and not errors, (res.path, errors)
        assert "no-staff-list" not in {i.code for i in res.issues}
    for case, res in zip(CASES, results[len(good):], strict=True):
        codes = {i.code for i in res.issues if i.severity == "error"}
        assert res.status == "rejected" and codes == set(case.codes), (case.file, codes)


def test_bench_register(tmp_path: Path, roster: list[dict[str, Any]]) -> None:
    script = Path(__file__).resolve().parents[1] / "bench" / "make_data.py"
    spec = importlib.util.spec_from_file_location("make_data", script)
    assert spec and spec.loader
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    out = module.make_complaints(tmp_path / "big.xlsx", rows=400)
    rows = rows_of(out)
    assert rows[1][0] == "投诉编号" and len(rows) == 402
    assert len({r[0] for r in rows[2:]}) == 400
    for r in rows[2:]:
        resolve_staff(r[9], roster)
        if r[10] in DONE:
            assert when(r[11]) >= when(r[1])
    with zipfile.ZipFile(out) as z:
        assert "xl/sharedStrings.xml" in z.namelist()


def test_unwritable_destination_is_a_usage_error(tmp_path: Path) -> None:
    blocker = tmp_path / "a-file"
    blocker.write_text("x")
    with pytest.raises(UsageError, match="无法把示例文件写到"):
        write_samples(blocker / "samples")
