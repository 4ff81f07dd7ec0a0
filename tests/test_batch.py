"""render/batch.py: many documents from one template, in order, in worker processes or not."""

from __future__ import annotations

import hashlib
import os
import threading
import time
from functools import partial
from pathlib import Path
from typing import Any

import docx
import pytest

from officekit.errors import OfficekitError
from officekit.render import batch
from officekit.render.batch import render_many
from officekit.render.engine import TemplateProblemsError, WordTemplate

TEMPLATES = Path(__file__).parent / "data" / "templates"


def table_rows(path: Path, index: int = 0) -> list[list[str]]:
    table = docx.Document(str(path)).tables[index]
    return [[cell.text for cell in row.cells] for row in table.rows]


def _kpi_context(i: int) -> dict[str, Any]:
    return {"kpis": [{"name": f"指标{i}", "target": i, "actual": i * 2}]}


@pytest.mark.parametrize("parallel", [True, None, False])
def test_render_many_renders_every_job_in_order(tmp_path: Path, parallel: bool | None) -> None:
    jobs: list[tuple[Any, Path]] = [(_kpi_context(i), tmp_path / f"{i}.docx") for i in range(5)]
    jobs.append((partial(_kpi_context, 5), tmp_path / "5.docx"))  # a context built in the worker
    done: list[Path] = []
    digests: dict[str, str] = {}
    paths = render_many(TEMPLATES / "tr_loop.docx", jobs, workers=2, on_done=done.append,
                        parallel=parallel, digests=digests)
    assert paths == [out for _, out in jobs]
    assert digests == {str(p): hashlib.sha256(p.read_bytes()).hexdigest() for p in paths}
    assert sorted(done) == sorted(paths)
    for i, path in enumerate(paths):
        assert table_rows(path)[1] == [f"指标{i}", str(i), str(i * 2)]
    assert not list(tmp_path.glob("*.tmp")) and not list(tmp_path.glob(".*"))


def test_render_many_names_the_failing_document(tmp_path: Path) -> None:
    jobs = [(_kpi_context(i), tmp_path / f"{i}.docx") for i in range(4)]
    jobs[2] = ({"wrong": 1}, tmp_path / "bad.docx")
    with pytest.raises(TemplateProblemsError) as info:
        render_many(TEMPLATES / "tr_loop.docx", jobs, workers=2, parallel=True)
    assert "bad.docx" in str(info.value) and info.value.problems[0].variable == "kpis"
    assert not (tmp_path / "bad.docx").exists()


def test_a_process_with_threads_does_not_fork_its_workers() -> None:
    stop = threading.Event()
    other = threading.Thread(target=stop.wait)
    other.start()
    try:
        assert batch._pool_context().get_start_method() != "fork"
    finally:
        stop.set()
        other.join()


def _compile_in_this_process_only(monkeypatch: pytest.MonkeyPatch) -> int:
    """Make compiling a template in any other process (a forked helper) an error; returns
    this process's pid."""
    parent = os.getpid()
    compile_here = WordTemplate.compile.__func__  # type: ignore[attr-defined]

    def compile_in_parent_only(cls: type[WordTemplate], *args: Any, **kwargs: Any) -> Any:
        if os.getpid() != parent:
            raise AssertionError("a forked helper compiled a template again")
        return compile_here(cls, *args, **kwargs)

    monkeypatch.setattr(WordTemplate, "compile", classmethod(compile_in_parent_only))
    return parent


