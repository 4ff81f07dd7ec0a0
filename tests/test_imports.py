"""The layering contract: a lower layer never imports a higher one, and no import cycles.

The contract itself is import-linter's, in pyproject.toml ([tool.importlinter]); these tests
run it with the suite (so CI runs it), hold every module of the package to a place in it, and
show that it fails on an upward import.
"""

from __future__ import annotations

import os
import pkgutil
import shutil
import subprocess
import sys
import tomllib
from pathlib import Path

import officekit

ROOT = Path(__file__).resolve().parents[1]
PYPROJECT = ROOT / "pyproject.toml"
LINT_IMPORTS = Path(sys.executable).with_name("lint-imports")


def _lint(*, cwd: Path, pythonpath: Path | None = None) -> subprocess.CompletedProcess[str]:
    env = {**os.environ}
    if pythonpath is not None:
        env["PYTHONPATH"] = str(pythonpath)
    return subprocess.run([str(LINT_IMPORTS), "--no-cache", "--no-logo", str(PYPROJECT)],
                          cwd=cwd, env=env, capture_output=True, text=True, timeout=120)


def _layers() -> list[str]:
    config = tomllib.loads(PYPROJECT.read_text(encoding="utf-8"))["tool"]["importlinter"]
    (layers,) = [c["layers"] for c in config["contracts"] if c["type"] == "layers"]
    return [name.strip() for layer in layers for name in layer.split("|")]


def test_the_contracts_are_kept() -> None:
    res = _lint(cwd=ROOT)
    assert res.returncode == 0, res.stdout + res.stderr
    assert "Contracts: 3 kept, 0 broken." in res.stdout


def test_every_module_has_a_layer() -> None:
    """A new module or package must be given its place in the layers, or it escapes them."""
    placed = set(_layers())
    modules = {f"officekit.{m.name}" for m in pkgutil.iter_modules(officekit.__path__)}
    assert modules - {"officekit.__main__"} - placed == set()


def test_an_upward_import_breaks_the_contract(tmp_path: Path) -> None:
    """The model importing the CLI, in a copy of the package: the layers contract names it."""
    copy = tmp_path / "officekit"
    shutil.copytree(Path(officekit.__file__).parent, copy,
                    ignore=shutil.ignore_patterns("__pycache__", "templates", "fonts"))
    model = copy / "model.py"
    model.write_text(model.read_text(encoding="utf-8") + "\nimport officekit.cli  # upward\n",
                     encoding="utf-8")
    res = _lint(cwd=tmp_path, pythonpath=tmp_path)
    assert res.returncode == 1
    assert "officekit.model is not allowed to import officekit.cli" in res.stdout
    # the same import also closes a cycle (cli → model → cli)
    assert "No cycles are allowed in officekit." in res.stdout
