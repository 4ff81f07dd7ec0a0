"""A real PostgreSQL server for the tests (SPEC §12): one new database per test session.

The server is named by ``--pg-url``, else ``$OFFICEKIT_TEST_PG_URL``, else the URL that
``scripts/setup.sh --test`` noted in ``.venv/officekit-test-pg-url`` after starting a cluster with
``scripts/pg_test_server.sh`` (``.ci/run`` does both), e.g.
``postgresql+psycopg://postgres:postgres@127.0.0.1:5432/postgres``. Each session (each xdist
worker, each engineer's run) creates its own uniquely named database and drops it at the end, and
each test gets a fresh schema in it, so no two runs or tests ever see each other's rows.

Also used by ``bench/bench_ingest.py``.
"""

from __future__ import annotations

import itertools
import os
import secrets
from dataclasses import dataclass, field
from pathlib import Path

from sqlalchemy import create_engine, text
from sqlalchemy.engine import URL, make_url

ENV = "OFFICEKIT_TEST_PG_URL"
NOTED = Path(__file__).resolve().parents[1] / ".venv" / "officekit-test-pg-url"
PREFIX = "ok_test_"


def configured_url() -> str:
    """The PostgreSQL server the tests are to use, "" when none is configured."""
    if ENV in os.environ:
        return os.environ[ENV].strip()
    return NOTED.read_text(encoding="utf-8").strip() if NOTED.is_file() else ""


@dataclass
class PgDatabase:
    """A database made for one session on the server at ``admin_url``."""

    admin_url: URL
    name: str
    _counter: itertools.count[int] = field(default_factory=itertools.count)

    @classmethod
    def create(cls, admin_url: str, label: str = "") -> PgDatabase:
        """Create a new uniquely named database on the server (``ok_test_<label>_<random>``)."""
        url = make_url(admin_url)
        if url.drivername == "postgresql":
            url = url.set(drivername="postgresql+psycopg")
        tag = "".join(c for c in label.lower() if c.isalnum())[:12]
        name = f"{PREFIX}{tag}_{os.getpid()}_{secrets.token_hex(4)}"
        engine = create_engine(url, isolation_level="AUTOCOMMIT")
        try:
            with engine.connect() as conn:
                conn.execute(text(f'CREATE DATABASE "{name}"'))
        finally:
            engine.dispose()
        return cls(url, name)

    @property
    def url(self) -> str:
        """The URL of the whole database (its ``public`` schema)."""
        return self.admin_url.set(database=self.name).render_as_string(hide_password=False)

    def fresh_url(self) -> str:
        """The URL of a new, empty schema in the database (search_path set to it)."""
        schema = f"t{next(self._counter)}"
        engine = create_engine(self.url, isolation_level="AUTOCOMMIT")
        try:
            with engine.connect() as conn:
                conn.execute(text(f'CREATE SCHEMA "{schema}"'))
        finally:
            engine.dispose()
        url = self.admin_url.set(database=self.name).update_query_dict(
            {"options": f"-csearch_path={schema}"})
        return url.render_as_string(hide_password=False)

    def drop(self) -> None:
        """Drop the database, closing whatever connections a killed process left open."""
        engine = create_engine(self.admin_url, isolation_level="AUTOCOMMIT")
        try:
            with engine.connect() as conn:
                conn.execute(text(f'DROP DATABASE IF EXISTS "{self.name}" WITH (FORCE)'))
        finally:
            engine.dispose()
