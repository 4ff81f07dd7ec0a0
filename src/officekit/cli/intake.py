"""validate and ingest: read workbooks, check them, store the good ones."""

from __future__ import annotations

import json
import sys
from collections.abc import Collection, Iterator, Sequence
from contextlib import contextmanager
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING, Any

import click

from officekit.cli.app import (
    Ctx,
    F,
    cli,
    common,
    day_of,
    end_at_once,
    let_readers_go,
    option_help,
    skip_exit_sweep,
)
from officekit.errors import UsageError
from officekit.i18n import t
from officekit.model import FileResult, Record
from officekit.workspace import Workspace

if TYPE_CHECKING:
    from officekit.ledger.store import Ledger
    from officekit.validate.view import LedgerView


def _expand(paths: Sequence[Path], lang: str) -> list[Path]:
    """Files as given; a folder stands for the workbooks directly inside it.

    A path that gives nothing to read — a folder with no workbooks (even one named like a
    workbook, ``x.xlsx``), a FIFO, a device — is named on stderr with the reason; the command
    stops with exit 2 only when nothing is left to read. Such a path is never opened.
    """
    out: list[Path] = []
    notes: list[str] = []
    for p in paths:
        if p.is_dir():
            from officekit.watch.settle import WORKBOOK_SUFFIXES, ignore_reason

            found = sorted(x for x in p.iterdir()
                           if x.is_file() and x.suffix.lower() in WORKBOOK_SUFFIXES
                           and ignore_reason(x.name) is None)
            if not found:
                notes.append(t("error.cli.folder-without-workbooks", lang, path=str(p)))
            out.extend(found)
        elif p.is_file():
            out.append(p)
        elif p.exists() or p.is_symlink():
            notes.append(t("error.cli.not-a-regular-file", lang, path=str(p)))
        else:
            raise UsageError(key="error.cli.no-such-file", path=str(p))
    if not out:
        raise UsageError(key="error.cli.no-workbooks", notes="\n".join(notes))
    for note in notes:
        click.echo(note, err=True)
    return out


def _print_results(ctx: Ctx, results: list[FileResult], fmt: str, *,
                   stored: bool = True) -> None:
    if fmt == "json":
        click.echo(
            json.dumps(
                {"files": [r.to_dict(ctx.lang) for r in results]}, ensure_ascii=False, indent=2
            )
        )
        return
    from officekit.report_text import format_results

    click.echo(format_results(results, ctx.lang, stored=stored))


def _exit_for(results: list[FileResult]) -> None:
    if any(r.status == "rejected" or r.errors for r in results):
        sys.exit(1)


def _intake_options(func: F) -> F:
    """--format and --today, shared by validate and ingest."""
    func = click.option("--today", type=click.DateTime(["%Y-%m-%d"]), default=None,
                        help=option_help("intake.today"))(func)
    return click.option("--format", "fmt", type=click.Choice(["text", "json"]),
                        default="text", help=option_help("documents.format"))(func)


@cli.command()
@click.argument("files", nargs=-1, required=True, type=click.Path(path_type=Path))
@_intake_options
@common
def validate(ctx: Ctx, files: tuple[Path, ...], fmt: str, today: Any) -> None:
    """Check FILES without storing anything (help: ``command.validate``)."""
    from officekit.read.guard import shared_pool
    from officekit.validate.pipeline import CheckInChild, validate_paths

    # the reading child is forked now, before the ledger's database stack is imported here:
    # what it holds is then the reading stack and the file, not a copy of that too
    shared_pool().warm()
    paths = _expand(files, ctx.lang)
    ws = ctx.maybe_ws()
    settings = ws.settings if ws is not None else _default_settings()
    with ctx.steps("cli.steps.validate", len(paths)) as steps:
        if len(paths) == 1:  # the child reads the file; the ledger opens at its first question
            steps(paths[0].name)
            check = CheckInChild(paths[0], settings, day_of(today) or date.today())
            try:
                with _ledger_view(ws) as view:
                    if isinstance(view, _LedgerWhenAsked) and _small(paths[0]):
                        view.ledger()  # opened now: the child's read is over before it
                    results = [check.finish(view)]
            finally:
                check.cancel()
        else:
            with _ledger_view(ws) as view:
                results = validate_paths(paths, settings, view, today=day_of(today),
                                         progress=steps)
    let_readers_go()
    end_at_once()
    _print_results(ctx, results, fmt, stored=False)
    skip_exit_sweep()
    _exit_for(results)


def _default_settings() -> Any:
    from officekit.settings import Settings

    return Settings()


@contextmanager
def _ledger_view(ws: Workspace | None) -> Iterator[LedgerView]:
    """The workspace's ledger if one exists already (validate never creates one), else a view
    that holds nothing. The ledger is opened when first asked (see :class:`_LedgerWhenAsked`),
    and in any case before the results are given."""
    if ws is None or (not ws.settings.database_url and not (ws.data / "ledger.sqlite3").exists()):
        from officekit.validate.view import EmptyView

        yield EmptyView()
        return
    view = _LedgerWhenAsked(ws.database_url)
    try:
        yield view
        view.ledger()  # a ledger that cannot be opened is the error, whatever the files were
    finally:
        view.close()


# A workbook smaller than this is read (calamine) in less time than the ledger takes to open
# (~0.25 s): the ledger is opened at once beside it rather than at the child's first question.
SMALL_BYTES = 2 << 20


def _small(path: Path) -> bool:
    try:
        return path.stat().st_size < SMALL_BYTES
    except OSError:
        return False


class _LedgerWhenAsked:
    """The ledger as a LedgerView, opened at the first question. The guarded child asks its
    first one once it has measured the file and only waits for calamine: the database stack
    (~0.25 s of imports) is loaded here then, not while both of the child's threads work on
    the two cores."""

    def __init__(self, url: str) -> None:
        self._url = url
        self._ledger: Ledger | None = None

    def ledger(self) -> Ledger:
        if self._ledger is None:
            from officekit.ledger.store import Ledger

            self._ledger = Ledger.open(self._url)
        return self._ledger

    def staff_all(self) -> list[Record]:
        return self.ledger().staff_all()

    def complaints_by_id(self, ids: Collection[str]) -> dict[str, Record]:
        return self.ledger().complaints_by_id(ids)

    def complaint_ids(self, limit: int) -> list[str] | None:
        return self.ledger().complaint_ids(limit)

    def schedule_between(self, start: date, end: date) -> list[Record]:
        return self.ledger().schedule_between(start, end)

    def close(self) -> None:
        if self._ledger is not None:
            self._ledger.close()


@cli.command()
@click.argument("files", nargs=-1, required=True, type=click.Path(path_type=Path))
@_intake_options
@common
def ingest(ctx: Ctx, files: tuple[Path, ...], fmt: str, today: Any) -> None:
    """Check FILES and store the good ones (help: ``command.ingest``)."""
    from officekit.intake import ingest_files

    ws = ctx.ws
    ws.ensure()
    paths = _expand(files, ctx.lang)
    with ctx.steps("cli.steps.ingest", len(paths)) as steps:
        results = ingest_files(ws, paths, today=day_of(today), lang=ctx.lang, progress=steps)
    _print_results(ctx, results, fmt)
    _exit_for(results)