def test_forked_workers_render_with_the_template_compiled_here(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    if batch._pool_context().get_start_method() != "fork":
        pytest.skip("this process has threads: its workers come from the fork server")
    _compile_in_this_process_only(monkeypatch)
    jobs: list[tuple[Any, Path]] = [(_kpi_context(i), tmp_path / f"{i}.docx") for i in range(6)]
    paths = render_many(TEMPLATES / "tr_loop.docx", jobs, workers=2, parallel=True)
    assert [table_rows(p)[1][0] for p in paths] == [f"指标{i}" for i in range(6)]


def _forking() -> None:
    if batch._pool_context().get_start_method() != "fork":
        pytest.skip("this process cannot fork its helpers (threads, or no fork here)")


def _context_from(parent: int, fail: str, i: int) -> dict[str, Any]:
    """Row i's context, built where it renders; ``fail`` says what goes wrong in a helper
    (never in this process): "" nothing, "template" an undefined variable, "exit" the helper
    ends without a word."""
    time.sleep(0.01)  # work enough that the helper takes its share
    forked = os.getpid() != parent
    if forked and fail == "template" and i >= 10:
        return {"wrong": 1}
    if forked and fail == "exit":
        os._exit(3)
    return {"kpis": [{"name": f"指标{i}", "target": i, "actual": "helper" if forked else "here"}]}


def test_forked_helpers_render_their_share_and_report_each_document(tmp_path: Path) -> None:
    _forking()
    jobs: list[tuple[Any, Path]] = [(partial(_context_from, os.getpid(), "", i),
                                     tmp_path / f"{i}.docx") for i in range(40)]
    done: list[Path] = []
    digests: dict[str, str] = {}
    paths = render_many(TEMPLATES / "tr_loop.docx", jobs, workers=2, on_done=done.append,
                        parallel=True, digests=digests)
    assert paths == [out for _, out in jobs] and sorted(done) == sorted(paths)
    assert digests == {str(p): hashlib.sha256(p.read_bytes()).hexdigest() for p in paths}
    rows = [table_rows(p)[1] for p in paths]
    assert [r[:2] for r in rows] == [[f"指标{i}", str(i)] for i in range(40)]
    assert {r[2] for r in rows} == {"helper", "here"}  # both processes rendered
    assert not list(tmp_path.glob(".*"))


def test_a_failure_in_a_forked_helper_is_raised_here_naming_its_document(
        tmp_path: Path) -> None:
    _forking()
    jobs: list[tuple[Any, Path]] = [(partial(_context_from, os.getpid(), "template", i),
                                     tmp_path / f"{i}.docx") for i in range(40)]
    with pytest.raises(TemplateProblemsError) as info:
        render_many(TEMPLATES / "tr_loop.docx", jobs, workers=2, parallel=True)
    assert info.value.problems[0].variable == "kpis"
    failed = str(info.value).split(".docx")[0].rsplit("/", 1)[-1]
    assert int(failed) >= 10 and not (tmp_path / f"{failed}.docx").exists()
    assert not list(tmp_path.glob(".*"))  # no temp file left by the helper


def test_a_forked_helper_that_dies_is_an_error_not_missing_documents(tmp_path: Path) -> None:
    _forking()
    jobs: list[tuple[Any, Path]] = [(partial(_context_from, os.getpid(), "exit", i),
                                     tmp_path / f"{i}.docx") for i in range(40)]
    with pytest.raises(OfficekitError) as info:
        render_many(TEMPLATES / "tr_loop.docx", jobs, workers=2, parallel=True)
    assert info.value.catalogue_key == "error.render.helper-ended"
    assert info.value.params["status"] == 3
    missing = [p for _, p in jobs if not p.exists()]
    assert info.value.params["count"] == len(missing) > 0
    assert info.value.params["path"] == str(missing[0])


def test_a_process_with_threads_renders_in_a_pool_of_its_own_workers(tmp_path: Path) -> None:
    stop = threading.Event()
    other = threading.Thread(target=stop.wait)
    other.start()
    try:
        jobs: list[tuple[Any, Path]] = [(_kpi_context(i), tmp_path / f"{i}.docx")
                                        for i in range(6)]
        digests: dict[str, str] = {}
        done: list[Path] = []
        paths = render_many(TEMPLATES / "tr_loop.docx", jobs, workers=2, parallel=True,
                            digests=digests, on_done=done.append)
    finally:
        stop.set()
        other.join()
    assert paths == [out for _, out in jobs] and sorted(done) == sorted(paths)
    assert [table_rows(p)[1][0] for p in paths] == [f"指标{i}" for i in range(6)]
    assert digests == {str(p): hashlib.sha256(p.read_bytes()).hexdigest() for p in paths}


def test_one_set_of_helpers_renders_several_templates_compiled_here(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    _forking()
    parent = _compile_in_this_process_only(monkeypatch)
    rows: list[tuple[Any, Path]] = [(partial(_context_from, parent, "", i), tmp_path / f"t{i}.docx")
                                    for i in range(20)]
    names: list[tuple[Any, Path]] = [({"customer": f"客户{i}", "staff": {"staff_id": i,
                                                                          "name": "甲"},
                                       "nothing": None}, tmp_path / f"v{i}.docx")
                                     for i in range(20)]
    paths = batch.render_batches([(TEMPLATES / "tr_loop.docx", rows, None),
                                  (TEMPLATES / "variables.docx", names, None)],
                                 workers=2, parallel=True)
    assert paths == [out for _, out in rows + names]
    assert [table_rows(p)[1][0] for p in paths[:20]] == [f"指标{i}" for i in range(20)]
    assert {table_rows(p)[1][2] for p in paths[:20]} == {"helper", "here"}
    assert [docx.Document(str(p)).paragraphs[0].text for p in paths[20:]] == \
        [f"客户：客户{i}" for i in range(20)]
