"""Ingesting a batch (SPEC §5, §10): files in kind order, few held in memory at a time."""

from __future__ import annotations

import gc
from pathlib import Path

import pytest

from officekit import intake
from officekit.intake import in_kind_order, ingest_files
from officekit.samples.generate import write_samples
from officekit.settings import Settings
from officekit.validate.pipeline import KIND_ORDER, LoadedFile
from officekit.workspace import init_workspace


@pytest.fixture(scope="module")
def samples(tmp_path_factory: pytest.TempPathFactory) -> list[Path]:
    folder = tmp_path_factory.mktemp("samples")
    return sorted(p for p in write_samples(folder, flawed=False) if p.parent == folder)


def alive() -> int:
    gc.collect()
    return sum(1 for o in gc.get_objects() if isinstance(o, LoadedFile))


@pytest.mark.parametrize("keep", [0, 10_000_000])
def test_a_batch_comes_in_kind_order_holding_few_files(
        samples: list[Path], keep: int, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(intake, "KEEP_RECORDS", keep)
    given = list(reversed(samples))  # visits and complaints first, the staff list last
    orders, held = [], []
    for item in in_kind_order(given, Settings()):
        orders.append(item.order)
        held.append(alive())
        del item
    assert sorted(orders) == orders and orders[0] == KIND_ORDER["staff"]
    assert len(orders) == len(samples)
    if keep == 0:  # only the file at hand (and at first the last one read) is in memory
        assert max(held) <= 2, held
    else:
        assert max(held) == len(samples)


def test_ingest_checks_each_file_against_those_stored_before(
        samples: list[Path], tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(intake, "KEEP_RECORDS", 0)  # every file but the last read twice
    ws = init_workspace(tmp_path / "ws")
    seen: list[str] = []
    results = ingest_files(ws, list(reversed(samples)), progress=seen.append)
    assert [r.status for r in results] == ["accepted"] * len(samples)
    assert "花名册" in seen[0]
    assert [Path(r.path) for r in results] == list(reversed(samples))
    assert all(s.rows and not s.records for r in results for s in r.sheets if s.kind)
