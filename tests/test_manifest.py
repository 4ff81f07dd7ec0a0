"""``outbox/manifest.csv``: the writer's merge, encoding, atomicity and lock; the reader."""

from __future__ import annotations

import csv
import os
import threading
import time
from datetime import datetime
from pathlib import Path

import pytest

from officekit.deliver.manifest import (
    COLUMNS,
    ManifestError,
    ManifestRow,
    manifest_path,
    read_manifest,
    write_manifest_rows,
)
from officekit.ledger.store import sha256_of

T = datetime(2026, 11, 1, 9, 30, 5)


def row(path: str, kind: str = "evaluation", **kw: object) -> ManifestRow:
    values: dict[str, object] = {"period": "2026-10", "department": "客服一部",
                                 "staff_id": "S001", "recipient": "zhangwei@example.com",
                                 "sha256": "a" * 64, "time": T}
    values.update(kw)
    return ManifestRow(path=path, kind=kind, **values)  # type: ignore[arg-type]


def test_rows_round_trip_in_utf8_with_bom_for_excel(tmp_path: Path) -> None:
    rows = [row("2026-10/客服一部/张伟_2026-10_考核报告.docx",
                pdf="2026-10/客服一部/张伟_2026-10_考核报告.pdf"),
            row("2026-10/2026-10_投诉分析报告.docx", "complaints", department="", staff_id="",
                recipient="")]
    dest = write_manifest_rows(tmp_path, rows)
    assert dest == tmp_path / "manifest.csv"
    raw = dest.read_bytes()
    assert raw.startswith(b"\xef\xbb\xbfpath,kind,period,department,staff_id,recipient,"
                          b"sha256,time,pdf\r\n")
    lines = raw.decode("utf-8-sig").splitlines()
    assert lines[1] == ("2026-10/客服一部/张伟_2026-10_考核报告.docx,evaluation,2026-10,客服一部,"
                        f"S001,zhangwei@example.com,{'a' * 64},2026-11-01 09:30:05,"
                        "2026-10/客服一部/张伟_2026-10_考核报告.pdf")
    assert read_manifest(tmp_path) == rows
    assert not [p for p in tmp_path.iterdir() if p.name.startswith(".")]  # no temp or lock left


def test_same_path_replaces_in_place_and_new_rows_append(tmp_path: Path) -> None:
    write_manifest_rows(tmp_path, [row("a.docx"), row("b.docx"), row("c.docx")])
    write_manifest_rows(tmp_path, [row("d.docx"), row("b.docx", sha256="b" * 64)])
    got = read_manifest(tmp_path)
    assert [r.path for r in got] == ["a.docx", "b.docx", "c.docx", "d.docx"]
    assert got[1].sha256 == "b" * 64


def test_for_file_hashes_and_makes_paths_relative(tmp_path: Path) -> None:
    outbox = tmp_path / "outbox"
    doc = outbox / "2026-10" / "客服一部" / "张伟_2026-10_考核报告.docx"
    doc.parent.mkdir(parents=True)
    doc.write_bytes(b"docx bytes")
    pdf = doc.with_suffix(".pdf")
    pdf.write_bytes(b"%PDF")
    r = ManifestRow.for_file(outbox, doc, kind="evaluation", period="2026-10",
                             department="客服一部", staff_id="S001", pdf=pdf, when=T)
    assert (r.path, r.pdf) == ("2026-10/客服一部/张伟_2026-10_考核报告.docx",
                               "2026-10/客服一部/张伟_2026-10_考核报告.pdf")
    assert r.sha256 == sha256_of(doc)
    assert r.file(outbox) == doc and r.pdf_file(outbox) == pdf
    with pytest.raises(ManifestError, match="文档不在发件箱中"):
        ManifestRow.for_file(outbox, tmp_path / "elsewhere.docx", kind="evaluation",
                             period="2026-10")


@pytest.mark.parametrize(("bad", "message"), [
    (row("x.docx", "report"), "未知的文档类型 'report'"),
    (row("/abs/x.docx"), "必须相对于发件箱"),
    (row("../x.docx"), "必须相对于发件箱"),
    (row("x.docx", pdf="C:\\out\\x.pdf"), "必须相对于发件箱"),
    (row("x.docx", period=""), "缺少 path 或 period"),
])
def test_bad_rows_are_refused_before_anything_is_written(tmp_path: Path, bad: ManifestRow,
                                                         message: str) -> None:
    with pytest.raises(ManifestError, match=message):
        write_manifest_rows(tmp_path, [row("ok.docx"), bad])
    assert not manifest_path(tmp_path).exists()


def test_windows_separators_are_stored_as_slashes(tmp_path: Path) -> None:
    write_manifest_rows(tmp_path, [row("2026-10\\客服一部\\张伟.docx")])
    assert read_manifest(tmp_path)[0].path == "2026-10/客服一部/张伟.docx"


