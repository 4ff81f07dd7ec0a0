"""render/batch.py: many documents from one template, in order, in worker processes or not."""

from __future__ import annotations

from functools import partial
from pathlib import Path
from typing import Any

import docx
import pytest

from officekit.render.batch import render_many
from officekit.render.engine import TemplateProblemsError

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
