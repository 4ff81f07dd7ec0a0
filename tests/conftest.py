"""Options and fixtures shared by the test modules. Keep this small."""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy.engine import URL
from sqlalchemy.exc import SQLAlchemyError

from pg_support import ENV, PgDatabase, configured_url


def pytest_addoption(parser: pytest.Parser) -> None:
    parser.addoption(
        "--update-golden",
        action="store_true",
        default=False,
        help="rewrite the golden files under tests/golden/ from the current output",
    )
    parser.addoption(
        "--pg-url",
        default=configured_url(),
        help="SQLAlchemy URL of a PostgreSQL server the ledger, KPI and watcher tests also run "
             f"on (each session in a new database of its own); default ${ENV}, else what "
             "`scripts/setup.sh --test` noted in .venv/; without one those tests are skipped",
    )


@pytest.fixture(scope="session")
def update_golden(request: pytest.FixtureRequest) -> bool:
    """True when the run was started with ``--update-golden``."""
    return bool(request.config.getoption("--update-golden"))


@pytest.fixture(scope="session")
def pg_database(request: pytest.FixtureRequest) -> Iterator[PgDatabase]:
    """This session's own database on the configured PostgreSQL server.

    No server configured: the test is skipped. A server configured but unreachable fails the
    test, so CI (which configures one) never passes by skipping.
    """
    admin = str(request.config.getoption("--pg-url"))
    if not admin:
        pytest.skip(f"PostgreSQL: no server configured (set {ENV} or --pg-url; .ci/run does)")
    worker = os.environ.get("PYTEST_XDIST_WORKER", "main")
    try:
        database = PgDatabase.create(admin, worker)
    except SQLAlchemyError as exc:
        pytest.fail(f"PostgreSQL server at {admin!r} cannot be used: {exc}", pytrace=False)
    yield database
    database.drop()


@pytest.fixture(params=["sqlite", pytest.param("postgresql", marks=pytest.mark.postgres)])
def ledger_url(request: pytest.FixtureRequest, tmp_path: Path) -> str:
    """A new, empty ledger location on each back-end: a SQLite file, a PostgreSQL schema."""
    if request.param == "sqlite":
        path = tmp_path / ".officekit" / "ledger.sqlite3"
        return URL.create("sqlite", database=str(path)).render_as_string()
    database: PgDatabase = request.getfixturevalue("pg_database")
    return database.fresh_url()
