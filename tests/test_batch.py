"""render/batch.py: many documents from one template, in order, in worker processes or not."""

from __future__ import annotations

import os
import threading
from functools import partial
from pathlib import Path
from typing import Any

import docx
import pytest

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
    paths = render_many(TEMPLATES / "tr_loop.docx", jobs, workers=2, on_done=done.append,
                        parallel=parallel)
    assert paths == [out for _, out in jobs]
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


def test_forked_workers_render_with_the_template_compiled_here(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    if batch._pool_context().get_start_method() != "fork":
        pytest.skip("this process has threads: its workers come from the fork server")
    parent = os.getpid()
    compile_here = WordTemplate.compile.__func__  # type: ignore[attr-defined]

    def compile_in_parent_only(cls: type[WordTemplate], *args: Any, **kwargs: Any) -> Any:
        if os.getpid() != parent:
            raise AssertionError("a forked worker compiled the template again")
        return compile_here(cls, *args, **kwargs)

    monkeypatch.setattr(WordTemplate, "compile", classmethod(compile_in_parent_only))
    jobs: list[tuple[Any, Path]] = [(_kpi_context(i), tmp_path / f"{i}.docx") for i in range(6)]
    paths = render_many(TEMPLATES / "tr_loop.docx", jobs, workers=2, parallel=True)
    assert [table_rows(p)[1][0] for p in paths] == [f"指标{i}" for i in range(6)]