def test_reader_takes_an_excel_saved_file_and_an_older_one_without_pdf(tmp_path: Path) -> None:
    assert read_manifest(tmp_path) == []
    # Excel's "CSV UTF-8" keeps the BOM but writes its own date format; no pdf column yet
    manifest_path(tmp_path).write_text(
        "path,kind,period,department,staff_id,recipient,sha256,time\r\n"
        "a.docx,evaluation,2026-10,客服一部,S001,,ABC,2026/11/1 9:30\r\n"
        ",,,,,,,\r\n", encoding="utf-8-sig")
    [r] = read_manifest(tmp_path)
    assert (r.path, r.sha256, r.time, r.pdf) == ("a.docx", "abc", datetime(2026, 11, 1, 9, 30),
                                                 "")


def test_reader_says_which_columns_are_missing(tmp_path: Path) -> None:
    manifest_path(tmp_path).write_text("文件,类型\r\na.docx,evaluation\r\n", encoding="utf-8")
    with pytest.raises(ManifestError, match="缺少列：path, kind, period"):
        read_manifest(tmp_path)
    manifest_path(tmp_path).write_text("path,kind,period,time\r\na,evaluation,2026-10,昨天\r\n",
                                       encoding="utf-8")
    with pytest.raises(ManifestError, match="第 2 行：时间 '昨天' 无法识别"):
        read_manifest(tmp_path)


def test_concurrent_writers_lose_no_rows(tmp_path: Path) -> None:
    errors: list[BaseException] = []

    def writer(n: int) -> None:
        try:
            for i in range(5):
                write_manifest_rows(tmp_path, [row(f"w{n}/{i}.docx")])
        except BaseException as exc:  # surfaced by the assertion below
            errors.append(exc)

    threads = [threading.Thread(target=writer, args=(n,)) for n in range(6)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert errors == []
    assert sorted(r.path for r in read_manifest(tmp_path)) == sorted(
        f"w{n}/{i}.docx" for n in range(6) for i in range(5))
    with manifest_path(tmp_path).open(encoding="utf-8-sig", newline="") as fh:
        assert tuple(next(csv.reader(fh))) == COLUMNS


def test_a_lock_left_by_a_killed_writer_is_taken_over(tmp_path: Path) -> None:
    lock = tmp_path / ".manifest.csv.lock"
    lock.write_text("12345")
    old = time.time() - 600
    os.utime(lock, (old, old))
    write_manifest_rows(tmp_path, [row("a.docx")])
    assert [r.path for r in read_manifest(tmp_path)] == ["a.docx"]
    assert not lock.exists()


def test_outbox_paths_agree_with_resolving_each_path(tmp_path: Path) -> None:
    """A batch's relative paths are what resolving each path whole gives: nested folders,
    ``..`` and ``.`` parts, a symlinked folder and a symlinked file inside the outbox, a link
    that leads out of it and the outbox itself; a path outside is refused."""
    from officekit.deliver.manifest import ManifestError, OutboxPaths

    outbox = tmp_path / "ws" / "outbox"
    (outbox / "2026-10" / "客服一部").mkdir(parents=True)
    (tmp_path / "elsewhere").mkdir()
    (outbox / "2026-10" / "客服一部" / "a b.docx").write_bytes(b"x")
    (tmp_path / "elsewhere" / "c.docx").write_bytes(b"x")
    links = {outbox / "link": outbox / "2026-10", outbox / "file.docx":
             outbox / "2026-10" / "客服一部" / "a b.docx", outbox / "out": tmp_path / "elsewhere",
             outbox / "out.docx": tmp_path / "elsewhere" / "c.docx"}
    for link, target in links.items():
        try:
            link.symlink_to(target)
        except OSError:
            pytest.skip("no symbolic links here")
    paths = OutboxPaths(tmp_path / "ws" / "." / "outbox")
    cases = [outbox / "2026-10" / "客服一部" / "a b.docx", outbox / "2026-10" / "new.docx",
             outbox / "2026-10" / ".." / "2026-10" / "客服一部" / "a b.docx",
             outbox / "link" / "客服一部" / "a b.docx", outbox / "file.docx", outbox,
             outbox / "out" / "c.docx", outbox / "out.docx", tmp_path / "elsewhere" / "c.docx",
             outbox / ".." / "outbox2" / "x.docx"]
    for case in cases:
        try:
            expected: str | None = case.resolve().relative_to(outbox.resolve()).as_posix()
        except ValueError:
            expected = None
        if expected is None:
            with pytest.raises(ManifestError):
                paths.relative(case)
        else:
            assert paths.relative(case) == paths.relative(str(case)) == expected, case
