"""The whole sample month through the CLI on a real PostgreSQL ledger (SPEC §12): the same
answers as on SQLite."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner, Result

from officekit.cli import cli
from pg_support import PgDatabase

TODAY = "2026-11-23"

pytestmark = pytest.mark.postgres


def run(*args: str | Path) -> Result:
    return CliRunner().invoke(cli, [str(a) for a in args], catch_exceptions=False)


def workspace(root: Path, url: str | None) -> Path:
    assert run("init", root).exit_code == 0
    if url:
        with (root / "officekit.toml").open("a", encoding="utf-8") as fh:
            fh.write(f'\n[database]\nurl = "{url}"\n')
    return root


def test_the_sample_month_gives_the_same_kpis_and_status_on_both(
        tmp_path: Path, pg_database: PgDatabase) -> None:
    samples = tmp_path / "samples"
    assert run("sample", samples).exit_code == 0
    answers = []
    for name, url in (("sqlite", None), ("postgresql", pg_database.fresh_url())):
        ws = workspace(tmp_path / name, url)
        ingest = run("ingest", "-w", ws, "-q", "--today", TODAY, "--format", "json", samples)
        assert ingest.exit_code == 0, ingest.output
        kpis = run("kpis", "-w", ws, "--period", "2026-10", "--as-of", TODAY, "--format", "json")
        assert kpis.exit_code == 0, kpis.output
        status = json.loads(run("status", "-w", ws, "--format", "json").stdout)["summary"]
        assert status["database"].startswith(name)
        statuses = sorted((f["path"].rsplit("/", 1)[-1], f["status"])
                          for f in json.loads(ingest.stdout)["files"])
        answers.append((statuses, kpis.stdout, status["records"], status["files"]))
    assert answers[0] == answers[1]
    assert answers[1][2]["complaints"] > 300
